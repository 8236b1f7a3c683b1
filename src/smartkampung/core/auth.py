"""API authentication: a logged-in session (with CSRF) or a bearer token."""

from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from .scoping import area_scope
from .services import token_user


class StaffSessionAuth(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and area_scope(user).is_staff else None


class StaffBearerAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = token_user(token)
        if user is None or not area_scope(user).is_staff:
            return None
        request.user = user  # so services and the audit trail see who acts
        return user


STAFF_AUTH = [StaffBearerAuth(), StaffSessionAuth()]
