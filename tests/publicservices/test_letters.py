"""Village letters: request with NIK + birth date, operator check against the registry (desil or a home
visit), village head approval, numbered signed PDF with a QR code, public verification."""

from __future__ import annotations

import datetime as dt
import io
import json
from unittest import mock

import pytest
import zxingcpp
from django.utils import translation
from pypdf import PdfReader

from smartkampung.cases.models import Case
from smartkampung.core.errors import DomainError
from smartkampung.core.models import AuditEvent
from smartkampung.publicservices import selectors, services, signing
from smartkampung.publicservices.models import Letter, LetterRequest, LetterSequence, RequestState, SigningKey
from smartkampung.registry import services as registry_services
from tests.conftest import actor
from tests.publicservices.conftest import NOW

ANON = actor(None)


def _submit(person, village, *, letter_type="domisili", purpose="Melamar pekerjaan", details=None):
    return services.letter_request_submit(actor=ANON, letter_type_code=letter_type, village_code=village.code, nik=person.nik,
                                          birth_date=person.birth_date, purpose=purpose, details=details or {})


def _set_desil(users, household, desil):
    registry_services.household_update(actor=actor(users["admin"]), household=household, desil=desil)
    household.refresh_from_db()


def _issue(users, kades, person, village, **kwargs):
    request = _submit(person, village, **kwargs)
    request = services.letter_request_check(actor=actor(users["operator"]), request=request)
    return services.letter_approve(actor=actor(kades), request=request, now=NOW)


def _pdf_text(pdf: bytes) -> str:
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())  # lines wrap anywhere


def _qr_text(pdf: bytes) -> str:
    """Decode the QR code from the image embedded in the PDF page (zxing-cpp, not the library that drew it)."""
    images = PdfReader(io.BytesIO(pdf)).pages[0].images
    assert len(images) == 1
    found = zxingcpp.read_barcodes(images[0].image)
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


def test_domisili_letter_from_request_to_verified_pdf(users, family, kemiren, kades, loaded):
    household, head, _wife, _child = family(kemiren)
    letter = _issue(users, kades, head, kemiren)

    assert letter.number == "470/001/429.515.04/2026"
    assert letter.request.state == RequestState.ISSUED
    text = _pdf_text(letter.pdf)
    for expected in ("PEMERINTAH KABUPATEN BANYUWANGI", "DESA KEMIREN", "SURAT KETERANGAN DOMISILI", "Nomor: 470/001/429.515.04/2026",
                     "Slamet Riyadi", head.nik, "14 Maret 1980", "RT 003/RW 002, Dusun Krajan", "Melamar pekerjaan", "Kemiren, 23 November 2026",
                     f"Kode verifikasi: {letter.code}"):
        assert expected in text, expected

    payload = _qr_text(letter.pdf)
    assert payload.startswith(f"http://127.0.0.1:8000/verify/{letter.code}?s=")
    signature_param = payload.split("?s=", 1)[1]
    result = selectors.letter_verify(code=letter.code, signature_param=signature_param)
    assert result.status == "valid"
    assert result.public["number"] == "470/001/429.515.04/2026"
    assert result.public["subject_nik"] == head.nik[:4] + "*" * 10 + head.nik[-2:]
    assert result.public["subject_name"] == "Sl**** Ri****"
    # The stored signature is Ed25519 over the canonical content, under the configured key.
    key = signing.load_key()
    assert letter.signing_key.key_id == key.key_id and letter.content["key_id"] == key.key_id
    assert signing.signature_valid(public_key_hex=key.public_hex, content=letter.content, signature_hex=letter.signature)
    assert AuditEvent.objects.filter(action="letter.issue", object_id=str(letter.pk), village=kemiren).count() == 1


def test_numbers_run_per_village_per_year_without_gaps(users, family, kemiren, kades, loaded):
    household, head, wife, child = family(kemiren)
    first = _issue(users, kades, head, kemiren)
    # An issue that fails after taking its number (here: the PDF cannot be drawn) gives the number back.
    request = services.letter_request_check(actor=actor(users["operator"]), request=_submit(wife, kemiren, letter_type="pengantar_skck"))
    with mock.patch("smartkampung.publicservices.letters.render_pdf", side_effect=RuntimeError("disk full")), pytest.raises(RuntimeError):
        services.letter_approve(actor=actor(kades), request=request, now=NOW)
    assert LetterSequence.objects.get(village=kemiren, year=2026).last_number == 1
    request.refresh_from_db()
    assert request.state == RequestState.CHECKED and not Letter.objects.filter(request=request).exists()
    second = services.letter_approve(actor=actor(kades), request=request, now=NOW)
    next_year = _issue(users, kades, child, kemiren, letter_type="pengantar_ktp", details={"ktp_reason": "baru"})
    assert [first.serial, second.serial] == [1, 2]
    assert second.number == "300/002/429.515.04/2026"
    assert next_year.number == "470/003/429.515.04/2026"  # same year (NOW): the village's one register across types


def test_new_year_restarts_the_numbering(users, family, kemiren, kades, loaded):
    _household, head, wife, _child = family(kemiren)
    _issue(users, kades, head, kemiren)
    request = services.letter_request_check(actor=actor(users["operator"]), request=_submit(wife, kemiren))
    letter = services.letter_approve(actor=actor(kades), request=request, now=NOW.replace(year=2027, month=1, day=4))
    assert letter.number == "470/001/429.515.04/2027"


def test_forged_and_altered_letters_fail_verification(users, family, kemiren, kades, loaded):
    _household, head, _wife, _child = family(kemiren)
    letter = _issue(users, kades, head, kemiren)
    good_param = _qr_text(letter.pdf).split("?s=", 1)[1]

    assert selectors.letter_verify(code="ZZZZZZZZZZ").status == "not_found"  # never issued
    assert selectors.letter_verify(code="../../etc").status == "not_found"

    # A QR code carrying another signature (a forged paper pointing at a real code) fails.
    forged_sig = signing.sign(signing.LoadedKey(*_other_key()), letter.content)
    from smartkampung.publicservices.letters import signature_param

    assert selectors.letter_verify(code=letter.code, signature_param=signature_param(forged_sig)).status == "invalid"
    assert selectors.letter_verify(code=letter.code, signature_param="not-base64!").status == "invalid"

    # Content changed in the database after signing (a name swapped in) fails: the signature no longer matches.
    altered = json.loads(json.dumps(letter.content))
    altered["subject"]["name"] = "Orang Lain"
    Letter.objects.filter(pk=letter.pk).update(content=altered)
    result = selectors.letter_verify(code=letter.code, signature_param=good_param)
    assert result.status == "invalid" and result.public is None


def _other_key():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    hex_ = signing.public_hex(private.public_key())
    return private, signing.key_id_of(hex_), hex_, False


def test_rotated_key_keeps_old_letters_valid(users, family, kemiren, kades, loaded, tmp_path, monkeypatch):
    _household, head, wife, _child = family(kemiren)
    old = _issue(users, kades, head, kemiren)
    new_key = tmp_path / "rotated.pem"
    signing.write_new_key(new_key)
    monkeypatch.setenv(signing.KEY_ENV, str(new_key))
    new = _issue(users, kades, wife, kemiren)
    assert old.signing_key_id != new.signing_key_id
    assert SigningKey.objects.filter(pk__in=[old.signing_key_id, new.signing_key_id]).count() == 2
    assert selectors.letter_verify(code=old.code).status == "valid"
    assert selectors.letter_verify(code=new.code).status == "valid"


def test_development_key_is_generated_with_a_warning_and_marked(users, family, kemiren, kades, loaded, settings, tmp_path, monkeypatch, caplog):
    monkeypatch.delenv(signing.KEY_ENV)
    settings.VAR_DIR = tmp_path / "var"
    _household, head, _wife, _child = family(kemiren)
    with caplog.at_level("WARNING", logger="smartkampung.publicservices.signing"):
        letter = _issue(users, kades, head, kemiren)
    assert (tmp_path / "var" / signing.DEV_KEY_NAME).exists()
    assert oct((tmp_path / "var" / signing.DEV_KEY_NAME).stat().st_mode & 0o777) == "0o600"
    assert "SMARTKAMPUNG_LETTER_KEY is not set" in caplog.text
    assert letter.content["development_key"] is True and letter.signing_key.is_development
    assert "kunci pengembangan" in _pdf_text(letter.pdf)


def test_unreadable_key_refuses_before_taking_a_number(users, family, kemiren, kades, loaded, tmp_path, monkeypatch):
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    monkeypatch.setenv(signing.KEY_ENV, str(bad))
    _household, head, _wife, _child = family(kemiren)
    request = services.letter_request_check(actor=actor(users["operator"]), request=_submit(head, kemiren))
    with pytest.raises(DomainError) as error:
        services.letter_approve(actor=actor(kades), request=request, now=NOW)
    assert error.value.code == "not_configured"
    assert not LetterSequence.objects.filter(village=kemiren).exists()
    request.refresh_from_db()
    assert request.state == RequestState.CHECKED


# --- bad requests ---------------------------------------------------------------------------------------------


def test_request_for_an_nik_outside_the_village_is_refused_and_nothing_saved(family, kemiren, jambewangi, loaded):
    _household, head, _wife, _child = family(jambewangi)
    before = LetterRequest.objects.count()
    with pytest.raises(DomainError) as error:
        _submit(head, kemiren)
    assert error.value.code == "outside_village" and error.value.field == "nik"
    assert "Desa Kemiren" in error.value.message
    assert LetterRequest.objects.count() == before


@pytest.mark.parametrize("nik_change, birth_change", [(False, True), (True, False)])
def test_wrong_birth_date_and_unknown_nik_get_the_same_answer(family, kemiren, loaded, nik_change, birth_change):
    _household, head, _wife, _child = family(kemiren)
    nik = "3510159999999999" if nik_change else head.nik
    born = head.birth_date + dt.timedelta(days=1) if birth_change else head.birth_date
    before = LetterRequest.objects.count()
    with pytest.raises(DomainError) as error:
        services.letter_request_submit(actor=ANON, letter_type_code="domisili", village_code=kemiren.code, nik=nik, birth_date=born, purpose="x")
    assert (error.value.code, error.value.message) == ("identity_mismatch", "NIK dan tanggal lahir tidak cocok dengan data kependudukan.")
    with translation.override("en"), pytest.raises(DomainError) as error_en:
        services.letter_request_submit(actor=ANON, letter_type_code="domisili", village_code=kemiren.code, nik=nik, birth_date=born, purpose="x")
    assert (error_en.value.code, error_en.value.message) == ("identity_mismatch", "The NIK and birth date do not match the population registry.")
    assert LetterRequest.objects.count() == before


def test_missing_details_and_duplicates_are_refused(family, kemiren, loaded):
    _household, head, _wife, _child = family(kemiren)
    with pytest.raises(DomainError) as error:
        _submit(head, kemiren, letter_type="usaha", details={"business_name": "Warung Slamet"})
    assert error.value.field == "business_kind"
    first = _submit(head, kemiren)
    with pytest.raises(DomainError) as error:
        _submit(head, kemiren)
    assert error.value.code == "duplicate" and first.code in error.value.message
    assert LetterRequest.objects.filter(person=head).count() == 1


# --- poverty letters: desil or a home visit ----------------------------------------------------------------------


def test_sktm_with_desil_within_the_cut_goes_straight_to_the_head(users, family, kemiren, loaded):
    household, head, _wife, _child = family(kemiren)  # the fixture's household has desil 3
    request = services.letter_request_check(actor=actor(users["operator"]), request=_submit(head, kemiren, letter_type="sktm"))
    assert (request.state, request.desil_at_check, request.visit_case_ticket) == (RequestState.CHECKED, 3, "")


@pytest.mark.parametrize("desil", [None, 7])
def test_sktm_without_desil_or_above_the_cut_raises_a_home_visit(users, family, kemiren, kades, loaded, desil):
    household, head, _wife, _child = family(kemiren)
    _set_desil(users, household, desil)
    request = services.letter_request_check(actor=actor(users["operator"]), request=_submit(head, kemiren, letter_type="sktm"))
    assert request.state == RequestState.NEEDS_VISIT and request.desil_at_check == desil
    case = Case.objects.get(source="publicservices", source_ref=f"letter_request:{request.pk}")
    assert (case.category.code, case.village_id, case.subject_person_id, case.ticket) == ("poverty_visit", kemiren.id, head.id, request.visit_case_ticket)
    assert case.state == "new"

    # The head cannot approve before the visit.
    with pytest.raises(DomainError) as error:
        services.letter_approve(actor=actor(kades), request=request, now=NOW)
    assert error.value.code == "conflict"
    assert not Letter.objects.filter(request=request).exists()

    request = services.letter_request_visit_record(actor=actor(users["operator"]), request=request, confirmed=True, note="Rumah bambu, penghasilan harian")
    assert request.state == RequestState.CHECKED
    case.refresh_from_db()
    assert (case.state, case.resolution) == ("resolved", "resolved")
    letter = services.letter_approve(actor=actor(kades), request=request, now=NOW)
    assert letter.number == "400.9/001/429.515.04/2026"


def test_visit_not_confirming_poverty_rejects_the_request(users, family, kemiren, loaded):
    household, head, _wife, _child = family(kemiren)
    _set_desil(users, household, 9)
    request = services.letter_request_check(actor=actor(users["operator"]), request=_submit(head, kemiren, letter_type="sktm"))
    request = services.letter_request_visit_record(actor=actor(users["operator"]), request=request, confirmed=False, note="Rumah permanen, dua mobil")
    assert request.state == RequestState.REJECTED and "dua mobil" in request.rejection_reason
    case = Case.objects.get(source="publicservices", source_ref=f"letter_request:{request.pk}")
    assert case.resolution == "rejected"


def test_kematian_letter_needs_the_death_recorded_first(users, family, kemiren, kades, loaded):
    _household, head, wife, _child = family(kemiren)
    request = _submit(wife, kemiren, letter_type="kematian", details={"deceased_nik": head.nik, "place_of_death": "RSUD Blambangan", "relationship": "istri"})
    with pytest.raises(DomainError) as error:
        services.letter_request_check(actor=actor(users["operator"]), request=request)
    assert error.value.code == "registry_mismatch"
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED
    registry_services.death_register(actor=actor(users["operator"]), person=head, date_of_death=dt.date(2026, 11, 20))
    services.letter_request_check(actor=actor(users["operator"]), request=request)
    letter = services.letter_approve(actor=actor(kades), request=request, now=NOW)
    text = _pdf_text(letter.pdf)
    assert "Slamet Riyadi" in text and "20 November 2026" in text and "SURAT KETERANGAN KEMATIAN" in text


# --- who may do what --------------------------------------------------------------------------------------------


def test_only_the_village_head_of_that_village_approves(users, family, kemiren, kades, loaded):
    _household, head, _wife, _child = family(kemiren)
    request = services.letter_request_check(actor=actor(users["operator"]), request=_submit(head, kemiren))
    for refused in (users["operator"], users["admin"], users["bhabin"]):
        with pytest.raises(DomainError) as error:
            services.letter_approve(actor=actor(refused), request=request, now=NOW)
        assert error.value.code == "forbidden"
    request.refresh_from_db()
    assert request.state == RequestState.CHECKED
    assert not Letter.objects.filter(request=request).exists() and not LetterSequence.objects.filter(village=kemiren).exists()


def test_staff_of_another_village_cannot_check(users, family, jambewangi, kades, loaded):
    _household, head, _wife, _child = family(jambewangi)
    request = _submit(head, jambewangi)
    for refused in (users["operator"], kades, users["bhabin"]):
        with pytest.raises(DomainError) as error:
            services.letter_request_check(actor=actor(refused), request=request)
        assert error.value.code == "forbidden"
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED and request.checked_at is None


def test_revoked_letter_says_so(users, family, kemiren, kades, loaded):
    _household, head, _wife, _child = family(kemiren)
    letter = _issue(users, kades, head, kemiren)
    with pytest.raises(DomainError):
        services.letter_revoke(actor=actor(users["operator"]), letter=letter, reason="salah ketik")
    assert selectors.letter_verify(code=letter.code).status == "valid"
    services.letter_revoke(actor=actor(kades), letter=letter, reason="Diterbitkan karena salah data")
    result = selectors.letter_verify(code=letter.code)
    assert result.status == "revoked" and "salah data" in result.message
