from django.contrib import admin

from smartkampung.core.admin_scoping import RegencyAdminOnly, ScopedAdmin

from .models import Enrolment, Programme, ProgrammeComponent, ProgrammeQuota, RuleVersion, TargetingRun


class ComponentInline(admin.TabularInline):
    model = ProgrammeComponent
    extra = 0


class QuotaInline(admin.TabularInline):
    model = ProgrammeQuota
    extra = 0
    autocomplete_fields = ("area",)


@admin.register(Programme)
class ProgrammeAdmin(RegencyAdminOnly):
    """The catalogue is edited here; the rule is edited on the rule page, which checks it."""

    list_display = ("code", "name", "agency", "level", "unit", "benefit_kind", "amount", "period", "active")
    readonly_fields = ("rule_text",)
    filter_horizontal = ("excludes",)
    inlines = [ComponentInline, QuotaInline]


@admin.register(RuleVersion)
class RuleVersionAdmin(RegencyAdminOnly):
    list_display = ("programme", "saved_at", "saved_by", "note")
    readonly_fields = ("programme", "text", "saved_at", "saved_by", "note")

    def has_add_permission(self, request):
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(ScopedAdmin):
    list_display = ("programme", "person", "household", "listed_nik", "village", "start_date", "end_date", "amount", "source")
    list_filter = ("programme", "source")
    raw_id_fields = ("person", "household")
    readonly_fields = [f.name for f in Enrolment._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False  # enrolments change through their services (with history), not by editing rows


@admin.register(TargetingRun)
class TargetingRunAdmin(RegencyAdminOnly):
    list_display = ("pk", "as_of", "status", "started_at", "seconds", "started_by")
    readonly_fields = ("as_of", "status", "started_at", "finished_at", "seconds", "started_by", "error")

    def has_add_permission(self, request):
        return False
