from django.urls import path

from . import views

app_name = "isolation"
urlpatterns = [
    path("isolasi/", views.reserve_page, name="reserve"),
    path("isolasi/r/<str:code>/", views.reservation_page, name="reservation"),
    path("isolasi/staf/", views.dashboard, name="dashboard"),
    path("isolasi/staf/peta/", views.map_page, name="map"),
    path("isolasi/staf/peta/data.json", views.map_data, name="map_data"),
    path("isolasi/staf/rumah/<int:house_id>/", views.house_page, name="house"),
    path("isolasi/staf/tinggal/<int:reservation_id>/", views.stay_page, name="stay"),
    path("isolasi/staf/terdampak/", views.affected_page, name="affected"),
    path("isolasi/staf/terdampak/impor/", views.affected_import_page, name="affected_import"),
    path("isolasi/staf/terdampak/impor/<int:batch_id>/", views.affected_batch_page, name="affected_batch"),
]
