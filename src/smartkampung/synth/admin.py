from django.contrib import admin

from smartkampung.core.admin_scoping import RegencyAdminOnly

from .models import SynthRun, SynthTruth


class _ReadOnly(RegencyAdminOnly):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SynthRun)
class SynthRunAdmin(_ReadOnly):
    list_display = ("created_at", "seed", "people", "households", "as_of", "seconds")


@admin.register(SynthTruth)
class SynthTruthAdmin(_ReadOnly):
    list_display = ("kind", "person_id", "other_person_id", "household_id", "detail")
    list_filter = ("kind",)
