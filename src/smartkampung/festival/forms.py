"""Staff form for an event: it parses; services.event_create/event_update decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from smartkampung.core.models import Area, AreaKind

from .models import EventCategory


class EventForm(forms.Form):
    title = forms.CharField(label=_("Nama acara"), max_length=140)
    category = forms.ChoiceField(label=_("Kategori"), choices=EventCategory.choices)
    start_date = forms.DateField(label=_("Tanggal mulai"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("Tanggal selesai"), widget=forms.DateInput(attrs={"type": "date"}), required=False)
    start_time = forms.TimeField(label=_("Jam mulai (WIB; kosongkan untuk sehari penuh)"), widget=forms.TimeInput(attrs={"type": "time"}), required=False)
    end_time = forms.TimeField(label=_("Jam selesai (WIB)"), widget=forms.TimeInput(attrs={"type": "time"}), required=False)
    venue = forms.CharField(label=_("Tempat"), max_length=140)
    village = forms.ChoiceField(label=_("Desa/kelurahan"))
    latitude = forms.FloatField(label=_("Lintang (kosongkan: titik desa)"), required=False)
    longitude = forms.FloatField(label=_("Bujur"), required=False)
    description = forms.CharField(label=_("Deskripsi"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    organizer = forms.CharField(label=_("Penyelenggara"), max_length=140, required=False)
    url = forms.URLField(label=_("Tautan (boleh kosong)"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        villages = Area.objects.filter(kind__in=(AreaKind.DESA, AreaKind.KELURAHAN)).select_related("parent").order_by("parent__name", "name")
        self.fields["village"].choices = [("", "—")] + [(v.code, f"{v.parent.name} · {v.name}") for v in villages]


class ImageForm(forms.Form):
    image = forms.FileField(label=_("Gambar (JPEG/PNG/WebP, maks. 5 MB)"))
    caption = forms.CharField(label=_("Keterangan"), max_length=200, required=False)
