"""Forms for the operator's life-event pages; they only parse input — the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Relationship, Religion, Sex


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
