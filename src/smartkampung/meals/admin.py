"""Admin for Rantang Kasih: read-only views of what the services write (the log is append-only)."""

from django.contrib import admin

from smartkampung.core.admin_scoping import RegencyAdminOnly, ScopedAdmin

from .models import AssignmentRun, Delivery, Provider, Recipient, Round, WeeklyMenu


class ReadOnly:
    """Changes go through the pages and the API (services: checks, audit); the admin only shows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Provider)
class ProviderAdmin(ReadOnly, RegencyAdminOnly):
    list_display = ("name", "village", "daily_capacity", "assigned", "price_per_portion", "days_served", "active")
    search_fields = ("name", "owner_name")
    list_select_related = ("village",)


@admin.register(WeeklyMenu)
class WeeklyMenuAdmin(ReadOnly, RegencyAdminOnly):
    list_display = ("provider", "week_start", "state", "reviewed_by")
    list_filter = ("state",)


@admin.register(AssignmentRun)
class AssignmentRunAdmin(ReadOnly, RegencyAdminOnly):
    list_display = ("started_at", "by", "recipients", "assigned", "unassigned", "total_m", "proven_optimal")


@admin.register(Round)
class RoundAdmin(ReadOnly, RegencyAdminOnly):
    list_display = ("provider", "date", "distance_m", "late")
    list_filter = ("date",)


@admin.register(Recipient)
class RecipientAdmin(ReadOnly, ScopedAdmin):
    list_display = ("person", "village", "provider", "meals_per_day", "state")
    list_filter = ("state",)
    list_select_related = ("person", "village", "provider")
    raw_id_fields = ("person", "enrolment", "provider")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly, ScopedAdmin):
    list_display = ("date", "recipient", "provider", "outcome", "portions", "marked_at", "corrects")
    list_filter = ("outcome", "date")
    list_select_related = ("recipient", "provider")
    raw_id_fields = ("stop", "recipient", "provider", "corrects")
