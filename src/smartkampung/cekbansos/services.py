"""Writes of Cek Bansos: the public check (it logs and counts), usul and sanggah with their cases, and
the village's verification that ends them (confirming an usul enrols the resident).

The public check is the hot path of a regency-wide rush: it reads outside any transaction (on SQLite a
transaction takes the write lock up front) and writes only what it must — one log row; on a failure,
the log row and both counters in one short transaction.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.db import hot_cursor
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, AreaKind
from smartkampung.core.scoping import area_scope
from smartkampung.programmes.models import Level, Programme, Source
from smartkampung.registry.models import Person

from . import casework, guard, selectors
from .masking import mask_name
from .models import (
    ExcludingProgramme,
    LookupKind,
    LookupLog,
    Relation,
    Sanggah,
    SanggahReason,
    SanggahStatus,
    Usul,
    UsulStatus,
)
from .photos import clean_photo

# Cek Bansos 2021 (DOMAIN.md): recipients of these, or of any regional programme, get no new aid.
EXCLUDING_CODES = ("PKH", "BPNT", "BLT_DD", "BST", "BPUM")
REASON_MIN_LENGTH = 10
_DIGITS = frozenset("0123456789")


def _nik_format(nik: str, field_name: str = "nik") -> str:
    nik = (nik or "").strip()
    if len(nik) != 16 or not set(nik) <= _DIGITS:
        raise DomainError("invalid", _("NIK harus 16 angka."), field=field_name)
    return nik


_LOG_SQL = (f'INSERT INTO "{LookupLog._meta.db_table}" ("at", "kind", "outcome", "client_hash", "nik_hash", "via") '
            "SELECT %s, %s, %s, %s, %s, %s")


def _log_statement(*, kind: str, outcome: str, client: str, nik: str, via: str) -> tuple[str, list]:
    return _LOG_SQL, [connection.ops.adapt_datetimefield_value(timezone.now()), kind, outcome,
                      guard.keyed_hash("client", client), guard.keyed_hash("nik", nik) if nik else "", via]


def _log_row(*, kind: str, outcome: str, client: str, nik: str = "", via: str) -> None:
    """One lookup log row, in the caller's transaction (usul and sanggah write theirs with the report)."""
    with connection.cursor() as cursor:
        cursor.execute(*_log_statement(kind=kind, outcome=outcome, client=client, nik=nik, via=via))


def _log(*, kind: str, outcome: str, client: str, nik: str = "", via: str, count: tuple[tuple[guard.Limit, str], ...] | list[tuple[guard.Limit, str]] = ()) -> None:
    """A public lookup's own writes: its log row and, when `count` is given, its counters, together.
    On PostgreSQL they are one statement (one round trip; its own transaction when no transaction is open),
    committed without waiting for the WAL flush: set_config(..., true) turns synchronous_commit off for that
    transaction only. An operating-system crash could lose the last fraction of a second of lookup rows,
    never corrupt or half-write them: the guarantee SQLite's WAL with synchronous=NORMAL gives every write
    here anyway. Waiting for one disk flush per public check is what would otherwise bound the rush, and
    the round trips of BEGIN / SET / INSERT / COMMIT were half the database's work per check
    (docs/decisions.md)."""
    log_sql, params = _log_statement(kind=kind, outcome=outcome, client=client, nik=nik, via=via)
    bump = guard.bump_statement(list(count)) if count else None
    if connection.vendor == "postgresql":
        parts = ["sync AS (SELECT set_config('synchronous_commit', 'off', true))"]
        if bump is not None:  # a data-modifying WITH runs whether or not it is referenced
            parts.append(f"bumped AS ({bump[0]})")
        with hot_cursor() as cursor:
            cursor.execute(f"WITH {', '.join(parts)} {log_sql} FROM sync", [*(bump[1] if bump else []), *params])
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(log_sql, params)
        if bump is not None:
            cursor.execute(*bump)


def _failure(*, kind: str, client: str, nik: str = "", via: str, outcome: str = "not_found") -> None:
    """A failed lookup: log it and count it against the client (and the NIK), together."""
    events = [(guard.CHECK_CLIENT, client)] + ([(guard.CHECK_NIK, nik)] if nik else [])
    _log(kind=kind, outcome=outcome, client=client, nik=nik, via=via, count=events)


@transaction.atomic
def excluding_load(*, actor: Actor) -> int:
    """Seed the list of excluding programmes once (Cek Bansos 2021); afterwards the regency edits it in
    the admin and a re-run changes nothing. Returns how many were added."""
    if ExcludingProgramme.objects.exists():
        return 0
    programmes = Programme.objects.filter(code__in=EXCLUDING_CODES) | Programme.objects.filter(level__in=(Level.REGENCY, Level.PROVINCE))
    added = 0
    for programme in programmes.distinct().order_by("code"):
        ExcludingProgramme.objects.create(programme=programme, note="Cek Bansos 2021")
        added += 1
    if added:
        audit_record(actor=actor, action="cekbansos.excluding_load", obj=ExcludingProgramme.objects.order_by("pk").first(), changes={"added": added})
    return added


# --- The check -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckAnswer:
    found: bool
    name: str | None = None  # masked
    village: str | None = None
    kecamatan: str | None = None
    receives: list[selectors.Received] = field(default_factory=list)

    @property
    def excluded_by(self) -> list[selectors.Received]:
        return [r for r in self.receives if r.active and r.excluding]


NOT_FOUND = CheckAnswer(found=False)


def bansos_check(*, nik: str, birth_date: dt.date, client: str, via: str, today: dt.date | None = None) -> CheckAnswer:
    """What the resident with this NIK and birth date receives. An unknown NIK, a wrong birth date and a
    deceased resident all answer NOT_FOUND, through the same statements. Raises guard.Throttled when the
    client or the NIK is over its limit (the same for every NIK, known or not)."""
    nik = _nik_format(nik)
    limit = guard.exceeded([(guard.CHECK_CLIENT, client), (guard.CHECK_NIK, nik)])
    if limit is not None:
        _log(kind=LookupKind.CHECK, outcome="locked" if limit is guard.CHECK_NIK else "throttled", client=client, nik=nik, via=via)
        raise guard.refuse(limit)
    match = selectors.check_match(nik=nik, birth_date=birth_date)
    if match is None:
        _failure(kind=LookupKind.CHECK, client=client, nik=nik, via=via)
        return NOT_FOUND
    received = selectors.received_by(person_id=match.person_id, household_id=match.household_id, today=today or timezone.localdate())
    _log(kind=LookupKind.CHECK, outcome="found", client=client, nik=nik, via=via)
    return CheckAnswer(found=True, name=mask_name(match.name), village=match.village, kecamatan=match.kecamatan, receives=received)


def recipients_search(*, village_code: str, name: str, client: str, via: str, today: dt.date | None = None) -> selectors.SearchAnswer:
    """The public name search, counted per client (every search, found or not) and logged."""
    village = Area.objects.filter(code=(village_code or "").strip(), kind__in=(AreaKind.DESA, AreaKind.KELURAHAN)).first()
    if village is None:
        raise DomainError("invalid", _("Pilih desa/kelurahan."), field="village")
    if not selectors.search_query_ok(name):
        raise DomainError("invalid", _("Tulis sedikitnya %(n)s huruf dari nama.") % {"n": selectors.SEARCH_MIN_LETTERS}, field="name")
    limit = guard.exceeded([(guard.SEARCH_CLIENT, client)])
    if limit is not None:
        _log(kind=LookupKind.SEARCH, outcome="throttled", client=client, via=via)
        raise guard.refuse(limit)
    answer = selectors.recipients_search(village=village, name=name, today=today or timezone.localdate())
    _log(kind=LookupKind.SEARCH, outcome="too_many" if answer.too_many else ("found" if answer.hits else "not_found"), client=client, via=via,
         count=[(guard.SEARCH_CLIENT, client)])
    return answer


def ticket_follow(*, ticket: str, client: str, via: str) -> Usul | Sanggah:
    """A report by its follow code; a wrong code counts as a failed lookup of the client."""
    limit = guard.exceeded([(guard.CHECK_CLIENT, client)])
    if limit is not None:
        _log(kind=LookupKind.TICKET, outcome="throttled", client=client, via=via)
        raise guard.refuse(limit)
    code = guard.normalise_ticket(ticket)
    report = selectors.report_by_ticket(code) if code else None
    if report is None:
        _failure(kind=LookupKind.TICKET, client=client, via=via)
        raise DomainError("not_found", _("Nomor tiket tidak ditemukan. Periksa kembali penulisannya."), field="ticket")
    _log(kind=LookupKind.TICKET, outcome="found", client=client, via=via)
    return report


# --- Usul ---------------------------------------------------------------------------------------------


def _public_actor(client: str, via: str) -> Actor:
    try:
        ip = str(ipaddress.ip_address(client))
    except ValueError:  # the audit trail takes addresses only (a proxy may send junk in its header)
        ip = None
    return Actor(user=None, ip=ip, via=via, label="warga:cekbansos")


def _report_allowed(client: str, via: str, kind: str) -> None:
    limit = guard.exceeded([(guard.REPORT_CLIENT, client), (guard.CHECK_CLIENT, client)])
    if limit is not None:
        _log(kind=kind, outcome="throttled", client=client, via=via)
        raise guard.refuse(limit)


def _regency_resident(nik: str) -> Person | None:
    """A living resident of this regency with this NIK (one query), else None."""
    person = Person.objects.select_related("village").filter(nik=nik, date_of_death__isnull=True).first()
    if person is None or not person.village.is_village:
        return None
    regency = Area.objects.filter(kind=AreaKind.KABUPATEN).values_list("code", flat=True).first()
    return person if regency and person.village.code.startswith(regency + ".") else None


@dataclass(frozen=True)
class UsulResult:
    usul: Usul
    eligibility: selectors.Eligibility


def usul_submit(*, nik: str, relation: str, reporter_contact: str, reason: str, client: str, via: str,
                reporter_name: str = "", photo=None, today: dt.date | None = None) -> UsulResult:
    """Report a resident as missed. The NIK is checked at once (a living resident of the regency); the
    programmes' current rules are evaluated for them; an excluded resident (already receiving an excluding
    programme) is told so and no case is raised; otherwise a verification case goes to their village."""
    today = today or timezone.localdate()
    nik = _nik_format(nik)
    if relation not in Relation.values:
        raise DomainError("invalid", _("Pilih hubungan Anda dengan orang yang diusulkan."), field="relation")
    reporter_contact = (reporter_contact or "").strip()
    if len(reporter_contact) < 6:
        raise DomainError("invalid", _("Tulis nomor HP atau alamat surel yang dapat dihubungi."), field="reporter_contact")
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise DomainError("invalid", _("Tulis alasan usulan, sedikitnya %(n)s huruf.") % {"n": REASON_MIN_LENGTH}, field="reason")
    photo_file = clean_photo(photo) if photo else None  # before anything is written
    _report_allowed(client, via, LookupKind.USUL)
    person = _regency_resident(nik)
    if person is None:
        # One answer for unknown, deceased and not of this regency: the form is no oracle of deaths.
        _failure(kind=LookupKind.USUL, client=client, nik=nik, via=via)
        raise DomainError("not_resident", _("NIK ini tidak terdaftar sebagai penduduk Kabupaten Banyuwangi yang masih hidup. "
                          "Periksa kembali NIK pada KTP/KK, atau datangi kantor desa/kelurahan."), field="nik")
    eligibility = selectors.person_eligibility(person=person, as_of=today)
    actor = _public_actor(client, via)
    with transaction.atomic():
        usul = Usul(
            ticket=guard.new_ticket("US"), subject=person, village=person.village, relation=relation,
            reporter_name=(reporter_name or "").strip()[:120], reporter_contact=reporter_contact[:60], reason=reason,
            programmes_met=[p.code for p in eligibility.met], excluded_by=[p.code for p in eligibility.excluded_by],
            status=UsulStatus.EXCLUDED if eligibility.excluded else UsulStatus.VERIFYING,
        )
        if photo_file is not None:
            usul.photo.save(photo_file.name, photo_file, save=False)
        usul.save()
        if not eligibility.excluded:
            case = casework.raise_usul_case(actor=actor, usul=usul)
            usul.case_id, usul.case_ticket = case.pk, case.ticket
            usul.save(update_fields=["case_id", "case_ticket"])
        guard.bump([(guard.REPORT_CLIENT, client)])
        _log_row(kind=LookupKind.USUL, outcome="excluded" if eligibility.excluded else "accepted", client=client, nik=nik, via=via)
        audit_record(actor=actor, action="usul.submit", obj=usul, village=usul.village_id,
                     changes={"ticket": usul.ticket, "status": usul.status, "met": usul.programmes_met, "excluded_by": usul.excluded_by})
    return UsulResult(usul=usul, eligibility=eligibility)


def _require_writer(actor: Actor, village_id: int) -> None:
    if not area_scope(actor.user).can_write_village(village_id):
        raise DomainError("forbidden", _("Hanya operator desa/kelurahan ini (atau kecamatan/kabupaten) yang dapat memutuskan verifikasi."))


@transaction.atomic
def usul_confirm(*, actor: Actor, usul: Usul, programme: Programme, start_date: dt.date, note: str = "") -> Usul:
    """The village's visit confirms the usul: the case is resolved and the resident is enrolled in
    `programme` (source usul) — all or nothing. The programme's rule must hold on today's registry data:
    if the visit found the data wrong (desil, house), the operator corrects the registry first."""
    usul = Usul.objects.select_for_update().select_related("subject", "village").get(pk=usul.pk)
    _require_writer(actor, usul.village_id)
    if usul.status != UsulStatus.VERIFYING:
        raise DomainError("conflict", _("Usulan ini sudah diputuskan (%(status)s).") % {"status": usul.get_status_display()})
    eligibility = selectors.person_eligibility(person=usul.subject, as_of=start_date)
    if eligibility.excluded:
        raise DomainError("excluded", _("Warga ini sudah menerima %(programmes)s: menurut aturan, tidak dapat diberi bantuan baru.")
                          % {"programmes": ", ".join(p.code for p in eligibility.excluded_by)}, field="programme")
    if programme not in eligibility.met:
        raise DomainError("not_eligible", _("Menurut data registrasi saat ini, warga ini tidak memenuhi aturan %(programme)s. "
                            "Perbarui dulu data keluarga (mis. desil, kondisi rumah) bila kunjungan menemukan data yang salah.")
                          % {"programme": programme.code}, field="programme")
    household = None
    if programme.unit == "household":
        from smartkampung.registry.models import Membership

        membership = Membership.objects.select_related("household").filter(person=usul.subject, end_date__isnull=True).first()
        if membership is None:
            raise DomainError("invalid", _("Warga ini tidak tercatat dalam KK mana pun."), field="programme")
        household = membership.household
    from smartkampung.programmes import services as programme_services

    enrolment = programme_services.enrolment_create(
        actor=actor, programme=programme, start_date=start_date, source=Source.USUL,
        person=usul.subject if household is None else None, household=household, source_ref=f"usul:{usul.ticket}",
    )
    casework.resolve(actor=actor, case_id=usul.case_id, resolution="resolved",
                     note=f"Dikonfirmasi setelah verifikasi; didaftarkan pada {programme.name}." + (f" {note}" if note else ""))
    usul.status = UsulStatus.CONFIRMED
    usul.enrolment = enrolment
    usul.decided_at = timezone.now()
    usul.decided_by = actor.user_or_none
    usul.decision_note = note
    usul.save(update_fields=["status", "enrolment", "decided_at", "decided_by", "decision_note"])
    _close_twins(actor=actor, usul=usul)
    audit_record(actor=actor, action="usul.confirm", obj=usul, village=usul.village_id, changes={"programme": programme.code, "enrolment": enrolment.pk})
    return usul


@transaction.atomic
def usul_reject(*, actor: Actor, usul: Usul, note: str) -> Usul:
    """The visit did not confirm the usul; the reason is shown to the reporter."""
    usul = Usul.objects.select_for_update().get(pk=usul.pk)
    _require_writer(actor, usul.village_id)
    if usul.status != UsulStatus.VERIFYING:
        raise DomainError("conflict", _("Usulan ini sudah diputuskan (%(status)s).") % {"status": usul.get_status_display()})
    note = (note or "").strip()
    if len(note) < REASON_MIN_LENGTH:
        raise DomainError("invalid", _("Tulis hasil verifikasi: pelapor berhak tahu alasannya."), field="note")
    casework.resolve(actor=actor, case_id=usul.case_id, resolution="rejected", note=note)
    usul.status = UsulStatus.REJECTED
    usul.decided_at = timezone.now()
    usul.decided_by = actor.user_or_none
    usul.decision_note = note
    usul.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    _close_twins(actor=actor, usul=usul)
    audit_record(actor=actor, action="usul.reject", obj=usul, village=usul.village_id, changes={"note": note})
    return usul


def _close_twins(*, actor: Actor, usul: Usul) -> None:
    """Other usul of the same resident that joined the same case end with the same decision."""
    if usul.case_id is None:
        return
    twins = Usul.objects.filter(case_id=usul.case_id, status=UsulStatus.VERIFYING).exclude(pk=usul.pk)
    for twin in twins:
        audit_record(actor=actor, action=f"usul.{'confirm' if usul.status == UsulStatus.CONFIRMED else 'reject'}", obj=twin,
                     village=twin.village_id, changes={"with": usul.ticket})
    twins.update(status=usul.status, enrolment=usul.enrolment, decided_at=usul.decided_at, decided_by=usul.decided_by,
                 decision_note=usul.decision_note)


# --- Sanggah ------------------------------------------------------------------------------------------


def sanggah_submit(*, person_id: int, programme_code: str, reason_kind: str, reason: str, client: str, via: str,
                   objector_name: str = "", objector_contact: str = "", today: dt.date | None = None) -> Sanggah:
    """Object to a recipient. `person_id` comes from a sealed search token (views), never from what the
    public types. The case is raised anonymous: the objector's identity stays in this app's record."""
    today = today or timezone.localdate()
    if reason_kind not in SanggahReason.values:
        raise DomainError("invalid", _("Pilih alasan sanggahan."), field="reason_kind")
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise DomainError("invalid", _("Tulis alasan sanggahan, sedikitnya %(n)s huruf.") % {"n": REASON_MIN_LENGTH}, field="reason")
    person = Person.objects.select_related("village").filter(pk=person_id, date_of_death__isnull=True).first()
    if person is None:
        raise DomainError("not_found", _("Penerima tidak ditemukan; cari ulang namanya."), field="programme")
    enrolment = selectors.active_enrolment_of(person=person, programme_code=programme_code, today=today)
    if enrolment is None:
        raise DomainError("invalid", _("Warga ini tidak sedang menerima program itu."), field="programme")
    _report_allowed(client, via, LookupKind.SANGGAH)
    actor = _public_actor(client, via)
    with transaction.atomic():
        sanggah = Sanggah.objects.create(
            ticket=guard.new_ticket("SG"), subject=person, programme=enrolment.programme, enrolment=enrolment, village=person.village,
            reason_kind=reason_kind, reason=reason, objector_name=(objector_name or "").strip()[:120],
            objector_contact=(objector_contact or "").strip()[:60],
        )
        case = casework.raise_sanggah_case(actor=actor, sanggah=sanggah)
        sanggah.case_id, sanggah.case_ticket = case.pk, case.ticket
        sanggah.save(update_fields=["case_id", "case_ticket"])
        guard.bump([(guard.REPORT_CLIENT, client)])
        _log_row(kind=LookupKind.SANGGAH, outcome="accepted", client=client, via=via)
        audit_record(actor=actor, action="sanggah.submit", obj=sanggah, village=sanggah.village_id,
                     changes={"ticket": sanggah.ticket, "programme": enrolment.programme.code, "reason_kind": reason_kind})
    return sanggah


@transaction.atomic
def sanggah_decide(*, actor: Actor, sanggah: Sanggah, upheld: bool, note: str, end_enrolment: bool = False,
                   end_date: dt.date | None = None) -> Sanggah:
    """The village's verdict. An upheld sanggah may end the enrolment (programmes' enrolment_end) in the
    same transaction."""
    sanggah = Sanggah.objects.select_for_update().select_related("enrolment").get(pk=sanggah.pk)
    _require_writer(actor, sanggah.village_id)
    if sanggah.status != SanggahStatus.VERIFYING:
        raise DomainError("conflict", _("Sanggahan ini sudah diputuskan (%(status)s).") % {"status": sanggah.get_status_display()})
    note = (note or "").strip()
    if len(note) < REASON_MIN_LENGTH:
        raise DomainError("invalid", _("Tulis hasil verifikasi."), field="note")
    if end_enrolment and not upheld:
        raise DomainError("invalid", _("Kepesertaan hanya diakhiri bila sanggahan diterima."), field="end_enrolment")
    if end_enrolment:
        from smartkampung.programmes import services as programme_services

        programme_services.enrolment_end(actor=actor, enrolment=sanggah.enrolment, end_date=end_date or timezone.localdate(),
                                         reason=f"Sanggahan {sanggah.ticket}: {note}"[:300])
    casework.resolve(actor=actor, case_id=sanggah.case_id, resolution="resolved" if upheld else "rejected", note=note)
    sanggah.status = SanggahStatus.UPHELD if upheld else SanggahStatus.REJECTED
    sanggah.enrolment_ended = bool(end_enrolment)
    sanggah.decided_at = timezone.now()
    sanggah.decided_by = actor.user_or_none
    sanggah.decision_note = note
    sanggah.save(update_fields=["status", "enrolment_ended", "decided_at", "decided_by", "decision_note"])
    audit_record(actor=actor, action="sanggah.decide", obj=sanggah, village=sanggah.village_id,
                 changes={"upheld": upheld, "end_enrolment": bool(end_enrolment)})
    return sanggah


def purge_logs(*, actor: Actor, older_than_days: int) -> dict[str, int]:
    """Delete lookup logs older than `older_than_days` (purpose limitation, UU 27/2022) and stale counters."""
    if older_than_days < 30:
        raise DomainError("invalid", _("Log pencarian harus disimpan paling sedikit 30 hari."), field="days")
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    with transaction.atomic():
        logs = LookupLog.objects.filter(at__lt=cutoff).delete()[0]
        counters = guard.purge()
        audit_record(actor=actor, action="cekbansos.purge", obj=LookupLog(pk=0), changes={"logs": logs, "counters": counters, "days": older_than_days})
    return {"logs": logs, "counters": counters}
