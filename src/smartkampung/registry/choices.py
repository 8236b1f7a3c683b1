"""The coded facts of a resident and a household (the codes a KK and Dukcapil use)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Laki-laki")
    FEMALE = "F", _("Perempuan")


class Religion(models.TextChoices):
    ISLAM = "islam", "Islam"
    KRISTEN = "kristen", "Kristen"
    KATOLIK = "katolik", "Katolik"
    HINDU = "hindu", "Hindu"
    BUDDHA = "buddha", "Buddha"
    KONGHUCU = "konghucu", "Konghucu"
    KEPERCAYAAN = "kepercayaan", _("Kepercayaan terhadap Tuhan YME")


class MaritalStatus(models.TextChoices):
    BELUM_KAWIN = "belum_kawin", _("Belum kawin")
    KAWIN = "kawin", _("Kawin")
    CERAI_HIDUP = "cerai_hidup", _("Cerai hidup")
    CERAI_MATI = "cerai_mati", _("Cerai mati")


class Education(models.TextChoices):
    TIDAK_SEKOLAH = "tidak_sekolah", _("Tidak/belum sekolah")
    BELUM_TAMAT_SD = "belum_tamat_sd", _("Belum tamat SD/sederajat")
    SD = "sd", _("Tamat SD/sederajat")
    SMP = "smp", _("SLTP/sederajat")
    SMA = "sma", _("SLTA/sederajat")
    D1_D2 = "d1_d2", _("Diploma I/II")
    D3 = "d3", _("Akademi/Diploma III")
    D4_S1 = "d4_s1", _("Diploma IV/Strata I")
    S2 = "s2", _("Strata II")
    S3 = "s3", _("Strata III")


class Disability(models.TextChoices):
    NONE = "none", _("Tidak ada")
    PHYSICAL = "physical", _("Fisik")
    VISUAL = "visual", _("Netra")
    HEARING = "hearing", _("Rungu")
    SPEECH = "speech", _("Wicara")
    INTELLECTUAL = "intellectual", _("Intelektual")
    MENTAL = "mental", _("Mental")
    MULTIPLE = "multiple", _("Ganda")


class Relationship(models.TextChoices):
    KEPALA = "kepala", _("Kepala keluarga")
    SUAMI = "suami", _("Suami")
    ISTRI = "istri", _("Istri")
    ANAK = "anak", _("Anak")
    MENANTU = "menantu", _("Menantu")
    CUCU = "cucu", _("Cucu")
    ORANG_TUA = "orang_tua", _("Orang tua")
    MERTUA = "mertua", _("Mertua")
    FAMILI_LAIN = "famili_lain", _("Famili lain")
    PEMBANTU = "pembantu", _("Pembantu")
    LAINNYA = "lainnya", _("Lainnya")


class HouseCondition(models.TextChoices):
    LAYAK = "layak", _("Layak huni")
    KURANG_LAYAK = "kurang_layak", _("Kurang layak")
    TIDAK_LAYAK = "tidak_layak", _("Tidak layak huni (RTLH)")
