"""The admin site sees the registry through the same scope as pages and the API."""

from __future__ import annotations

from django.contrib import admin

from .models import Role
from .scoping import area_scope, scoped


class ScopedAdmin(admin.ModelAdmin):
    """Read within the user's areas; change only what a service may change; never add or delete here.

    Registry records change through life events (services), so the admin offers corrections only, and
    routes them through the same services (with their checks and audit rows) in save_model().
    """

    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

    def has_module_permission(self, request):
        return area_scope(request.user).is_staff

    def has_view_permission(self, request, obj=None):
        return area_scope(request.user).is_staff

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        scope = area_scope(request.user)
        if obj is None:
            return scope.write_all or bool(scope.write_village_ids)
        return scope.can_write_village(self.village_id_of(obj))

    def village_id_of(self, obj) -> int | None:
        return getattr(obj, "village_id", None)


class RegencyAdminOnly(admin.ModelAdmin):
    """Configuration models: regency admins (and superusers) only."""

    def _allowed(self, request) -> bool:
        scope = area_scope(request.user)
        return request.user.is_superuser or (scope.read_all and Role.REGENCY_ADMIN in scope.roles)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return False
