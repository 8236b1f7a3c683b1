"""Areas, staff roles scoped to areas, the audit trail and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class AreaKind(models.TextChoices):
    KABUPATEN = "kabupaten", "Kabupaten"
    KECAMATAN = "kecamatan", "Kecamatan"
    DESA = "desa", "Desa"
    KELURAHAN = "kelurahan", "Kelurahan"


VILLAGE_KINDS = (AreaKind.DESA, AreaKind.KELURAHAN)


class Area(models.Model):
    """An administrative area with its Kemendagri code (35.10, 35.10.07, 35.10.07.2003)."""

    code = models.CharField(max_length=13, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=AreaKind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    postal_code = models.CharField(max_length=5, blank=True)
    bps_code = models.CharField(max_length=10, blank=True)
    # Kecamatan history: Blimbingsari (35.10.25) was split from Rogojampi and Kabat in 2017, so older
    # NIKs and KKs of its residents carry the old kecamatan codes.
    established_year = models.PositiveSmallIntegerField(null=True, blank=True)
    split_from = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="split_into")

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "code"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name} ({self.code})"

    @property
    def is_village(self) -> bool:
        return self.kind in VILLAGE_KINDS

    @property
    def digits(self) -> str:
        """The code without dots, as NIK and KK carry it (35.10.07 -> 351007)."""
        return self.code.replace(".", "")


class Role(models.TextChoices):
    REGENCY_ADMIN = "regency_admin", "Admin kabupaten"
    KECAMATAN_STAFF = "kecamatan_staff", "Staf kecamatan"
    VILLAGE_OPERATOR = "village_operator", "Operator desa/kelurahan"
    DINSOS_ANALYST = "dinsos_analyst", "Analis Dinas Sosial"
    PUSKESMAS_STAFF = "puskesmas_staff", "Petugas Puskesmas"
    BHABINKAMTIBMAS = "bhabinkamtibmas", "Bhabinkamtibmas"
    VILLAGE_HEAD = "village_head", "Kepala desa/lurah"
    COOPERATIVES_OFFICE = "cooperatives_office", "Dinas Koperasi dan UMKM"
    TOURISM_OFFICE = "tourism_office", "Dinas Kebudayaan dan Pariwisata"
    SERVICE_MALL_STAFF = "service_mall_staff", "Petugas Mal Pelayanan Publik"


# Roles that may change registry records (inside their areas); the others only read.
REGISTRY_WRITE_ROLES = frozenset({Role.REGENCY_ADMIN, Role.KECAMATAN_STAFF, Role.VILLAGE_OPERATOR})
# Roles that read residents' records in their areas. The offices of the mall, the festival and the service
# mall work with their own data only: a role at regency level must not open the whole registry to them.
REGISTRY_READ_ROLES = frozenset({
    Role.REGENCY_ADMIN, Role.KECAMATAN_STAFF, Role.VILLAGE_OPERATOR, Role.DINSOS_ANALYST,
    Role.PUSKESMAS_STAFF, Role.BHABINKAMTIBMAS, Role.VILLAGE_HEAD,
})
# The area kind each role is given at; a role row at another kind is refused by role_grant.
ROLE_AREA_KINDS = {
    Role.REGENCY_ADMIN: {AreaKind.KABUPATEN},
    Role.DINSOS_ANALYST: {AreaKind.KABUPATEN},
    Role.KECAMATAN_STAFF: {AreaKind.KECAMATAN},
    Role.VILLAGE_OPERATOR: set(VILLAGE_KINDS),
    Role.PUSKESMAS_STAFF: {AreaKind.KECAMATAN, *VILLAGE_KINDS},
    Role.BHABINKAMTIBMAS: set(VILLAGE_KINDS),
    Role.VILLAGE_HEAD: set(VILLAGE_KINDS),
    Role.COOPERATIVES_OFFICE: {AreaKind.KABUPATEN},
    Role.TOURISM_OFFICE: {AreaKind.KABUPATEN},
    Role.SERVICE_MALL_STAFF: {AreaKind.KABUPATEN},
}


class StaffRole(models.Model):
    """One role of one staff member over one area; a user may hold several (e.g. a Puskesmas' villages)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="staff_roles")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role", "area"], name="staffrole_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.area.name}"


class AuditEvent(models.Model):
    """Who did or saw what, when, from where. Rows are only ever added."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=150)  # kept when the user is deleted; "system:synth" for jobs
    action = models.CharField(max_length=40)  # "person.view", "person.death", "household.split", ...
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    # The village the object belongs to, so the trail itself can be scoped like the registry.
    village = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    via = models.CharField(max_length=10)  # web, api, admin, cli
    changes = models.JSONField(default=dict, blank=True)

    SCOPE_FIELD = "village"

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["actor", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"


class ApiToken(models.Model):
    """A bearer token for a staff member's API access; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)  # shown in lists so a token can be recognised without its secret
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], condition=Q(revoked_at__isnull=True), name="apitoken_name_unique_active")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user}, {self.name})"
