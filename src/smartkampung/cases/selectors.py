"""Reads for cases. Staff reads start from `scoped()` (the area rule) and then keep only the cases of the
user's teams, so a village's Bhabinkamtibmas never reads the Puskesmas' health cases of the same village.
Public reads (the ticket page, Open311) see only public categories' non-confidential content."""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from smartkampung.core.models import Area, AreaKind
from smartkampung.core.scoping import area_scope, scoped

from .models import (
    Case,
    CaseCategory,
    CaseEvent,
    CaseState,
    Placement,
    PlacementStatus,
    Team,
    TeamMember,
    TransitHouse,
)
from .services import DUPLICATE_DAYS, DUPLICATE_RADIUS_M, user_team_ids

# Roles that see every case of their areas, not only their teams' (they supervise and receive escalations).
SUPERVISING_ROLES = frozenset({"regency_admin", "kecamatan_staff"})


def cases_visible(user) -> QuerySet[Case]:
    """The cases a staff member may read: within their areas, and their teams' unless they supervise."""
    queryset = scoped(Case.objects.all(), user)
    if user is None or not getattr(user, "is_authenticated", False):
        return queryset.none()
    if user.is_superuser or SUPERVISING_ROLES & area_scope(user).roles:
        return queryset
    teams = sorted(user_team_ids(user))
    if not teams:
        return queryset.none()
    return queryset.filter(Q(team_id__in=teams) | Q(support_team_id__in=teams))


def case_for_staff(user, pk: int) -> Case | None:
    return cases_visible(user).select_related("category", "village__parent", "team", "support_team", "subject_person", "merged_into").filter(pk=pk).first()


def user_teams(user) -> QuerySet[Team]:
    return Team.objects.filter(pk__in=sorted(user_team_ids(user))).select_related("area")


def is_case_staff(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and (user.is_superuser or SUPERVISING_ROLES & area_scope(user).roles or user_team_ids(user)))


def team_queue(user, *, team: Team | None = None, state: str | None = None, category: str | None = None, overdue: bool = False, limit: int = 100):
    """The open cases a team works on, most urgent first (nearest deadline)."""
    queryset = cases_visible(user).filter(is_open=True)
    if team is not None:
        queryset = queryset.filter(Q(team=team) | Q(support_team=team))
    if state:
        queryset = queryset.filter(state=state)
    if category:
        queryset = queryset.filter(category__code=category)
    if overdue:
        queryset = queryset.filter(due_at__lt=timezone.now())
    return list(queryset.select_related("category", "village", "team").order_by("due_at", "id")[:limit])


def timeline(case: Case, *, public_only: bool = False) -> list[CaseEvent]:
    events = case.events.select_related("team")
    if public_only:
        events = events.filter(public=True)
    return list(events)


def public_category_ids() -> list[int]:
    return list(CaseCategory.objects.filter(public=True).values_list("id", flat=True).order_by("id"))


def public_cases() -> QuerySet[Case]:
    """What the public may see: public categories, not confidential. (The category ids are read first, a
    handful of rows, so the case query needs no join and can walk its created_at index.)"""
    return Case.objects.filter(category_id__in=public_category_ids(), confidential=False)


def case_by_ticket(ticket: str) -> Case | None:
    """The reporter's view by ticket: any case (a confidential one shows its status only)."""
    return Case.objects.select_related("category", "village__parent", "team", "merged_into").filter(ticket=ticket.strip().upper()).first()


def likely_duplicates(*, category: CaseCategory, village: Area | None, latitude: float | None, longitude: float | None,
                      public: bool = True, exclude_pk: int | None = None, limit: int = 5) -> list[Case]:
    """Open cases of the same category, recent, near the point (within DUPLICATE_RADIUS_M) or in the same
    village when no point is given. A bounding box narrows the rows before the exact distance."""
    since = timezone.now() - dt.timedelta(days=DUPLICATE_DAYS)
    queryset = (public_cases() if public else Case.objects.all()).filter(category=category, is_open=True, created_at__gte=since)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    if latitude is not None and longitude is not None:
        dlat = DUPLICATE_RADIUS_M / 111_320
        dlon = dlat / max(0.1, math.cos(math.radians(latitude)))
        near = queryset.filter(latitude__range=(latitude - dlat, latitude + dlat), longitude__range=(longitude - dlon, longitude + dlon))
        found = []
        for case in near.select_related("village").order_by("-created_at")[:50]:
            metres = _metres(latitude, longitude, case.latitude, case.longitude)
            if metres <= DUPLICATE_RADIUS_M:
                case.distance_m = round(metres)
                found.append(case)
        return sorted(found, key=lambda c: c.distance_m)[:limit]
    if village is not None:
        return list(queryset.filter(village=village).select_related("village").order_by("-created_at")[:limit])
    return []


def _metres(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6_371_000 * 2 * math.asin(math.sqrt(min(1.0, a)))


def map_points(user, *, category: str | None = None, state: str | None = None, limit: int = 5000) -> list[dict]:
    """Open (or the chosen state's) cases with a point, for the staff map."""
    queryset = cases_visible(user).filter(latitude__isnull=False)
    queryset = queryset.filter(state=state) if state else queryset.filter(is_open=True)
    if category:
        queryset = queryset.filter(category__code=category)
    now = timezone.now()
    rows = queryset.order_by("-created_at").values_list("id", "ticket", "title", "latitude", "longitude", "state", "category__code", "category__name", "due_at", "village__name")[:limit]
    return [{"id": pk, "ticket": ticket, "title": title, "lat": lat, "lon": lon, "state": st, "category": code, "category_name": name,
             "overdue": due < now, "village": village} for pk, ticket, title, lat, lon, st, code, name, due, village in rows]


def stats_by_team(user, *, limit: int = 500) -> list[dict]:
    now = timezone.now()
    rows = (cases_visible(user).values("team__name", "team__kind", "team__area__name")
            .annotate(open=Count("id", filter=Q(is_open=True)), overdue=Count("id", filter=Q(is_open=True, due_at__lt=now)),
                      escalated=Count("id", filter=Q(is_open=True, escalated_at__isnull=False)), total=Count("id"))
            .order_by("-open", "team__name")[:limit])
    return list(rows)


def stats_by_area(user, *, level: str = "kecamatan") -> list[dict]:
    """Open, overdue and escalated cases per kecamatan (or per village)."""
    now = timezone.now()
    key = "village__parent__name" if level == "kecamatan" else "village__name"
    code = "village__parent__code" if level == "kecamatan" else "village__code"
    rows = (cases_visible(user).values(code, key)
            .annotate(open=Count("id", filter=Q(is_open=True)), overdue=Count("id", filter=Q(is_open=True, due_at__lt=now)),
                      escalated=Count("id", filter=Q(is_open=True, escalated_at__isnull=False)),
                      resolved=Count("id", filter=Q(state__in=("resolved", "closed"))), total=Count("id"))
            .order_by(code))
    return [{"code": r[code], "name": r[key], **{k: r[k] for k in ("open", "overdue", "escalated", "resolved", "total")}} for r in rows]


def stats_by_category(user) -> list[dict]:
    now = timezone.now()
    return list(cases_visible(user).values("category__code", "category__name")
                .annotate(open=Count("id", filter=Q(is_open=True)), overdue=Count("id", filter=Q(is_open=True, due_at__lt=now)), total=Count("id"))
                .order_by("category__code"))


def escalated_to_kecamatan(user, *, limit: int = 200) -> list[Case]:
    """Open cases escalated to a kecamatan the user reads, for the kecamatan's dashboard."""
    return list(cases_visible(user).filter(is_open=True, escalated_at__isnull=False)
                .select_related("category", "village", "team", "escalated_to").order_by("escalated_at", "id")[:limit])


def states() -> dict[str, CaseState]:
    return {s.code: s for s in CaseState.objects.all()}


def houses_visible(user) -> QuerySet[TransitHouse]:
    return scoped(TransitHouse.objects.filter(active=True), user).select_related("village__parent", "team")


def house_occupancy(house: TransitHouse, *, start: dt.date, days: int = 28) -> dict:
    """Beds taken per night from `start`, and the placements in that window."""
    end = start + dt.timedelta(days=days)
    beds = house.beds.filter(active=True).count()
    placements = list(Placement.objects.filter(bed__house=house, status__in=(PlacementStatus.BOOKED, PlacementStatus.STAYING),
                                               start_date__lt=end, end_date__gt=start).select_related("bed", "person", "case").order_by("start_date", "id"))
    nights = []
    for n in range(days):
        night = start + dt.timedelta(days=n)
        taken = sum(1 for p in placements if p.start_date <= night < p.end_date)
        nights.append({"night": night, "taken": taken, "free": beds - taken})
    return {"beds": beds, "placements": placements, "nights": nights}


def pregnant_candidates(user, *, house: TransitHouse, limit: int = 50):
    """High-risk pregnancy cases of the user's teams with a subject whose due date is ahead, not yet placed."""
    from smartkampung.registry.models import Person

    today = timezone.localdate()
    placed = Placement.objects.filter(status__in=(PlacementStatus.BOOKED, PlacementStatus.STAYING)).values("person_id")
    return list(scoped(Person.objects.filter(pregnancy_due_date__gte=today, date_of_death__isnull=True), user)
                .filter(village__code__startswith=house.village.code[:8]).exclude(pk__in=placed)
                .select_related("village").order_by("pregnancy_due_date", "id")[:limit])


def team_members(team: Team) -> list[TeamMember]:
    return list(team.members.select_related("user"))


def app_stats() -> dict:
    now = timezone.now()
    totals = Case.objects.aggregate(total=Count("id"), open=Count("id", filter=Q(is_open=True)),
                                    overdue=Count("id", filter=Q(is_open=True, due_at__lt=now)),
                                    escalated=Count("id", filter=Q(is_open=True, escalated_at__isnull=False)))
    by_category = dict(Case.objects.filter(is_open=True).values_list("category__code").annotate(n=Count("id")).values_list("category__code", "n"))
    return {"cases": {**totals, "open_by_category": by_category, "teams": Team.objects.count(),
                      "transit_houses": TransitHouse.objects.count(),
                      "placements_active": Placement.objects.filter(status__in=(PlacementStatus.BOOKED, PlacementStatus.STAYING)).count()}}


def kecamatan_choices() -> QuerySet[Area]:
    return Area.objects.filter(kind=AreaKind.KECAMATAN).order_by("name")
