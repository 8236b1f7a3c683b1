"""The population registry: residents by NIK, households by KK, who lives where since when.

Person.village and NameToken.village repeat the village of the person's current household. They are
kept by the registry's services so that scoping and search read one indexed table instead of joining
through memberships for 1.8 million people.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from smartkampung.core.models import Area

from .choices import Disability, Education, HouseCondition, MaritalStatus, Relationship, Religion, Sex


class Person(models.Model):
    nik = models.CharField("NIK", max_length=16, unique=True)
    name = models.CharField(max_length=120)
    name_key = models.CharField(max_length=120)  # canonical full name (names.name_key): sorting, prefix search
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_place = models.CharField(max_length=80, blank=True)
    birth_date = models.DateField()
    religion = models.CharField(max_length=12, choices=Religion.choices)
    marital_status = models.CharField(max_length=12, choices=MaritalStatus.choices)
    education = models.CharField(max_length=16, choices=Education.choices)
    occupation = models.CharField(max_length=60, blank=True)
    disability = models.CharField(max_length=12, choices=Disability.choices, default=Disability.NONE)
    disability_severe = models.BooleanField(default=False)
    phone = models.CharField(max_length=20, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    # Expected delivery date of a current pregnancy, recorded by the village or Puskesmas (health data:
    # never shown publicly); eligibility rules read it as "pregnant".
    pregnancy_due_date = models.DateField(null=True, blank=True)
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="residents")
    # Set when review found this record to be a second record of another resident (services.person_merge):
    # the record and its history stay, its enrolments move to the kept person.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    SCOPE_FIELD = "village"

    class Meta:
        # "id" closes both indexes so that ORDER BY name_key, id reads in index order on PostgreSQL too
        # (SQLite's indexes end with the rowid anyway).
        indexes = [models.Index(fields=["village", "name_key", "id"], name="person_village_name"), models.Index(fields=["name_key", "id"], name="person_name")]
        constraints = [
            models.CheckConstraint(condition=Q(date_of_death__isnull=True) | Q(date_of_death__gte=models.F("birth_date")), name="person_death_after_birth"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_deceased(self) -> bool:
        return self.date_of_death is not None


class Household(models.Model):
    kk_number = models.CharField("Nomor KK", max_length=16)
    kk_issued_on = models.DateField()
    head = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="headed_households")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="households")
    dusun = models.CharField(max_length=60, blank=True)
    rw = models.CharField("RW", max_length=3)
    rt = models.CharField("RT", max_length=3)
    street = models.CharField(max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    desil = models.PositiveSmallIntegerField(null=True, blank=True)  # DTSEN welfare decile, 1 = poorest
    house_condition = models.CharField(max_length=12, choices=HouseCondition.choices, default=HouseCondition.LAYAK)
    dissolved_on = models.DateField(null=True, blank=True)  # all members left or died; the record stays
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    SCOPE_FIELD = "village"

    class Meta:
        constraints = [
            # A KK number is reissued on moves, splits and deaths; only current households must be unique.
            models.UniqueConstraint(fields=["kk_number"], condition=Q(dissolved_on__isnull=True), name="household_kk_unique_current"),
            models.CheckConstraint(condition=Q(desil__isnull=True) | Q(desil__gte=1, desil__lte=10), name="household_desil_1_10"),
        ]
        indexes = [models.Index(fields=["village", "desil"], name="household_village_desil"), models.Index(fields=["kk_number"], name="household_kk")]

    def __str__(self) -> str:
        return f"KK {self.kk_number}"


class Membership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    relationship = models.CharField(max_length=12, choices=Relationship.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    SCOPE_FIELD = "household__village"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(end_date__isnull=True), name="membership_one_current_per_person"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")), name="membership_end_after_start"),
        ]
        indexes = [models.Index(fields=["household", "end_date"], name="membership_household")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.household_id} ({self.relationship})"


class KkHistory(models.Model):
    """The KK numbers a household had before its current one."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="kk_history")
    kk_number = models.CharField(max_length=16, db_index=True)
    issued_on = models.DateField()
    replaced_on = models.DateField()
    reason = models.CharField(max_length=200)

    SCOPE_FIELD = "household__village"

    def __str__(self) -> str:
        return f"KK {self.kk_number} (until {self.replaced_on})"


class NameToken(models.Model):
    """One canonical word of a resident's name (MOCH. -> MUHAMMAD), for indexed search by any word."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=40)
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")

    SCOPE_FIELD = "village"

    class Meta:
        indexes = [
            models.Index(fields=["token", "person"], name="nametoken_token"),
            models.Index(fields=["village", "token"], name="nametoken_village_token"),
            models.Index(fields=["person", "token"], name="nametoken_person"),  # covers the per-person check
        ]

    def __str__(self) -> str:
        return self.token


class LifeEventKind(models.TextChoices):
    REGISTERED = "registered", "Terdaftar"
    BIRTH = "birth", "Kelahiran"
    DEATH = "death", "Kematian"
    MOVE = "move", "Pindah"
    HOUSEHOLD_CREATED = "household_created", "KK baru"
    HOUSEHOLD_MOVED = "household_moved", "Keluarga pindah"
    HOUSEHOLD_SPLIT = "household_split", "Pisah KK"
    KK_REISSUED = "kk_reissued", "KK diterbitkan ulang"
    CORRECTED = "corrected", "Perbaikan data"
    MERGED = "merged", "Data ganda digabung"


class LifeEvent(models.Model):
    """The typed timeline of a person and a household: what happened in their lives, when."""

    kind = models.CharField(max_length=20, choices=LifeEventKind.choices)
    occurred_on = models.DateField()
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="life_events")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="life_events")
    other_household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    details = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")

    SCOPE_FIELD = "village"

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["person", "occurred_on"], name="lifeevent_person"), models.Index(fields=["household", "occurred_on"], name="lifeevent_household")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"
