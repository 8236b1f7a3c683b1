"""Admin for this app (imported by name from urls.py): the catalogue, counters and closures are kept here
by the service mall's staff and the regency admin; letters and requests are read-only (they change only
through the letter desk, which checks and audits)."""

from django.contrib import admin

from smartkampung.core.admin_scoping import ScopedAdmin
from smartkampung.core.audit import actor_from_request

from . import services
from .models import (
    Agency,
    Closure,
    Counter,
    Letter,
    LetterRequest,
    LetterType,
    Service,
    SigningKey,
    Synonym,
    VillageOffice,
)


class MallAdmin(admin.ModelAdmin):
    """Catalogue models: the service mall's staff and regency admins (no deletes: rows are referenced)."""

    def _allowed(self, request) -> bool:
        return services.is_mall_staff(request.user)

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


@admin.register(Agency)
class AgencyAdmin(MallAdmin):
    list_display = ("code", "short_name", "name", "kind")
    search_fields = ("code", "name", "short_name")


@admin.register(Counter)
class CounterAdmin(MallAdmin):
    list_display = ("code", "name", "agency", "opens_at", "closes_at", "saturday_closes_at", "slot_minutes", "slot_capacity", "active")
    list_filter = ("agency",)


@admin.register(Service)
class ServiceAdmin(MallAdmin):
    list_display = ("code", "name", "agency", "counter", "mode", "fee", "duration", "active")
    list_filter = ("agency", "mode", "active")
    search_fields = ("code", "name", "keywords")
    readonly_fields = ("search_text",)

    def save_model(self, request, obj, form, change):
        services.service_save(actor=actor_from_request(request, via="admin"), service=obj, changed=list(form.changed_data))


@admin.register(Synonym)
class SynonymAdmin(MallAdmin):
    list_display = ("phrase", "group")
    search_fields = ("phrase", "group")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.services_reindex()


@admin.register(Closure)
class ClosureAdmin(MallAdmin):
    list_display = ("date", "counter", "reason")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            created = services.closure_add(actor=actor_from_request(request, via="admin"), date=obj.date, reason=obj.reason, counter=obj.counter)
            obj.pk = created.pk


class ReadOnlyScoped(ScopedAdmin):
    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LetterType)
class LetterTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "classification", "needs_poverty_check", "max_desil", "active")

    def has_module_permission(self, request):
        return request.user.is_superuser or "regency_admin" in services.area_scope(request.user).roles

    has_view_permission = has_change_permission = lambda self, request, obj=None: LetterTypeAdmin.has_module_permission(self, request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VillageOffice)
class VillageOfficeAdmin(ScopedAdmin):
    """A village's letterhead, office code and numbering format: its own staff correct them."""

    list_display = ("village", "letter_code", "number_format", "head_name")


@admin.register(LetterRequest)
class LetterRequestAdmin(ReadOnlyScoped):
    list_display = ("code", "letter_type", "village", "state", "submitted_at")
    list_filter = ("state", "letter_type")


@admin.register(Letter)
class LetterAdmin(ReadOnlyScoped):
    list_display = ("number", "code", "village", "issued_at", "revoked_at")
    exclude = ("pdf",)


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ("key_id", "first_used_at", "is_development")

    def has_module_permission(self, request):
        return request.user.is_superuser or "regency_admin" in services.area_scope(request.user).roles

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
