"""Festival services: who manages the programme, times in WIB, bad input, SEQUENCE on change, cancelling."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from smartkampung.core.models import AuditEvent
from smartkampung.festival import services
from smartkampung.festival.models import Event, EventImage
from tests.conftest import actor
from tests.market.conftest import png_bytes

pytestmark = pytest.mark.django_db
WIB = dt.timezone(dt.timedelta(hours=7))


def test_an_event_is_stored_in_wib_with_the_village_point(new_event, kemiren):
    event = new_event()
    assert (event.starts_at, event.ends_at) == (dt.datetime(2027, 10, 9, 11, 0, tzinfo=dt.UTC), dt.datetime(2027, 10, 9, 16, 0, tzinfo=dt.UTC))
    assert (event.status, event.sequence, event.all_day, event.slug) == ("published", 0, False, "festival-ngopi-sepuluh-ewu-2027")
    assert (event.latitude, event.longitude) == (kemiren.latitude, kemiren.longitude)
    assert AuditEvent.objects.filter(action="festival.event_create", object_id=str(event.pk)).count() == 1


def test_all_day_events_end_at_the_midnight_after_their_last_day(new_event):
    event = new_event("International Tour de Banyuwangi Ijen", day=dt.date(2027, 9, 24), start_time=None, end_time=None, end_date=dt.date(2027, 9, 27))
    assert event.all_day is True
    assert (event.starts_at.astimezone(WIB), event.ends_at.astimezone(WIB)) == (
        dt.datetime(2027, 9, 24, tzinfo=WIB), dt.datetime(2027, 9, 28, tzinfo=WIB))


@pytest.mark.parametrize(("extra", "field"), [
    ({"end_date": dt.date(2027, 10, 8)}, "end_date"),
    ({"start_time": dt.time(22, 0), "end_time": dt.time(20, 0)}, "end_time"),
    ({"start_time": dt.time(20, 0), "end_time": dt.time(20, 0)}, "end_time"),
])
def test_an_event_that_ends_before_it_starts_is_refused(new_event, extra, field):
    count = Event.objects.count()
    with pytest.raises(services.DomainError) as refused:
        new_event(**extra)
    assert (refused.value.code, refused.value.field) == ("ends_before_start", field)
    assert Event.objects.count() == count


@pytest.mark.parametrize(("extra", "field"), [
    ({"title": "  "}, "title"), ({"category": "pesta"}, "category"), ({"latitude": -6.2, "longitude": 106.8}, "latitude"),
    ({"latitude": -8.2}, "latitude"), ({"start_time": dt.time(19, 0), "end_time": None}, "end_time"),
])
def test_other_bad_input_is_refused_and_nothing_saved(new_event, extra, field):
    count = Event.objects.count()
    with pytest.raises(services.DomainError) as refused:
        new_event(**extra)
    assert refused.value.field == field
    assert Event.objects.count() == count


def test_only_the_tourism_office_manages_the_programme(new_event, users, kemiren, client_for):
    from django.contrib.auth import get_user_model

    count = Event.objects.count()
    for outsider in (users["operator"], users["analyst"], get_user_model().objects.get(username="dinkop.umkm")):
        with pytest.raises(services.DomainError) as refused:
            services.event_create(actor=actor(outsider), title="Pesta", category="seni", start_date=dt.date(2027, 1, 1), venue="x", village=kemiren)
        assert refused.value.code == "forbidden"
    assert Event.objects.count() == count
    event = new_event()
    with pytest.raises(services.DomainError):
        services.event_update(actor=actor(users["operator"]), event=event, title="Diubah")
    assert Event.objects.get(pk=event.pk).title == "Festival Ngopi Sepuluh Ewu"


def test_changes_raise_sequence_and_last_modified_cancel_keeps_it(new_event, tourism):
    event = new_event()
    first_modified = event.updated_at
    same = services.event_update(actor=actor(tourism), event=event, title="Festival Ngopi Sepuluh Ewu")
    assert same.sequence == 0  # nothing changed, nothing to tell subscribers
    moved = services.event_update(actor=actor(tourism), event=event, start_date=dt.date(2027, 10, 16))
    assert (moved.sequence, moved.starts_at.astimezone(WIB)) == (1, dt.datetime(2027, 10, 16, 18, 0, tzinfo=WIB))
    assert moved.ends_at.astimezone(WIB) == dt.datetime(2027, 10, 16, 23, 0, tzinfo=WIB)  # the times stay
    assert moved.updated_at > first_modified
    with pytest.raises(services.DomainError) as bad:
        services.event_update(actor=actor(tourism), event=event, end_time=dt.time(17, 0))
    assert bad.value.code == "ends_before_start"
    assert Event.objects.get(pk=event.pk).sequence == 1
    cancelled = services.event_cancel(actor=actor(tourism), event=event, reason="Cuaca buruk")
    assert (cancelled.status, cancelled.sequence, cancelled.cancel_reason) == ("cancelled", 2, "Cuaca buruk")
    with pytest.raises(services.DomainError) as again:
        services.event_cancel(actor=actor(tourism), event=event, reason="lagi")
    assert again.value.code == "conflict"


def test_publish_only_drafts(new_event, tourism):
    draft = new_event(publish=False)
    assert draft.status == "draft"
    published = services.event_publish(actor=actor(tourism), event=draft)
    assert (published.status, published.sequence) == ("published", 1)
    with pytest.raises(services.DomainError):
        services.event_publish(actor=actor(tourism), event=published)


def test_images_must_be_images(new_event, tourism, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event = new_event()
    with pytest.raises(services.DomainError) as refused:
        services.event_image_add(actor=actor(tourism), event=event, upload=SimpleUploadedFile("foto.jpg", b"GIF89a-but-not-really"))
    assert (refused.value.code, refused.value.field) == ("invalid_image", "image")
    assert EventImage.objects.filter(event=event).count() == 0
    assert not (tmp_path / "festival").exists()
    image = services.event_image_add(actor=actor(tourism), event=event, upload=SimpleUploadedFile("foto.png", png_bytes()), caption="Kopi")
    assert (image.width, image.height, image.caption) == (64, 48, "Kopi")


def test_the_seed_made_a_year_of_real_sounding_events():
    titles = set(Event.objects.values_list("title", flat=True))
    assert {"Gandrung Sewu", "Banyuwangi Ethno Carnival", "International Tour de Banyuwangi Ijen", "Festival Kebo-keboan Alasmalang",
            "Seblang Olehsari", "Festival Kuwung", "Banyuwangi Beach Jazz Festival"} <= titles
    seeded = Event.objects.filter(organizer="Dinas Kebudayaan dan Pariwisata Kabupaten Banyuwangi")
    assert 80 <= seeded.count() <= 100
    months = {e.starts_at.astimezone(WIB).month for e in seeded}
    assert months == set(range(1, 13))
