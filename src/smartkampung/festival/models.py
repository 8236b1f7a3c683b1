"""Banyuwangi Festival: the year's programme of events, published as pages and an iCalendar feed.

An event keeps a stable `uid` for calendar apps, and a `sequence` that the services raise on every
change a subscriber should see (RFC 5545 SEQUENCE), with `updated_at` as LAST-MODIFIED.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from smartkampung.core.models import Area


class EventCategory(models.TextChoices):
    BUDAYA = "budaya", _("Budaya dan tradisi")
    SENI = "seni", _("Seni dan musik")
    OLAHRAGA = "olahraga", _("Olahraga")
    KULINER = "kuliner", _("Kuliner")
    ALAM = "alam", _("Wisata alam")
    RELIGI = "religi", _("Religi")
    KREATIF = "kreatif", _("Ekonomi kreatif")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    PUBLISHED = "published", _("Terbit")
    CANCELLED = "cancelled", _("Dibatalkan")


class Event(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=140, unique=True)
    title = models.CharField(max_length=140)
    category = models.CharField(max_length=10, choices=EventCategory.choices)
    description = models.TextField(blank=True)
    # Aware datetimes (stored in UTC, shown in Asia/Jakarta). An all-day event runs from the local midnight
    # of its first day to that of the day after its last, and is published with DATE values.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    all_day = models.BooleanField(default=False)
    venue = models.CharField(max_length=140)
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="festival_events")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    organizer = models.CharField(max_length=140, blank=True)
    url = models.URLField(blank=True)
    status = models.CharField(max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT)
    cancel_reason = models.CharField(max_length=300, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="event_latitude_range"),
            models.CheckConstraint(condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180), name="event_longitude_range"),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="event_status_start"),
            models.Index(fields=["category", "starts_at"], name="event_category_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status != EventStatus.DRAFT


class EventImage(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="images")
    path = models.CharField(max_length=200)  # under MEDIA_ROOT, re-encoded JPEG
    thumb_path = models.CharField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    caption = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"image {self.pk} of event {self.event_id}"
