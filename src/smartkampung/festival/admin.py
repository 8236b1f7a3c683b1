"""Admin for the festival calendar (imported by name from urls.py); staff edit through /festival/staf/."""

from django.contrib import admin

from .models import Event, EventImage


class EventImageInline(admin.TabularInline):
    model = EventImage
    extra = 0
    readonly_fields = ("path", "thumb_path", "width", "height", "caption", "position")
    can_delete = False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "starts_at", "category", "status", "village", "sequence")
    list_filter = ("status", "category")
    search_fields = ("title", "venue")
    # Edits must raise SEQUENCE for subscribed calendars, which only the services do.
    readonly_fields = [f.name for f in Event._meta.fields]
    inlines = (EventImageInline,)

    def has_add_permission(self, request):
        return False
