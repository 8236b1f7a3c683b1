"""Roles scoped to areas, enforced in the data layer; the admin sees through the same scope."""

from __future__ import annotations

import pytest
from django.utils import translation

from smartkampung.core.audit import Actor
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, AuditEvent, StaffRole
from smartkampung.core.scoping import area_scope, scoped
from smartkampung.core.services import role_grant
from smartkampung.registry.models import Household, Person

pytestmark = pytest.mark.django_db


def _village_ids(prefix: str) -> set[int]:
    return set(Area.objects.filter(code__startswith=prefix + ".", kind__in=("desa", "kelurahan")).values_list("id", flat=True))


def test_each_role_reads_and_writes_exactly_its_areas(users, kemiren, jambewangi):
    admin, analyst = area_scope(users["admin"]), area_scope(users["analyst"])
    assert (admin.read_all, admin.write_all, analyst.read_all, analyst.write_all) == (True, True, True, False)
    kecamatan = area_scope(users["kecamatan"])
    assert kecamatan.read_village_ids == kecamatan.write_village_ids == _village_ids("35.10.09")
    operator = area_scope(users["operator"])
    assert (operator.read_village_ids, operator.write_village_ids) == ({kemiren.id}, {kemiren.id})
    puskesmas = area_scope(users["puskesmas"])
    assert (puskesmas.read_village_ids, puskesmas.write_village_ids) == (_village_ids("35.10.20"), frozenset())
    bhabin = area_scope(users["bhabin"])
    assert (bhabin.read_village_ids, bhabin.write_village_ids) == ({jambewangi.id}, frozenset())


def test_scoped_querysets_return_only_the_users_villages(users, family, kemiren, jambewangi):
    family(kemiren)
    family(jambewangi)
    operator_people = scoped(Person.objects.all(), users["operator"])
    assert set(operator_people.values_list("village_id", flat=True)) == {kemiren.id}
    assert operator_people.count() == Person.objects.filter(village=kemiren).count()
    assert scoped(Person.objects.all(), users["analyst"]).count() == Person.objects.count()
    assert scoped(Person.objects.all(), users["analyst"], write=True).count() == 0
    assert set(scoped(Household.objects.all(), users["bhabin"]).values_list("village_id", flat=True)) == {jambewangi.id}


def test_roles_are_given_at_the_right_kind_of_area(users, kemiren):
    before = StaffRole.objects.count()
    with pytest.raises(DomainError) as refused:
        role_grant(actor=Actor.system("tests"), user=users["operator"], role="village_operator", area=kemiren.parent)
    assert (refused.value.code, refused.value.field) == ("invalid_role_area", "area")
    assert refused.value.message == "Peran Operator desa/kelurahan diberikan pada tingkat desa, kelurahan, bukan kecamatan."
    with translation.override("en"), pytest.raises(DomainError) as refused_en:
        role_grant(actor=Actor.system("tests"), user=users["operator"], role="village_operator", area=kemiren.parent)
    assert refused_en.value.message == "A Operator desa/kelurahan is given a desa, kelurahan, not a kecamatan."
    assert StaffRole.objects.count() == before


def test_admin_changelist_shows_only_the_operators_village(client_for, users, family, kemiren, jambewangi):
    _, mine, *_ = family(kemiren)
    _, theirs, *_ = family(jambewangi)
    client = client_for(users["operator"])
    listing = client.get("/admin/registry/person/", {"q": "Slamet"}).content.decode()
    assert f"/admin/registry/person/{mine.pk}/change/" in listing
    assert f"/admin/registry/person/{theirs.pk}/change/" not in listing
    other = client.get(f"/admin/registry/person/{theirs.pk}/change/")
    assert other.status_code == 302  # Django admin redirects "does not exist" to the index
    assert not AuditEvent.objects.filter(action="person.view", object_id=str(theirs.pk)).exists()
    own = client.get(f"/admin/registry/person/{mine.pk}/change/")
    assert own.status_code == 200
    assert AuditEvent.objects.filter(action="person.view", object_id=str(mine.pk), via="admin").count() == 1


def test_admin_correction_goes_through_the_service(client_for, users, family, kemiren):
    _, head, *_ = family(kemiren)
    client = client_for(users["operator"])
    form = {
        "name": head.name, "birth_place": "Banyuwangi", "religion": head.religion, "marital_status": head.marital_status,
        "education": "d3", "occupation": head.occupation, "disability": "none", "phone": "081331000222",
    }
    response = client.post(f"/admin/registry/person/{head.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    head.refresh_from_db()
    assert (head.education, head.phone, head.birth_place) == ("d3", "081331000222", "Banyuwangi")
    update = AuditEvent.objects.get(action="person.update", object_id=str(head.pk))
    assert (update.via, sorted(update.changes)) == ("admin", ["birth_place", "education", "phone"])


def test_read_only_roles_cannot_change_in_admin(client_for, users, family, jambewangi):
    _, head, *_ = family(jambewangi)
    client = client_for(users["bhabin"])
    response = client.post(f"/admin/registry/person/{head.pk}/change/", {"name": "Diganti", "religion": "islam", "marital_status": "kawin", "education": "sd", "disability": "none"})
    assert response.status_code == 403
    head.refresh_from_db()
    assert head.name == "Slamet Riyadi"
    assert not AuditEvent.objects.filter(action="person.update").exists()


def test_audit_trail_in_admin_is_scoped(client_for, users, family, kemiren, jambewangi):
    family(kemiren)
    family(jambewangi)
    listing = client_for(users["operator"]).get("/admin/core/auditevent/").content.decode()
    theirs = AuditEvent.objects.filter(village=jambewangi).values_list("pk", flat=True)
    mine = AuditEvent.objects.filter(village=kemiren).values_list("pk", flat=True)
    assert all(f"/admin/core/auditevent/{pk}/change/" in listing for pk in mine)
    assert not any(f"/admin/core/auditevent/{pk}/change/" in listing for pk in theirs)


def test_office_roles_at_regency_level_do_not_open_the_registry(client_for, db):
    from django.contrib.auth import get_user_model

    from smartkampung.core.models import Role
    from smartkampung.core.scoping import area_scope, scoped
    from smartkampung.registry.models import Person

    for username, role in (("dinkop.umkm", Role.COOPERATIVES_OFFICE), ("dispar.festival", Role.TOURISM_OFFICE), ("petugas.mpp", Role.SERVICE_MALL_STAFF)):
        user = get_user_model().objects.get(username=username)
        scope = area_scope(user)
        assert (scope.read_all, scope.write_all, scope.read_village_ids, scope.roles) == (False, False, frozenset(), frozenset({role}))
        assert scoped(Person.objects.all(), user).count() == 0
        person = Person.objects.order_by("pk").first()
        client = client_for(user)
        for url in (f"/registry/people/{person.pk}/", "/registry/?q=siti", "/targeting/", "/programmes/map/", "/programmes/dashboard/", "/areas/35.10/"):
            response = client.get(url)
            assert (url, response.status_code) == (url, 403)
            assert "Peran Anda tidak membuka data penduduk." in response.content.decode()
        assert client.get("/api/v1/people", {"q": "siti"}).status_code in (403, 404)


def test_village_head_reads_only_the_own_village(db, kemiren):
    from django.contrib.auth import get_user_model

    from smartkampung.core.scoping import area_scope

    scope = area_scope(get_user_model().objects.get(username="kades.kemiren"))
    assert (scope.read_all, scope.write_all, scope.read_village_ids, scope.write_village_ids) == (False, False, frozenset({kemiren.id}), frozenset())
