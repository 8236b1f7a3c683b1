"""Rantang Kasih endpoints under /api/v1/meals/: thin — parse, call a selector or service, shape the answer.

Staff authenticate like everywhere (session + CSRF or bearer token); a provider's login may use its
session for its own round and marks (the provider app on the phone)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import SessionAuth

from smartkampung.core.audit import actor_from_request
from smartkampung.core.auth import STAFF_AUTH
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area

from . import selectors, services
from .models import Delivery, Provider, Recipient


class ProviderSessionAuth(SessionAuth):
    """A logged-in provider account (no registry role)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and services.provider_of(user) is not None else None


STAFF_OR_PROVIDER = [*STAFF_AUTH, ProviderSessionAuth()]
router = Router(tags=["meals"], auth=STAFF_AUTH)
ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


class ProviderIn(Schema):
    name: str
    owner_name: str
    owner_phone: str = ""
    address: str
    village_code: str
    latitude: float | None = None
    longitude: float | None = None
    daily_capacity: int
    price_per_portion: int
    days_served: str = "1234567"
    dietician_name: str = ""
    dietician_phone: str = ""
    bank_name: str = ""
    bank_account_number: str = ""
    bank_account_holder: str = ""


class ProviderPatch(Schema):
    name: str | None = None
    owner_name: str | None = None
    owner_phone: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    daily_capacity: int | None = None
    price_per_portion: int | None = None
    days_served: str | None = None
    dietician_name: str | None = None
    active: bool | None = None


class ProviderOut(Schema):
    id: int
    name: str
    village_code: str
    latitude: float
    longitude: float
    daily_capacity: int
    assigned: int
    price_per_portion: int
    days_served: str
    dietician_name: str
    active: bool


class RecipientOut(Schema):
    id: int
    person_id: int
    name: str
    village_code: str
    provider_id: int | None
    distance_m: int | None
    meals_per_day: int
    diet: list[str]
    state: str


class AssignmentIn(Schema):
    max_m: int = services.DEFAULT_MAX_M
    stability_bonus_m: int = services.DEFAULT_STABILITY_BONUS_M


class AssignmentOut(Schema):
    id: int
    recipients: int
    assigned: int
    unassigned: int
    moved: int
    kept: int
    newly_assigned: int
    total_m: int
    proven_optimal: bool
    proof: str


class StopOut(Schema):
    seq: int
    recipient_id: int
    name: str
    eta: str
    late: bool
    portions: int
    latitude: float | None
    longitude: float | None
    outcome: str | None
    entry_id: int | None


class RoundOut(Schema):
    provider_id: int
    date: dt.date
    distance_m: int
    late: int
    stops: list[StopOut]


class MarkIn(Schema):
    recipient_id: int
    outcome: str
    latitude: float | None = None
    longitude: float | None = None
    note: str = ""
    date: dt.date | None = None  # the office only; a provider marks today


class CorrectIn(Schema):
    outcome: str
    note: str


class DeliveryOut(Schema):
    id: int
    recipient_id: int
    provider_id: int
    date: dt.date
    outcome: str
    portions: int
    corrects_id: int | None
    welfare_case_ref: str


class RecapOut(Schema):
    provider_id: int
    month: str
    portions: int
    amount: int
    recipients: int
    missed: int


def _actor(request: HttpRequest):
    return actor_from_request(request, via="api")


def _provider_out(p: Provider) -> dict:
    return {"id": p.pk, "name": p.name, "village_code": p.village.code, "latitude": p.latitude, "longitude": p.longitude,
            "daily_capacity": p.daily_capacity, "assigned": p.assigned, "price_per_portion": p.price_per_portion,
            "days_served": p.days_served, "dietician_name": p.dietician_name, "active": p.active}


def _delivery_out(d: Delivery) -> dict:
    return {"id": d.pk, "recipient_id": d.recipient_id, "provider_id": d.provider_id, "date": d.date, "outcome": d.outcome,
            "portions": d.portions, "corrects_id": d.corrects_id, "welfare_case_ref": d.welfare_case_ref}


@router.get("/meals/providers", response={200: list[ProviderOut], **ERRORS}, summary="Rantang Kasih providers")
def providers_list(request):
    return [_provider_out(p) for p in selectors.providers(user=request.auth)]


@router.post("/meals/providers", response={201: ProviderOut, **ERRORS}, summary="Register a provider (programme office)")
def provider_create(request, payload: ProviderIn):
    village = Area.objects.filter(code=payload.village_code).first()
    data = payload.dict()
    data.pop("village_code")
    provider = services.provider_create(actor=_actor(request), village=village, **data)
    return Status(201, _provider_out(provider))


@router.patch("/meals/providers/{provider_id}", response={200: ProviderOut, **ERRORS}, summary="Change a provider (programme office)")
def provider_patch(request, provider_id: int, payload: ProviderPatch):
    provider = selectors.provider_get(user=request.auth, pk=provider_id)
    changes = payload.dict(exclude_unset=True)
    if ("latitude" in changes) != ("longitude" in changes):
        raise DomainError("invalid", _("Isi lintang dan bujur bersama-sama."), field="latitude")
    return _provider_out(services.provider_update(actor=_actor(request), provider=provider, changes=changes))


@router.get("/meals/recipients", response={200: list[RecipientOut], **ERRORS}, summary="Recipients in your area")
def recipients_list(request, village: str = "", state: str = "", limit: int = 200, offset: int = 0):
    rows = selectors.recipients(user=request.auth, village_code=village, state=state)[max(0, offset):max(0, offset) + min(max(limit, 1), 1000)]
    return [{"id": r.pk, "person_id": r.person_id, "name": r.person.name, "village_code": r.village.code, "provider_id": r.provider_id,
             "distance_m": r.distance_m, "meals_per_day": r.meals_per_day, "diet": r.diet, "state": r.state} for r in rows]


@router.post("/meals/assignment", response={201: AssignmentOut, **ERRORS}, summary="Run the assignment (programme office)")
def assignment_run(request, payload: AssignmentIn):
    actor = _actor(request)
    services.recipients_sync(actor=actor)
    run = services.assignment_run(actor=actor, max_m=payload.max_m, stability_bonus_m=payload.stability_bonus_m)
    return Status(201, {"id": run.pk, "recipients": run.recipients, "assigned": run.assigned, "unassigned": run.unassigned, "moved": run.moved,
                 "kept": run.kept, "newly_assigned": run.newly_assigned, "total_m": run.total_m, "proven_optimal": run.proven_optimal, "proof": run.proof})


@router.get("/meals/rounds/{provider_id}/{date}", response={200: RoundOut, **ERRORS}, auth=STAFF_OR_PROVIDER, summary="A provider's round of a day")
def round_get(request, provider_id: int, date: dt.date):
    provider = Provider.objects.filter(pk=provider_id).first()
    if provider is None:
        raise DomainError("not_found", _("Warung tidak ditemukan."))
    round_, stops = selectors.provider_round_view(actor=_actor(request), provider=provider, date=date)
    if round_ is None:
        raise DomainError("not_found", _("Tidak ada rute %(provider)s tanggal %(date)s.") % {"provider": provider.name, "date": date.strftime("%d/%m/%Y")})
    return {"provider_id": provider.pk, "date": date, "distance_m": round_.distance_m, "late": round_.late, "stops": [
        {"seq": s.stop.seq, "recipient_id": s.stop.recipient_id, "name": s.stop.recipient.person.name, "eta": s.stop.eta.strftime("%H:%M"),
         "late": s.stop.late, "portions": s.stop.portions, "latitude": s.stop.recipient.latitude, "longitude": s.stop.recipient.longitude,
         "outcome": s.entry.outcome if s.entry else None, "entry_id": s.entry.pk if s.entry else None} for s in stops]}


@router.post("/meals/deliveries", response={201: DeliveryOut, **ERRORS}, auth=STAFF_OR_PROVIDER, summary="Mark a meal of today's round")
def delivery_mark(request, payload: MarkIn):
    recipient = Recipient.objects.filter(pk=payload.recipient_id).first()
    if recipient is None:
        raise DomainError("not_found", _("Penerima tidak ditemukan."), field="recipient_id")
    entry = services.delivery_mark(actor=_actor(request), recipient=recipient, outcome=payload.outcome, latitude=payload.latitude,
                                   longitude=payload.longitude, note=payload.note, on=payload.date)
    return Status(201, _delivery_out(entry))


@router.post("/meals/deliveries/{entry_id}/corrections", response={201: DeliveryOut, **ERRORS}, auth=STAFF_OR_PROVIDER, summary="Correct a mark (a new entry)")
def delivery_correct(request, entry_id: int, payload: CorrectIn):
    entry = Delivery.objects.filter(pk=entry_id).first()
    if entry is None:
        raise DomainError("not_found", _("Catatan tidak ditemukan."))
    return Status(201, _delivery_out(services.delivery_correct(actor=_actor(request), entry=entry, outcome=payload.outcome, note=payload.note)))


@router.get("/meals/recap/{month}/{provider_id}", response={200: RecapOut, **ERRORS}, auth=STAFF_OR_PROVIDER, summary="A provider's monthly payment recap")
def recap_get(request, month: str, provider_id: int):
    provider = Provider.objects.filter(pk=provider_id).first()
    if provider is None:
        raise DomainError("not_found", _("Warung tidak ditemukan."))
    recap = selectors.recap(user=request.auth, provider=provider, month=month)
    return {"provider_id": provider.pk, "month": month, "portions": recap.portions, "amount": recap.amount, "recipients": recap.recipients, "missed": recap.missed}
