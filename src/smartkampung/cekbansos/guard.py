"""What stops the public Cek Bansos pages being used to fish through other people's data.

- Keyed hashes: a NIK or a client address is only ever stored as an HMAC with the deployment's
  SECRET_KEY (a plain SHA-256 of a NIK could be reversed by trying every NIK: there are few of them).
- Counters: failed checks per client and per NIK, searches and reports per client, in fixed time
  windows, in the database (several server workers, several machines share them) and updated by one
  atomic upsert. A limit is read before the lookup and bumped after a failure, so concurrent requests can
  overshoot a limit by at most the number in flight at that moment; they never reset it.
- Tickets: follow codes are random (40 bits), not sequential, so nobody can walk other people's reports.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from smartkampung.core.db import hot_cursor
from smartkampung.core.errors import DomainError

from .models import Throttle


@dataclass(frozen=True)
class Limit:
    """At most `max_hits` counted events per subject over the last `windows` windows of `window_seconds`."""

    name: str
    window_seconds: int
    windows: int
    max_hits: int

    @property
    def span_minutes(self) -> int:
        return self.window_seconds * self.windows // 60


def _limit(name: str, window_seconds: int, windows: int, max_hits: int) -> Limit:
    # A deployment may tune a limit without a code change: CEKBANSOS_LIMITS = {"check_nik": 3, ...}.
    override = getattr(settings, "CEKBANSOS_LIMITS", {}).get(name)
    return Limit(name, window_seconds, windows, int(override) if override is not None else max_hits)


# Failed checks (wrong NIK/birth date, unknown NIK, usul for an unknown NIK, wrong ticket) per client:
# a genuine resident fails a few times; a script trying NIKs fails thousands of times. Generous, because
# many phones share one address behind a mobile carrier's NAT.
CHECK_CLIENT = _limit("check_client", 600, 6, 30)
# Failed checks per NIK: after 5 in an hour the NIK's lookup is locked until they age out (at most an
# hour), from every client, whether the NIK exists or not (so the lock itself says nothing).
CHECK_NIK = _limit("check_nik", 600, 6, 5)
# Name searches per client (each one counts, found or not): enough for a family, too few to walk a village.
SEARCH_CLIENT = _limit("search_client", 600, 1, 20)
# Usul and sanggah submissions per client per day.
REPORT_CLIENT = _limit("report_client", 3600, 24, 10)


class Throttled(DomainError):
    """A refusal for too many attempts: HTTP 429 with Retry-After."""

    def __init__(self, code: str, message: str, *, retry_after: int) -> None:
        super().__init__(code, message)
        self.retry_after = retry_after

    @property
    def http_status(self) -> int:
        return 429

    def as_dict(self) -> dict:
        return {**super().as_dict(), "retry_after": self.retry_after}


def keyed_hash(kind: str, value: str) -> str:
    """HMAC-SHA256 of `value` under the SECRET_KEY, per kind (a NIK and an address never share a hash);
    128 bits in hex."""
    return salted_hmac(f"smartkampung.cekbansos.{kind}", value, algorithm="sha256").hexdigest()[:32]


def _window(limit: Limit, now: float) -> int:
    """The start (epoch seconds) of the window `now` falls in: comparable across limits of any length."""
    return int(now) // limit.window_seconds * limit.window_seconds


def _oldest_counted(limit: Limit, now: float) -> int:
    return _window(limit, now) - (limit.windows - 1) * limit.window_seconds


def _counter_key(limit: Limit, value: str) -> str:
    return keyed_hash(limit.name, value)


def exceeded(checks: list[tuple[Limit, str]], *, now: float | None = None) -> Limit | None:
    """The first limit in `checks` that its subject has reached, in one indexed query; None if none."""
    now = time.time() if now is None else now
    wanted = {_counter_key(limit, value): limit for limit, value in checks}
    table = connection.ops.quote_name(Throttle._meta.db_table)
    where = " OR ".join('("key" = %s AND "window" >= %s)' for _ in wanted)
    params = [p for key, limit in wanted.items() for p in (key, _oldest_counted(limit, now))]
    with hot_cursor() as cursor:  # written out: this runs on every public check
        cursor.execute(f'SELECT "key", SUM("hits") FROM {table} WHERE {where} GROUP BY "key"', params)
        totals = dict(cursor.fetchall())
    for key, limit in wanted.items():
        if (totals.get(key) or 0) >= limit.max_hits:
            return limit
    return None


def bump_statement(events: list[tuple[Limit, str]], *, now: float | None = None) -> tuple[str, list]:
    """The statement that counts one event for each (limit, subject): one atomic upsert (SQLite >= 3.24
    and PostgreSQL). Returned rather than run, so that the public lookups can send it with their log row."""
    now = time.time() if now is None else now
    table = connection.ops.quote_name(Throttle._meta.db_table)
    rows = [(_counter_key(limit, value), _window(limit, now)) for limit, value in events]
    values = ", ".join("(%s, %s, 1)" for _ in rows)
    sql = (f'INSERT INTO {table} ("key", "window", "hits") VALUES {values} '
           f'ON CONFLICT ("key", "window") DO UPDATE SET "hits" = {table}."hits" + 1')
    return sql, [p for row in rows for p in row]


def bump(events: list[tuple[Limit, str]], *, now: float | None = None) -> None:
    """Count one event for each (limit, subject)."""
    with connection.cursor() as cursor:
        cursor.execute(*bump_statement(events, now=now))


def refuse(limit: Limit) -> Throttled:
    if limit is CHECK_NIK:
        return Throttled("nik_locked", _("Terlalu banyak percobaan yang salah untuk NIK ini. Pemeriksaan NIK ini dikunci sementara; coba lagi setelah %(minutes)s menit.") % {"minutes": limit.span_minutes},
                         retry_after=limit.window_seconds * limit.windows)
    return Throttled("too_many_attempts", _("Terlalu banyak percobaan dari sambungan Anda. Coba lagi setelah %(minutes)s menit.") % {"minutes": limit.span_minutes},
                     retry_after=limit.window_seconds * limit.windows)


LIMITS = (CHECK_CLIENT, CHECK_NIK, SEARCH_CLIENT, REPORT_CLIENT)


def purge(*, now: float | None = None) -> int:
    """Delete the counter windows that no limit reads any more; returns how many."""
    now = time.time() if now is None else now
    longest = max(lim.window_seconds * lim.windows for lim in LIMITS)
    return Throttle.objects.filter(window__lt=int(now) - longest).delete()[0]


_TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: easy to read out over the phone


def new_ticket(prefix: str) -> str:
    """A follow code such as "US-7K3M-Q9PX": 8 random characters of 30 (about 39 bits)."""
    body = "".join(secrets.choice(_TICKET_ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def normalise_ticket(text: str) -> str:
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if len(raw) != 10:
        return ""
    return f"{raw[:2]}-{raw[2:6]}-{raw[6:]}"


# --- Sealed references --------------------------------------------------------------------------------
# A search result links to the sanggah form without showing who it is: the resident's id travels sealed
# (encrypted and authenticated, Fernet, under a key derived from SECRET_KEY) and expires, so it can be
# neither read, nor forged, nor collected and replayed next week.

SEAL_MAX_AGE_SECONDS = 2 * 3600


def _fernet():
    import base64
    import hashlib

    from cryptography.fernet import Fernet

    key = hashlib.sha256(f"smartkampung.cekbansos.seal:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(person_id: int) -> str:
    return _fernet().encrypt(str(person_id).encode()).decode()


def unseal(token: str) -> int | None:
    from cryptography.fernet import InvalidToken

    try:
        return int(_fernet().decrypt((token or "").encode(), ttl=SEAL_MAX_AGE_SECONDS))
    except (InvalidToken, ValueError):
        return None
