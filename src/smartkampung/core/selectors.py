"""Reads across the core: database-wide statistics for `smartkampung stats`."""

from __future__ import annotations

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
        **synth_stats(),
    }
