"""Writes for cases. Other apps raise and close cases only through `case_raise`, `case_resolve` and
`case_note_add` (docs: /work/briefs/CASES_INTERFACE.md); pages, the API and Open311 call the same functions."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import secrets

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

from smartkampung.core import images
from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, AreaKind, StaffRole
from smartkampung.core.scoping import area_scope, scoped
from smartkampung.registry.models import Person

from .catalogue import CATEGORIES, ROLE_TEAM_KINDS, STATES, TEAM_PLAN
from .deadlines import add_working_days
from .models import (
    Bed,
    BedNight,
    Case,
    CaseCategory,
    CaseEvent,
    CasePhoto,
    CaseState,
    EventKind,
    HomeVisit,
    Open311Key,
    Placement,
    PlacementStatus,
    Resolution,
    Team,
    TeamKind,
    TeamMember,
    TicketCounter,
    TransitHouse,
    VisitOutcome,
)

TICKET_PREFIX = "BWI"
PHOTO_MAX_COUNT = 3
PHOTO_MAX_SIDE = 1600  # photos are re-encoded (EXIF, with the phone's GPS, dropped) and shrunk to this
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
DUPLICATE_RADIUS_M = 300
DUPLICATE_DAYS = 30
# How far a point may lie from the nearest village centre and still be "in the regency" (no polygons are
# loaded, only centroids; the largest village, in Alas Purwo, reaches about 20 km from its centre).
REGENCY_REACH_KM = 20.0
TEXT_LIMITS = {"title": 200, "description": 5000, "reporter_name": 120, "reporter_contact": 120, "address": 200, "note": 5000}
TEXT_LABELS = {"title": gettext_lazy("Judul"), "description": gettext_lazy("Uraian"), "reporter_name": gettext_lazy("Nama pelapor"),
               "reporter_contact": gettext_lazy("Kontak pelapor"), "address": gettext_lazy("Alamat"), "note": gettext_lazy("Catatan")}


# --- catalogue ---------------------------------------------------------------------------------------

def _named(row) -> str:
    """A category's or state's name in the active language (the rows carry both), for messages."""
    return row.name_en if translation.get_language() == "en" and row.name_en else row.name


def _state_name(code: str) -> str:
    state = CaseState.objects.filter(code=code).first()
    return code if state is None else _named(state).lower()


def _team_name(pattern: str, area: Area) -> str:
    kind = "Kelurahan" if area.kind == AreaKind.KELURAHAN else "Desa"
    return pattern.format(name=area.name.title() if area.name.isupper() else area.name, kind=kind)


@transaction.atomic
def case_categories_load(*, actor: Actor) -> dict[str, int]:
    """Load the states, the teams (one per kind and area) and the categories; idempotent. Existing rows keep
    what staff changed. Staff with a matching role join their team (see catalogue.ROLE_TEAM_KINDS)."""
    made = {"states": 0, "teams": 0, "categories": 0, "members": 0}
    for order, (code, name, name_en, is_open, status, fms) in enumerate(STATES):
        _state, new = CaseState.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "is_open": is_open,
                                                                    "open311_status": status, "fms_status": fms, "order": order})
        made["states"] += new
    areas_by_kind = {
        "kabupaten": list(Area.objects.filter(kind=AreaKind.KABUPATEN)),
        "kecamatan": list(Area.objects.filter(kind=AreaKind.KECAMATAN)),
        "village": list(Area.objects.filter(kind__in=(AreaKind.DESA, AreaKind.KELURAHAN))),
    }
    existing = set(Team.objects.values_list("kind", "area_id"))
    new_teams = []
    for kind, area_kind, pattern in TEAM_PLAN:
        for area in areas_by_kind[area_kind]:
            if (kind, area.id) not in existing:
                new_teams.append(Team(code=f"{kind.replace('_', '-')}-{area.code.replace('.', '')}", name=_team_name(pattern, area), kind=kind, area=area))
    Team.objects.bulk_create(new_teams)
    made["teams"] = len(new_teams)
    for spec in CATEGORIES:
        fields = {k: v for k, v in spec.items() if k != "code"}
        category, new = CaseCategory.objects.get_or_create(code=spec["code"], defaults=fields)
        if new:
            made["categories"] += 1
            audit_record(actor=actor, action="case_category.create", obj=category, changes={"code": category.code})
    made["members"] = team_members_sync(actor=actor)
    return made


@transaction.atomic
def team_members_sync(*, actor: Actor) -> int:
    """Add every staff member whose role matches a team kind to the team of that kind over their area."""
    teams = {(t.kind, t.area_id): t.id for t in Team.objects.all()}
    have = set(TeamMember.objects.values_list("team_id", "user_id"))
    new = []
    for role in StaffRole.objects.filter(role__in=ROLE_TEAM_KINDS).select_related("area"):
        kind = ROLE_TEAM_KINDS[role.role]
        team_id = teams.get((kind, role.area_id))
        if team_id is None and role.area.parent_id:  # a Puskesmas worker posted to a village: the kecamatan's team
            team_id = teams.get((kind, role.area.parent_id))
        if team_id is not None and (team_id, role.user_id) not in have:
            have.add((team_id, role.user_id))
            new.append(TeamMember(team_id=team_id, user_id=role.user_id, duty=role.get_role_display()))
    TeamMember.objects.bulk_create(new)
    for member in new:
        audit_record(actor=actor, action="case_team.member_add", obj=member, changes={"team": member.team_id, "user": member.user_id})
    return len(new)


# --- raising ------------------------------------------------------------------------------------------

def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


def village_nearest(*, latitude: float, longitude: float) -> Area:
    """The village whose centre is nearest the point; refuses a point outside the regency."""
    best, best_km = None, None
    for village in Area.objects.filter(kind__in=(AreaKind.DESA, AreaKind.KELURAHAN), latitude__isnull=False).only("id", "code", "name", "kind", "latitude", "longitude", "parent_id"):
        km = _distance_km(latitude, longitude, village.latitude, village.longitude)
        if best_km is None or km < best_km:
            best, best_km = village, km
    if best is None or best_km > REGENCY_REACH_KM:
        raise DomainError("outside_regency", _("Titik ini berada di luar Kabupaten Banyuwangi."), field="lat")
    return best


def _check_point(latitude, longitude) -> tuple[float | None, float | None]:
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise DomainError("invalid", _("Isi lintang dan bujur sekaligus, atau kosongkan keduanya."), field="lat" if latitude is None else "long")
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise DomainError("invalid", _("Lintang dan bujur harus berupa angka."), field="lat") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
        raise DomainError("invalid", _("Lintang harus di antara -90 dan 90, bujur di antara -180 dan 180."), field="lat")
    village_nearest(latitude=lat, longitude=lon)  # raises outside_regency
    return lat, lon


def _answers_clean(category: CaseCategory, answers: dict | None) -> dict:
    answers = dict(answers or {})
    known = {q["code"]: q for q in category.questions}
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise DomainError("invalid", _("Jenis laporan %(category)s tidak menanyakan %(question)s.") % {"category": category.code, "question": unknown[0]}, field=f"answers.{unknown[0]}")
    clean = {}
    for code, question in known.items():
        value = answers.get(code)
        if value in (None, "", []):
            if question.get("required"):
                raise DomainError("missing_answer", _("Jawab pertanyaan: %(question)s.") % {"question": question["description"]}, field=f"answers.{code}")
            continue
        datatype = question["datatype"]
        keys = {v["key"] for v in question.get("values", [])}
        if datatype == "singlevaluelist":
            if not isinstance(value, str) or value not in keys:
                raise DomainError("invalid", _("%(question)s: pilih salah satu dari %(choices)s.") % {"question": question["description"], "choices": ", ".join(sorted(keys))}, field=f"answers.{code}")
        elif datatype == "multivaluelist":
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not values or any(not isinstance(v, str) or v not in keys for v in values):
                raise DomainError("invalid", _("%(question)s: pilih dari %(choices)s.") % {"question": question["description"], "choices": ", ".join(sorted(keys))}, field=f"answers.{code}")
            value = sorted(set(values))
        elif datatype == "number":
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise DomainError("invalid", _("%(question)s: isi dengan angka.") % {"question": question["description"]}, field=f"answers.{code}") from None
            if math.isnan(number) or math.isinf(number):
                raise DomainError("invalid", _("%(question)s: isi dengan angka.") % {"question": question["description"]}, field=f"answers.{code}")
            value = int(number) if number.is_integer() else number
        elif datatype == "datetime":
            try:
                value = dt.date.fromisoformat(str(value)[:10]).isoformat()
            except ValueError:
                raise DomainError("invalid", _("%(question)s: isi tanggal dengan format YYYY-MM-DD.") % {"question": question["description"]}, field=f"answers.{code}") from None
        else:
            value = str(value).strip()[:2000]
        clean[code] = value
    return clean


def photo_prepare(upload) -> tuple[ContentFile, str, int, int]:
    """Check an upload is a real image within the limits (core.images); return it re-encoded without
    metadata, shrunk to PHOTO_MAX_SIDE, in its own format (a screenshot stays a sharp PNG)."""
    image = images.open_image(images.read_upload(upload, field="photos"), field="photos", formats=frozenset(PHOTO_FORMATS) | {"MPO"})
    fmt = "JPEG" if image.format == "MPO" else image.format
    if fmt == "JPEG":
        data = images.jpeg_bytes(images.upright_rgb(image), side=PHOTO_MAX_SIDE, quality=85)
    else:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
        out = io.BytesIO()
        image.save(out, fmt)
        data = out.getvalue()
    with Image.open(io.BytesIO(data)) as stored:
        width, height = stored.size
    name = f"{secrets.token_hex(8)}.{'jpg' if fmt == 'JPEG' else fmt.lower()}"
    return ContentFile(data, name=name), PHOTO_FORMATS[fmt], width, height


def route(*, category: CaseCategory, village: Area, kind: str | None = None) -> Team | None:
    """The active team of the category's kind whose area is the village, its kecamatan or the regency:
    the most local one answers (a village's Bhabinkamtibmas before a kecamatan-wide one)."""
    kind = kind or category.team_kind
    area_ids = [village.id, village.parent_id, *( [village.parent.parent_id] if village.parent_id else [])]
    teams = [t for t in Team.objects.filter(kind=kind, active=True, area_id__in=[a for a in area_ids if a]).select_related("area")]
    return max(teams, key=lambda t: len(t.area.code), default=None)


def _next_tickets(year: int, count: int = 1) -> list[str]:
    """Reserve `count` ticket numbers of the year (an F() update: concurrent raises never share one)."""
    TicketCounter.objects.get_or_create(year=year)
    TicketCounter.objects.filter(year=year).update(last=F("last") + count)
    last = TicketCounter.objects.values_list("last", flat=True).get(year=year)
    return [f"{TICKET_PREFIX}-{year % 100:02d}-{n:06d}" for n in range(last - count + 1, last + 1)]


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_LIMITS[field]:
        raise DomainError("invalid", _("%(what)s paling banyak %(n)d karakter.") % {"what": TEXT_LABELS[field], "n": TEXT_LIMITS[field]}, field=field)
    return value


def _event(case: Case, *, actor: Actor, kind: str, note: str = "", public: bool = False, before: str = "", after: str = "", at=None, team=None) -> CaseEvent:
    return CaseEvent.objects.create(case=case, at=at or timezone.now(), kind=kind, actor=actor.user_or_none, actor_label=actor.display[:150],
                                    state_before=before, state_after=after, note=note, public=public, team=team)


def reply_code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


@transaction.atomic
def case_raise(*, actor: Actor, category_code: str, village: Area | None, title: str, description: str = "",
               subject_person: Person | None = None, latitude: float | None = None, longitude: float | None = None,
               answers: dict | None = None, reporter_name: str = "", reporter_contact: str = "",
               anonymous: bool = False, confidential: bool = False, source: str = "web", source_ref: str = "",
               photos: list | None = None, address: str = "", public_only: bool = False) -> Case:
    """Route a new case to the team that answers `category_code` in `village` and start its deadlines.
    `village` may be None when a point is given (the nearest village is used). `public_only` refuses the
    categories the public may not file (the public form and Open311 set it)."""
    category = CaseCategory.objects.filter(code=category_code, active=True).first()
    if category is None or (public_only and not category.public):
        raise DomainError("unknown_category", _("Jenis laporan \"%(code)s\" tidak dikenal.") % {"code": category_code}, field="category_code")
    source = (source or "web").strip()[:20]
    source_ref = (source_ref or "").strip()[:100]
    if source_ref:
        existing = Case.objects.filter(source=source, source_ref=source_ref, is_open=True).first()
        if existing is not None:
            return existing
    lat, lon = _check_point(latitude, longitude)
    if village is None:
        if lat is None:
            raise DomainError("invalid", _("Sebutkan lokasinya: pilih desa atau titik di peta."), field="village")
        village = village_nearest(latitude=lat, longitude=lon)
    if not village.is_village:
        raise DomainError("invalid", _("Laporan harus berada di satu desa atau kelurahan."), field="village")
    if category.area_id and not (village.code + ".").startswith(Area.objects.get(pk=category.area_id).code + "."):
        raise DomainError("invalid", _("%(category)s tidak tersedia di %(village)s.") % {"category": _named(category), "village": village.name}, field="village")
    title = _text(title, "title")
    if not title:
        raise DomainError("invalid", _("Tulis singkat apa masalahnya."), field="title")
    description = _text(description, "description")
    if anonymous and not category.allow_anonymous:
        raise DomainError("invalid", _("%(category)s tidak bisa dilaporkan tanpa nama.") % {"category": _named(category)}, field="anonymous")
    if confidential and not (category.allow_confidential or category.always_confidential):
        raise DomainError("invalid", _("%(category)s tidak bisa dilaporkan secara rahasia.") % {"category": _named(category)}, field="confidential")
    clean_answers = _answers_clean(category, answers)
    photos = list(photos or [])
    if len(photos) > PHOTO_MAX_COUNT:
        raise DomainError("invalid", _("Paling banyak %(n)d foto.") % {"n": PHOTO_MAX_COUNT}, field="photos")
    prepared = [photo_prepare(p) for p in photos]
    team = route(category=category, village=village)
    if team is None:
        raise DomainError("not_configured", _("Belum ada tim yang menangani %(category)s di %(village)s.") % {"category": _named(category), "village": village.name}, field="category_code")
    support = route(category=category, village=village, kind=category.support_team_kind) if category.support_team_kind else None
    now = timezone.now()
    reply_code = secrets.token_hex(3).upper()
    case = Case(
        ticket=_next_tickets(timezone.localtime(now).year)[0], category=category, village=village, team=team, support_team=support,
        state="new", is_open=True, title=title, description=description, address=_text(address, "address"), latitude=lat, longitude=lon,
        answers=clean_answers, subject_person=subject_person, reporter_name=_text(reporter_name, "reporter_name"),
        reporter_contact=_text(reporter_contact, "reporter_contact"), reporter_user=actor.user_or_none,
        anonymous=bool(anonymous), confidential=bool(confidential or category.always_confidential), source=source, source_ref=source_ref,
        token=secrets.token_hex(12), reply_code_hash=reply_code_hash(reply_code), created_at=now, updated_at=now,
        respond_due_at=add_working_days(now, category.respond_days), due_at=add_working_days(now, category.respond_days + category.resolve_days),
    )
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        # another request raised the same (source, source_ref) a moment ago: answer with that case
        existing = Case.objects.filter(source=source, source_ref=source_ref, is_open=True).first() if source_ref else None
        if existing is None:
            raise
        return existing
    for content, content_type, width, height in prepared:
        CasePhoto.objects.create(case=case, image=content, content_type=content_type, size=content.size, width=width, height=height)
    _event(case, actor=actor, kind=EventKind.CREATED, after="new", public=True, at=now, team=team,
           note=f"Diteruskan ke {team.name}" + (f" dan {support.name}" if support else ""))
    audit_record(actor=actor, action="case.raise", obj=case, village=village,
                 changes={"ticket": case.ticket, "category": category.code, "team": team.code, "source": source, "source_ref": source_ref,
                          "subject_person": subject_person.pk if subject_person else None})
    case.reply_code = reply_code  # shown once to the reporter; only its hash is kept
    return case


# --- working a case -----------------------------------------------------------------------------------

def user_team_ids(user) -> set[int]:
    """The teams a user works in: explicit members (TeamMember: volunteers, doctors, drivers) and, read
    from their staff roles each time, the team of their role's kind over their area (or its parent), so a
    role granted after the teams were loaded counts at once."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    ids = set(TeamMember.objects.filter(user=user, team__active=True).values_list("team_id", flat=True))
    by_role = Q(pk__in=[])
    for role, area_id, parent_id in StaffRole.objects.filter(user=user, role__in=ROLE_TEAM_KINDS).values_list("role", "area_id", "area__parent_id"):
        by_role |= Q(kind=ROLE_TEAM_KINDS[role], area_id__in=[a for a in (area_id, parent_id) if a])
    ids |= set(Team.objects.filter(by_role, active=True).values_list("id", flat=True))
    return ids


def can_work(actor: Actor, case: Case) -> bool:
    """Who may act on a case: its teams, the kecamatan it escalates to, the regency's admins, system jobs."""
    user = actor.user_or_none
    if user is None:
        return actor.via == "cli" and actor.label.startswith("system:")
    if user.is_superuser:
        return True
    scope = area_scope(user)
    if "regency_admin" in scope.roles:
        return True
    if {case.team_id, case.support_team_id} & user_team_ids(user):
        return True
    return "kecamatan_staff" in scope.roles and scope.can_write_village(case.village_id)


def _require_work(actor: Actor, case: Case) -> None:
    if not can_work(actor, case):
        raise DomainError("forbidden", _("Hanya tim yang menangani kasus ini (atau kecamatannya) yang boleh mengubahnya."))


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _set_state(case: Case, state: str, *, actor: Actor, kind: str, note: str, public: bool = True, **fields) -> Case:
    before = case.state
    is_open = CaseState.objects.values_list("is_open", flat=True).get(code=state)
    now = timezone.now()
    for name, value in {"state": state, "is_open": is_open, "updated_at": now, **fields}.items():
        setattr(case, name, value)
    case.save()
    _event(case, actor=actor, kind=kind, before=before, after=state, note=note, public=public, at=now, team=case.team)
    audit_record(actor=actor, action=f"case.{kind}", obj=case, village=case.village_id, changes={"state": [before, state], "note": note[:200]})
    return case


@transaction.atomic
def case_acknowledge(*, actor: Actor, case: Case, note: str = "") -> Case:
    case = _lock(case)
    _require_work(actor, case)
    if case.state != "new":
        raise DomainError("conflict", _("Hanya kasus baru yang bisa diterima."), field="state")
    now = timezone.now()
    return _set_state(case, "acknowledged", actor=actor, kind=EventKind.ACKNOWLEDGED, note=_text(note, "note") or "Diterima oleh tim",
                      acknowledged_at=now, due_at=add_working_days(now, case.category.resolve_days))


@transaction.atomic
def case_start(*, actor: Actor, case: Case, note: str = "") -> Case:
    case = _lock(case)
    _require_work(actor, case)
    if case.state not in ("new", "acknowledged"):
        raise DomainError("conflict", _("Hanya kasus baru atau yang sudah diterima yang bisa mulai dikerjakan."), field="state")
    extra = {} if case.acknowledged_at else {"acknowledged_at": timezone.now()}
    return _set_state(case, "in_progress", actor=actor, kind=EventKind.STARTED, note=_text(note, "note") or "Sedang dikerjakan", **extra)


@transaction.atomic
def case_resolve(*, actor: Actor, case: Case, resolution: str, note: str = "") -> Case:
    """Follow a case up: "resolved" (done/confirmed), "rejected" (not confirmed), "referred" (to another
    body outside the system). The reporter may reply within the category's autoclose days; then it closes."""
    if resolution not in Resolution.values:
        raise DomainError("invalid", _("Pilih tindak lanjut: resolved (selesai), rejected (tidak terbukti) atau referred (dirujuk)."), field="resolution")
    case = _lock(case)
    _require_work(actor, case)
    if not case.is_open:
        raise DomainError("conflict", _("Kasus %(ticket)s sudah berstatus %(state)s.") % {"ticket": case.ticket, "state": _state_name(case.state)}, field="state")
    now = timezone.now()
    kind = EventKind.REFERRED if resolution == Resolution.REFERRED else EventKind.RESOLVED
    return _set_state(case, resolution, actor=actor, kind=kind, note=_text(note, "note"), resolution=resolution, resolved_at=now,
                      acknowledged_at=case.acknowledged_at or now, close_due_at=add_working_days(now, case.category.autoclose_days))


@transaction.atomic
def case_refer(*, actor: Actor, case: Case, team: Team, note: str = "") -> Case:
    """Hand a case to another team (a wrong category or area); its deadlines start again there."""
    case = _lock(case)
    _require_work(actor, case)
    if not case.is_open:
        raise DomainError("conflict", _("Kasus %(ticket)s sudah berstatus %(state)s.") % {"ticket": case.ticket, "state": _state_name(case.state)}, field="state")
    if team.pk == case.team_id or not team.active:
        raise DomainError("invalid", _("Pilih tim lain yang masih aktif."), field="team")
    before_team = case.team
    now = timezone.now()
    case.team = team
    _set_state(case, "new", actor=actor, kind=EventKind.REFERRED, note=_text(note, "note") or f"Dirujuk dari {before_team.name} ke {team.name}",
               acknowledged_at=None, respond_due_at=add_working_days(now, case.category.respond_days),
               due_at=add_working_days(now, case.category.respond_days + case.category.resolve_days), escalated_at=None, escalated_to=None)
    return case


@transaction.atomic
def case_note_add(*, actor: Actor, case: Case, note: str, public: bool = False) -> CaseEvent:
    case = _lock(case)
    _require_work(actor, case)
    note = _text(note, "note")
    if not note:
        raise DomainError("invalid", _("Tulis catatannya."), field="note")
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    event = _event(case, actor=actor, kind=EventKind.NOTE, note=note, public=public and not case.confidential, team=case.team,
                   before=case.state, after=case.state)
    audit_record(actor=actor, action="case.note", obj=case, village=case.village_id, changes={"public": event.public})
    return event


@transaction.atomic
def case_visit_record(*, actor: Actor, case: Case, visited_on: dt.date, visitors: str, findings: str, outcome: str,
                      follow_up: str = "", follow_up_on: dt.date | None = None) -> HomeVisit:
    """Record a home visit (CHIPs: volunteers and a doctor) with what was found and what follows."""
    case = _lock(case)
    _require_work(actor, case)
    if outcome not in VisitOutcome.values:
        raise DomainError("invalid", _("Pilih hasil kunjungan: %(choices)s.") % {"choices": ", ".join(VisitOutcome.values)}, field="outcome")
    today = timezone.localdate()
    if visited_on > today:
        raise DomainError("invalid", _("Tanggal kunjungan tidak boleh di masa depan."), field="visited_on")
    if follow_up_on is not None and follow_up_on < visited_on:
        raise DomainError("invalid", _("Tanggal tindak lanjut tidak boleh sebelum tanggal kunjungan."), field="follow_up_on")
    visitors, findings = visitors.strip()[:200], _text(findings, "note")
    if not visitors:
        raise DomainError("invalid", _("Tulis siapa yang berkunjung."), field="visitors")
    if not findings:
        raise DomainError("invalid", _("Tulis hasil temuan kunjungan."), field="findings")
    visit = HomeVisit.objects.create(case=case, visited_on=visited_on, visitors=visitors, findings=findings, outcome=outcome,
                                     follow_up=_text(follow_up, "note"), follow_up_on=follow_up_on, recorded_by=actor.user_or_none)
    note = f"Kunjungan {visited_on:%d-%m-%Y} oleh {visitors}: {VisitOutcome(outcome).label}"
    if case.state in ("new", "acknowledged"):
        _set_state(case, "in_progress", actor=actor, kind=EventKind.VISIT, note=note, public=False, acknowledged_at=case.acknowledged_at or timezone.now())
    else:
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        _event(case, actor=actor, kind=EventKind.VISIT, note=note, team=case.team, before=case.state, after=case.state)
    audit_record(actor=actor, action="case.visit", obj=case, village=case.village_id, changes={"visit": visit.pk, "outcome": outcome})
    return visit


@transaction.atomic
def case_merge(*, actor: Actor, case: Case, into: Case, note: str = "") -> Case:
    """Close `case` as a duplicate of `into` (same category); its reporter follows the kept case."""
    if case.pk == into.pk:
        raise DomainError("invalid", _("Kasus tidak bisa digabung ke dirinya sendiri."), field="into")
    first, second = sorted([case.pk, into.pk])
    locked = {c.pk: c for c in Case.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")}
    case, into = locked[case.pk], locked[into.pk]
    _require_work(actor, case)
    if not can_work(actor, into):
        raise DomainError("forbidden", _("Anda tidak bisa menangani kasus tujuan penggabungan."))
    if case.category_id != into.category_id:
        raise DomainError("invalid", _("Hanya kasus dengan jenis laporan yang sama yang bisa digabung."), field="into")
    if not case.is_open or not into.is_open or into.merged_into_id:
        raise DomainError("conflict", _("Kedua kasus harus masih terbuka."), field="into")
    _set_state(case, "closed", actor=actor, kind=EventKind.MERGED, note=note or f"Digabung ke {into.ticket}", merged_into=into, closed_at=timezone.now())
    Case.objects.filter(merged_into=case).update(merged_into=into)
    _event(into, actor=actor, kind=EventKind.MERGED, note=f"Laporan {case.ticket} digabung ke sini", public=True, team=into.team)
    return case


@transaction.atomic
def case_reporter_reply(*, actor: Actor, case: Case, reply_code: str, message: str, satisfied: bool) -> Case:
    """The reporter answers a follow-up with the code given at filing: satisfied closes it, not satisfied
    reopens it for the team (SP4N-LAPOR: without a reply it closes by itself after the autoclose days)."""
    case = _lock(case)
    if not case.reply_code_hash or not secrets.compare_digest(case.reply_code_hash, reply_code_hash(reply_code or "")):
        raise DomainError("forbidden", _("Kode balasan tidak cocok."), field="reply_code")
    if case.state not in ("resolved", "rejected", "referred"):
        raise DomainError("conflict", _("Anda bisa membalas setelah tim menindaklanjuti laporan ini."), field="state")
    message = _text(message, "note")
    _event(case, actor=actor, kind=EventKind.REPLY, note=message, public=not case.confidential, team=case.team)
    if satisfied:
        return _set_state(case, "closed", actor=actor, kind=EventKind.CLOSED, note="Pelapor puas", closed_at=timezone.now())
    now = timezone.now()
    return _set_state(case, "in_progress", actor=actor, kind=EventKind.REOPENED, note="Pelapor belum puas", resolution="", resolved_at=None,
                      close_due_at=None, due_at=add_working_days(now, case.category.resolve_days))


@transaction.atomic
def cases_escalate(*, actor: Actor, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic job: open cases past a deadline escalate to their kecamatan; followed-up cases whose
    reply window passed close. Set-based (one UPDATE and one bulk INSERT each)."""
    now = now or timezone.now()
    overdue = Case.objects.filter(is_open=True, escalated_at__isnull=True).filter(
        Q(acknowledged_at__isnull=True, respond_due_at__lt=now) | Q(due_at__lt=now))
    rows = list(overdue.values_list("id", "village__parent_id", "state", "team_id"))
    by_kecamatan: dict[int, list[int]] = {}
    for case_id, kecamatan_id, _state, _team in rows:
        by_kecamatan.setdefault(kecamatan_id, []).append(case_id)
    for kecamatan_id, ids in by_kecamatan.items():
        Case.objects.filter(pk__in=ids).update(escalated_at=now, escalated_to_id=kecamatan_id, updated_at=now)
    CaseEvent.objects.bulk_create(
        CaseEvent(case_id=case_id, at=now, kind=EventKind.ESCALATED, actor=actor.user_or_none, actor_label=actor.display[:150],
                  state_before=state, state_after=state, note="Melewati tenggat: dieskalasi ke kecamatan", public=False, team_id=team)
        for case_id, _k, state, team in rows)
    closing = list(Case.objects.filter(state__in=("resolved", "rejected", "referred"), close_due_at__lt=now).values_list("id", "state", "team_id"))
    Case.objects.filter(pk__in=[c for c, _s, _t in closing]).update(state="closed", is_open=False, closed_at=now, updated_at=now)
    CaseEvent.objects.bulk_create(
        CaseEvent(case_id=case_id, at=now, kind=EventKind.CLOSED, actor=actor.user_or_none, actor_label=actor.display[:150],
                  state_before=state, state_after="closed", note="Ditutup otomatis: tidak ada balasan pelapor", public=True, team_id=team)
        for case_id, state, team in closing)
    result = {"escalated": len(rows), "closed": len(closing)}
    if rows or closing:
        audit_record(actor=actor, action="cases.escalate", obj=CaseState(code="job"), changes=result)
    return result


# --- rumah singgah ------------------------------------------------------------------------------------

def can_manage_house(actor: Actor, house: TransitHouse) -> bool:
    user = actor.user_or_none
    if user is None:
        return actor.via == "cli" and actor.label.startswith("system:")
    scope = area_scope(user)
    if user.is_superuser or "regency_admin" in scope.roles:
        return True
    village = house.village
    area_ids = {village.id, village.parent_id}
    return TeamMember.objects.filter(user=user, team__active=True).filter(
        Q(team_id=house.team_id) | Q(team__kind__in=(TeamKind.PUSKESMAS, TeamKind.BHABINKAMTIBMAS), team__area_id__in=area_ids)).exists()


@transaction.atomic
def transit_house_create(*, actor: Actor, name: str, village: Area, beds: int, address: str = "", team: Team | None = None,
                         latitude: float | None = None, longitude: float | None = None) -> TransitHouse:
    house = TransitHouse(name=name.strip()[:120], village=village, address=address.strip()[:200], team=team, latitude=latitude, longitude=longitude)
    if not house.name:
        raise DomainError("invalid", _("Tulis nama rumah singgah."), field="name")
    if not village.is_village:
        raise DomainError("invalid", _("Rumah singgah harus berada di desa atau kelurahan."), field="village")
    if not 1 <= beds <= 100:
        raise DomainError("invalid", _("Jumlah tempat tidur 1 sampai 100."), field="beds")
    if not can_manage_house(actor, house):
        raise DomainError("forbidden", _("Hanya Puskesmas atau Bhabinkamtibmas wilayah ini yang boleh mengelola rumah singgah ini."))
    house.save()
    Bed.objects.bulk_create(Bed(house=house, label=f"{n:02d}") for n in range(1, beds + 1))
    audit_record(actor=actor, action="transit_house.create", obj=house, village=village, changes={"beds": beds})
    return house


DAYS_BEFORE_DUE = 14  # a high-risk mother comes in two weeks before the expected date [U: set per house]
DAYS_AFTER_DUE = 3


@transaction.atomic
def placement_create(*, actor: Actor, house: TransitHouse, person: Person, start_date: dt.date | None = None,
                     end_date: dt.date | None = None, case: Case | None = None) -> Placement:
    """Give a high-risk pregnant woman a bed from `start_date` (default: two weeks before her due date) to
    `end_date` (exclusive; default: three days after). The house row is locked so that two staff placing at
    the same moment queue behind each other, and each (bed, night) is unique in the database."""
    house = TransitHouse.objects.select_for_update().select_related("village").get(pk=house.pk)
    if not can_manage_house(actor, house):
        raise DomainError("forbidden", _("Hanya Puskesmas atau Bhabinkamtibmas wilayah ini yang boleh menempatkan warga di sini."))
    user = actor.user_or_none
    if user is not None and not scoped(Person.objects.filter(pk=person.pk), user).exists():
        raise DomainError("not_found", _("Warga ini tidak ada di wilayah Anda."), field="person")
    person = Person.objects.get(pk=person.pk)
    if person.pregnancy_due_date is None:
        raise DomainError("invalid", _("Warga ini belum punya hari perkiraan lahir (HPL) yang tercatat."), field="person")
    if person.date_of_death is not None:
        raise DomainError("invalid", _("Warga ini tercatat sudah meninggal."), field="person")
    due = person.pregnancy_due_date
    start = start_date or max(timezone.localdate(), due - dt.timedelta(days=DAYS_BEFORE_DUE))
    end = end_date or due + dt.timedelta(days=DAYS_AFTER_DUE)
    if end <= start:
        raise DomainError("invalid", _("Tanggal selesai harus sesudah tanggal mulai."), field="end_date")
    if (end - start).days > 60:
        raise DomainError("invalid", _("Lama tinggal paling banyak 60 malam."), field="end_date")
    live = (PlacementStatus.BOOKED, PlacementStatus.STAYING)
    if Placement.objects.filter(person=person, status__in=live, start_date__lt=end, end_date__gt=start).exists():
        raise DomainError("duplicate", _("Ibu ini sudah mendapat tempat pada tanggal tersebut."), field="person")
    nights = [start + dt.timedelta(days=n) for n in range((end - start).days)]
    taken = set(BedNight.objects.filter(bed__house=house, night__in=nights).values_list("bed_id", flat=True))
    bed = Bed.objects.filter(house=house, active=True).exclude(pk__in=taken).order_by("label").first()
    if bed is None:
        raise DomainError("conflict", _("%(house)s tidak punya tempat tidur kosong dari %(start)s sampai %(end)s.") % {"house": house.name, "start": f"{start:%d-%m-%Y}", "end": f"{end:%d-%m-%Y}"}, field="start_date")
    placement = Placement.objects.create(bed=bed, person=person, case=case, due_date=due, start_date=start, end_date=end, created_by=user)
    try:
        with transaction.atomic():
            BedNight.objects.bulk_create(BedNight(bed=bed, night=night, placement=placement) for night in nights)
    except IntegrityError:
        raise DomainError("conflict", _("%(house)s: tempat tidur itu baru saja terisi; silakan coba lagi.") % {"house": house.name}, field="start_date") from None
    audit_record(actor=actor, action="placement.create", obj=placement, village=house.village,
                 changes={"person": person.pk, "bed": bed.label, "start": start.isoformat(), "end": end.isoformat()})
    if case is not None:
        _event(case, actor=actor, kind=EventKind.PLACEMENT, note=f"{house.name}, tempat tidur {bed.label}: {start:%d-%m-%Y} s.d. {end:%d-%m-%Y}", team=case.team)
    return placement


@transaction.atomic
def placement_cancel(*, actor: Actor, placement: Placement, reason: str = "") -> Placement:
    placement = Placement.objects.select_for_update().select_related("bed__house__village").get(pk=placement.pk)
    if not can_manage_house(actor, placement.bed.house):
        raise DomainError("forbidden", _("Hanya Puskesmas atau Bhabinkamtibmas wilayah ini yang boleh mengubah penempatan ini."))
    if placement.status not in (PlacementStatus.BOOKED, PlacementStatus.STAYING):
        raise DomainError("conflict", _("Penempatan ini sudah berakhir."), field="status")
    BedNight.objects.filter(placement=placement).delete()
    placement.status = PlacementStatus.CANCELLED
    placement.save(update_fields=["status"])
    audit_record(actor=actor, action="placement.cancel", obj=placement, village=placement.bed.house.village, changes={"reason": reason[:200]})
    return placement


# --- Open311 keys -------------------------------------------------------------------------------------

def _key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def open311_key_create(*, actor: Actor, name: str) -> tuple[Open311Key, str]:
    """A new API key for an Open311 client; the raw key is returned once and never stored."""
    name = name.strip()[:100]
    if not name:
        raise DomainError("invalid", _("Tulis nama aplikasi klien."), field="name")
    if Open311Key.objects.filter(name=name).exists():
        raise DomainError("duplicate", _("Kunci bernama \"%(name)s\" sudah ada.") % {"name": name}, field="name")
    raw = "o311_" + secrets.token_urlsafe(24)
    key = Open311Key.objects.create(name=name, prefix=raw[:12], key_hash=_key_hash(raw))
    audit_record(actor=actor, action="open311_key.create", obj=key, changes={"name": name})
    return key, raw


def open311_key_check(raw: str | None) -> Open311Key | None:
    if not raw:
        return None
    key = Open311Key.objects.filter(key_hash=_key_hash(raw), revoked_at__isnull=True).first()
    if key is not None:
        Open311Key.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


@transaction.atomic
def open311_key_revoke(*, actor: Actor, key: Open311Key) -> Open311Key:
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="open311_key.revoke", obj=key)
    return key
