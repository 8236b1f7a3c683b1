"""Public services: the Mal Pelayanan Publik catalogue, appointments and queue tickets, and village letters.

Capacity and numbering live in the database: a slot's `booked` is raised by a conditional UPDATE under a
CHECK constraint, ticket numbers and letter numbers come from one counter row per (counter, day) and per
(village, year) raised by UPDATE inside the transaction that uses the number, so a rolled-back issue
gives its number back and two workers never get the same one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from smartkampung.core.models import Area
from smartkampung.registry.models import Household, Person

# --- catalogue -----------------------------------------------------------------------------------------


class Agency(models.Model):
    """An agency with a desk at the service mall (Dukcapil, DPMPTSP, Polres, Samsat, BPJS, PDAM, a bank...)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=160)
    short_name = models.CharField(max_length=40)
    kind = models.CharField(max_length=40)  # civil_registry, licensing, police, tax, ... (data, not an enum)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.short_name


class Counter(models.Model):
    """A counter (loket) in the mall; tickets and appointment slots belong to a counter."""

    code = models.CharField(max_length=8, unique=True)  # "A01"; its letter prefixes ticket numbers
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="counters")
    name = models.CharField(max_length=120)
    opens_at = models.TimeField()
    closes_at = models.TimeField()
    saturday_closes_at = models.TimeField(null=True, blank=True)  # None: closed on Saturdays
    slot_minutes = models.PositiveSmallIntegerField(default=60)
    slot_capacity = models.PositiveSmallIntegerField(default=8)  # bookable seats per slot; walk-ins come on top
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="counter_closes_after_opens"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="counter_slot_minutes_min"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ServiceMode(models.TextChoices):
    APPOINTMENT = "appointment", _("Datang ke mal (bisa pesan jadwal)")
    WALK_IN = "walk_in", _("Datang langsung (ambil antrean di mal)")
    ONLINE = "online", _("Daring (tanpa datang)")


class Service(models.Model):
    """One service type of the mall's catalogue: what it is, what to bring, what it costs, how long."""

    code = models.CharField(max_length=40, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="services")
    counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    requirements = models.JSONField(default=list, blank=True)  # documents to bring, one string each
    fee = models.PositiveBigIntegerField(default=0)  # rupiah; 0 = free
    fee_note = models.CharField(max_length=200, blank=True)  # "sesuai PP 76/2020", "tergantung NJKB"...
    duration = models.CharField(max_length=80)  # "15 menit", "3 hari kerja": as the agency states it
    mode = models.CharField(max_length=12, choices=ServiceMode.choices)
    online_url = models.CharField(max_length=200, blank=True)  # where an online service is applied for
    keywords = models.CharField(max_length=300, blank=True)
    # Normalised words of name, agency, description and keywords, plus one "syn:<group>" token for every
    # synonym group a phrase of it belongs to (catalogue.search_text); rebuilt by catalogue_load.
    search_text = models.TextField(blank=True, editable=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency__code", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(mode="appointment") | Q(counter__isnull=False), name="service_appointment_has_counter"),
            models.CheckConstraint(condition=~Q(mode="walk_in") | Q(counter__isnull=False), name="service_walk_in_has_counter"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def needs_visit(self) -> bool:
        return self.mode != ServiceMode.ONLINE


class Synonym(models.Model):
    """One phrase of a synonym group: KTP = e-KTP = KTP-el = kartu tanda penduduk. Kept as data."""

    group = models.CharField(max_length=40)
    phrase = models.CharField(max_length=80, unique=True)  # normalised (catalogue.normalise)

    class Meta:
        ordering = ["group", "phrase"]

    def __str__(self) -> str:
        return f"{self.phrase} -> {self.group}"


class Closure(models.Model):
    """A day the mall (counter None) or one counter is closed besides Sundays and national holidays."""

    date = models.DateField()
    counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.CASCADE, related_name="closures")
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "counter"], name="closure_unique_counter_day"),
            models.UniqueConstraint(fields=["date"], condition=Q(counter__isnull=True), name="closure_unique_mall_day"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"


# --- appointments and queue ----------------------------------------------------------------------------


class Slot(models.Model):
    """One bookable time of one counter on one day. Rows are made when first booked or shown."""

    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="slots")
    date = models.DateField()
    starts_at = models.TimeField()
    capacity = models.PositiveSmallIntegerField()
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["date", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["counter", "date", "starts_at"], name="slot_unique"),
            # The database, not Python, refuses a seat beyond capacity.
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="slot_booked_within_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.counter.code} {self.date} {self.starts_at:%H:%M} ({self.booked}/{self.capacity})"


class AppointmentState(models.TextChoices):
    BOOKED = "booked", _("Terjadwal")
    CHECKED_IN = "checked_in", _("Sudah datang")
    CANCELLED = "cancelled", _("Dibatalkan")
    NO_SHOW = "no_show", _("Tidak datang")


class Appointment(models.Model):
    code = models.CharField(max_length=12, unique=True)  # the resident's booking code, e.g. "MPP-7KQ2XD"
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=20)
    state = models.CharField(max_length=12, choices=AppointmentState.choices, default=AppointmentState.BOOKED)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slot__date", "slot__starts_at", "id"]
        indexes = [models.Index(fields=["slot", "state"], name="appointment_slot_state")]

    def __str__(self) -> str:
        return self.code


class TicketDay(models.Model):
    """The last ticket number given at one counter on one day (raised by UPDATE: no two equal numbers)."""

    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["counter", "date"], name="ticketday_unique")]

    def __str__(self) -> str:
        return f"{self.counter_id} {self.date}: {self.last_number}"


class TicketState(models.TextChoices):
    WAITING = "waiting", _("Menunggu")
    CALLED = "called", _("Dipanggil")
    SERVED = "served", _("Selesai dilayani")
    NO_SHOW = "no_show", _("Tidak hadir")


class TicketSource(models.TextChoices):
    WALK_IN = "walk_in", _("Datang langsung")
    APPOINTMENT = "appointment", _("Janji temu")


class Ticket(models.Model):
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="tickets")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="tickets")
    date = models.DateField()
    number = models.PositiveIntegerField()
    source = models.CharField(max_length=12, choices=TicketSource.choices)
    appointment = models.OneToOneField(Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="ticket")
    state = models.CharField(max_length=10, choices=TicketState.choices, default=TicketState.WAITING)
    issued_at = models.DateTimeField()
    called_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)  # served or marked no-show
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    call_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["date", "counter__code", "number"]
        constraints = [models.UniqueConstraint(fields=["counter", "date", "number"], name="ticket_unique_number")]
        indexes = [models.Index(fields=["counter", "date", "state"], name="ticket_counter_day_state"), models.Index(fields=["date", "called_at"], name="ticket_day_called")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """What the screen shows and the ticket prints: the counter code and the day's number, "A01-007"."""
        return f"{self.counter.code}-{self.number:03d}"


# --- village letters ------------------------------------------------------------------------------------


class LetterType(models.Model):
    code = models.CharField(max_length=30, unique=True)  # sktm, domisili, usaha, pengantar_ktp...
    name = models.CharField(max_length=120)  # "Surat Keterangan Tidak Mampu"
    classification = models.CharField(max_length=12)  # the archive classification that opens the number: 470, 474.1...
    body = models.TextField()  # the statement, with {placeholders} filled from the request (letters.py)
    detail_fields = models.JSONField(default=list, blank=True)  # extra inputs: [{"name", "label", "required"}]
    needs_poverty_check = models.BooleanField(default=False)  # SKTM: the household's desil or a home visit
    max_desil = models.PositiveSmallIntegerField(null=True, blank=True)  # the poverty cut for that check
    subject_may_be_deceased = models.BooleanField(default=False)  # kematian: the letter is about a dead person
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VillageOffice(models.Model):
    """A village's letterhead and numbering scheme; made with defaults the first time a letter needs it."""

    village = models.OneToOneField(Area, on_delete=models.PROTECT, related_name="letter_office")
    letter_code = models.CharField(max_length=30)  # the office part of the number: "429.515.04"
    # {classification}, {serial} (zero-padded to 3), {office}, {year}, {roman_month}
    number_format = models.CharField(max_length=80, default="{classification}/{serial}/{office}/{year}")
    address = models.CharField(max_length=200, blank=True)
    head_name = models.CharField(max_length=120, blank=True)
    head_title = models.CharField(max_length=60, default="Kepala Desa")

    SCOPE_FIELD = "village"

    def __str__(self) -> str:
        return f"{self.village.name} ({self.letter_code})"


class LetterSequence(models.Model):
    """The last letter number a village used in a year: gap-free because it is raised in the issuing transaction."""

    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="lettersequence_unique")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}: {self.last_number}"


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("Diajukan")
    NEEDS_VISIT = "needs_visit", _("Menunggu kunjungan rumah")
    CHECKED = "checked", _("Diperiksa operator, menunggu kepala desa")
    ISSUED = "issued", _("Terbit")
    REJECTED = "rejected", _("Ditolak")


class LetterRequest(models.Model):
    code = models.CharField(max_length=12, unique=True)  # the resident's tracking code, "SRT-4KD9PQ"
    letter_type = models.ForeignKey(LetterType, on_delete=models.PROTECT, related_name="requests")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")  # the applicant
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=200)  # keperluan
    details = models.JSONField(default=dict, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=12, choices=RequestState.choices, default=RequestState.SUBMITTED)
    submitted_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    check_note = models.TextField(blank=True)
    desil_at_check = models.PositiveSmallIntegerField(null=True, blank=True)
    visit_case_ticket = models.CharField(max_length=30, blank=True)  # the poverty_visit case in the cases app
    visit_confirmed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rejection_reason = models.TextField(blank=True)

    SCOPE_FIELD = "village"

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["village", "state"], name="letterrequest_village_state")]

    def __str__(self) -> str:
        return f"{self.code} {self.letter_type.code}"


class SigningKey(models.Model):
    """A public key the regency signed letters with, kept so old letters verify after the key is rotated."""

    key_id = models.CharField(max_length=16, unique=True)  # first 16 hex digits of SHA-256 of the raw public key
    public_key = models.CharField(max_length=64)  # raw Ed25519 public key, hex
    first_used_at = models.DateTimeField(auto_now_add=True)
    is_development = models.BooleanField(default=False)  # the generated demo key: letters it signed say so

    def __str__(self) -> str:
        return self.key_id


class Letter(models.Model):
    """An issued letter: what it says (content), its signature over the canonical form of that, the PDF."""

    request = models.OneToOneField(LetterRequest, on_delete=models.PROTECT, related_name="letter")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    number = models.CharField(max_length=80)
    code = models.CharField(max_length=16, unique=True)  # the verification code in /verify/<code>
    content = models.JSONField()  # signing.canonical(content) is what the signature covers
    signature = models.CharField(max_length=128)  # Ed25519, hex
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="letters")
    pdf = models.BinaryField()
    issued_at = models.DateTimeField()
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)

    SCOPE_FIELD = "village"

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year", "serial"], name="letter_unique_serial"),
        ]

    def __str__(self) -> str:
        return self.number
