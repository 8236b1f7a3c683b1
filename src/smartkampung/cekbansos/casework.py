"""Cek Bansos's cases, raised and closed only through the cases app's services (its fixed interface):
category "usul" or "sanggah", source "cekbansos", source_ref "usul:<id>" / "sanggah:<id>".

Both are raised confidential (the content is not public: it is about a named resident's welfare). A
sanggah is raised anonymous and without the objector's name or contact: the case may be seen by more
people than this app's verifying staff, and never by the person objected to.
"""

from __future__ import annotations

from smartkampung.core.audit import Actor

from .masking import mask_name
from .models import Sanggah, Usul, UsulStatus


def _cases():
    # The cases app's own layer, imported late (apps load in any order).
    from smartkampung.cases import services

    return services


def raise_usul_case(*, actor: Actor, usul: Usul):
    """A verification visit for the usul's village. A second usul for a resident whose first is still being
    verified joins the first one's case (the same (source, source_ref) returns the open case) as a note."""
    earlier = (Usul.objects.filter(subject_id=usul.subject_id, status=UsulStatus.VERIFYING, case_id__isnull=False)
               .exclude(pk=usul.pk).order_by("pk").first())
    met = ", ".join(usul.programmes_met) or "tidak ada (menurut data saat ini)"
    description = (
        f"Usulan warga melalui Cek Bansos, tiket {usul.ticket}.\n"
        f"Hubungan pelapor: {usul.get_relation_display()}.\n"
        f"Alasan: {usul.reason}\n"
        f"Memenuhi aturan program (data registrasi saat diusulkan): {met}.\n"
        "Verifikasi dengan kunjungan rumah, lalu putuskan di halaman Cek Bansos staf."
    )
    if earlier is not None:
        case = _cases().case_raise(
            actor=actor, category_code="usul", village=usul.village, title=f"Usulan bansos {earlier.ticket}", description=description,
            subject_person=usul.subject, confidential=True, source="cekbansos", source_ref=f"usul:{earlier.pk}",
        )
        # The public may not write on a case; the app notes the second report on its behalf.
        _cases().case_note_add(actor=Actor.system("cekbansos"), case=case, note=f"Usulan tambahan untuk warga yang sama: tiket {usul.ticket}.\n{usul.reason}")
        return case
    return _cases().case_raise(
        actor=actor, category_code="usul", village=usul.village, title=f"Usulan bansos {usul.ticket}: {mask_name(usul.subject.name)}",
        description=description, subject_person=usul.subject, reporter_name=usul.reporter_name, reporter_contact=usul.reporter_contact,
        confidential=True, source="cekbansos", source_ref=f"usul:{usul.pk}", photos=[usul.photo] if usul.photo else None,
    )


def raise_sanggah_case(*, actor: Actor, sanggah: Sanggah):
    description = (
        f"Sanggahan warga melalui Cek Bansos, tiket {sanggah.ticket}.\n"
        f"Program: {sanggah.programme.code} — {sanggah.programme.name}.\n"
        f"Alasan: {sanggah.get_reason_kind_display()}. {sanggah.reason}\n"
        "Identitas penyanggah dirahasiakan dan tidak boleh disampaikan kepada penerima."
    )
    return _cases().case_raise(
        actor=actor, category_code="sanggah", village=sanggah.village, title=f"Sanggahan {sanggah.programme.code} {sanggah.ticket}",
        description=description, subject_person=sanggah.subject, anonymous=True, confidential=True,
        source="cekbansos", source_ref=f"sanggah:{sanggah.pk}",
    )


def case_of(case_id: int | None):
    if case_id is None:
        return None
    from smartkampung.cases.models import Case

    return Case.objects.filter(pk=case_id).first()


def resolve(*, actor: Actor, case_id: int | None, resolution: str, note: str) -> None:
    """Close the case with the village's verdict (an already closed case is left as it is)."""
    case = case_of(case_id)
    if case is None or not getattr(case, "is_open", True):
        return
    _cases().case_resolve(actor=actor, case=case, resolution=resolution, note=note)


def public_state(case_id: int | None) -> str:
    """The case's state code for the reporter's page ("new", "in_progress", ...), or ""."""
    case = case_of(case_id)
    return case.state if case is not None else ""
