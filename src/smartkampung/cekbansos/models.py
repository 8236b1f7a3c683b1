"""Cek Bansos: the public check of who receives what, usul (I/my neighbour was missed) and sanggah
(objection to a recipient), with the safety state that stops anyone fishing through other people's data.

No table here holds a NIK or a client address in clear text: lookups and counters are keyed by an HMAC
(guard.keyed_hash) of the value with the deployment's SECRET_KEY.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartkampung.core.models import Area
from smartkampung.programmes.models import Enrolment, Programme
from smartkampung.registry.models import Person


class Throttle(models.Model):
    """How many times a keyed subject (a client, a NIK) did something counted in one time window.

    Updated only by an atomic upsert (guard._bump), so several workers on several machines share it.
    Old windows are deleted by `smartkampung cekbansos_purge`.
    """

    key = models.CharField(max_length=32)  # keyed hash of "<counter>:<value>"
    window = models.BigIntegerField()  # start of the window, epoch seconds
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="cekbansos_throttle_key_window")]

    def __str__(self) -> str:
        return f"{self.key[:8]}… @{self.window}: {self.hits}"


class LookupKind(models.TextChoices):
    CHECK = "check", _("Cek NIK")
    SEARCH = "search", _("Cari nama")
    USUL = "usul", _("Usulan")
    SANGGAH = "sanggah", _("Sanggahan")
    TICKET = "ticket", _("Lacak tiket")


class LookupLog(models.Model):
    """One public lookup: when, what kind, with what outcome, by which client and for which NIK — both
    as keyed hashes, so the log can answer "who looked up this NIK" without holding NIKs."""

    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=8, choices=LookupKind.choices)
    outcome = models.CharField(max_length=12)  # found, not_found, throttled, locked, invalid, accepted, refused...
    client_hash = models.CharField(max_length=32)
    nik_hash = models.CharField(max_length=32, blank=True)
    via = models.CharField(max_length=4)  # web, api

    class Meta:
        indexes = [models.Index(fields=["at"], name="cekbansos_lookup_at"), models.Index(fields=["nik_hash", "at"], name="cekbansos_lookup_nik")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.outcome}"


class ExcludingProgramme(models.Model):
    """A programme whose recipients are excluded from new aid (Cek Bansos 2021: PKH, BPNT, BLT Desa, BST,
    BPUM or regional aid). Kept as data so the regency can change the list in the admin."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.programme.code


class Relation(models.TextChoices):
    SELF = "self", _("Diri sendiri")
    FAMILY = "family", _("Anggota keluarga")
    NEIGHBOUR = "neighbour", _("Tetangga")
    OTHER = "other", _("Lainnya")


class UsulStatus(models.TextChoices):
    VERIFYING = "verifying", _("Diverifikasi desa")
    EXCLUDED = "excluded", _("Tidak diteruskan: sudah menerima bantuan")
    CONFIRMED = "confirmed", _("Dikonfirmasi, didaftarkan")
    REJECTED = "rejected", _("Tidak dikonfirmasi")


class Usul(models.Model):
    """A resident reported as missed by a programme, by themselves or by someone else."""

    ticket = models.CharField(max_length=14, unique=True)  # the reporter's follow code (guard.new_ticket)
    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")  # the subject's, when reported
    relation = models.CharField(max_length=10, choices=Relation.choices)
    reporter_name = models.CharField(max_length=120, blank=True)
    reporter_contact = models.CharField(max_length=60)
    reason = models.TextField()
    photo = models.FileField(upload_to="cekbansos/usul/%Y/%m/", blank=True)  # re-encoded JPEG, no metadata
    # What the registry said at the time: programmes whose rules the subject met without receiving them,
    # and the excluding programmes the subject already received.
    programmes_met = models.JSONField(default=list, blank=True)
    excluded_by = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=UsulStatus.choices)
    case_id = models.BigIntegerField(null=True, blank=True)  # cases.Case (kept loose: no cross-app migration)
    case_ticket = models.CharField(max_length=20, blank=True)
    enrolment = models.ForeignKey(Enrolment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision_note = models.TextField(blank=True)

    SCOPE_FIELD = "village"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["village", "status"], name="cekbansos_usul_village"), models.Index(fields=["subject", "status"], name="cekbansos_usul_subject")]

    def __str__(self) -> str:
        return f"Usul {self.ticket}"


class SanggahReason(models.TextChoices):
    DECEASED = "deceased", _("Sudah meninggal dunia")
    MOVED = "moved", _("Sudah pindah")
    WELL_OFF = "well_off", _("Mampu / tidak layak menerima")
    DOUBLE = "double", _("Menerima ganda")
    OTHER = "other", _("Alasan lain")


class SanggahStatus(models.TextChoices):
    VERIFYING = "verifying", _("Diverifikasi desa")
    UPHELD = "upheld", _("Sanggahan diterima")
    REJECTED = "rejected", _("Sanggahan tidak terbukti")


class Sanggah(models.Model):
    """An objection to a recipient. The objector's name and contact are for the verifying staff only:
    they never go into the case (raised anonymous) and never to the person objected to."""

    ticket = models.CharField(max_length=14, unique=True)
    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    reason_kind = models.CharField(max_length=10, choices=SanggahReason.choices)
    reason = models.TextField()
    objector_name = models.CharField(max_length=120, blank=True)
    objector_contact = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=10, choices=SanggahStatus.choices, default=SanggahStatus.VERIFYING)
    case_id = models.BigIntegerField(null=True, blank=True)
    case_ticket = models.CharField(max_length=20, blank=True)
    enrolment_ended = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision_note = models.TextField(blank=True)

    SCOPE_FIELD = "village"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["village", "status"], name="cekbansos_sanggah_village")]

    def __str__(self) -> str:
        return f"Sanggah {self.ticket}"
