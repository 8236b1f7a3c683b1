"""Admin for cases: categories, states and teams are configuration (regency admins); cases are read here
within the user's areas and changed only on the case pages, through the services (timeline, audit)."""

from django.contrib import admin

from smartkampung.core.admin_scoping import RegencyAdminOnly, ScopedAdmin

from .models import Bed, Case, CaseCategory, CaseState, Open311Key, Placement, Team, TeamMember, TransitHouse


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Team)
class TeamAdmin(RegencyAdminOnly):
    list_display = ("name", "kind", "area", "contact", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "code")
    inlines = [TeamMemberInline]
    raw_id_fields = ("area",)


@admin.register(CaseCategory)
class CaseCategoryAdmin(RegencyAdminOnly):
    list_display = ("code", "name", "team_kind", "support_team_kind", "respond_days", "resolve_days", "autoclose_days", "public", "active")
    list_filter = ("public", "active", "team_kind")


@admin.register(CaseState)
class CaseStateAdmin(RegencyAdminOnly):
    list_display = ("code", "name", "is_open", "open311_status", "fms_status", "order")


@admin.register(Open311Key)
class Open311KeyAdmin(RegencyAdminOnly):
    """Keys are made with `smartkampung cases open311-key NAME` (the raw key is shown once)."""

    list_display = ("name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("name", "prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False


@admin.register(Case)
class CaseAdmin(ScopedAdmin):
    list_display = ("ticket", "category", "village", "team", "state", "created_at", "due_at", "escalated_at")
    list_filter = ("state", "category")
    search_fields = ("ticket",)
    readonly_fields = [f.name for f in Case._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False


class BedInline(admin.TabularInline):
    model = Bed
    extra = 0


@admin.register(TransitHouse)
class TransitHouseAdmin(ScopedAdmin):
    list_display = ("name", "village", "team", "active")
    inlines = [BedInline]
    readonly_fields = ("village", "team")


@admin.register(Placement)
class PlacementAdmin(ScopedAdmin):
    list_display = ("bed", "due_date", "start_date", "end_date", "status")
    readonly_fields = [f.name for f in Placement._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False

    def village_id_of(self, obj):
        return obj.bed.house.village_id
