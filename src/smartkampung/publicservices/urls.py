from django.urls import path

from . import views

app_name = "publicservices"
urlpatterns = [
    path("layanan/", views.catalogue, name="catalogue"),
    path("layanan/jenis/<str:code>/", views.service_page, name="service"),
    path("layanan/janji/<str:code>/", views.appointment_page, name="appointment"),
    path("layanan/antrean/", views.kiosk, name="kiosk"),
    path("layanan/antrean/tiket/<int:ticket_id>/", views.ticket_page, name="ticket"),
    path("layanan/antrean/layar/", views.screen, name="screen"),
    path("layanan/surat/", views.letter_request_page, name="letter_request"),
    path("layanan/surat/status/", views.letter_status_page, name="letter_status"),
    path("layanan/surat/<str:request_code>/<str:letter_code>.pdf", views.letter_pdf_public, name="letter_pdf"),
    path("layanan/staf/", views.staff_home, name="staff_home"),
    path("layanan/staf/antrean/", views.staff_queue, name="staff_queue"),
    path("layanan/staf/statistik/", views.staff_stats, name="staff_stats"),
    path("layanan/staf/surat/", views.staff_letters, name="staff_letters"),
    path("layanan/staf/surat/<str:code>/", views.staff_letter, name="staff_letter"),
    path("layanan/staf/surat/<str:code>/surat.pdf", views.staff_letter_pdf, name="staff_letter_pdf"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>", views.verify_page, name="verify"),
]
