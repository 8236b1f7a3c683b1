"""Who may work on isolation houses where.

The registry's scope (core.scoping) answers who may read which villages; isolation work is narrower: a
Dinas Sosial analyst reads the whole regency but runs no isolation house, and the mall, festival and
service-mall offices have no registry access at all. Read from the database on every call (no cache).
"""

from __future__ import annotations

from dataclasses import dataclass

from smartkampung.core.models import Area, AreaKind, Role, StaffRole

# The Puskesmas, the village pillars that have logins (village government, Bhabinkamtibmas) and the
# kecamatan and regency staff above them.
ISOLATION_ROLES = frozenset({
    Role.REGENCY_ADMIN, Role.KECAMATAN_STAFF, Role.VILLAGE_OPERATOR, Role.VILLAGE_HEAD,
    Role.PUSKESMAS_STAFF, Role.BHABINKAMTIBMAS,
})
# Who may add houses, rooms and beds and name their pillars.
HOUSE_ROLES = frozenset({Role.REGENCY_ADMIN, Role.KECAMATAN_STAFF, Role.VILLAGE_OPERATOR, Role.VILLAGE_HEAD, Role.PUSKESMAS_STAFF})


@dataclass(frozen=True)
class IsolationScope:
    all_villages: bool
    village_ids: frozenset[int]
    roles: frozenset[str]

    def covers(self, village_id: int | None) -> bool:
        return self.all_villages or (village_id is not None and village_id in self.village_ids)

    @property
    def any(self) -> bool:
        return self.all_villages or bool(self.village_ids)


NO_ISOLATION_SCOPE = IsolationScope(False, frozenset(), frozenset())


def isolation_scope(user, *, roles: frozenset[str] = ISOLATION_ROLES) -> IsolationScope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ISOLATION_SCOPE
    if user.is_superuser:
        return IsolationScope(True, frozenset(), frozenset({Role.REGENCY_ADMIN}))
    all_villages = False
    ids: set[int] = set()
    held: set[str] = set()
    prefixes: list[str] = []
    for staff_role in StaffRole.objects.filter(user=user, role__in=sorted(roles)).select_related("area"):
        held.add(staff_role.role)
        area = staff_role.area
        if area.kind == AreaKind.KABUPATEN:
            all_villages = True
        elif area.is_village:
            ids.add(area.id)
        else:
            prefixes.append(area.code + ".")
    for prefix in prefixes:
        ids |= set(Area.objects.filter(code__startswith=prefix, kind__in=("desa", "kelurahan")).values_list("id", flat=True))
    return IsolationScope(all_villages, frozenset(ids), frozenset(held))


def is_system(actor) -> bool:
    """Jobs run on the server (synth, the sweep, imports by the operator) act regency-wide."""
    return actor.via == "cli" and actor.user is None
