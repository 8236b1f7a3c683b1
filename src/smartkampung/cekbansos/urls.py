from django.urls import path

from . import views

app_name = "cekbansos"
urlpatterns = [
    path("cekbansos/", views.check, name="check"),
    path("cekbansos/cari/", views.search, name="search"),
    path("cekbansos/usul/", views.usul, name="usul"),
    path("cekbansos/sanggah/", views.sanggah, name="sanggah"),
    path("cekbansos/tiket/", views.ticket, name="ticket"),
    path("cekbansos/staf/", views.staff_list, name="staff_list"),
    path("cekbansos/staf/usul/<int:pk>/", views.staff_usul, name="staff_usul"),
    path("cekbansos/staf/usul/<int:pk>/foto/", views.staff_usul_photo, name="staff_usul_photo"),
    path("cekbansos/staf/sanggah/<int:pk>/", views.staff_sanggah, name="staff_sanggah"),
]
