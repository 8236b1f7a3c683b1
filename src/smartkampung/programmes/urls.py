from django.urls import path

from . import views

app_name = "programmes"
urlpatterns = [
    path("programmes/", views.catalogue, name="catalogue"),
    path("programmes/<str:code>/rule/", views.rule_page, name="rule"),
    path("targeting/", views.runs_page, name="runs"),
    path("targeting/<int:run_id>/", views.run_page, name="run"),
    path("targeting/<int:run_id>/status.json", views.run_status, name="run_status"),
    path("targeting/<int:run_id>/findings.csv", views.findings_csv, name="findings_csv"),
    path("targeting/<int:run_id>/findings.xlsx", views.findings_xlsx, name="findings_xlsx"),
]
