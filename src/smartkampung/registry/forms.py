"""Forms for the operator's life-event pages; they only parse input — the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Disability, Education, HouseCondition, MaritalStatus, Relationship, Religion, Sex


class DateInput(forms.DateInput):
    input_type = "date"


class BirthForm(forms.Form):
    nik = forms.CharField(label="NIK", max_length=16, min_length=16)
    name = forms.CharField(label=_("Nama"), max_length=120)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=DateInput)
    birth_place = forms.CharField(label=_("Tempat lahir"), max_length=80, required=False)
    religion = forms.ChoiceField(label=_("Agama"), choices=Religion.choices, initial=Religion.ISLAM)
    relationship = forms.ChoiceField(label=_("Hubungan"), choices=[(code, label) for code, label in Relationship.choices if code in ("anak", "cucu", "famili_lain")])


class DeathForm(forms.Form):
    date_of_death = forms.DateField(label=_("Tanggal meninggal"), widget=DateInput)


class MoveForm(forms.Form):
    kk_number = forms.CharField(label=_("No. KK tujuan"), max_length=16, min_length=16)
    relationship = forms.ChoiceField(label=_("Hubungan di KK tujuan"), choices=Relationship.choices)
    moved_on = forms.DateField(label=_("Tanggal pindah"), widget=DateInput)


class HouseholdForm(forms.Form):
    kk_number = forms.CharField(label=_("No. KK"), max_length=16, min_length=16)
    village = forms.ChoiceField(label=_("Desa/kelurahan"))
    dusun = forms.CharField(label=_("Dusun"), max_length=60, required=False)
    rw = forms.CharField(label="RW", max_length=3)
    rt = forms.CharField(label="RT", max_length=3)
    street = forms.CharField(label=_("Jalan"), max_length=120, required=False)
    latitude = forms.FloatField(label=_("Lintang"), required=False)
    longitude = forms.FloatField(label=_("Bujur"), required=False)
    desil = forms.TypedChoiceField(label=_("Desil kesejahteraan"), coerce=int, empty_value=None, required=False,
                                   choices=[("", "-")] + [(d, d) for d in range(1, 11)])
    house_condition = forms.ChoiceField(label=_("Kondisi rumah"), choices=HouseCondition.choices)

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.code, f"{v.parent.name} · {v.name}") for v in villages]


class MemberForm(forms.Form):
    nik = forms.CharField(label="NIK", max_length=16, min_length=16)
    name = forms.CharField(label=_("Nama"), max_length=120)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=DateInput)
    birth_place = forms.CharField(label=_("Tempat lahir"), max_length=80, required=False)
    relationship = forms.ChoiceField(label=_("Hubungan"), choices=Relationship.choices)
    religion = forms.ChoiceField(label=_("Agama"), choices=Religion.choices, initial=Religion.ISLAM)
    marital_status = forms.ChoiceField(label=_("Status perkawinan"), choices=MaritalStatus.choices)
    education = forms.ChoiceField(label=_("Pendidikan"), choices=Education.choices)
    occupation = forms.CharField(label=_("Pekerjaan"), max_length=60, required=False)
    disability = forms.ChoiceField(label=_("Disabilitas"), choices=Disability.choices, initial=Disability.NONE)
    phone = forms.CharField(label=_("Telepon"), max_length=20, required=False)


class SplitForm(forms.Form):
    members = forms.MultipleChoiceField(label=_("Anggota yang pisah"), widget=forms.CheckboxSelectMultiple)
    head = forms.ChoiceField(label=_("Kepala keluarga baru"))
    kk_number = forms.CharField(label=_("No. KK baru"), max_length=16, min_length=16)
    split_on = forms.DateField(label=_("Tanggal pisah"), widget=DateInput)
    rt = forms.CharField(label=_("RT (jika pindah rumah)"), max_length=3, required=False)
    rw = forms.CharField(label=_("RW (jika pindah rumah)"), max_length=3, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(m.person_id), m.person.name) for m in members]
        self.fields["members"].choices = choices
        self.fields["head"].choices = choices


class KkReissueForm(forms.Form):
    kk_number = forms.CharField(label=_("No. KK baru"), max_length=16, min_length=16)
    reason = forms.CharField(label=_("Alasan"), max_length=200)
    new_head = forms.ChoiceField(label=_("Kepala keluarga"), required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_head"].choices = [("", _("(tetap)"))] + [(str(m.person_id), m.person.name) for m in members]
