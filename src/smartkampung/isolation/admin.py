"""Admin for this app (imported by name from urls.py): scoped like the pages; changes go through services,
so rows are read-only here except the Puskesmas catalogue (regency admins)."""

from django.contrib import admin

from smartkampung.core.admin_scoping import RegencyAdminOnly, ScopedAdmin

from .models import (
    AffectedImport,
    AffectedResident,
    DailyCheck,
    HousePillar,
    IsolationHouse,
    MonitoringAlert,
    Puskesmas,
    Reservation,
)


@admin.register(Puskesmas)
class PuskesmasAdmin(RegencyAdminOnly):
    list_display = ("code", "name", "kecamatan", "phone")
    search_fields = ("code", "name")


class ReadOnlyScoped(ScopedAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False  # beds, stays and checks change through their services (audited, with the bed-night rows)


class PillarInline(admin.TabularInline):
    model = HousePillar
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(IsolationHouse)
class IsolationHouseAdmin(ReadOnlyScoped):
    list_display = ("name", "village", "puskesmas", "active")
    search_fields = ("name",)
    inlines = [PillarInline]

    def village_id_of(self, obj):
        return obj.village_id


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyScoped):
    list_display = ("code", "house", "full_name", "status", "arrival_date", "end_date")
    list_filter = ("status",)
    search_fields = ("code",)
    raw_id_fields = ("person",)


@admin.register(DailyCheck)
class DailyCheckAdmin(ReadOnlyScoped):
    list_display = ("reservation", "day", "day_number", "temperature", "worsening", "checker_kind")


@admin.register(MonitoringAlert)
class MonitoringAlertAdmin(ReadOnlyScoped):
    list_display = ("reservation", "day", "kind", "case_ticket", "raise_error")


@admin.register(AffectedResident)
class AffectedResidentAdmin(ReadOnlyScoped):
    list_display = ("person", "village", "sector", "affected_on", "income_lost", "recovered_on", "source")
    list_filter = ("sector", "source")
    raw_id_fields = ("person",)


@admin.register(AffectedImport)
class AffectedImportAdmin(RegencyAdminOnly):
    list_display = ("filename", "uploaded_by_label", "created_at", "rows", "created", "duplicates", "errors")
    readonly_fields = ("filename", "uploaded_by", "uploaded_by_label", "created_at", "rows", "created", "duplicates", "errors")

    def has_add_permission(self, request):
        return False
