"""Page forms: they only parse what was typed; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from smartkampung.core.models import Area, AreaKind

from .models import Category, PaymentMethod


def village_choices() -> list[tuple[str, str]]:
    villages = Area.objects.filter(kind__in=(AreaKind.DESA, AreaKind.KELURAHAN)).select_related("parent").order_by("parent__name", "name")
    return [("", "—")] + [(v.code, f"{v.parent.name} · {v.name}") for v in villages]


def category_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(c.code, c.name) for c in Category.objects.all()]


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    username = forms.CharField(label=_("Nama pengguna"), max_length=40)
    email = forms.EmailField(label=_("Email (boleh kosong)"), required=False)
    password = forms.CharField(label=_("Kata sandi (minimal 10 karakter)"), widget=forms.PasswordInput)
    password_again = forms.CharField(label=_("Ulangi kata sandi"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("Kedua kata sandi tidak sama."))
        return data


class SellerForm(forms.Form):
    business_name = forms.CharField(label=_("Nama usaha"), max_length=100)
    village = forms.ChoiceField(label=_("Desa/kelurahan tempat usaha"))
    category = forms.ChoiceField(label=_("Kategori utama"))
    phone = forms.CharField(label=_("Nomor HP/WhatsApp"), max_length=20)
    description = forms.CharField(label=_("Tentang usaha"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    bank_name = forms.CharField(label=_("Bank (untuk transfer, boleh kosong)"), max_length=40, required=False)
    bank_account = forms.CharField(label=_("Nomor rekening"), max_length=30, required=False)
    bank_holder = forms.CharField(label=_("Atas nama"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = village_choices()
        self.fields["category"].choices = category_choices()


class SellerRegisterForm(SellerForm):
    nik = forms.CharField(label=_("NIK pemilik"), max_length=16, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    birth_date = forms.DateField(label=_("Tanggal lahir pemilik"), widget=forms.DateInput(attrs={"type": "date"}))
    field_order = ["nik", "birth_date", "business_name", "village", "category", "phone", "description", "bank_name", "bank_account", "bank_holder"]


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Nama produk"), max_length=120)
    category = forms.ChoiceField(label=_("Kategori"))
    price = forms.IntegerField(label=_("Harga (Rp)"))
    stock = forms.IntegerField(label=_("Stok"))
    weight_grams = forms.IntegerField(label=_("Berat (gram)"))
    description = forms.CharField(label=_("Deskripsi"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    active = forms.BooleanField(label=_("Tampilkan di toko"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Foto produk (JPEG/PNG/WebP, maks. 5 MB)"))


class CheckoutForm(forms.Form):
    buyer_name = forms.CharField(label=_("Nama penerima"), max_length=100)
    buyer_phone = forms.CharField(label=_("Nomor HP penerima"), max_length=20)
    shipping_address = forms.CharField(label=_("Alamat pengiriman"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    shipping_village = forms.ChoiceField(label=_("Desa/kelurahan (kosongkan bila di luar Banyuwangi)"), required=False)
    payment_method = forms.ChoiceField(label=_("Cara bayar"), choices=PaymentMethod.choices, widget=forms.RadioSelect, initial=PaymentMethod.COD)
    note = forms.CharField(label=_("Catatan untuk penjual"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipping_village"].choices = village_choices()


class ProofForm(forms.Form):
    proof = forms.FileField(label=_("Bukti transfer (foto atau tangkapan layar)"))
