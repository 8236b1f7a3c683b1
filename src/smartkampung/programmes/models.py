"""Programmes "by name by address": the catalogue, who receives what since when, and targeting runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartkampung.core.models import Area
from smartkampung.registry.models import Household, Person


class Level(models.TextChoices):
    NATIONAL = "national", _("Nasional")
    PROVINCE = "province", _("Provinsi")
    REGENCY = "regency", _("Kabupaten")
    VILLAGE = "village", _("Desa")


class Unit(models.TextChoices):
    PERSON = "person", _("Perorangan")
    HOUSEHOLD = "household", _("Keluarga (KK)")


class BenefitKind(models.TextChoices):
    CASH = "cash", _("Uang tunai")
    IN_KIND = "in_kind", _("Barang")
    SERVICE = "service", _("Layanan")


class Period(models.TextChoices):
    MONTH = "month", _("per bulan")
    QUARTER = "quarter", _("per triwulan")
    YEAR = "year", _("per tahun")
    DAY = "day", _("per hari")
    ONCE = "once", _("sekali")


class Programme(models.Model):
    code = models.CharField(max_length=20, unique=True)  # PKH, BPNT, BLT_DD...: what rules and lists name
    name = models.CharField(max_length=120)
    agency = models.CharField(max_length=120)
    level = models.CharField(max_length=10, choices=Level.choices)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    benefit_kind = models.CharField(max_length=10, choices=BenefitKind.choices)
    amount = models.PositiveBigIntegerField(default=0)  # rupiah per period (cash) or its value (in kind)
    period = models.CharField(max_length=10, choices=Period.choices)
    description = models.TextField(blank=True)
    source_note = models.CharField(max_length=300, blank=True)  # where the amount comes from (DOMAIN.md)
    rule_text = models.TextField(blank=True)  # the eligibility rule (programmes/rules.py); empty = not targeted
    # "Not for recipients of": BLT Dana Desa excludes PKH and BPNT recipients.
    excludes = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="excluded_by")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class ProgrammeComponent(models.Model):
    """A part of a programme with its own amount (PKH: pregnant women, young children, pupils, elderly...)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="components")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=120)
    amount = models.PositiveBigIntegerField()
    period = models.CharField(max_length=10, choices=Period.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="component_unique")]

    def __str__(self) -> str:
        return f"{self.programme.code}/{self.code}"


class ProgrammeQuota(models.Model):
    """How many a programme may reach in an area (a kecamatan or village), if it is capped there."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="quotas")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "area"], name="quota_unique")]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.area.name}: {self.quota}"


class RuleVersion(models.Model):
    """Every saved version of a programme's rule, so a targeting result can be traced to its rule."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rule_versions")
    text = models.TextField()
    saved_at = models.DateTimeField(auto_now_add=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-saved_at", "-id"]

    def __str__(self) -> str:
        return f"{self.programme.code} rule of {self.saved_at:%Y-%m-%d %H:%M}"


class Source(models.TextChoices):
    AGENCY_LIST = "agency_list", _("Daftar instansi")
    TARGETING = "targeting", _("Hasil penargetan")
    USUL = "usul", _("Usulan warga")
    MANUAL = "manual", _("Input petugas")
    SYNTH = "synth", _("Data sintetis")


class Enrolment(models.Model):
    """One resident or household receiving one programme over a period.

    An agency list may name a NIK that the registry does not know: the enrolment is kept with the NIK as
    listed (person empty) so that it shows up as an error instead of being lost.
    """

    # No single-column index on programme, person, household or village: the composite indexes in Meta
    # lead with each of them and serve the same reads; every index costs each of the millions of
    # enrolments an agency list or the synth writes.
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments", db_index=False)
    component = models.ForeignKey(ProgrammeComponent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments", db_index=False)
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments", db_index=False)
    listed_nik = models.CharField(max_length=16, blank=True)  # the NIK as the source listed it
    listed_name = models.CharField(max_length=120, blank=True)
    # The recipient's village, kept so lists are scoped like the registry; empty for an unknown NIK
    # (only regency-wide staff see those).
    village = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    amount = models.PositiveBigIntegerField(default=0)  # rupiah per the programme's period
    source = models.CharField(max_length=12, choices=Source.choices)
    source_ref = models.CharField(max_length=120, blank=True)  # list name, run id, case ticket...
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_FIELD = "village"

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False) | Q(household__isnull=False) | ~Q(listed_nik=""), name="enrolment_has_recipient"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")), name="enrolment_end_after_start"),
        ]
        indexes = [
            models.Index(fields=["programme", "person"], name="enrolment_programme_person"),
            models.Index(fields=["programme", "household"], name="enrolment_programme_household"),
            models.Index(fields=["person", "programme"], name="enrolment_person"),
            models.Index(fields=["household", "programme"], name="enrolment_household"),
            models.Index(fields=["village", "programme"], name="enrolment_village"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} → {self.person_id or self.household_id or self.listed_nik}"


class EnrolmentEvent(models.Model):
    """The typed history of an enrolment: created, ended, amount changed."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"


class FindingKind(models.TextChoices):
    EXCLUSION = "exclusion", _("Layak tetapi tidak menerima")
    NOT_ELIGIBLE = "not_eligible", _("Menerima tetapi tidak layak")
    DECEASED = "deceased", _("Menerima padahal meninggal")
    DUPLICATE = "duplicate", _("Menerima ganda")
    UNKNOWN_NIK = "unknown_nik", _("NIK tidak dikenal")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu")
    RUNNING = "running", _("Berjalan")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class TargetingRun(models.Model):
    """One run over the whole registry. A run is queued (from the web, for the task worker) or started at
    once (the `target` command); it works step by step, one committed step per programme, so its progress
    is visible to the page polling it; only a "done" run's findings are ever shown."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateField()
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    codes = models.JSONField(default=list, blank=True)  # the programmes asked for; empty = every targeted programme
    step = models.CharField(max_length=30, blank=True)  # "facts" or the programme being worked on
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # last sign of life of the process doing the run
    # 1 while queued or running, NULL after: the unique constraint lets the database, not a lock in one
    # process, guarantee that two runs never rebuild the facts snapshot at the same time.
    active_slot = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["active_slot"], name="targetingrun_one_active")]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.as_of}, {self.status})"


class RunProgrammeStat(models.Model):
    """One programme's figures in one run: the trend of a programme's effectiveness over runs."""

    run = models.ForeignKey(TargetingRun, on_delete=models.CASCADE, related_name="stats")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    rule_text = models.TextField(blank=True)
    eligible = models.PositiveIntegerField(default=0)
    recipients = models.PositiveIntegerField(default=0)  # active enrolments
    eligible_receiving = models.PositiveIntegerField(default=0)
    exclusion = models.PositiveIntegerField(default=0)
    not_eligible = models.PositiveIntegerField(default=0)
    deceased = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    unknown_nik = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "programme"], name="runstat_unique")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.programme.code}"

    @property
    def coverage(self) -> float | None:
        """Share of the eligible who receive."""
        return self.eligible_receiving / self.eligible if self.eligible else None

    @property
    def error_share(self) -> float | None:
        """Share of recipients who should not receive (not eligible, deceased, duplicate, unknown NIK)."""
        errors = self.not_eligible + self.deceased + self.duplicate + self.unknown_nik
        return errors / self.recipients if self.recipients else None


class TargetingFinding(models.Model):
    run = models.ForeignKey(TargetingRun, on_delete=models.CASCADE, related_name="findings")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=FindingKind.choices)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(Enrolment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    listed_nik = models.CharField(max_length=16, blank=True)

    SCOPE_FIELD = "village"

    class Meta:
        indexes = [
            models.Index(fields=["run", "programme", "kind"], name="finding_run_programme"),
            models.Index(fields=["run", "village", "programme"], name="finding_run_village"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.programme_id}"


class RunVillageStat(models.Model):
    """One programme's figures in one village in one run: what the map and the dashboards show."""

    run = models.ForeignKey(TargetingRun, on_delete=models.CASCADE, related_name="village_stats")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    eligible = models.PositiveIntegerField(default=0)
    recipients = models.PositiveIntegerField(default=0)
    eligible_receiving = models.PositiveIntegerField(default=0)
    exclusion = models.PositiveIntegerField(default=0)
    not_eligible = models.PositiveIntegerField(default=0)
    deceased = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)

    SCOPE_FIELD = "village"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "programme", "village"], name="runvillagestat_unique")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.programme_id}/{self.village_id}"


class PersonFacts(models.Model):
    """A snapshot of each resident's registry facts joined with their current household, refreshed at the
    start of every targeting run: rules compile to one indexed scan of this table instead of three
    correlated subqueries per person."""

    # No database foreign keys: the table is derived, rebuilt whole from the registry in one statement at
    # each run, and checking 1.8 M rows against three tables at commit doubled a run on PostgreSQL. On
    # PostgreSQL the table is also UNLOGGED (migration 0003): after a crash it is empty and is rebuilt.
    person = models.OneToOneField(Person, primary_key=True, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    village = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    household = models.ForeignKey(Household, null=True, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1)
    disability = models.CharField(max_length=12)
    disability_severe = models.BooleanField()
    pregnancy_due_date = models.DateField(null=True)
    date_of_death = models.DateField(null=True)
    hh_desil = models.PositiveSmallIntegerField(null=True)
    hh_size = models.PositiveSmallIntegerField(null=True)
    hh_house_condition = models.CharField(max_length=12, null=True)  # noqa: DJ001 - NULL = no current household

    class Meta:
        indexes = [models.Index(fields=["household"], name="personfacts_household")]

    def __str__(self) -> str:
        return f"facts of {self.person_id}"
