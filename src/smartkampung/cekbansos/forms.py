"""Forms of the Cek Bansos pages: input shape only; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Relation, SanggahReason

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"]  # <input type=date> sends the first


class CheckForm(forms.Form):
    nik = forms.CharField(label="NIK", max_length=16, min_length=16,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{16}"}))
    birth_date = forms.DateField(label=_("Tanggal lahir"), input_formats=DATE_FORMATS, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean_nik(self):
        nik = self.cleaned_data["nik"].strip()
        if not nik.isascii() or not nik.isdigit():
            raise forms.ValidationError(_("NIK harus 16 angka."))
        return nik


class SearchForm(forms.Form):
    village = forms.ChoiceField(label=_("Desa/kelurahan"))
    name = forms.CharField(label=_("Nama"), max_length=80, min_length=3)

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("— pilih desa/kelurahan —"))] + [(v.code, f"{v.parent.name} · {v.name}") for v in villages]


class UsulForm(forms.Form):
    nik = forms.CharField(label=_("NIK warga yang diusulkan"), max_length=16, min_length=16,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{16}"}))
    relation = forms.ChoiceField(label=_("Siapa yang diusulkan?"), choices=Relation.choices, widget=forms.RadioSelect, initial=Relation.SELF)
    reason = forms.CharField(label=_("Alasan: mengapa warga ini perlu dibantu?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    reporter_name = forms.CharField(label=_("Nama Anda (boleh dikosongkan)"), max_length=120, required=False)
    reporter_contact = forms.CharField(label=_("Nomor HP atau surel Anda"), max_length=60, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    photo = forms.FileField(label=_("Foto pendukung (boleh dikosongkan, JPEG/PNG, paling besar 5 MB)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))


class SanggahForm(forms.Form):
    t = forms.CharField(widget=forms.HiddenInput)
    programme = forms.ChoiceField(label=_("Bantuan yang disanggah"))
    reason_kind = forms.ChoiceField(label=_("Alasan"), choices=SanggahReason.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Jelaskan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    objector_name = forms.CharField(label=_("Nama Anda (boleh dikosongkan)"), max_length=120, required=False)
    objector_contact = forms.CharField(label=_("Nomor HP Anda (boleh dikosongkan; hanya untuk petugas verifikasi)"), max_length=60, required=False)

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = list(programmes)


class TicketForm(forms.Form):
    ticket = forms.CharField(label=_("Nomor tiket"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "US-XXXX-XXXX"}))


# --- Staff --------------------------------------------------------------------------------------------


class UsulConfirmForm(forms.Form):
    programme = forms.ChoiceField(label=_("Daftarkan pada program"))
    start_date = forms.DateField(label=_("Mulai menerima"), input_formats=DATE_FORMATS, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Catatan hasil kunjungan"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [(p.code, f"{p.code} — {p.name}") for p in programmes]


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Hasil verifikasi (ditampilkan kepada pelapor)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class SanggahDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Keputusan"), choices=[("upheld", _("Sanggahan diterima")), ("rejected", _("Sanggahan tidak terbukti"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("Hasil verifikasi (ditampilkan kepada penyanggah)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    end_enrolment = forms.BooleanField(label=_("Akhiri kepesertaan penerima"), required=False)
    end_date = forms.DateField(label=_("Tanggal berakhir"), required=False, input_formats=DATE_FORMATS,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
