"""The words of Cek Bansos's public answers, shared by the page and the API so both say the same."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .selectors import Eligibility
from .services import CheckAnswer


def check_message(answer: CheckAnswer) -> str:
    if not answer.found:
        # The one answer for an unknown NIK, a wrong birth date and a deceased resident.
        return _("Data tidak ditemukan. Periksa kembali NIK dan tanggal lahir sesuai KTP atau KK. "
                 "Bila data sudah benar, tanyakan ke kantor desa/kelurahan atau ajukan usulan.")
    active = [r for r in answer.receives if r.active]
    if not active:
        return _("Saat ini tidak tercatat menerima bantuan sosial. Bila Anda merasa layak, ajukan usulan.")
    excluded = answer.excluded_by
    text = _("Tercatat menerima: %(list)s.") % {"list": ", ".join(r.name for r in active)}
    if excluded:
        text += " " + _("Karena sudah menerima %(list)s, menurut aturan Cek Bansos Anda tidak dapat diusulkan untuk bantuan baru.") % {
            "list": ", ".join(r.code for r in excluded)}
    return text


def usul_next_step(eligibility: Eligibility, *, ticket: str) -> str:
    """What happens next, honestly, from what the registry says today."""
    if eligibility.excluded:
        return _("Warga ini sudah menerima %(list)s. Menurut aturan Cek Bansos, penerima program itu tidak dapat diusulkan "
                 "untuk bantuan baru, sehingga usulan ini tidak diteruskan ke desa. Bila bantuan yang diterima sudah berhenti, "
                 "tanyakan ke kantor desa/kelurahan.") % {"list": ", ".join(p.code for p in eligibility.excluded_by)}
    if eligibility.met:
        return _("Menurut data registrasi saat ini, warga ini memenuhi aturan %(list)s. Usulan diteruskan ke desa/kelurahan "
                 "untuk kunjungan verifikasi. Bila kunjungan membenarkan, warga didaftarkan sebagai penerima. "
                 "Pantau perkembangannya dengan nomor tiket %(ticket)s.") % {"list": ", ".join(p.name for p in eligibility.met), "ticket": ticket}
    return _("Menurut data registrasi saat ini, warga ini belum memenuhi aturan program mana pun (misalnya desil kesejahteraan "
             "keluarga). Usulan tetap diteruskan ke desa/kelurahan untuk verifikasi data: bila kunjungan menemukan data yang "
             "keliru, desa memperbaikinya dan usulan dapat diterima. Bila data sudah benar, usulan tidak dapat dikabulkan. "
             "Pantau perkembangannya dengan nomor tiket %(ticket)s.") % {"ticket": ticket}


@dataclass(frozen=True)
class ReportStatus:
    label: str
    note: str  # what the village wrote for the reporter, or what happens next


def report_status(report) -> ReportStatus:
    """What the reporter sees on their ticket: the stage, and the village's words once decided."""
    from . import casework
    from .models import Sanggah, SanggahStatus, UsulStatus

    if isinstance(report, Sanggah):
        if report.status == SanggahStatus.UPHELD:
            ended = _(" Kepesertaan penerima telah diakhiri.") if report.enrolment_ended else ""
            return ReportStatus(_("Sanggahan diterima"), report.decision_note + ended)
        if report.status == SanggahStatus.REJECTED:
            return ReportStatus(_("Sanggahan tidak terbukti"), report.decision_note)
        return ReportStatus(_("Sedang diverifikasi desa/kelurahan"), _stage(casework.public_state(report.case_id)))
    if report.status == UsulStatus.CONFIRMED:
        programme = report.enrolment.programme.name if report.enrolment_id else ""
        return ReportStatus(_("Dikonfirmasi: didaftarkan sebagai penerima"), (programme + ". " + report.decision_note).strip(" ."))
    if report.status == UsulStatus.REJECTED:
        return ReportStatus(_("Tidak dikonfirmasi setelah verifikasi"), report.decision_note)
    if report.status == UsulStatus.EXCLUDED:
        return ReportStatus(_("Tidak diteruskan: sudah menerima bantuan"),
                            _("Sudah menerima %(list)s; menurut aturan tidak dapat diusulkan untuk bantuan baru.") % {"list": ", ".join(report.excluded_by)})
    return ReportStatus(_("Sedang diverifikasi desa/kelurahan"), _stage(casework.public_state(report.case_id)))


def _stage(state: str) -> str:
    if state in ("acknowledged", "in_progress"):
        return _("Petugas desa sedang menindaklanjuti; kunjungan verifikasi dapat dilakukan ke rumah.")
    return _("Usulan sudah diterima dan menunggu ditindaklanjuti petugas desa.")
