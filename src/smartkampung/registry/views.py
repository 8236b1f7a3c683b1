"""Registry pages: thin — read the request, call a selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.audit import actor_from_request
from smartkampung.core.downloads import csv_response
from smartkampung.core.errors import DomainError
from smartkampung.core.models import AreaKind
from smartkampung.core.scoping import area_scope, scoped_villages
from smartkampung.core.views import registry_page
from smartkampung.programmes.selectors import enrolments_of_household, enrolments_of_person

from . import selectors, services
from .forms import BirthForm, DeathForm, HouseholdForm, KkReissueForm, MemberForm, MoveForm, SplitForm


@registry_page
def search(request):
    # The form posts, so that a NIK never lands in a URL (server logs, browser history); a village's
    # list is a plain link (?village=...).
    data = request.POST if request.method == "POST" else request.GET
    nik = data.get("nik", "").strip()
    q = data.get("q", "").strip()
    village_code = data.get("village", "").strip()
    villages = scoped_villages(request.user).select_related("parent").order_by("parent__name", "name")
    searched = bool(nik or q or village_code)
    results = selectors.person_search(user=request.user, nik=nik, q=q, village_code=village_code) if searched else []
    scope = area_scope(request.user)
    home_area = None
    if not scope.read_all and len(scope.read_village_ids) == 1:
        home_area = villages.first()
    return render(request, "registry/search.html", {
        "nik": nik, "q": q, "village_code": village_code, "villages": villages, "results": results,
        "searched": searched, "home_area": home_area, "can_add_household": scope.write_all or bool(scope.write_village_ids),
    })


@registry_page
def person_page(request, person_id: int):
    record = selectors.person_open(actor=actor_from_request(request), person_id=person_id)
    can_write = area_scope(request.user).can_write_village(record.person.village_id) and not record.person.date_of_death
    enrolments = enrolments_of_person(user=request.user, person=record.person)
    return render(request, "registry/person.html", {"record": record, "person": record.person, "can_write": can_write,
                                                    "enrolments": enrolments, "today": timezone.localdate()})


@registry_page
def household_page(request, household_id: int):
    record = selectors.household_open(actor=actor_from_request(request), household_id=household_id)
    can_write = area_scope(request.user).can_write_village(record.household.village_id) and not record.household.dissolved_on
    enrolments = enrolments_of_household(user=request.user, household=record.household)
    return render(request, "registry/household.html", {"record": record, "household": record.household, "can_write": can_write,
                                                       "enrolments": enrolments, "today": timezone.localdate()})


@registry_page
def area_page(request, code: str):
    summary = selectors.area_summary(user=request.user, code=code)
    return render(request, "registry/area.html", {
        "summary": summary, "area": summary.area, "counts": summary.counts,
        "desil_rows": [(d, summary.counts.desil.get(d, 0)) for d in range(1, 11)],
        "is_village": summary.area.kind in (AreaKind.DESA, AreaKind.KELURAHAN),
    })


@registry_page
def village_export(request, village_code: str):
    rows = selectors.registry_export_rows(actor=actor_from_request(request), village_code=village_code)
    return csv_response(header=selectors.EXPORT_COLUMNS, rows=rows, filename=f"penduduk-{village_code}.csv")


def _event_form(request, form_class, *, template: str, context: dict, apply, form_kwargs: dict | None = None):
    """Show a life-event form; on a valid POST, call the service; a refusal shows on the field it names."""
    form = form_class(request.POST or None, **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            return apply(form.cleaned_data)
        except DomainError as error:
            if error.code == "forbidden":
                raise
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


@registry_page
def birth_page(request, household_id: int):
    record = selectors.household_open(actor=actor_from_request(request), household_id=household_id)

    def apply(data):
        baby = services.birth_register(actor=actor_from_request(request), household=record.household, **data)
        messages.success(request, _("Kelahiran %(name)s tercatat.") % {"name": baby.name})
        return redirect("registry:person", person_id=baby.pk)

    return _event_form(request, BirthForm, template="registry/event_form.html", apply=apply,
                       context={"title": _("Catat kelahiran"), "subject": f"KK {record.household.kk_number}"})


@registry_page
def death_page(request, person_id: int):
    record = selectors.person_open(actor=actor_from_request(request), person_id=person_id)

    def apply(data):
        services.death_register(actor=actor_from_request(request), person=record.person, **data)
        messages.success(request, _("Kematian %(name)s tercatat.") % {"name": record.person.name})
        return redirect("registry:person", person_id=person_id)

    return _event_form(request, DeathForm, template="registry/event_form.html", apply=apply,
                       context={"title": _("Catat kematian"), "subject": record.person.name})


@registry_page
def move_page(request, person_id: int):
    record = selectors.person_open(actor=actor_from_request(request), person_id=person_id)

    def apply(data):
        target = selectors.household_by_kk(user=request.user, kk_number=data["kk_number"])
        services.person_move(actor=actor_from_request(request), person=record.person, to_household=target,
                             relationship=data["relationship"], moved_on=data["moved_on"])
        messages.success(request, _("%(name)s pindah ke KK %(kk)s.") % {"name": record.person.name, "kk": target.kk_number})
        return redirect("registry:person", person_id=person_id)

    return _event_form(request, MoveForm, template="registry/event_form.html", apply=apply,
                       context={"title": _("Catat pindah"), "subject": record.person.name})


@registry_page
def household_new_page(request):
    villages = selectors.writable_villages(user=request.user)

    def apply(data):
        village = next(v for v in villages if v.code == data.pop("village"))
        household = services.household_create(actor=actor_from_request(request), village=village, **data)
        messages.success(request, _("KK %(kk)s tercatat.") % {"kk": household.kk_number})
        return redirect("registry:household", household_id=household.pk)

    return _event_form(request, HouseholdForm, template="registry/event_form.html", apply=apply, form_kwargs={"villages": villages},
                       context={"title": _("Tambah KK baru"), "subject": ""})


@registry_page
def member_new_page(request, household_id: int):
    record = selectors.household_open(actor=actor_from_request(request), household_id=household_id)

    def apply(data):
        person = services.person_register(actor=actor_from_request(request), household=record.household, **data)
        messages.success(request, _("%(name)s tercatat sebagai anggota KK %(kk)s.") % {"name": person.name, "kk": record.household.kk_number})
        return redirect("registry:household", household_id=household_id)

    return _event_form(request, MemberForm, template="registry/event_form.html", apply=apply,
                       context={"title": _("Tambah anggota keluarga"), "subject": f"KK {record.household.kk_number}"})


def _household_and_members(request, household_id: int):
    """The household (the opening is audited) and its current members by id, for forms that pick members."""
    record = selectors.household_open(actor=actor_from_request(request), household_id=household_id)
    return record, {str(m.person_id): m.person for m in record.members}


@registry_page
def split_page(request, household_id: int):
    record, by_id = _household_and_members(request, household_id)

    def apply(data):
        new = services.household_split(
            actor=actor_from_request(request), household=record.household, members=[by_id[i] for i in data["members"]],
            head=by_id[data["head"]], kk_number=data["kk_number"], split_on=data["split_on"], rt=data["rt"] or None, rw=data["rw"] or None,
        )
        messages.success(request, _("KK baru %(kk)s tercatat.") % {"kk": new.kk_number})
        return redirect("registry:household", household_id=new.pk)

    return _event_form(request, SplitForm, template="registry/event_form.html", apply=apply, form_kwargs={"members": record.members},
                       context={"title": _("Pisah KK"), "subject": f"KK {record.household.kk_number}"})


@registry_page
def kk_reissue_page(request, household_id: int):
    record, by_id = _household_and_members(request, household_id)

    def apply(data):
        household = services.household_kk_reissue(
            actor=actor_from_request(request), household=record.household, kk_number=data["kk_number"], reason=data["reason"],
            new_head=by_id.get(data["new_head"]),
        )
        messages.success(request, _("KK %(kk)s diterbitkan.") % {"kk": household.kk_number})
        return redirect("registry:household", household_id=household_id)

    return _event_form(request, KkReissueForm, template="registry/event_form.html", apply=apply, form_kwargs={"members": record.members},
                       context={"title": _("Terbitkan KK baru"), "subject": f"KK {record.household.kk_number}"})
