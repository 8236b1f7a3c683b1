from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("registry/", views.search, name="search"),
    path("registry/people/<int:person_id>/", views.person_page, name="person"),
    path("registry/households/<int:household_id>/", views.household_page, name="household"),
    path("registry/households/<int:household_id>/birth/", views.birth_page, name="birth"),
    path("registry/households/new/", views.household_new_page, name="household_new"),
    path("registry/households/<int:household_id>/members/new/", views.member_new_page, name="member_new"),
    path("registry/households/<int:household_id>/split/", views.split_page, name="split"),
    path("registry/households/<int:household_id>/kk/", views.kk_reissue_page, name="kk_reissue"),
    path("registry/people/<int:person_id>/death/", views.death_page, name="death"),
    path("registry/people/<int:person_id>/move/", views.move_page, name="move"),
    path("registry/export/<str:village_code>.csv", views.village_export, name="export"),
    path("areas/<str:code>/", views.area_page, name="area"),
]
