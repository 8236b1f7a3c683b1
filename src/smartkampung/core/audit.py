"""Who is acting, from where, and the audit trail of what they did or saw."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from .models import Area, AuditEvent


@dataclass(frozen=True)
class Actor:
    """The acting user of a service call, with where the call came from (for the audit trail)."""

    user: object
    ip: str | None = None
    via: str = "web"  # web, api, admin, cli
    label: str = field(default="")

    @classmethod
    def system(cls, job: str) -> Actor:
        return cls(user=None, ip=None, via="cli", label=f"system:{job}")

    @property
    def display(self) -> str:
        if self.label:
            return self.label
        return getattr(self.user, "username", "") or "anonymous"

    @property
    def user_or_none(self):
        user = self.user
        if user is None or isinstance(user, AnonymousUser) or not getattr(user, "is_authenticated", False):
            return None
        return user


def client_ip(request) -> str | None:
    header = settings.AUDIT_CLIENT_IP_HEADER
    if header:
        forwarded = request.META.get(header, "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def actor_from_request(request, *, via: str = "web") -> Actor:
    return Actor(user=request.user, ip=client_ip(request), via=via)


def audit_record(*, actor: Actor, action: str, obj, village: Area | int | None = None, changes: dict | None = None) -> AuditEvent:
    village_id = village.id if isinstance(village, Area) else village
    return AuditEvent.objects.create(
        actor=actor.user_or_none,
        actor_label=actor.display[:150],
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=str(obj.pk),
        village_id=village_id,
        ip_address=actor.ip,
        via=actor.via,
        changes=changes or {},
    )
