"""Rumah isolasi: houses, rooms and beds; reservations held night by night; 14 days of daily checks;
and the residents hit by a crisis (laid off, informal workers gone bust, tourism workers).

A bed is never given twice for the same night because every reserved night is a row of `BedNight` with
a unique (bed, night) constraint, written in the reservation's own transaction: of two overlapping
reservations that race, the second INSERT fails on the constraint and its transaction rolls back. This
works the same on SQLite and PostgreSQL and needs no extension (btree_gist).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartkampung.core.models import Area
from smartkampung.registry.models import Person

from .sectors import AFFECTED_SECTORS

STAY_NIGHTS = 14  # the isolation period: 14 nights from the arrival date, monitored daily


class Facility(models.TextChoices):
    BATHROOM = "bathroom", _("Kamar mandi/WC")
    KITCHEN = "kitchen", _("Dapur")
    CLEAN_WATER = "clean_water", _("Air bersih")
    ELECTRICITY = "electricity", _("Listrik")
    HANDWASH = "handwash", _("Tempat cuci tangan")
    FAN = "fan", _("Kipas angin")
    TV = "tv", _("Televisi")
    WIFI = "wifi", _("Wi-Fi")
    MEALS = "meals", _("Makan disediakan")
    AMBULANCE = "ambulance", _("Akses ambulans")


class Puskesmas(models.Model):
    """A community health centre; it monitors the isolation houses of its area."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=120)
    kecamatan = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "Puskesmas"

    def __str__(self) -> str:
        return self.name


class IsolationHouse(models.Model):
    name = models.CharField(max_length=120)
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="isolation_houses")
    address = models.CharField(max_length=200)
    latitude = models.FloatField()
    longitude = models.FloatField()
    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.PROTECT, related_name="houses")
    facilities = models.JSONField(default=list, blank=True)  # Facility codes
    notes = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_FIELD = "village"

    class Meta:
        ordering = ["village__code", "name"]
        constraints = [models.UniqueConstraint(fields=["village", "name"], name="isolationhouse_unique_name")]

    def __str__(self) -> str:
        return self.name


class PillarKind(models.TextChoices):
    """The three village pillars (tiga pilar) who supervise a house."""

    VILLAGE_GOVERNMENT = "village_government", _("Pemerintah desa")
    BABINSA = "babinsa", _("Babinsa")
    BHABINKAMTIBMAS = "bhabinkamtibmas", _("Bhabinkamtibmas")


class HousePillar(models.Model):
    house = models.ForeignKey(IsolationHouse, on_delete=models.CASCADE, related_name="pillars")
    kind = models.CharField(max_length=20, choices=PillarKind.choices)
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=20)

    SCOPE_FIELD = "house__village"

    class Meta:
        ordering = ["house", "kind"]
        constraints = [models.UniqueConstraint(fields=["house", "kind"], name="housepillar_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class Room(models.Model):
    house = models.ForeignKey(IsolationHouse, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=40)

    SCOPE_FIELD = "house__village"

    class Meta:
        ordering = ["house", "name"]
        constraints = [models.UniqueConstraint(fields=["house", "name"], name="room_unique_name")]

    def __str__(self) -> str:
        return self.name


class Bed(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="beds")
    house = models.ForeignKey(IsolationHouse, on_delete=models.CASCADE, related_name="beds")  # = room.house, for counts
    label = models.CharField(max_length=20)
    active = models.BooleanField(default=True)

    SCOPE_FIELD = "house__village"

    class Meta:
        ordering = ["room", "label"]
        constraints = [models.UniqueConstraint(fields=["room", "label"], name="bed_unique_label")]

    def __str__(self) -> str:
        return f"{self.room.name}/{self.label}"


class ReservationStatus(models.TextChoices):
    RESERVED = "reserved", _("Dipesan")
    CHECKED_IN = "checked_in", _("Sedang isolasi")
    COMPLETED = "completed", _("Selesai 14 hari")
    RELEASED_EARLY = "released_early", _("Dipulangkan lebih awal")
    TRANSFERRED = "transferred", _("Dirujuk ke rumah sakit")
    CANCELLED = "cancelled", _("Dibatalkan")
    NO_SHOW = "no_show", _("Tidak datang")


# A person holds at most one reservation in these states (enforced by partial unique constraints).
ACTIVE_STATUSES = (ReservationStatus.RESERVED, ReservationStatus.CHECKED_IN)


class Reservation(models.Model):
    """A place for one person for 14 nights from the arrival date; becomes the stay once checked in."""

    code = models.CharField(max_length=16, unique=True)  # what the resident keeps: ISO-XXXX-XXXX
    house = models.ForeignKey(IsolationHouse, on_delete=models.PROTECT, related_name="reservations")
    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="reservations")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="isolation_reservations")
    full_name = models.CharField(max_length=120)
    # For a non-resident (no NIK of this regency): the number of their identity document.
    id_number = models.CharField(max_length=30, blank=True)
    home_village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")  # where they are going
    origin = models.CharField(max_length=120)  # where they come from
    arrival_date = models.DateField()
    end_date = models.DateField()  # the first day after the last night (arrival + 14)
    contact_phone = models.CharField(max_length=20, blank=True)
    booked_by = models.CharField(max_length=120, blank=True)  # a family member booking for them
    status = models.CharField(max_length=20, choices=ReservationStatus.choices, default=ReservationStatus.RESERVED)
    checked_in_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    leave_reason = models.CharField(max_length=300, blank=True)
    hospital = models.CharField(max_length=120, blank=True)
    channel = models.CharField(max_length=10, default="web")  # web, api, staff, synth
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    SCOPE_FIELD = "house__village"

    class Meta:
        ordering = ["-arrival_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=models.F("arrival_date")), name="reservation_end_after_arrival"),
            models.CheckConstraint(condition=Q(person__isnull=False) | ~Q(id_number=""), name="reservation_person_or_id"),
            models.UniqueConstraint(fields=["person"], condition=Q(status__in=ACTIVE_STATUSES), name="reservation_one_active_per_person"),
            models.UniqueConstraint(fields=["id_number"], condition=Q(person__isnull=True, status__in=ACTIVE_STATUSES),
                                    name="reservation_one_active_per_id_number"),
        ]
        indexes = [models.Index(fields=["house", "status"], name="reservation_house_status"),
                   models.Index(fields=["status", "end_date"], name="reservation_status_end")]

    def __str__(self) -> str:
        return self.code


class BedNight(models.Model):
    """One bed taken for one night by one reservation: the row whose uniqueness prevents overbooking."""

    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="+")
    house = models.ForeignKey(IsolationHouse, on_delete=models.PROTECT, related_name="+")  # = bed.house, for occupancy
    night = models.DateField()
    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="nights")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bed", "night"], name="bednight_one_reservation_per_bed_night")]
        indexes = [models.Index(fields=["house", "night"], name="bednight_house_night"),
                   models.Index(fields=["reservation", "night"], name="bednight_reservation")]

    def __str__(self) -> str:
        return f"{self.bed_id}@{self.night}"


class Symptom(models.TextChoices):
    FEVER = "fever", _("Demam")
    COUGH = "cough", _("Batuk")
    RUNNY_NOSE = "runny_nose", _("Pilek")
    SORE_THROAT = "sore_throat", _("Sakit tenggorokan")
    HEADACHE = "headache", _("Sakit kepala")
    FATIGUE = "fatigue", _("Lemas")
    SMELL_LOSS = "smell_loss", _("Hilang penciuman/perasa")
    DIARRHOEA = "diarrhoea", _("Diare")
    SHORT_BREATH = "short_breath", _("Sesak napas")
    CHEST_PAIN = "chest_pain", _("Nyeri dada")


# Danger signs: one of these alone is a worsening (Kemenkes guidance for home isolation).
DANGER_SYMPTOMS = frozenset({Symptom.SHORT_BREATH, Symptom.CHEST_PAIN})
HIGH_FEVER = 38.0  # °C
LOW_OXYGEN = 95  # % SpO2


class CheckerKind(models.TextChoices):
    PUSKESMAS = "puskesmas", _("Puskesmas")
    VILLAGE_GOVERNMENT = "village_government", _("Pemerintah desa")
    BABINSA = "babinsa", _("Babinsa")
    BHABINKAMTIBMAS = "bhabinkamtibmas", _("Bhabinkamtibmas")


class DailyCheck(models.Model):
    reservation = models.ForeignKey(Reservation, on_delete=models.PROTECT, related_name="checks")
    day = models.DateField()
    day_number = models.PositiveSmallIntegerField()  # 1..14
    temperature = models.DecimalField(max_digits=3, decimal_places=1)  # °C
    oxygen_saturation = models.PositiveSmallIntegerField(null=True, blank=True)  # SpO2 %, when an oximeter is at hand
    symptoms = models.JSONField(default=list, blank=True)  # Symptom codes
    notes = models.TextField(blank=True)
    checker_kind = models.CharField(max_length=20, choices=CheckerKind.choices)
    checker_name = models.CharField(max_length=120, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    worsening = models.BooleanField(default=False)
    worsening_reasons = models.JSONField(default=list, blank=True)

    SCOPE_FIELD = "reservation__house__village"

    class Meta:
        ordering = ["reservation", "day"]
        constraints = [
            models.UniqueConstraint(fields=["reservation", "day"], name="dailycheck_one_per_day"),
            models.CheckConstraint(condition=Q(day_number__gte=1, day_number__lte=STAY_NIGHTS), name="dailycheck_day_1_14"),
        ]

    def __str__(self) -> str:
        return f"{self.reservation_id} day {self.day_number}"


class AlertKind(models.TextChoices):
    MISSED = "missed", _("Pemeriksaan harian terlewat")
    WORSENING = "worsening", _("Tanda perburukan")


class MonitoringAlert(models.Model):
    """A missed check or a worsening sign of one person on one day, and the case raised for it (once)."""

    reservation = models.ForeignKey(Reservation, on_delete=models.PROTECT, related_name="alerts")
    day = models.DateField()
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    reasons = models.JSONField(default=list, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True)  # the cases app's Case; null until raised
    case_ticket = models.CharField(max_length=30, blank=True)
    raise_error = models.CharField(max_length=300, blank=True)  # why raising failed; the sweep retries
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_FIELD = "reservation__house__village"

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["reservation", "day"], name="monitoringalert_one_per_person_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.reservation_id} {self.day}"


class AffectedSource(models.TextChoices):
    PAGE = "page", _("Dicatat operator")
    API = "api", _("API")
    IMPORT = "import", _("Impor")
    SYNTH = "synth", _("Data sintetis")


class AffectedResident(models.Model):
    """A resident hit by a crisis, as a registry fact that eligibility rules read: affected("tourism")."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="affected_records")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")  # the person's village when recorded
    sector = models.CharField(max_length=12, choices=list(AFFECTED_SECTORS.items()))
    affected_on = models.DateField()  # the day of the layoff / closure / loss of work
    income_lost = models.PositiveBigIntegerField()  # rupiah per month
    workplace = models.CharField(max_length=120, blank=True)
    notes = models.CharField(max_length=300, blank=True)
    recovered_on = models.DateField(null=True, blank=True)  # back at work: no longer counts from this day
    source = models.CharField(max_length=10, choices=AffectedSource.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_FIELD = "village"

    class Meta:
        ordering = ["village", "-affected_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "sector"], name="affectedresident_one_per_sector"),
            models.CheckConstraint(condition=Q(recovered_on__isnull=True) | Q(recovered_on__gte=models.F("affected_on")),
                                   name="affectedresident_recovered_after"),
        ]
        indexes = [models.Index(fields=["person", "sector"], name="affected_person_sector")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.sector}"


class AffectedImport(models.Model):
    """One uploaded list of affected residents; every row is kept with its outcome."""

    filename = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_by_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d})"


class RowOutcome(models.TextChoices):
    CREATED = "created", _("Dicatat")
    DUPLICATE = "duplicate", _("Sudah tercatat")
    ERROR = "error", _("Ditolak")


class AffectedImportRow(models.Model):
    batch = models.ForeignKey(AffectedImport, on_delete=models.CASCADE, related_name="staged_rows")
    line = models.PositiveIntegerField()  # line in the file (the header is line 1)
    raw = models.JSONField(default=dict)
    nik = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=10, choices=RowOutcome.choices)
    field = models.CharField(max_length=30, blank=True)
    message = models.CharField(max_length=300, blank=True)
    affected = models.ForeignKey(AffectedResident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    village = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["batch", "line"]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line} {self.outcome}"
