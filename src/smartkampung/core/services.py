"""Writes for areas, staff roles and API tokens."""

from __future__ import annotations

import csv
import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import Actor, audit_record
from .errors import DomainError
from .models import ROLE_AREA_KINDS, ApiToken, Area, AreaKind, Role, StaffRole

DATA_DIR = Path(__file__).resolve().parent / "data"
BANYUWANGI_AREAS = DATA_DIR / "banyuwangi_areas.csv"
BANYUWANGI_AREA_HISTORY = DATA_DIR / "banyuwangi_area_history.csv"

AREA_COLUMNS = ("code", "name", "kind", "parent_code", "latitude", "longitude", "postal_code", "bps_code")
# kabupaten 35.10 · kecamatan 35.10.07 · village 35.10.07.2003 (1xxx kelurahan, 2xxx desa)
_CODE_SHAPES = {
    AreaKind.KABUPATEN: re.compile(r"^\d{2}\.\d{2}$"),
    AreaKind.KECAMATAN: re.compile(r"^\d{2}\.\d{2}\.\d{2}$"),
    AreaKind.KELURAHAN: re.compile(r"^\d{2}\.\d{2}\.\d{2}\.1\d{3}$"),
    AreaKind.DESA: re.compile(r"^\d{2}\.\d{2}\.\d{2}\.2\d{3}$"),
}


@dataclass(frozen=True)
class AreaLoadResult:
    created: int
    updated: int
    by_kind: dict[str, int]


def _area_error(line: int, message: str, field: str) -> DomainError:
    return DomainError("invalid_area_row", f"Line {line}: {message}", field=field)


def _float_or_none(value: str, *, line: int, field: str) -> float | None:
    if not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise _area_error(line, f"{field} {value!r} is not a number.", field) from None


def _read_area_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in AREA_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise DomainError("invalid_area_file", f"{path.name} lacks the columns {', '.join(missing)}.", field="columns")
        rows = []
        for line, row in enumerate(reader, start=2):
            kind = row["kind"].strip()
            code = row["code"].strip()
            if kind not in _CODE_SHAPES:
                raise _area_error(line, f"kind {kind!r} is not one of kabupaten, kecamatan, desa, kelurahan.", "kind")
            if not _CODE_SHAPES[kind].match(code):
                raise _area_error(line, f"code {code!r} does not have the shape of a {kind} code.", "code")
            parent_code = row["parent_code"].strip()
            if kind != AreaKind.KABUPATEN and code.rsplit(".", 1)[0] != parent_code:
                raise _area_error(line, f"parent_code {parent_code!r} is not the parent of {code}.", "parent_code")
            if not row["name"].strip():
                raise _area_error(line, "name is empty.", "name")
            rows.append(
                {
                    "line": line,
                    "code": code,
                    "name": row["name"].strip(),
                    "kind": kind,
                    "parent_code": parent_code,
                    "latitude": _float_or_none(row["latitude"], line=line, field="latitude"),
                    "longitude": _float_or_none(row["longitude"], line=line, field="longitude"),
                    "postal_code": (row.get("postal_code") or "").strip(),
                    "bps_code": (row.get("bps_code") or "").strip(),
                }
            )
    return rows


@transaction.atomic
def areas_load(*, path: Path, history_path: Path | None = None, actor: Actor) -> AreaLoadResult:
    """Load (or refresh) one regency's area table; the same file loaded twice changes nothing."""
    rows = _read_area_rows(Path(path))
    regencies = [r for r in rows if r["kind"] == AreaKind.KABUPATEN]
    if len(regencies) != 1:
        raise DomainError("invalid_area_file", f"The file must hold exactly one kabupaten (found {len(regencies)}).", field="kind")
    regency_code = regencies[0]["code"]
    other = Area.objects.filter(kind=AreaKind.KABUPATEN).exclude(code=regency_code).first()
    if other:
        raise DomainError(
            "conflict",
            f"This database already serves {other.name} ({other.code}); one regency per database.",
            field="code",
        )
    codes = {r["code"] for r in rows}
    if len(codes) != len(rows):
        raise DomainError("invalid_area_file", "A code appears more than once.", field="code")
    for row in rows:
        if row["kind"] != AreaKind.KABUPATEN and row["parent_code"] not in codes:
            raise _area_error(row["line"], f"parent {row['parent_code']} is not in the file.", "parent_code")

    existing = {a.code: a for a in Area.objects.filter(code__in=codes)}
    created = updated = 0
    by_code: dict[str, Area] = {}
    # Parents before children: kabupaten, kecamatan, villages (codes sort that way by length).
    for row in sorted(rows, key=lambda r: (r["code"].count("."), r["code"])):
        values = {k: row[k] for k in ("name", "kind", "latitude", "longitude", "postal_code", "bps_code")}
        values["parent"] = by_code.get(row["parent_code"])
        area = existing.get(row["code"])
        if area is None:
            area = Area.objects.create(code=row["code"], **values)
            created += 1
        elif any(getattr(area, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(area, k, v)
            area.save()
            updated += 1
        by_code[row["code"]] = area

    if history_path is not None:
        _apply_area_history(Path(history_path), by_code)

    by_kind = {kind: sum(1 for r in rows if r["kind"] == kind) for kind in _CODE_SHAPES}
    audit_record(
        actor=actor,
        action="areas.load",
        obj=by_code[regency_code],
        changes={"file": Path(path).name, "created": created, "updated": updated, **by_kind},
    )
    return AreaLoadResult(created=created, updated=updated, by_kind=by_kind)


def _apply_area_history(path: Path, by_code: dict[str, Area]) -> None:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            area = by_code.get(row["code"].strip())
            if area is None:
                raise _area_error(line, f"history names unknown area {row['code']!r}.", "code")
            year = row.get("established_year", "").strip()
            area.established_year = int(year) if year else None
            area.save(update_fields=["established_year"])
            old = []
            for code in row.get("split_from", "").split():
                if code not in by_code:
                    raise _area_error(line, f"split_from names unknown area {code!r}.", "split_from")
                old.append(by_code[code])
            area.split_from.set(old)


@transaction.atomic
def role_grant(*, actor: Actor, user, role: str, area: Area) -> StaffRole:
    if role not in Role.values:
        raise DomainError("invalid_role", _("Peran %(role)r tidak dikenal.") % {"role": role}, field="role")
    if area.kind not in ROLE_AREA_KINDS[role]:
        allowed = ", ".join(sorted(ROLE_AREA_KINDS[role]))
        raise DomainError("invalid_role_area", _("Peran %(role)s diberikan pada tingkat %(allowed)s, bukan %(kind)s.") % {"role": Role(role).label, "allowed": allowed, "kind": area.kind}, field="area")
    staff_role, created = StaffRole.objects.get_or_create(user=user, role=role, area=area)
    if created:
        if not user.is_staff:
            user.is_staff = True  # lets the admin site open; what it shows is still scoped by role
            user.save(update_fields=["is_staff"])
        audit_record(actor=actor, action="role.grant", obj=staff_role, changes={"user": user.username, "role": role, "area": area.code})
    return staff_role


def user_with_role_create(*, actor: Actor, username: str, password: str, role: str, areas: list[Area], full_name: str = ""):
    """Create (or reuse) a staff login with one role over some areas; used by demo set-up and admins."""
    user_model = get_user_model()
    with transaction.atomic():
        user, created = user_model.objects.get_or_create(username=username, defaults={"first_name": full_name[:150]})
        if created:
            user.set_password(password)
            user.save()
        for area in areas:
            role_grant(actor=actor, user=user, role=role, area=area)
    return user


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_issue(*, actor: Actor, user, name: str) -> tuple[ApiToken, str]:
    """Issue a bearer token; the secret is returned once and never stored."""
    name = name.strip()
    if not name:
        raise DomainError("invalid", _("Token memerlukan nama (untuk apa token ini)."), field="name")
    if ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True).exists():
        raise DomainError("duplicate", _("%(user)s sudah memiliki token aktif bernama %(name)r.") % {"user": user.username, "name": name}, field="name")
    secret = "sk_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:10], key_hash=_hash(secret))
    audit_record(actor=actor, action="token.issue", obj=token, changes={"user": user.username, "name": name})
    return token, secret


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoke", obj=token, changes={"user": token.user.username, "name": token.name})
    return token


def token_user(secret: str):
    """The active user behind a bearer secret, or None. Marks the token used at most once a minute."""
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(secret), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
