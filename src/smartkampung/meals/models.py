"""Rantang Kasih: providers (warung), recipients, assignment runs, daily rounds and the delivery log.

Capacity is the number of recipients a provider cooks for and delivers to each day (one rantang each; a
recipient on two meals a day gets both portions in the one rantang). Provider.assigned counts the
recipients assigned now; a check constraint keeps it within the capacity, so the database itself refuses
an over-full warung whatever route the write takes.

The delivery log is append-only: a mark is never changed; a correction is a new entry that names the
entry it corrects (each entry corrected at most once), and only one first mark per stop exists.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from smartkampung.core.models import Area
from smartkampung.programmes.models import Enrolment
from smartkampung.registry.models import Person

WEEKDAYS = "1234567"  # ISO weekday digits, Monday = 1


class Provider(models.Model):
    """A warung or caterer that cooks and delivers Rantang Kasih meals."""

    name = models.CharField(max_length=120)
    owner_name = models.CharField(max_length=120)
    owner_phone = models.CharField(max_length=20, blank=True)
    address = models.CharField(max_length=200)
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    latitude = models.FloatField()
    longitude = models.FloatField()
    daily_capacity = models.PositiveIntegerField()
    assigned = models.PositiveIntegerField(default=0)  # recipients assigned now (kept by the services)
    price_per_portion = models.PositiveIntegerField()  # rupiah
    days_served = models.CharField(max_length=7, default="1234567")  # ISO weekday digits
    dietician_name = models.CharField(max_length=120, blank=True)
    dietician_phone = models.CharField(max_length=20, blank=True)
    bank_name = models.CharField(max_length=60, blank=True)
    bank_account_number = models.CharField(max_length=30, blank=True)
    bank_account_holder = models.CharField(max_length=120, blank=True)
    # The provider's own login: it sees only this provider's round and marks deliveries.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="meals_provider")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_FIELD = "village"

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(daily_capacity__gt=0), name="meals_provider_capacity_positive"),
            models.CheckConstraint(condition=Q(assigned__lte=F("daily_capacity")), name="meals_provider_within_capacity"),
            models.CheckConstraint(condition=Q(price_per_portion__gt=0), name="meals_provider_price_positive"),
            models.CheckConstraint(condition=Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180), name="meals_provider_point_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def serves_on(self, day) -> bool:
        return str(day.isoweekday()) in self.days_served


class MenuState(models.TextChoices):
    SUBMITTED = "submitted", _("Diajukan")
    APPROVED = "approved", _("Disetujui ahli gizi")
    REJECTED = "rejected", _("Ditolak ahli gizi")


class WeeklyMenu(models.Model):
    """A provider's menu for one week (starting Monday), checked by its dietician."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="menus")
    week_start = models.DateField()
    days = models.JSONField(default=dict)  # {"1": "Nasi, sayur bening, tempe, pisang", ...}
    state = models.CharField(max_length=10, choices=MenuState.choices, default=MenuState.SUBMITTED)
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.CharField(max_length=120, blank=True)  # the dietician's name as they signed
    review_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-week_start", "provider_id"]
        constraints = [models.UniqueConstraint(fields=["provider", "week_start"], name="meals_menu_one_per_week")]

    def __str__(self) -> str:
        return f"{self.provider} {self.week_start}"


class Diet(models.TextChoices):
    SOFT = "soft", _("Makanan lunak")
    DIABETIC = "diabetic", _("Diet diabetes")
    LOW_SALT = "low_salt", _("Rendah garam")
    LOW_FAT = "low_fat", _("Rendah lemak")
    NO_SPICY = "no_spicy", _("Tidak pedas")
    VEGETARIAN = "vegetarian", _("Tanpa daging")


class RecipientState(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    IN_HOSPITAL = "in_hospital", _("Dirawat di rumah sakit (pengantaran berhenti)")
    DEATH_REPORTED = "death_reported", _("Dilaporkan meninggal (menunggu konfirmasi desa)")
    ENDED = "ended", _("Selesai")


# Recipients who keep their place at their provider: fed, or paused (in hospital, a death to confirm).
# Only ACTIVE ones are on a round.
HOLDING_A_PLACE = (RecipientState.ACTIVE, RecipientState.IN_HOSPITAL, RecipientState.DEATH_REPORTED)


class Recipient(models.Model):
    """A resident enrolled in Rantang Kasih, with where and how they are fed."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="meals_recipient")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    latitude = models.FloatField(null=True, blank=True)  # delivery point; empty = not yet known
    longitude = models.FloatField(null=True, blank=True)
    delivery_note = models.CharField(max_length=200, blank=True)  # landmark, RT/RW, "rumah cat hijau"
    diet = models.JSONField(default=list, blank=True)  # Diet codes
    diet_note = models.CharField(max_length=300, blank=True)
    meals_per_day = models.PositiveSmallIntegerField(default=2)
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="recipients")
    distance_m = models.PositiveIntegerField(null=True, blank=True)  # road estimate to the provider
    assigned_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=RecipientState.choices, default=RecipientState.ACTIVE)
    death_reported_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_FIELD = "village"

    class Meta:
        ordering = ["village_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(meals_per_day__in=(1, 2)), name="meals_recipient_one_or_two_meals"),
            models.CheckConstraint(condition=Q(latitude__isnull=True, longitude__isnull=True) | Q(latitude__isnull=False, longitude__isnull=False), name="meals_recipient_point_whole"),
            models.CheckConstraint(condition=~Q(state="ended") | Q(provider__isnull=True), name="meals_recipient_ended_frees_place"),
        ]
        indexes = [models.Index(fields=["state", "provider"], name="meals_recipient_state")]

    def __str__(self) -> str:
        return f"Rantang Kasih {self.person_id}"


class AssignmentRun(models.Model):
    started_at = models.DateTimeField(auto_now_add=True)
    by = models.CharField(max_length=150)
    max_m = models.PositiveIntegerField()
    stability_bonus_m = models.PositiveIntegerField()
    k = models.PositiveSmallIntegerField()
    recipients = models.PositiveIntegerField()
    assigned = models.PositiveIntegerField()
    unassigned = models.PositiveIntegerField()
    moved = models.PositiveIntegerField()
    kept = models.PositiveIntegerField()
    newly_assigned = models.PositiveIntegerField()
    total_m = models.BigIntegerField()
    proven_optimal = models.BooleanField()
    proof = models.CharField(max_length=300)
    seconds = models.FloatField()

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Assignment {self.pk} ({self.started_at:%Y-%m-%d %H:%M})"


class UnservedReason(models.TextChoices):
    NO_PROVIDER_NEAR = "no_provider_near", _("Tidak ada penyedia dalam jarak maksimum")
    ALL_FULL = "all_full", _("Semua penyedia terdekat penuh")
    NO_LOCATION = "no_location", _("Titik antar belum diketahui")


class Unserved(models.Model):
    """A recipient an assignment run could not serve, and why: where the office should recruit a warung."""

    run = models.ForeignKey(AssignmentRun, on_delete=models.CASCADE, related_name="unserved")
    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="+")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=UnservedReason.choices)
    nearest_m = models.PositiveIntegerField(null=True, blank=True)  # to the nearest provider, full or not

    SCOPE_FIELD = "village"

    class Meta:
        ordering = ["village_id", "reason", "recipient_id"]
        constraints = [models.UniqueConstraint(fields=["run", "recipient"], name="meals_unserved_once_per_run")]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.reason}"


class Round(models.Model):
    """One provider's planned round on one day."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="rounds")
    date = models.DateField()
    planned_at = models.DateTimeField(auto_now_add=True)
    start_time = models.TimeField()
    deadline = models.TimeField()
    return_by = models.TimeField()
    distance_m = models.PositiveIntegerField()
    back_at = models.TimeField()
    late = models.PositiveIntegerField(default=0)  # stops that cannot be reached before the deadline

    class Meta:
        ordering = ["-date", "provider_id"]
        constraints = [models.UniqueConstraint(fields=["provider", "date"], name="meals_round_one_per_day")]

    def __str__(self) -> str:
        return f"{self.provider} {self.date}"


class RoundStop(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="stops")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="stops")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveSmallIntegerField()
    eta = models.TimeField()
    late = models.BooleanField(default=False)
    portions = models.PositiveSmallIntegerField()  # the recipient's meals per day when planned

    SCOPE_FIELD = "village"

    class Meta:
        ordering = ["round_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["round", "recipient"], name="meals_stop_once_per_round"),
            models.UniqueConstraint(fields=["round", "seq"], name="meals_stop_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round} #{self.seq}"


class Outcome(models.TextChoices):
    DELIVERED = "delivered", _("Diterima")
    NOT_HOME = "not_home", _("Tidak di rumah")
    REFUSED = "refused", _("Menolak")
    SICK = "sick", _("Sakit")
    IN_HOSPITAL = "in_hospital", _("Dirawat di rumah sakit")
    DECEASED = "deceased", _("Meninggal")


MISSED_OUTCOMES = (Outcome.NOT_HOME, Outcome.REFUSED)  # two rounds running raise a welfare check
# What a mark does to the recipient: deliveries pause until the village confirms the death or the
# recipient is home again. A correction of such a mark undoes it.
PAUSING_OUTCOMES = {Outcome.DECEASED: RecipientState.DEATH_REPORTED, Outcome.IN_HOSPITAL: RecipientState.IN_HOSPITAL}


class Delivery(models.Model):
    """One entry of the delivery log. Never updated or deleted; corrections are new entries."""

    stop = models.ForeignKey(RoundStop, on_delete=models.PROTECT, related_name="entries")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="deliveries")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="deliveries")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    portions = models.PositiveSmallIntegerField()  # meals handed over (0 unless delivered)
    price_per_portion = models.PositiveIntegerField()  # the provider's price that day: the recap multiplies these
    marked_at = models.DateTimeField()
    latitude = models.FloatField(null=True, blank=True)  # where the phone was when marking
    longitude = models.FloatField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    corrects = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_label = models.CharField(max_length=150)
    welfare_case_ref = models.CharField(max_length=40, blank=True)  # ticket of the welfare check this raised

    SCOPE_FIELD = "village"

    class Meta:
        ordering = ["date", "stop_id", "id"]
        constraints = [
            # One first mark per stop (recipient, day): marking the same meal twice is refused by the database.
            models.UniqueConstraint(fields=["stop"], condition=Q(corrects__isnull=True), name="meals_delivery_one_mark_per_meal"),
            models.CheckConstraint(condition=Q(outcome="delivered", portions__gt=0) | (~Q(outcome="delivered") & Q(portions=0)), name="meals_delivery_portions_match"),
        ]
        indexes = [
            models.Index(fields=["provider", "date"], name="meals_delivery_provider_date"),
            models.Index(fields=["recipient", "date"], name="meals_delivery_recipient_date"),
            models.Index(fields=["village", "date"], name="meals_delivery_village_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.recipient_id} {self.outcome}"
