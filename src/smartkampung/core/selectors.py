"""Reads across the core: database-wide statistics for `smartkampung stats`."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.db.models import Count

from .models import ApiToken, Area, AuditEvent, StaffRole


def database_stats() -> dict:
    from smartkampung.registry.selectors import registry_stats  # apps report their own counts
    from smartkampung.synth.selectors import synth_stats

    areas = dict(Area.objects.values_list("kind").annotate(n=Count("id")))
    return {
        "areas": {kind: areas.get(kind, 0) for kind in ("kabupaten", "kecamatan", "desa", "kelurahan")},
        **registry_stats(),
        "staff": {
            "users_with_roles": StaffRole.objects.values("user").distinct().count(),
            "active_api_tokens": ApiToken.objects.filter(revoked_at__isnull=True).count(),
        },
        "audit_events": AuditEvent.objects.count(),
        **_app_stats(),
        **synth_stats(),
    }


# Apps report their own counts: `smartkampung/<app>/selectors.py` may define `app_stats() -> dict`, one
# section (or a few) of the `stats` output, e.g. {"cases": {"open": 12, "overdue": 3}}.
STATS_APPS = ("programmes", "cases", "cekbansos", "linkage", "meals", "isolation", "publicservices", "market", "festival")


def _app_stats() -> dict:
    sections: dict = {}
    for app in STATS_APPS:
        name = f"smartkampung.{app}.selectors"
        if find_spec(name) is not None:
            provider = getattr(import_module(name), "app_stats", None)
            if provider is not None:
                sections.update(provider())
    return sections
