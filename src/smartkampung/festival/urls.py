"""Festival pages: /festival/ (public list, month calendar, event pages, the iCalendar feed) and
/festival/staf/ (the tourism office's programme)."""

from django.urls import path

from . import views

app_name = "festival"
urlpatterns = [
    path("festival/", views.event_list, name="list"),
    path("festival/calendar.ics", views.feed, name="feed"),
    path("festival/kalender/", views.this_month, name="this_month"),
    path("festival/kalender/<int:year>/<int:month>/", views.month_page, name="month"),
    path("festival/acara/<slug:slug>/", views.event_page, name="event"),
    path("festival/acara/<slug:slug>.ics", views.event_ics, name="event_ics"),
    path("festival/gambar/<int:image_id>/<str:size>.jpg", views.image, name="image"),
    path("festival/staf/", views.staff_programme, name="staff_programme"),
    path("festival/staf/acara/baru/", views.staff_event_new, name="staff_event_new"),
    path("festival/staf/acara/<int:event_id>/", views.staff_event, name="staff_event"),
]
