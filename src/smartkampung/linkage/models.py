"""Agency lists staged row by row, their links to registry people, and the review queue.

An ImportBatch is one file for one programme (recognised again by its SHA-256). Rows are staged in
chunks, each chunk committed with the batch's `rows_committed` counter, so a crash leaves whole chunks
only and a re-run resumes after the last one. Linking fills each row's link fields; doubtful pairs
(staged row vs person, or person vs person inside the registry) become ReviewItems.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartkampung.core.models import Area
from smartkampung.programmes.models import Enrolment, Programme
from smartkampung.registry.models import Person


class BatchStatus(models.TextChoices):
    STAGING = "staging", _("Sedang dibaca")
    STAGED = "staged", _("Selesai dibaca")
    LINKING = "linking", _("Sedang dicocokkan")
    LINKED = "linked", _("Selesai dicocokkan")
    FAILED = "failed", _("Gagal")


class ImportBatch(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_format = models.CharField(max_length=4)  # csv, xlsx
    # Where the file is kept so a crashed import can resume (uploads are copied under VAR_DIR).
    stored_path = models.CharField(max_length=500, blank=True)
    column_map = models.JSONField(default=dict)  # field -> file header
    starts_on = models.DateField()  # start date of the enrolments this list feeds
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.STAGING)
    rows_total = models.PositiveIntegerField(null=True, blank=True)  # known once the file is read to the end
    rows_committed = models.PositiveIntegerField(default=0)  # rows staged in committed chunks
    rows_valid = models.PositiveIntegerField(default=0)
    rows_flagged = models.PositiveIntegerField(default=0)
    rows_invalid = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["programme", "file_sha256"], name="importbatch_file_once")]

    def __str__(self) -> str:
        return f"{self.programme.code}: {self.file_name}"


class RowOutcome(models.TextChoices):
    VALID = "valid", _("Valid")
    FLAGGED = "flagged", _("Ada catatan")  # usable for linking, with reasons (bad NIK, unknown village...)
    INVALID = "invalid", _("Tidak dapat dicocokkan")  # no name, or neither a valid NIK nor a birth date


class LinkStatus(models.TextChoices):
    PENDING = "pending", _("Belum dicocokkan")
    EXACT = "exact", _("Cocok NIK")
    MATCHED = "matched", _("Cocok (probabilistik)")
    REVIEW = "review", _("Perlu ditinjau")
    NEW = "new", _("Tidak ditemukan")
    REJECTED = "rejected", _("Ditolak peninjau")


class StagedRow(models.Model):
    # Indexes are kept to what reads use: every row is written at import and once more by its link run,
    # and each index costs each write (no index of its own on batch: the unique (batch, row_number) serves).
    # Rows are read by batch and by person (merges); village and enrolment have no index: areas and
    # enrolments are never deleted (an enrolment is ended), which is the only read those would serve.
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows", db_index=False)
    row_number = models.PositiveIntegerField()  # 1 = first data row under the header
    raw = models.JSONField(default=dict)  # the row as read, header -> text
    nik = models.CharField(max_length=32, blank=True)  # as listed (cleaned of spaces)
    nik_valid = models.BooleanField(default=False)
    kk_number = models.CharField(max_length=32, blank=True)
    name = models.CharField(max_length=200, blank=True)
    match_name = models.CharField(max_length=200, blank=True)  # names.match_key(name)
    birth_date = models.DateField(null=True, blank=True)
    birth_place = models.CharField(max_length=80, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    address = models.CharField(max_length=200, blank=True)
    rt = models.CharField(max_length=3, blank=True)
    rw = models.CharField(max_length=3, blank=True)
    village = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    outcome = models.CharField(max_length=8, choices=RowOutcome.choices)
    reasons = models.JSONField(default=list)  # [{"field", "code", "message"}], warnings included
    link_status = models.CharField(max_length=10, choices=LinkStatus.choices, default=LinkStatus.PENDING)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    match_probability = models.FloatField(null=True, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    enrolment = models.ForeignKey(Enrolment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False)

    SCOPE_FIELD = "village"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "row_number"], name="stagedrow_once")]
        indexes = [models.Index(fields=["batch", "link_status"], name="stagedrow_batch_link")]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.row_number}"


class LinkRun(models.Model):
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="runs")
    include_registry = models.BooleanField(default=True)  # also look for duplicates inside the registry
    status = models.CharField(max_length=10, default="running")  # running, done, failed
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Link run {self.pk} ({self.status})"


class ReviewKind(models.TextChoices):
    ROW_PERSON = "row_person", _("Baris daftar ↔ penduduk")
    PERSON_PERSON = "person_person", _("Penduduk ganda")


class Decision(models.TextChoices):
    PENDING = "pending", _("Menunggu")
    ACCEPTED = "accepted", _("Orang yang sama")
    REJECTED = "rejected", _("Orang berbeda")
    UNSURE = "unsure", _("Tidak yakin")


class ReviewItem(models.Model):
    """A doubtful pair for a person to decide. `pair_key` makes each pair a single item forever: a
    decided pair is never asked again, even when a later run finds it again."""

    kind = models.CharField(max_length=14, choices=ReviewKind.choices)
    pair_key = models.CharField(max_length=80, unique=True)
    row = models.ForeignKey(StagedRow, null=True, blank=True, on_delete=models.CASCADE, related_name="review_items")
    left_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")  # the registry candidate
    village = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    match_probability = models.FloatField()
    evidence = models.JSONField(default=dict)
    run = models.ForeignKey(LinkRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="review_items")
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_FIELD = "village"

    class Meta:
        ordering = ["-match_probability", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="row_person") & Q(row__isnull=False)) | (Q(kind="person_person") & Q(left_person__isnull=False)),
                name="reviewitem_has_left",
            ),
        ]
        indexes = [models.Index(fields=["decision", "village"], name="reviewitem_queue")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pair_key}"


class RegistryFeatures(models.Model):
    """The registry side of the model for one resident, kept between link runs (a derived copy, never a source).

    `features` is matching.prepare() of the resident's current record (its values in matching.COLUMNS
    order after unique_id, as a JSON array); `source` is the record it was derived from and `version` the
    code that derived it. A row whose source or version differs from the registry's current record and code
    is recomputed by the next run before it is used, so a registry change is always seen (see
    linking.registry_frame). `name` and `match_key` let the exact-NIK pass check names in SQL.
    """

    person = models.OneToOneField(Person, primary_key=True, on_delete=models.CASCADE, related_name="+")
    version = models.CharField(max_length=16)
    source = models.TextField()
    name = models.CharField(max_length=200)
    match_key = models.CharField(max_length=200)
    features = models.TextField()

    def __str__(self) -> str:
        return f"features of person {self.person_id}"
