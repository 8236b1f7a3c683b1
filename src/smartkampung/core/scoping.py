"""Area scoping: the one place that decides which villages a staff member may read or change.

Every selector that returns people, households, cases or enrolments starts from `scoped()`, so a
village operator of Desa A never reaches Desa B by any route (page, API, export, admin).
The scope is read from the database on each call: no process-level cache (several workers, several
machines).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model, QuerySet

from .models import REGISTRY_READ_ROLES, REGISTRY_WRITE_ROLES, Area, AreaKind, Role, StaffRole


@dataclass(frozen=True)
class AreaScope:
    read_all: bool
    write_all: bool
    read_village_ids: frozenset[int]
    write_village_ids: frozenset[int]
    roles: frozenset[str]

    def can_read_village(self, village_id: int | None) -> bool:
        return self.read_all or (village_id is not None and village_id in self.read_village_ids)

    def can_write_village(self, village_id: int | None) -> bool:
        return self.write_all or (village_id is not None and village_id in self.write_village_ids)

    @property
    def is_staff(self) -> bool:
        """Any role at all: office roles are staff of their own apps even though the registry is closed to them."""
        return self.read_all or bool(self.read_village_ids) or bool(self.roles)


NO_SCOPE = AreaScope(False, False, frozenset(), frozenset(), frozenset())


def _villages_under(area: Area) -> set[int]:
    if area.is_village:
        return {area.id}
    return set(Area.objects.filter(code__startswith=area.code + ".", kind__in=("desa", "kelurahan")).values_list("id", flat=True))


def area_scope(user) -> AreaScope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if user.is_superuser:
        return AreaScope(True, True, frozenset(), frozenset(), frozenset({Role.REGENCY_ADMIN}))
    cached = getattr(user, "_smartkampung_scope", None)  # per request object only, never per process
    if cached is not None:
        return cached
    read_all = write_all = False
    read_ids: set[int] = set()
    write_ids: set[int] = set()
    roles: set[str] = set()
    for staff_role in StaffRole.objects.filter(user=user).select_related("area"):
        roles.add(staff_role.role)
        if staff_role.role not in REGISTRY_READ_ROLES:
            continue  # an office role: its app checks `roles`, the registry stays closed to it
        writes = staff_role.role in REGISTRY_WRITE_ROLES
        if staff_role.area.kind == AreaKind.KABUPATEN:
            read_all = True
            write_all = write_all or writes
            continue
        ids = _villages_under(staff_role.area)
        read_ids |= ids
        if writes:
            write_ids |= ids
    scope = AreaScope(read_all, write_all, frozenset(read_ids), frozenset(write_ids), frozenset(roles))
    user._smartkampung_scope = scope
    return scope


def scoped(queryset: QuerySet, user, *, write: bool = False) -> QuerySet:
    """Restrict a queryset of an area-bound model (it names its area path in SCOPE_FIELD) to the user."""
    model: type[Model] = queryset.model
    field = getattr(model, "SCOPE_FIELD", None)
    if field is None:
        raise TypeError(f"{model.__name__} has no SCOPE_FIELD; it cannot be scoped")
    scope = area_scope(user)
    if (scope.write_all if write else scope.read_all):
        return queryset
    ids = scope.write_village_ids if write else scope.read_village_ids
    if not ids:
        return queryset.none()
    return queryset.filter(**{f"{field}__in": sorted(ids)})


def scoped_villages(user) -> QuerySet:
    """The villages a user may read, for pickers and area pages."""
    scope = area_scope(user)
    villages = Area.objects.filter(kind__in=("desa", "kelurahan"))
    return villages if scope.read_all else villages.filter(id__in=sorted(scope.read_village_ids))
