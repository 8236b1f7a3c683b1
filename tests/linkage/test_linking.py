"""Linking staged rows to the registry, review decisions, merges and the enrolments that follow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from smartkampung.core.errors import DomainError
from smartkampung.core.models import AuditEvent
from smartkampung.linkage import services
from smartkampung.linkage.models import BatchStatus, Decision, LinkStatus, ReviewItem, ReviewKind, StagedRow
from smartkampung.programmes.models import Enrolment, EnrolmentEvent, Source
from smartkampung.registry.models import LifeEvent, Membership, Person
from tests.conftest import actor


def _linked(users, path, programme="PKH", include_registry=False):
    a = actor(users["analyst"])
    batch = services.import_file(actor=a, path=path, programme_code=programme).batch
    run = services.link_run(actor=a, batch=batch, include_registry=include_registry)
    batch.refresh_from_db()
    return batch, run


def test_list_links_to_the_people_it_names(users, agency_list):
    path, truth = agency_list(rows=120, seed=3)
    batch, run = _linked(users, path)
    assert (batch.status, run.status) == (BatchStatus.LINKED, "done")
    rows = list(StagedRow.objects.filter(batch=batch).order_by("row_number"))
    assert len(rows) == len(truth)
    linked = [(r, t) for r, t in zip(rows, truth, strict=True) if r.link_status in (LinkStatus.EXACT, LinkStatus.MATCHED)]
    wrong = [(r.row_number, r.person_id, t) for r, t in linked if r.person_id != t]
    assert wrong == []  # every accepted link is the right person
    known = sum(1 for t in truth if t is not None)
    assert len(linked) + StagedRow.objects.filter(batch=batch, link_status=LinkStatus.REVIEW).count() >= known - 3
    exact = [r for r in rows if r.link_status == LinkStatus.EXACT]
    assert exact and all(r.match_probability == 1.0 and r.evidence["method"] == "exact" for r in exact)
    matched = [r for r in rows if r.link_status == LinkStatus.MATCHED]
    assert [(r.row_number, r.match_probability, r.evidence) for r in matched if not (r.match_probability >= 0.99 and r.evidence["fields"])] == []
    # Nobody unknown to the registry is linked.
    for r, t in zip(rows, truth, strict=True):
        if t is None:
            assert r.link_status in (LinkStatus.NEW, LinkStatus.REVIEW), r.row_number


def test_enrolments_follow_accepted_links(users, agency_list):
    path, truth = agency_list(rows=80, seed=4)
    batch, _run = _linked(users, path, programme="RANTANG_KASIH")
    enrolled = Enrolment.objects.filter(source=Source.AGENCY_LIST, source_ref__startswith=f"linkage import {batch.pk}:")
    linked_rows = StagedRow.objects.filter(batch=batch, link_status__in=(LinkStatus.EXACT, LinkStatus.MATCHED))
    with_enrolment = linked_rows.filter(enrolment__isnull=False)
    assert set(with_enrolment.values_list("enrolment__person_id", flat=True)) == set(enrolled.filter(person__isnull=False).values_list("person_id", flat=True))
    # A linked row without an enrolment says why (already receiving the programme, or deceased).
    for row in linked_rows.filter(enrolment__isnull=True):
        assert row.evidence["enrolment"] in ("sudah menerima program ini", "meninggal: tidak didaftarkan")
    # Rows for people the registry does not know keep their NIK as an unknown-NIK enrolment.
    unknown = StagedRow.objects.filter(batch=batch, link_status=LinkStatus.NEW, enrolment__isnull=False)
    assert all(r.enrolment.person_id is None and r.enrolment.listed_nik == r.nik for r in unknown)
    assert EnrolmentEvent.objects.filter(enrolment__in=enrolled, kind="created").count() == enrolled.count()
    assert AuditEvent.objects.filter(action="enrolment.create_from_list", object_id=str(batch.pk)).count() == 1


def _review_row(users, family, kemiren):
    """A list row that is doubtful on purpose: the wife's name and birth date, no NIK, another village."""
    household, head, wife, child = family(kemiren)
    return household, head, wife, child


def _row_item(users, tmp_path, person, *, name=None):
    born = person.birth_date
    swapped = f"{born.month:02d}-{born.day:02d}-{born.year}" if born.day <= 12 and born.day != born.month else born.strftime("%d-%m-%Y")
    path = tmp_path / "doubt.csv"
    path.write_text(f"nama,tgl_lahir,jk,desa,kecamatan\n{name or person.name},{swapped},{'L' if person.sex == 'M' else 'P'},Kemiren,Glagah\n", encoding="utf-8")
    a = actor(users["analyst"])
    batch = services.import_file(actor=a, path=path, programme_code="PKH").batch
    services.link_run(actor=a, batch=batch, include_registry=False, accept_at=0.999999, review_at=0.01)
    return batch, StagedRow.objects.get(batch=batch)


def test_review_accept_links_and_enrols_once(users, family, kemiren, tmp_path):
    _household, head, _wife, _child = family(kemiren)
    batch, row = _row_item(users, tmp_path, head)
    assert row.link_status == LinkStatus.REVIEW
    item = ReviewItem.objects.get(row=row, person=head)
    assert (item.kind, item.village_id, item.decision) == (ReviewKind.ROW_PERSON, kemiren.id, Decision.PENDING)
    assert {f["field"] for f in item.evidence["fields"]} >= {"name", "birth_date", "village"}
    services.review_decide(actor=actor(users["operator"]), item=item, decision="accepted", note="KTP dicek")
    row.refresh_from_db()
    assert (row.link_status, row.person_id) == (LinkStatus.MATCHED, head.pk)
    assert row.enrolment.person_id == head.pk and row.enrolment.source == Source.AGENCY_LIST
    assert AuditEvent.objects.filter(action="linkage.review", object_id=str(item.pk), actor=users["operator"]).count() == 1
    with pytest.raises(DomainError) as error:
        services.review_decide(actor=actor(users["operator"]), item=item, decision="rejected")
    assert error.value.code == "conflict"
    # Never asked twice: the same listed record in a new list is linked by the earlier decision.
    path = tmp_path / "again.csv"
    path.write_text((tmp_path / "doubt.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    a = actor(users["analyst"])
    again = services.import_file(actor=a, path=path, programme_code="PKH").batch
    services.link_run(actor=a, batch=again, include_registry=False, accept_at=0.999999, review_at=0.01)
    second = StagedRow.objects.get(batch=again, row_number=1)
    assert (second.link_status, second.person_id, second.evidence["method"]) == (LinkStatus.MATCHED, head.pk, "accepted before")
    assert ReviewItem.objects.filter(row=second, person=head).count() == 0


def test_review_reject_makes_the_row_unknown(users, family, kemiren, tmp_path):
    _household, head, _wife, _child = family(kemiren)
    _batch, row = _row_item(users, tmp_path, head)
    for item in ReviewItem.objects.filter(row=row):
        services.review_decide(actor=actor(users["analyst"]), item=item, decision="rejected")
    row.refresh_from_db()
    assert (row.link_status, row.person_id, row.enrolment_id) == (LinkStatus.REJECTED, None, None)  # no NIK to keep


def test_village_operator_cannot_decide_another_village(users, family, jambewangi, tmp_path):
    _household, head, _wife, _child = family(jambewangi)
    born = head.birth_date
    path = tmp_path / "j.csv"
    path.write_text(f"nama,tgl_lahir,jk,desa\n{head.name},{born:%d-%m-%Y},L,Jambewangi\n", encoding="utf-8")
    a = actor(users["analyst"])
    batch = services.import_file(actor=a, path=path, programme_code="PKH").batch
    services.link_run(actor=a, batch=batch, include_registry=False, accept_at=0.999999, review_at=0.01)
    item = ReviewItem.objects.filter(row__batch=batch, person=head).get()
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as error:
        services.review_decide(actor=actor(users["operator"]), item=item, decision="accepted")
    assert error.value.code == "forbidden"
    item.refresh_from_db()
    assert (item.decision, AuditEvent.objects.count(), Enrolment.objects.filter(person=head, source=Source.AGENCY_LIST).count()) == (Decision.PENDING, before, 0)


def test_only_analysts_link(users, agency_list):
    path, _ = agency_list(rows=10)
    batch = services.import_file(actor=actor(users["analyst"]), path=path, programme_code="PKH").batch
    with pytest.raises(DomainError) as error:
        services.link_run(actor=actor(users["operator"]), batch=batch)
    assert error.value.code == "forbidden"
    batch.refresh_from_db()
    assert (batch.status, StagedRow.objects.filter(batch=batch).exclude(link_status__in=("pending", "new")).count()) == (BatchStatus.STAGED, 0)



def test_a_run_that_fails_at_the_end_leaves_the_batch_as_it_was_and_the_next_run_links_it(users, agency_list, monkeypatch):
    """Links, enrolments and review items land together: a run that dies while writing them leaves every
    row pending, no enrolment and no review item (and no temporary table behind); the next run does it all."""
    from smartkampung.linkage import outcomes

    path, truth = agency_list(rows=120, seed=3)
    a = actor(users["analyst"])
    batch = services.import_file(actor=a, path=path, programme_code="RANTANG_KASIH").batch
    before = sorted(StagedRow.objects.filter(batch=batch).values_list("id", "link_status", "person_id", "evidence", "enrolment_id"))
    enrolments, reviews = Enrolment.objects.count(), ReviewItem.objects.count()
    real_write = outcomes.write

    def dies_half_way():
        real_write()  # every row written, then the process dies before the commit
        raise RuntimeError("power cut")

    monkeypatch.setattr(outcomes, "write", dies_half_way)
    with pytest.raises(RuntimeError, match="power cut"):
        services.link_run(actor=a, batch=batch, include_registry=False, accept_at=0.99, review_at=0.2)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.STAGED and "power cut" in batch.error
    assert sorted(StagedRow.objects.filter(batch=batch).values_list("id", "link_status", "person_id", "evidence", "enrolment_id")) == before
    assert (Enrolment.objects.count(), ReviewItem.objects.count()) == (enrolments, reviews)
    with pytest.raises(Exception):  # noqa: B017 (the table's absence is the point; its error type is the driver's)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {outcomes.TABLE}")

    monkeypatch.setattr(outcomes, "write", real_write)
    run = services.link_run(actor=a, batch=batch, include_registry=False, accept_at=0.99, review_at=0.2)
    summary = run.summary["batches"][batch.pk]
    assert summary["exact"] > 50 and summary["enrolments"] > 50
    assert not StagedRow.objects.filter(batch=batch, link_status=LinkStatus.PENDING).exists()
    linked = StagedRow.objects.filter(batch=batch, link_status__in=(LinkStatus.EXACT, LinkStatus.MATCHED))
    assert all(truth[r.row_number - 1] == r.person_id for r in linked)
    assert Enrolment.objects.count() - enrolments == summary["enrolments"] == StagedRow.objects.filter(batch=batch, enrolment__isnull=False).count()

def test_merge_keeps_both_histories_and_every_enrolment(users, family, kemiren):
    from smartkampung.programmes.models import Programme
    from smartkampung.programmes.services import enrolment_create
    from smartkampung.registry import services as registry

    household, head, wife, _child = family(kemiren)
    other_household, twin_record, _w, _c = family(kemiren, rt="5")
    admin = actor(users["admin"])
    pkh, bpnt = Programme.objects.get(code="PKH"), Programme.objects.get(code="BPNT")
    e1 = enrolment_create(actor=admin, programme=pkh, start_date=dt.date(2025, 1, 1), source="manual", household=household, person=head)
    e2 = enrolment_create(actor=admin, programme=bpnt, start_date=dt.date(2025, 1, 1), source="manual", household=other_household, person=twin_record)
    item = ReviewItem.objects.create(kind=ReviewKind.PERSON_PERSON, pair_key=services.person_pair_key(head.pk, twin_record.pk), left_person=twin_record,
                                     person=head, village=kemiren, match_probability=0.93, evidence={"fields": []})
    events_before = LifeEvent.objects.filter(person=twin_record).count()
    services.review_decide(actor=actor(users["operator"]), item=item, decision="accepted")
    twin_record.refresh_from_db()
    assert twin_record.merged_into_id == head.pk
    assert Person.objects.filter(pk=twin_record.pk).exists()  # nothing deleted
    assert LifeEvent.objects.filter(person=twin_record).count() == events_before + 1  # its history kept, plus the merge
    assert LifeEvent.objects.filter(person=head, kind="merged").count() == 1
    assert not Membership.objects.filter(person=twin_record, end_date__isnull=True).exists()
    assert Membership.objects.filter(person=twin_record).count() == 1  # the ended membership stays on record
    e1.refresh_from_db()
    e2.refresh_from_db()
    assert (e1.person_id, e2.person_id) == (head.pk, head.pk)  # both enrolments kept, on the kept person
    assert EnrolmentEvent.objects.filter(enrolment=e2, kind="moved").count() == 1
    assert AuditEvent.objects.filter(action="person.merge", object_id=str(twin_record.pk)).count() == 1
    with pytest.raises(DomainError) as error:
        registry.person_merge(actor=admin, keep=head, duplicate=twin_record, reason="again")
    assert error.value.code == "conflict"


def test_registry_duplicates_go_to_review(users, django_db_setup):
    from smartkampung.synth.models import SynthTruth

    planted = set(SynthTruth.objects.filter(kind="duplicate_person").values_list("person_id", "other_person_id"))
    run = services.link_run(actor=actor(users["analyst"]), include_registry=True)
    found = {(i.person_id, i.left_person_id) for i in ReviewItem.objects.filter(kind=ReviewKind.PERSON_PERSON, run=run)}
    assert run.summary["registry"]["review_items"] == len(found)
    hits = planted & found
    assert len(hits) >= 0.6 * len(planted), (len(hits), len(planted))
    assert all(i.decision == Decision.PENDING and i.village_id for i in ReviewItem.objects.filter(kind=ReviewKind.PERSON_PERSON))
    # Running again asks nothing new.
    again = services.link_run(actor=actor(users["analyst"]), include_registry=True)
    assert again.summary["registry"]["review_items"] == 0


def test_targeting_counts_the_list(users, agency_list):
    from smartkampung.programmes.models import FindingKind, TargetingFinding
    from smartkampung.programmes.services import targeting_run

    path, _truth = agency_list(rows=60, seed=14, unknown=0.15)
    batch, _run = _linked(users, path, programme="RANTANG_KASIH")
    ours = Enrolment.objects.filter(source_ref__startswith=f"linkage import {batch.pk}:")
    unknown_niks = set(ours.filter(person__isnull=True).values_list("listed_nik", flat=True))
    assert unknown_niks  # the list names people the registry does not know
    run = targeting_run(actor=actor(users["analyst"]), codes=["RANTANG_KASIH"])
    stat = run.stats.get()
    assert stat.recipients == Enrolment.objects.filter(programme__code="RANTANG_KASIH", end_date__isnull=True).count()
    found = set(TargetingFinding.objects.filter(run=run, kind=FindingKind.UNKNOWN_NIK).values_list("listed_nik", flat=True))
    assert unknown_niks <= found
    # A listed resident who is not eligible (Rantang Kasih: poor elderly living alone) is reported as such.
    listed = set(ours.filter(person__isnull=False).values_list("person_id", flat=True))
    not_eligible = set(TargetingFinding.objects.filter(run=run, kind=FindingKind.NOT_ELIGIBLE).values_list("person_id", flat=True))
    assert listed & not_eligible


def test_registry_frame_is_prepare_of_the_registry(db):
    """The fast registry side (values prepared once per distinct value) equals matching.prepare() per resident."""
    import pandas as pd

    from smartkampung.linkage import linking, matching

    fast = linking.registry_frame().sort_values("unique_id", ignore_index=True)
    slow = matching.prepare(linking.registry_records()).sort_values("unique_id", ignore_index=True)
    assert len(fast) == len(slow) > 1000
    assert list(fast.columns) == list(slow.columns)
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False)


def test_registry_features_are_kept_and_follow_registry_changes(db, monkeypatch):
    """The second run reads the stored features (and they still equal prepare()); a changed resident,
    a changed household address and changed code are seen by the next run; the dead leave the table."""
    import pandas as pd

    from smartkampung.linkage import linking, matching
    from smartkampung.linkage.models import RegistryFeatures
    from smartkampung.registry.models import Household, Person

    def frames():
        fast = linking.registry_frame().sort_values("unique_id", ignore_index=True)
        slow = matching.prepare(linking.registry_records()).sort_values("unique_id", ignore_index=True)
        pd.testing.assert_frame_equal(fast, slow, check_dtype=False)
        return fast.set_index("unique_id")

    first = frames()
    living = Person.objects.filter(date_of_death__isnull=True, merged_into__isnull=True).count()
    assert RegistryFeatures.objects.count() == living
    version = linking.features_version()
    assert set(RegistryFeatures.objects.values_list("version", flat=True)) == {version}

    # A second run prepares nothing: every stored row is read as it is.
    calls = []
    real = linking._store_features  # not code the version covers: spying on it keeps the version
    monkeypatch.setattr(linking, "_store_features", lambda items: calls.append(len(items)) or real(items))
    pd.testing.assert_frame_equal(frames(), first)
    assert calls == []

    person = Person.objects.filter(date_of_death__isnull=True, merged_into__isnull=True, memberships__end_date__isnull=True).first()
    Person.objects.filter(pk=person.pk).update(name="Moch. Djoko Soesilo")
    household = person.memberships.get(end_date__isnull=True).household
    Household.objects.filter(pk=household.pk).update(street="Jl. Baru Sekali 9")
    members = Person.objects.filter(memberships__household=household, memberships__end_date__isnull=True, date_of_death__isnull=True,
                                    merged_into__isnull=True).count()
    dead = Person.objects.filter(date_of_death__isnull=True, merged_into__isnull=True).exclude(memberships__household=household).first()
    Person.objects.filter(pk=dead.pk).update(date_of_death=dt.date(2026, 11, 30))
    after = frames()
    assert calls == [members]  # only the household's residents were prepared again and stored
    assert after.loc[f"p{person.pk}", "match_name"] == "MUHAMMAD JOKO SUSILO"
    assert after.loc[f"p{person.pk}", "address"].startswith("BARU SEKALI 9")
    assert f"p{dead.pk}" not in after.index
    assert not RegistryFeatures.objects.filter(person=dead).exists()
    stored = RegistryFeatures.objects.get(person=person)
    assert (stored.name, stored.match_key) == ("Moch. Djoko Soesilo", "MUHAMMAD JOKO SUSILO")

    # Other code (a canonicaliser or matching.COLUMNS change): every row is prepared again.
    calls.clear()
    monkeypatch.setattr(linking, "features_version", lambda: "other-code")
    frames()
    assert sum(calls) == living - 1
    assert set(RegistryFeatures.objects.values_list("version", flat=True)) == {"other-code"}


def test_registry_side_read_ahead_in_a_thread_equals_the_read_in_line(db):
    """Pass 1 of the registry side read by another thread on its own connection (as link_batch does while
    the exact links are written) gives the same table as reading it in line; a read made for other code
    is not used."""
    from smartkampung.linkage import linking

    prefetch = linking._RegistryPrefetch()  # reads what is committed: the baseline registry
    ahead = prefetch.result()
    assert ahead.residents == Person.objects.filter(date_of_death__isnull=True, merged_into__isnull=True).count() > 1000
    assert ahead.version == linking.features_version()
    table = linking.registry_table(prefetched=ahead)
    assert table.equals(linking.registry_table())
    other = linking._StoredRead("other-code", [], [], [], 0)
    assert linking.registry_table(prefetched=other).equals(table)


def test_exact_pass_in_sql_links_the_rows_whose_canonical_names_agree(users, agency_list):
    """The one-statement exact pass links exactly the rows whose valid NIK and birth date name a living,
    unmerged resident with the same canonical name; the Python pass is left the spelling variants."""
    from smartkampung.linkage import linking, outcomes
    from smartkampung.registry.names import match_key

    path, _truth = agency_list(rows=120, seed=4)
    a = actor(users["analyst"])
    batch = services.import_file(actor=a, path=path, programme_code="PKH").batch
    expected = {}
    for row in StagedRow.objects.filter(batch=batch, link_status=LinkStatus.PENDING, nik_valid=True).exclude(match_name=""):
        for person in Person.objects.filter(nik=row.nik, birth_date=row.birth_date, merged_into__isnull=True, date_of_death__isnull=True):
            if match_key(person.name) == row.match_name:
                expected[row.pk] = (person.pk, person.village_id)
    linking.registry_frame()
    with outcomes.held():
        assert linking._exact_in_sql(batch) == len(expected) > 50
        # The rest (a name spelt otherwise) is still the Python pass's, and nothing is linked twice.
        rest = linking._exact(batch)
        assert not set(rest) & set(expected)
        assert not StagedRow.objects.filter(batch=batch, link_status=LinkStatus.EXACT).exists()  # held until the run writes them
        assert outcomes.write() == len(expected)
    linked = StagedRow.objects.filter(batch=batch, link_status=LinkStatus.EXACT)
    assert {r.pk: (r.person_id, r.village_id) for r in linked} == expected
    assert {(r.match_probability, r.evidence["method"]) for r in linked} == {(1.0, "exact")}


def test_refresh_task_stores_the_registry_side(db):
    from smartkampung.linkage import tasks
    from smartkampung.linkage.models import RegistryFeatures

    result = tasks.refresh_registry_features.call()
    assert result == {"residents": RegistryFeatures.objects.count()}
    assert result["residents"] == Person.objects.filter(date_of_death__isnull=True, merged_into__isnull=True).count()


def test_features_version_follows_the_code_prepare_uses(monkeypatch):
    """A change to what prepare() reaches (a constant, a helper) makes the stored features stale; a change
    to the comparisons or training does not (the lead tunes those without a minute of re-deriving)."""
    from smartkampung.linkage import linking, matching

    before = linking.features_version()
    assert linking.features_version() == before
    monkeypatch.setattr(matching, "comparisons", lambda priors=None: [])
    monkeypatch.setattr(matching, "ACCEPT_AT", 0.5)
    assert linking.features_version() == before
    monkeypatch.setattr(matching, "COMMON_PREFIXES", matching.COMMON_PREFIXES | {"RADEN"})
    assert linking.features_version() != before
    monkeypatch.undo()
    monkeypatch.setattr(matching, "_address_key", lambda address: None)
    assert linking.features_version() != before
