"""The mall catalogue: loaded from the bundled data, idempotent, searchable in Bahasa Indonesia with synonyms."""

from __future__ import annotations

import pytest

from smartkampung.core.audit import Actor
from smartkampung.publicservices import catalogue, selectors
from smartkampung.publicservices.models import Agency, Counter, LetterType, Service, ServiceMode
from smartkampung.publicservices.services import catalogue_load


def _codes(q: str, **kwargs) -> set[str]:
    return {s.code for s in selectors.catalogue_search(q=q, **kwargs)}


def test_catalogue_holds_the_bundled_data_and_a_second_load_changes_nothing(loaded):
    assert (Agency.objects.count(), Counter.objects.count(), Service.objects.count(), LetterType.objects.count()) == (28, 33, 234, 9)
    assert Service.objects.count() >= 199  # Banyuwangi's mall offered 199 services in 2018-19
    assert loaded == {"agencies": 0, "counters": 0, "services": 0, "synonyms": 0, "closures": 0, "letter_types": 0, "search_reindexed": 0}
    kinds = set(Agency.objects.values_list("kind", flat=True))
    assert {"civil_registry", "licensing", "police", "vehicle_tax", "regional_tax", "health_insurance", "social_security", "water",
            "electricity", "immigration", "religious_court", "district_court", "religion", "land", "bank", "post"} <= kinds


def test_every_service_is_complete(loaded):
    for service in Service.objects.select_related("counter"):
        assert service.name and service.description and service.duration, service.code
        assert service.requirements, service.code
        if service.mode == ServiceMode.ONLINE:
            assert service.online_url, service.code
        else:
            assert service.counter is not None and service.counter.agency_id == service.agency_id, service.code


def test_known_fees(loaded):
    fees = dict(Service.objects.filter(code__in=["polres-sim-a-baru", "polres-sim-c-baru", "polres-skck-baru", "imigrasi-paspor-biasa",
                                                  "imigrasi-paspor-el", "dukcapil-ktp-cetak"]).values_list("code", "fee"))
    assert fees == {"polres-sim-a-baru": 120000, "polres-sim-c-baru": 100000, "polres-skck-baru": 30000, "imigrasi-paspor-biasa": 350000,
                    "imigrasi-paspor-el": 650000, "dukcapil-ktp-cetak": 0}


@pytest.mark.parametrize("query", ["KTP", "e-KTP", "ektp", "KTP-el", "ktp elektronik", "Kartu Tanda Penduduk"])
def test_ktp_spellings_find_the_same_services(loaded, query):
    assert _codes(query) == _codes("ktp")
    assert {"dukcapil-ktp-rekam", "dukcapil-ktp-cetak", "dukcapil-ktp-hilang", "dukcapil-ktp-rusak"} <= _codes(query)


def test_synonyms_across_the_catalogue(loaded):
    assert _codes("passport") == _codes("paspor")
    assert "imigrasi-paspor-el" in _codes("bikin paspor")  # filler words are dropped, not required
    assert _codes("akte kelahiran") == _codes("akta kelahiran") and "dukcapil-akta-lahir" in _codes("akte kelahiran")
    assert _codes("KK") == _codes("kartu keluarga") and "dukcapil-kk-pisah" in _codes("KK")
    assert {"polres-sim-a-baru", "polres-sim-c-panjang"} <= _codes("surat izin mengemudi")
    assert "polres-sim-c-panjang" in _codes("perpanjangan sim c")
    assert "polres-sim-a-baru" not in _codes("perpanjangan sim c")
    assert "samsat-pkb" in _codes("pajak motor")
    assert "polres-skck-baru" in _codes("surat kelakuan baik")
    assert "bpjskes-daftar" in _codes("daftar KIS")


def test_search_ranks_name_matches_first_and_filters(loaded):
    results = selectors.catalogue_search(q="paspor hilang")
    assert results[0].code == "imigrasi-paspor-hilang"
    assert _codes("", agency_code="IMIGRASI") == set(Service.objects.filter(agency__code="IMIGRASI").values_list("code", flat=True))
    assert _codes("sim", mode="online") == {"polres-sim-online"}
    assert _codes("zzqx") == set()


def test_normalise_and_rewrite():
    table = catalogue.SynonymTable.from_rows([("ktp", "e-KTP"), ("ktp", "KTP"), ("_stop", "bikin")])
    assert catalogue.normalise("  KTP-el (Rusak)  ") == "ktp el rusak"
    assert table.rewrite_query("bikin e-KTP baru") == ["syn:ktp", "baru"]
    assert catalogue.search_text(parts=["Cetak e-KTP"], synonyms=table) == " cetak e ktp syn:ktp "


def test_a_new_synonym_reindexes(loaded):
    from smartkampung.publicservices.models import Synonym
    from smartkampung.publicservices.services import services_reindex

    assert _codes("sitaan") == set()
    Synonym.objects.bulk_create([Synonym(group="sitaan", phrase="sitaan"), Synonym(group="sitaan", phrase="barang bukti")])
    assert services_reindex() == 1  # only "Pengambilan barang bukti tilang" holds one of the phrases
    assert _codes("sitaan") == {"kejari-tilang-ambil"}


def test_catalogue_load_command_is_idempotent(loaded):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_publicservices", stdout=out)
    assert out.getvalue().strip() == ("Public services catalogue: 0 new agencies, 0 new counters, 0 new services, 0 new synonyms, "
                                      "0 new closures, 0 new letter_types; 0 service(s) reindexed.")
    assert catalogue_load(actor=Actor.system("tests"))["services"] == 0


def test_stats_section_and_seeded_activity(loaded):
    from smartkampung.core.selectors import database_stats
    from smartkampung.publicservices.models import LetterRequest, Ticket

    section = database_stats()["publicservices"]
    assert section["agencies"] == 28 and section["services"] == 234
    assert section["letter_requests"]["submitted"] == LetterRequest.objects.filter(state="submitted").count() > 0
    assert set(section["letter_requests"]) == {"submitted", "needs_visit", "checked", "issued", "rejected"}
    # The baseline's seed left a day of served queue history with consistent timestamps.
    tickets = Ticket.objects.exclude(state="waiting")
    assert tickets.count() > 100 and all(t.issued_at <= t.called_at <= t.finished_at for t in tickets)
