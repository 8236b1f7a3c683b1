"""Admin for Cek Bansos (imported by name from urls.py): the excluding list is configuration for the
regency's admins; usul and sanggah are read-only here (they change through the verification pages)."""

from django.contrib import admin

from smartkampung.core.admin_scoping import RegencyAdminOnly, ScopedAdmin

from .models import ExcludingProgramme, LookupLog, Sanggah, Usul


@admin.register(ExcludingProgramme)
class ExcludingProgrammeAdmin(RegencyAdminOnly):
    """Recipients of these programmes are told they cannot be proposed for new aid."""

    list_display = ("programme", "note")

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)  # taking a programme off the list is a regency decision


class _ReadOnly(ScopedAdmin):
    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Usul)
class UsulAdmin(_ReadOnly):
    list_display = ("ticket", "village", "status", "created_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("ticket",)
    raw_id_fields = ("subject", "enrolment")
    readonly_fields = [f.name for f in Usul._meta.fields]


@admin.register(Sanggah)
class SanggahAdmin(_ReadOnly):
    list_display = ("ticket", "village", "programme", "reason_kind", "status", "created_at")
    list_filter = ("status", "reason_kind")
    search_fields = ("ticket",)
    raw_id_fields = ("subject", "enrolment")
    readonly_fields = [f.name for f in Sanggah._meta.fields]


@admin.register(LookupLog)
class LookupLogAdmin(RegencyAdminOnly):
    """Who looked up what, as keyed hashes only (no NIK, no address)."""

    list_display = ("at", "kind", "outcome", "via", "client_hash", "nik_hash")
    list_filter = ("kind", "outcome", "via")
    readonly_fields = [f.name for f in LookupLog._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
