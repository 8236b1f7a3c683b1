from django.urls import path

from . import provider_views, views

app_name = "meals"
urlpatterns = [
    path("meals/", views.home, name="home"),
    path("meals/providers/", views.providers, name="providers"),
    path("meals/providers/new/", views.provider_new, name="provider_new"),
    path("meals/providers/<int:pk>/", views.provider_page, name="provider"),
    path("meals/recipients/", views.recipients, name="recipients"),
    path("meals/recipients/<int:pk>/", views.recipient_page, name="recipient"),
    path("meals/deaths/", views.deaths, name="deaths"),
    path("meals/assignment/", views.assignment, name="assignment"),
    path("meals/rounds/", views.rounds, name="rounds"),
    path("meals/rounds/<int:provider_id>/<str:date>/", views.round_print, name="round_print"),
    path("meals/map/", views.map_page, name="map"),
    path("meals/map/data.json", views.map_data, name="map_data"),
    path("meals/recap/", views.recap_page, name="recap"),
    path("meals/recap/<str:month>/<int:provider_id>.csv", views.recap_download, {"kind": "csv"}, name="recap_csv"),
    path("meals/recap/<str:month>/<int:provider_id>.pdf", views.recap_download, {"kind": "pdf"}, name="recap_pdf"),
    path("meals/coverage/", views.coverage, name="coverage"),
    # The provider's phone pages (a provider login, no registry role).
    path("meals/provider/", provider_views.today, name="provider_today"),
    path("meals/provider/mark/", provider_views.mark, name="provider_mark"),
    path("meals/provider/menu/", provider_views.menu, name="provider_menu"),
]
