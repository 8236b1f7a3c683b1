"""Cases: complaints and service requests routed to the team that answers them (FixMyStreet's bodies and
contacts, SP4N-LAPOR's deadlines), their timelines, CHIPs home visits, the rumah singgah and Open311 keys.

Categories, states and teams are data, so a regency can add a category or a team without a release.
`Case.state` holds a state code (a row of CaseState); `Case.is_open` repeats the state's open flag so the
queues, the duplicate check and the "one open case per (source, source_ref)" rule read one indexed column.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartkampung.core.models import Area


class TeamKind(models.TextChoices):
    PUSKESMAS = "puskesmas", "Puskesmas"
    BHABINKAMTIBMAS = "bhabinkamtibmas", "Bhabinkamtibmas"
    VILLAGE_GOVERNMENT = "village_government", "Pemerintah desa/kelurahan"
    DINSOS = "dinsos", "Dinas Sosial"
    HOUSING = "housing", "Dinas Perumahan dan Permukiman"
    KECAMATAN = "kecamatan", "Kecamatan"


class Team(models.Model):
    """A body that answers cases over an area: a Puskesmas over its kecamatan, a Bhabinkamtibmas over a village."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=TeamKind.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="case_teams")
    contact = models.CharField(max_length=120, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "area__code"]
        constraints = [models.UniqueConstraint(fields=["kind", "area"], name="case_team_kind_area_unique")]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_teams")
    duty = models.CharField(max_length=40, blank=True)  # "dokter", "relawan CHIPs", "sopir", "koordinator"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="case_teammember_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team}"


class CaseState(models.Model):
    """A state of the case workflow; `open311_status` is what GeoReport v2 shows (open/closed)."""

    code = models.SlugField(max_length=20, primary_key=True)
    name = models.CharField(max_length=60)
    name_en = models.CharField(max_length=60)
    is_open = models.BooleanField()
    open311_status = models.CharField(max_length=10)  # "open" or "closed"
    # FixMyStreet's extended statuses (servicerequestupdates): open, investigating, in_progress, fixed, ...
    fms_status = models.CharField(max_length=30)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class CaseCategory(models.Model):
    """What can be reported, who answers it, where, how fast, and what else it asks (Open311 attributes)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    group = models.CharField(max_length=60, blank=True)  # Open311 "group"
    keywords = models.CharField(max_length=200, blank=True)
    # The team kinds that answer it: the first one owns the case, the second (if any) supports it.
    team_kind = models.CharField(max_length=20, choices=TeamKind.choices)
    support_team_kind = models.CharField(max_length=20, choices=TeamKind.choices, blank=True)
    # The area the category is offered in (null: the whole regency).
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Deadlines in working days (SP4N-LAPOR: forward within 3, follow up within 5, close 10 after follow-up).
    respond_days = models.PositiveSmallIntegerField(default=3)
    resolve_days = models.PositiveSmallIntegerField(default=5)
    autoclose_days = models.PositiveSmallIntegerField(default=10)
    # The extra questions, as Open311 service-definition attributes:
    # [{"code", "datatype", "required", "description", "datatype_description", "order", "values": [{"key","name"}]}]
    questions = models.JSONField(default=list, blank=True)
    public = models.BooleanField(default=False)  # offered on the public form and as an Open311 service
    allow_anonymous = models.BooleanField(default=True)
    allow_confidential = models.BooleanField(default=True)
    always_confidential = models.BooleanField(default=False)  # health cases: never public content
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name_plural = "case categories"

    def __str__(self) -> str:
        return self.name


class TicketCounter(models.Model):
    """The last ticket number issued per year; incremented with an F() update inside the raise transaction."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Resolution(models.TextChoices):
    RESOLVED = "resolved", _("Selesai")
    REJECTED = "rejected", _("Tidak terbukti")
    REFERRED = "referred", _("Dirujuk")


class Case(models.Model):
    ticket = models.CharField(max_length=20, unique=True)
    category = models.ForeignKey(CaseCategory, on_delete=models.PROTECT, related_name="cases")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases")
    support_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="supported_cases")
    state = models.CharField(max_length=20, default="new")  # a CaseState code
    is_open = models.BooleanField(default=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    address = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    subject_person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    reporter_name = models.CharField(max_length=120, blank=True)
    reporter_contact = models.CharField(max_length=120, blank=True)
    reporter_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    anonymous = models.BooleanField(default=False)  # identity hidden from the reported party and the public
    confidential = models.BooleanField(default=False)  # content not public
    source = models.CharField(max_length=20, default="web")
    source_ref = models.CharField(max_length=100, blank=True)
    # The Open311 token (GET /tokens/<token>) and the SHA-256 of the reporter's reply code.
    token = models.CharField(max_length=32, unique=True)
    reply_code_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    respond_due_at = models.DateTimeField()  # acknowledge/forward by (3 working days)
    due_at = models.DateTimeField()  # follow up by (5 working days after forwarding)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    close_due_at = models.DateTimeField(null=True, blank=True)  # closes by itself if the reporter does not reply
    closed_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases")

    SCOPE_FIELD = "village"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["team", "is_open", "due_at"], name="case_team_queue"),
            models.Index(fields=["village", "is_open", "created_at"], name="case_village_open"),
            models.Index(fields=["category", "is_open", "created_at"], name="case_category_open"),
            models.Index(fields=["category", "created_at"], name="case_category_created"),
            models.Index(fields=["updated_at", "id"], name="case_updated"),
            models.Index(fields=["is_open", "due_at"], name="case_open_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_ref"], condition=Q(is_open=True) & ~Q(source_ref=""), name="case_open_source_ref_unique"),
            models.CheckConstraint(condition=Q(resolution__in=["", "resolved", "rejected", "referred"]), name="case_resolution_valid"),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True)) | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="case_point_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} {self.title}"


class EventKind(models.TextChoices):
    CREATED = "created", _("Dilaporkan")
    ACKNOWLEDGED = "acknowledged", _("Diterima tim")
    STARTED = "started", _("Dikerjakan")
    NOTE = "note", _("Catatan")
    VISIT = "visit", _("Kunjungan rumah")
    RESOLVED = "resolved", _("Ditindaklanjuti")
    REFERRED = "referred", _("Dirujuk")
    ESCALATED = "escalated", _("Dieskalasi ke kecamatan")
    MERGED = "merged", _("Digabung")
    REPLY = "reply", _("Balasan pelapor")
    REOPENED = "reopened", _("Dibuka kembali")
    CLOSED = "closed", _("Ditutup")
    PLACEMENT = "placement", _("Rumah singgah")


class CaseEvent(models.Model):
    """One step on a case's timeline. `public` events are shown to the reporter and in Open311 updates."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150)
    state_before = models.CharField(max_length=20, blank=True)
    state_after = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    public = models.BooleanField(default=False)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    SCOPE_FIELD = "case__village"

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["at", "id"], name="caseevent_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class CasePhoto(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="cases/%Y/%m/")
    content_type = models.CharField(max_length=30)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_FIELD = "case__village"

    def __str__(self) -> str:
        return self.image.name


class VisitOutcome(models.TextChoices):
    TREATED_AT_HOME = "treated_at_home", _("Ditangani di rumah")
    REFERRED_PUSKESMAS = "referred_puskesmas", _("Dirujuk ke Puskesmas")
    REFERRED_HOSPITAL = "referred_hospital", _("Dirujuk ke rumah sakit")
    NOT_FOUND = "not_found", _("Tidak ditemukan di alamat")
    NOT_NEEDED = "not_needed", _("Tidak perlu tindakan")


class HomeVisit(models.Model):
    """A CHIPs home visit (volunteers, a doctor, the driver): what they found and what follows."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField()
    visitors = models.CharField(max_length=200)
    findings = models.TextField()
    outcome = models.CharField(max_length=20, choices=VisitOutcome.choices)
    follow_up = models.TextField(blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    SCOPE_FIELD = "case__village"

    class Meta:
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.visited_on}"


class TransitHouse(models.Model):
    """A rumah singgah: where high-risk pregnant women stay before delivery, near the birthing facility."""

    name = models.CharField(max_length=120)
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="transit_houses")
    address = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="transit_houses")
    active = models.BooleanField(default=True)

    SCOPE_FIELD = "village"

    def __str__(self) -> str:
        return self.name


class Bed(models.Model):
    house = models.ForeignKey(TransitHouse, on_delete=models.CASCADE, related_name="beds")
    label = models.CharField(max_length=20)
    active = models.BooleanField(default=True)

    SCOPE_FIELD = "house__village"

    class Meta:
        ordering = ["house", "label"]
        constraints = [models.UniqueConstraint(fields=["house", "label"], name="case_bed_label_unique")]

    def __str__(self) -> str:
        return f"{self.house} · {self.label}"


class PlacementStatus(models.TextChoices):
    BOOKED = "booked", _("Dipesan")
    STAYING = "staying", _("Menginap")
    ENDED = "ended", _("Selesai")
    CANCELLED = "cancelled", _("Dibatalkan")


class Placement(models.Model):
    """A high-risk pregnant woman's stay in a rumah singgah bed from `start_date` to `end_date` (exclusive)."""

    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="placements")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="transit_placements")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="placements")
    due_date = models.DateField()
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=10, choices=PlacementStatus.choices, default=PlacementStatus.BOOKED)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    SCOPE_FIELD = "bed__house__village"

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="case_placement_dates")]

    def __str__(self) -> str:
        return f"{self.bed} {self.start_date}–{self.end_date}"


class BedNight(models.Model):
    """One night of one bed taken by one placement. The unique (bed, night) pair is the database's own
    guarantee that a bed is never given twice for the same night, whatever two staff do at once."""

    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="+")
    night = models.DateField()
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="nights")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bed", "night"], name="case_bednight_unique")]

    def __str__(self) -> str:
        return f"{self.bed_id} {self.night}"


class Open311Key(models.Model):
    """An API key for an Open311 client (an app, a partner's system); only its SHA-256 is stored."""

    name = models.CharField(max_length=100, unique=True)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
