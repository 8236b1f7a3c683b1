"""The one JSON API at /api/v1/; each app adds its router here."""

from __future__ import annotations

from importlib import import_module

from django.db import connection
from django.http import HttpRequest
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from smartkampung.core.errors import DomainError

api = NinjaAPI(
    title="Smart Kampung API",
    version="1",
    description="Population registry and public services of the regency. Staff authenticate with a session or `Authorization: Bearer <token>`.",
    urls_namespace="api",
)


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.http_status)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    location = [str(p) for p in first.get("loc", []) if p not in ("body", "query", "path", "payload")]
    return api.create_response(
        request,
        {"code": "invalid", "message": first.get("msg", "Invalid input."), "field": ".".join(location) or None, "errors": exc.errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(request, {"code": "unauthorized", "message": "Log in or send a valid bearer token."}, status=401)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    return api.create_response(request, {"code": "error", "message": str(exc)}, status=exc.status_code)


class HealthOut(Schema):
    status: str


@api.get("/health", response={200: HealthOut, 503: HealthOut}, tags=["system"], summary="The database answers")
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"; the caller only needs the status
        return Status(503, {"status": "unavailable"})
    return {"status": "ok"}


from smartkampung.registry.api import router as registry_router  # noqa: E402

api.add_router("/", registry_router)

# Each app's api.py holds one Router whose paths start with the app's own prefix (/cases/..., /cekbansos/...).
for _app in ("programmes", "cases", "cekbansos", "linkage", "meals", "isolation", "publicservices", "market", "festival"):
    api.add_router("/", import_module(f"smartkampung.{_app}.api").router)
