from django.contrib import admin, messages

from .admin_scoping import RegencyAdminOnly, ScopedAdmin
from .audit import actor_from_request
from .models import ApiToken, Area, AuditEvent, StaffRole
from .services import role_grant, token_revoke


@admin.register(Area)
class AreaAdmin(RegencyAdminOnly):
    list_display = ("code", "name", "kind", "postal_code")
    list_filter = ("kind",)
    search_fields = ("^code", "name")
    readonly_fields = ("code", "kind", "parent")

    def has_add_permission(self, request):
        return False  # areas come from the official table (load_areas)


@admin.register(StaffRole)
class StaffRoleAdmin(RegencyAdminOnly):
    list_display = ("user", "role", "area", "granted_at")
    list_filter = ("role",)
    autocomplete_fields = ("area",)
    search_fields = ("user__username",)

    def save_model(self, request, obj, form, change):
        if change:
            messages.error(request, "Roles are granted, not edited: grant a new one.")
            return
        obj.pk = role_grant(actor=actor_from_request(request, via="admin"), user=obj.user, role=obj.role, area=obj.area).pk


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_id", "ip_address", "via")
    list_filter = ("action", "via")
    search_fields = ("=object_id", "actor_label")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False  # the trail is append-only


@admin.register(ApiToken)
class ApiTokenAdmin(RegencyAdminOnly):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # issued with `smartkampung token issue`, which shows the secret once

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        actor = actor_from_request(request, via="admin")
        for token in queryset:
            token_revoke(actor=actor, token=token)
        messages.success(request, f"{queryset.count()} token(s) revoked.")
