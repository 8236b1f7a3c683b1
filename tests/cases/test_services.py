"""The interface other apps call (case_raise, case_resolve, case_note_add) and the workflow behind it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from smartkampung.cases import services
from smartkampung.cases.deadlines import add_working_days, is_working_day
from smartkampung.cases.models import Case, CaseCategory, CaseEvent, CasePhoto, CaseState, Team, TeamMember
from smartkampung.core.audit import Actor
from smartkampung.core.errors import DomainError
from smartkampung.core.models import AuditEvent
from tests.conftest import actor

PUBLIC = Actor(user=None, ip="198.51.100.7", via="web")


def jpeg_bytes(size=(40, 30), exif_gps=False) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 120, 40))
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def raise_chips(village, **kw):
    args = {"actor": PUBLIC, "category_code": "chips", "village": village, "title": "Mbah Sarip sakit, tidak bisa ke Puskesmas",
            "answers": {"condition": "bedridden"}}
    args.update(kw)
    return services.case_raise(**args)


@pytest.mark.django_db
def test_catalogue_is_loaded_by_synth_and_idempotent():
    assert set(CaseCategory.objects.values_list("code", flat=True)) == {
        "chips", "barisan_siap", "high_risk_pregnancy", "usul", "sanggah", "rtlh", "welfare_check", "isolation_alert", "poverty_visit", "general"}
    assert set(CaseCategory.objects.filter(public=True).values_list("code", flat=True)) == {"barisan_siap", "chips", "rtlh", "general", "high_risk_pregnancy"}
    assert list(CaseState.objects.values_list("code", flat=True)) == ["new", "acknowledged", "in_progress", "resolved", "rejected", "referred", "closed"]
    counts = {kind: Team.objects.filter(kind=kind).count() for kind in ("puskesmas", "kecamatan", "bhabinkamtibmas", "village_government", "dinsos", "housing")}
    assert counts == {"puskesmas": 25, "kecamatan": 25, "bhabinkamtibmas": 217, "village_government": 217, "dinsos": 1, "housing": 1}
    again = services.case_categories_load(actor=Actor.system("tests"))
    assert again == {"states": 0, "teams": 0, "categories": 0, "members": 0}


@pytest.mark.django_db
def test_demo_users_are_members_of_their_teams():
    memberships = {(m.user.username, m.team.name) for m in TeamMember.objects.select_related("user", "team").filter(
        user__username__in=["puskesmas.sempu", "bhabin.jambewangi", "operator.kemiren", "kades.kemiren", "analis.dinsos"])}
    assert memberships == {
        ("puskesmas.sempu", "Puskesmas Sempu"), ("bhabin.jambewangi", "Bhabinkamtibmas Jambewangi"),
        ("operator.kemiren", "Pemerintah Desa Kemiren"), ("kades.kemiren", "Pemerintah Desa Kemiren"),
        ("analis.dinsos", "Dinas Sosial Kabupaten Banyuwangi"),
    }


@pytest.mark.django_db
def test_raise_routes_by_category_and_area(jambewangi, kemiren):
    chips = raise_chips(jambewangi)
    assert (chips.team.name, chips.support_team, chips.state, chips.is_open, chips.confidential) == ("Puskesmas Sempu", None, "new", True, True)
    assert chips.ticket.startswith("BWI-26-") and len(chips.ticket) == 13
    complaint = services.case_raise(actor=PUBLIC, category_code="barisan_siap", village=jambewangi, title="Balap liar tiap malam",
                                    answers={"complaint_kind": "traffic"})
    assert (complaint.team.name, complaint.confidential) == ("Bhabinkamtibmas Jambewangi", False)
    house = services.case_raise(actor=PUBLIC, category_code="rtlh", village=kemiren, title="Atap hampir roboh", answers={"damage": ["wall", "roof", "roof"]})
    assert (house.team.name, house.support_team.name, house.answers) == ("Dinas Perumahan dan Permukiman Kabupaten Banyuwangi", "Pemerintah Desa Kemiren", {"damage": ["roof", "wall"]})
    pregnancy = services.case_raise(actor=PUBLIC, category_code="high_risk_pregnancy", village=jambewangi, title="Bumil risti", answers={"due_date": "2026-12-20"})
    assert (pregnancy.team.name, pregnancy.support_team.name) == ("Puskesmas Sempu", "Bhabinkamtibmas Jambewangi")
    first = int(chips.ticket[-6:])
    assert [int(c.ticket[-6:]) - first for c in (chips, complaint, house, pregnancy)] == [0, 1, 2, 3]
    event = CaseEvent.objects.get(case=chips)
    assert (event.kind, event.state_after, event.public, event.note) == ("created", "new", True, "Diteruskan ke Puskesmas Sempu")
    assert AuditEvent.objects.filter(action="case.raise", object_id=str(chips.pk), village=jambewangi).count() == 1


@pytest.mark.django_db
def test_point_without_village_takes_the_nearest_village(jambewangi):
    case = raise_chips(None, latitude=jambewangi.latitude + 0.001, longitude=jambewangi.longitude - 0.001)
    assert case.village == jambewangi


@pytest.mark.django_db
def test_same_source_ref_returns_the_open_case_then_a_new_one_after_resolving(kemiren, users):
    a = actor(users["operator"])
    first = services.case_raise(actor=a, category_code="usul", village=kemiren, title="Usul bansos", source="cekbansos", source_ref="usul:123")
    again = services.case_raise(actor=a, category_code="usul", village=kemiren, title="Usul bansos lagi", source="cekbansos", source_ref="usul:123")
    assert again.pk == first.pk and Case.objects.filter(source_ref="usul:123").count() == 1
    assert (first.team.name, first.support_team.name) == ("Pemerintah Desa Kemiren", "Dinas Sosial Kabupaten Banyuwangi")
    services.case_resolve(actor=a, case=first, resolution="resolved", note="Terverifikasi")
    later = services.case_raise(actor=a, category_code="usul", village=kemiren, title="Usul bansos", source="cekbansos", source_ref="usul:123")
    assert later.pk != first.pk and Case.objects.filter(source_ref="usul:123").count() == 2


@pytest.mark.parametrize(("kwargs", "code", "field"), [
    ({"category_code": "no_such"}, "unknown_category", "category_code"),
    ({"latitude": -6.2, "longitude": 106.8}, "outside_regency", "lat"),  # Jakarta
    ({"latitude": -8.2}, "invalid", "long"),
    ({"answers": {}}, "missing_answer", "answers.condition"),
    ({"answers": {"condition": "flying"}}, "invalid", "answers.condition"),
    ({"answers": {"condition": "bedridden", "patient_age": "tua"}}, "invalid", "answers.patient_age"),
    ({"answers": {"condition": "bedridden", "colour": "red"}}, "invalid", "answers.colour"),
    ({"title": "  "}, "invalid", "title"),
    ({"photos": [SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")]}, "invalid_image", "photos"),
    ({"photos": [SimpleUploadedFile("big.jpg", b"\xff" * (5 * 1024 * 1024 + 1), content_type="image/jpeg")]}, "invalid_image", "photos"),
])
@pytest.mark.django_db
def test_bad_input_is_refused_and_nothing_is_stored(jambewangi, kwargs, code, field):
    before = (Case.objects.count(), CaseEvent.objects.count(), CasePhoto.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError) as refused:
        raise_chips(jambewangi, **kwargs)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert (Case.objects.count(), CaseEvent.objects.count(), CasePhoto.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_public_may_not_file_a_system_category(kemiren):
    with pytest.raises(DomainError) as refused:
        services.case_raise(actor=PUBLIC, category_code="usul", village=kemiren, title="x", public_only=True)
    assert refused.value.code == "unknown_category"


@pytest.mark.django_db
def test_photos_are_checked_reencoded_and_stored(jambewangi, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = raise_chips(jambewangi, photos=[SimpleUploadedFile("a.jpg", jpeg_bytes((3000, 1500), exif_gps=True), content_type="image/jpeg")])
    photo = case.photos.get()
    assert (photo.content_type, photo.width, photo.height) == ("image/jpeg", 1600, 800)
    with Image.open(photo.image.path) as stored:
        assert (stored.size, dict(stored.getexif())) == ((1600, 800), {})


def test_working_days_skip_weekends_and_indonesian_holidays():
    tz = timezone.get_current_timezone()
    thursday = dt.datetime(2026, 12, 24, 10, 0, tzinfo=tz)  # Christmas is Friday 25 December 2026
    assert add_working_days(thursday, 3) == dt.datetime(2026, 12, 30, 10, 0, tzinfo=tz)
    assert not is_working_day(dt.date(2026, 8, 17)) and is_working_day(dt.date(2026, 8, 18))
    saturday = dt.datetime(2026, 11, 28, 21, 0, tzinfo=tz)
    assert add_working_days(saturday, 1) == dt.datetime(2026, 12, 1, 8, 0, tzinfo=tz)


@pytest.mark.django_db
def test_deadlines_follow_sp4n_lapor(kemiren, users):
    case = services.case_raise(actor=PUBLIC, category_code="general", village=kemiren, title="Lampu jalan mati")
    assert case.respond_due_at == add_working_days(case.created_at, 3)
    assert case.due_at == add_working_days(case.created_at, 8)
    a = actor(users["operator"])
    case = services.case_acknowledge(actor=a, case=case)
    assert case.due_at == add_working_days(case.acknowledged_at, 5)
    case = services.case_resolve(actor=a, case=case, resolution="resolved", note="Lampu diganti")
    assert (case.state, case.is_open, case.resolution, case.close_due_at) == ("resolved", False, "resolved", add_working_days(case.resolved_at, 10))


@pytest.mark.django_db
def test_the_team_works_a_case_and_every_step_is_on_the_timeline(jambewangi, users):
    case = raise_chips(jambewangi)
    a = actor(users["puskesmas"])
    services.case_acknowledge(actor=a, case=case, note="Tim CHIPs dijadwalkan")
    services.case_note_add(actor=a, case=case, note="Keluarga dihubungi", public=True)
    visit = services.case_visit_record(actor=a, case=case, visited_on=timezone.localdate(), visitors="dr. Rina, relawan Agus",
                                       findings="Hipertensi, tidak minum obat", outcome="treated_at_home", follow_up="Kontrol seminggu lagi",
                                       follow_up_on=timezone.localdate() + dt.timedelta(days=7))
    services.case_resolve(actor=a, case=case, resolution="resolved", note="Ditangani di rumah")
    case.refresh_from_db()
    assert (case.state, visit.outcome, visit.follow_up) == ("resolved", "treated_at_home", "Kontrol seminggu lagi")
    timeline = list(case.events.values_list("kind", "state_before", "state_after", "public"))
    # the note is not public: CHIPs cases are confidential (health data)
    assert timeline == [("created", "", "new", True), ("acknowledged", "new", "acknowledged", True), ("note", "acknowledged", "acknowledged", False),
                        ("visit", "acknowledged", "in_progress", False), ("resolved", "in_progress", "resolved", True)]


@pytest.mark.django_db
def test_someone_outside_the_team_cannot_resolve_and_nothing_changes(jambewangi, users):
    case = raise_chips(jambewangi)
    before = (CaseEvent.objects.count(), AuditEvent.objects.count())
    for user in (users["operator"], users["bhabin"]):  # Kemiren's operator; Jambewangi's police officer (not CHIPs' team)
        with pytest.raises(DomainError) as refused:
            services.case_resolve(actor=actor(user), case=case, resolution="resolved")
        assert refused.value.code == "forbidden"
        with pytest.raises(DomainError):
            services.case_note_add(actor=actor(user), case=case, note="x")
    case.refresh_from_db()
    assert (case.state, case.resolution, case.resolved_at) == ("new", "", None)
    assert (CaseEvent.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_resolve_checks_resolution_and_state(kemiren, users):
    a = actor(users["operator"])
    case = services.case_raise(actor=a, category_code="general", village=kemiren, title="Jalan berlubang")
    with pytest.raises(DomainError) as bad:
        services.case_resolve(actor=a, case=case, resolution="done")
    assert (bad.value.code, bad.value.field) == ("invalid", "resolution")
    services.case_resolve(actor=a, case=case, resolution="rejected", note="Tidak ditemukan")
    with pytest.raises(DomainError) as twice:
        services.case_resolve(actor=a, case=case, resolution="resolved")
    assert (twice.value.code, twice.value.message) == ("conflict", f"Kasus {case.ticket} sudah berstatus tidak terbukti.")
    assert Case.objects.get(pk=case.pk).state == "rejected"


@pytest.mark.django_db
def test_synth_seed_is_proportional_and_deterministic(jambewangi):
    from smartkampung.cases.synth import build_cases
    from smartkampung.core.models import Area
    from smartkampung.registry.models import Person

    alive = Person.objects.filter(date_of_death__isnull=True).count()
    assert Case.objects.filter(reply_code_hash="").count() == alive // 8  # one synthetic case per 8 living residents
    villages = list(Area.objects.filter(code__in=["35.10.20.2002", "35.10.15.2004"]).order_by("code"))
    first, _ = build_cases(seed=5, count=40, as_of=dt.date(2026, 11, 23), villages=villages, weights=[1, 1], ticket_start=1)
    second, _ = build_cases(seed=5, count=40, as_of=dt.date(2026, 11, 23), villages=villages, weights=[1, 1], ticket_start=1)
    assert [(c.ticket, c.category_id, c.village_id, c.state, c.created_at) for c in first] == [(c.ticket, c.category_id, c.village_id, c.state, c.created_at) for c in second]
    assert {c.team_id is not None for c in first} == {True}


@pytest.mark.django_db
def test_a_role_granted_after_loading_puts_the_user_in_the_team_at_once(kemiren):
    from smartkampung.core.services import user_with_role_create

    officer = user_with_role_create(actor=Actor.system("tests"), username="bhabin.kemiren", password="x-Secret-123", role="bhabinkamtibmas",
                                    areas=[kemiren], full_name="Bhabinkamtibmas Kemiren")
    assert not TeamMember.objects.filter(user=officer).exists()
    assert services.user_team_ids(officer) == {Team.objects.get(kind="bhabinkamtibmas", area=kemiren).pk}
    case = services.case_raise(actor=PUBLIC, category_code="barisan_siap", village=kemiren, title="Maling", answers={"complaint_kind": "security"})
    assert services.case_acknowledge(actor=actor(officer), case=case).state == "acknowledged"
