"""Pages under /cases/ and Open311 GeoReport v2 under /open311/v2/."""

from django.urls import path, re_path

from . import open311, views

app_name = "cases"

FMT = r"(?P<fmt>json|xml)"

urlpatterns = [
    # public
    path("cases/report/", views.report, name="report"),
    path("cases/t/", views.track, name="track"),
    path("cases/t/<str:ticket>/", views.ticket, name="ticket"),
    # staff
    path("cases/", views.queue, name="queue"),
    path("cases/<int:pk>/", views.case_detail, name="detail"),
    path("cases/<int:pk>/photo/<int:photo_id>/", views.case_photo, name="photo"),
    path("cases/map/", views.case_map, name="map"),
    path("cases/map/points.json", views.map_points_json, name="map_points"),
    path("cases/stats/", views.stats, name="stats"),
    path("cases/rumah-singgah/", views.houses, name="houses"),
    path("cases/rumah-singgah/<int:pk>/", views.house_detail, name="house"),
    # Open311 GeoReport v2
    path("open311/v2/", open311.root, name="open311_root"),
    re_path(rf"^open311/v2/discovery\.{FMT}$", open311.discovery, name="open311_discovery"),
    re_path(rf"^open311/v2/services\.{FMT}$", open311.services_list, name="open311_services"),
    re_path(rf"^open311/v2/services/(?P<service_code>[\w-]+)\.{FMT}$", open311.service_definition, name="open311_service"),
    re_path(rf"^open311/v2/requests\.{FMT}$", open311.requests_endpoint, name="open311_requests"),
    re_path(rf"^open311/v2/requests/(?P<request_id>[\w-]+)\.{FMT}$", open311.request_single, name="open311_request"),
    re_path(rf"^open311/v2/tokens/(?P<token>[\w-]+)\.{FMT}$", open311.token_lookup, name="open311_token"),
    re_path(rf"^open311/v2/servicerequestupdates\.{FMT}$", open311.service_request_updates, name="open311_updates"),
]
