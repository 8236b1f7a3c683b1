"""Admin for linkage (imported by name from urls.py): read-only; every change goes through the pages and
services (imports, link runs, review decisions), which check, audit and keep histories."""

from django.contrib import admin

from smartkampung.core.admin_scoping import ScopedAdmin

from .models import ImportBatch, LinkRun, ReviewItem, StagedRow
from .services import is_analyst


class _AnalystReadOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return is_analyst(request.user)

    def has_view_permission(self, request, obj=None):
        return is_analyst(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(_AnalystReadOnly):
    list_display = ("id", "programme", "file_name", "status", "rows_committed", "rows_valid", "rows_flagged", "rows_invalid", "created_at")
    list_filter = ("status", "programme")


@admin.register(LinkRun)
class LinkRunAdmin(_AnalystReadOnly):
    list_display = ("id", "batch", "status", "seconds", "started_at")


@admin.register(StagedRow)
class StagedRowAdmin(ScopedAdmin):
    list_display = ("batch", "row_number", "name", "nik", "outcome", "link_status", "match_probability")
    list_filter = ("outcome", "link_status")
    raw_id_fields = ("person", "enrolment")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReviewItem)
class ReviewItemAdmin(ScopedAdmin):
    list_display = ("id", "kind", "person", "match_probability", "decision", "decided_by", "decided_at")
    list_filter = ("kind", "decision")
    raw_id_fields = ("row", "left_person", "person", "run")

    def has_change_permission(self, request, obj=None):
        return False
