from django.contrib import admin

from smartkampung.core.admin_scoping import ScopedAdmin
from smartkampung.core.audit import actor_from_request

from . import services
from .models import Household, KkHistory, LifeEvent, Membership, NameToken, Person


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    fields = ("person", "relationship", "start_date", "end_date")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ("nik", "name", "sex", "birth_date", "village", "date_of_death")
    search_fields = ("=nik", "^name_key")
    list_select_related = ("village",)
    readonly_fields = ("nik", "sex", "birth_date", "date_of_death", "village", "created_at", "updated_at")
    fields = ("nik", "name", "sex", "birth_place", "birth_date", "religion", "marital_status", "education", "occupation", "disability", "disability_severe", "phone", "date_of_death", "village", "created_at", "updated_at")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", 200) == 200:
            from .selectors import person_open  # records the staff view in the audit trail

            person_open(actor=actor_from_request(request, via="admin"), person_id=int(object_id))
        return response

    def save_model(self, request, obj, form, change):
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f in services.CORRECTABLE_FIELDS}
        services.person_update(actor=actor_from_request(request, via="admin"), person=obj, **changes)


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ("kk_number", "village", "rw", "rt", "desil", "house_condition", "dissolved_on")
    search_fields = ("=kk_number",)
    list_filter = ("desil", "house_condition")
    list_select_related = ("village",)
    readonly_fields = ("kk_number", "kk_issued_on", "head", "village", "dissolved_on")
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f in services.HOUSEHOLD_FIELDS}
        services.household_update(actor=actor_from_request(request, via="admin"), household=Household.objects.get(pk=obj.pk), **changes)

    def save_related(self, request, form, formsets, change):
        pass  # memberships change only through life events


class ReadOnlyScopedAdmin(ScopedAdmin):
    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(ReadOnlyScopedAdmin):
    list_display = ("person", "household", "relationship", "start_date", "end_date")
    list_select_related = ("person", "household")
    raw_id_fields = ("person", "household")

    def village_id_of(self, obj):
        return obj.household.village_id


@admin.register(LifeEvent)
class LifeEventAdmin(ReadOnlyScopedAdmin):
    list_display = ("occurred_on", "kind", "person", "household", "village")
    list_filter = ("kind",)
    raw_id_fields = ("person", "household", "other_household")


@admin.register(KkHistory)
class KkHistoryAdmin(ReadOnlyScopedAdmin):
    list_display = ("kk_number", "household", "issued_on", "replaced_on", "reason")
    raw_id_fields = ("household",)


@admin.register(NameToken)
class NameTokenAdmin(ReadOnlyScopedAdmin):
    """The name index (derived from names by the services): visible for checking, never edited."""

    list_display = ("token", "person", "village")
    search_fields = ("^token",)
    raw_id_fields = ("person",)
