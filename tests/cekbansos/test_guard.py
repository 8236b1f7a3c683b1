"""The safety machinery on its own: keyed hashes, counters and their windows, sealed references, tickets."""

from __future__ import annotations

import pytest

from smartkampung.cekbansos import guard
from smartkampung.cekbansos.models import ExcludingProgramme, Throttle
from smartkampung.cekbansos.selectors import app_stats
from smartkampung.cekbansos.services import excluding_load
from smartkampung.core.audit import Actor

pytestmark = pytest.mark.django_db
NOW = 1_800_000_000.0  # a fixed moment (2027-01-15), so windows are exact


def test_keyed_hashes_depend_on_the_kind_and_the_secret(settings):
    nik = "3510154207840001"
    first = guard.keyed_hash("nik", nik)
    assert len(first) == 32 and nik not in first
    assert first != guard.keyed_hash("client", nik)
    settings.SECRET_KEY = "another-deployment-secret"
    assert guard.keyed_hash("nik", nik) != first


def test_counters_add_up_atomically_within_the_span_and_age_out():
    limit = guard.Limit("test", window_seconds=600, windows=3, max_hits=4)
    for offset in (0, 1, 2):
        guard.bump([(limit, "subject")], now=NOW + offset)
    assert Throttle.objects.filter(key=guard._counter_key(limit, "subject")).values_list("hits", flat=True).get() == 3
    assert guard.exceeded([(limit, "subject")], now=NOW) is None
    guard.bump([(limit, "subject"), (limit, "other")], now=NOW + 600)  # next window, two subjects in one statement
    assert guard.exceeded([(limit, "subject")], now=NOW + 600) is limit
    assert guard.exceeded([(limit, "other")], now=NOW + 600) is None
    # Three windows later the first one no longer counts: 1 hit left in the span.
    assert guard.exceeded([(limit, "subject")], now=NOW + 1800) is None
    deleted = guard.purge(now=NOW + 86400 * 3)
    assert deleted >= 3 and not Throttle.objects.filter(window__lt=int(NOW) + 86400 * 3 - 86400).exists()


def test_sealed_references_round_trip_and_cannot_be_forged():
    token = guard.seal(1234)
    assert "1234" not in token and guard.unseal(token) == 1234
    assert guard.unseal(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]) is None
    assert guard.unseal("") is None


def test_tickets_are_random_and_forgiving_to_type():
    tickets = {guard.new_ticket("US") for _ in range(200)}
    assert len(tickets) == 200
    ticket = next(iter(tickets))
    assert guard.normalise_ticket(ticket.lower().replace("-", " ")) == ticket
    assert guard.normalise_ticket("US-123") == ""


def test_the_excluding_list_is_seeded_once_and_then_left_to_the_regency():
    codes = sorted(ExcludingProgramme.objects.values_list("programme__code", flat=True))
    assert codes == ["BLT_DD", "BPNT", "BST", "PKH", "RANTANG_KASIH"]  # BPUM is not in the catalogue
    ExcludingProgramme.objects.filter(programme__code="RANTANG_KASIH").delete()
    assert excluding_load(actor=Actor.system("tests")) == 0
    assert app_stats()["cekbansos"]["excluding_programmes"] == ["BLT_DD", "BPNT", "BST", "PKH"]


def test_the_seed_left_work_for_the_villages():
    stats = app_stats()["cekbansos"]
    assert stats["usul"]["verifying"] + stats["usul"]["excluded"] == 4
    assert stats["sanggah"]["verifying"] == 2
