from django.urls import path

from . import views

app_name = "linkage"
urlpatterns = [
    path("linkage/", views.index, name="index"),
    path("linkage/imports/<int:batch_id>/", views.batch_page, name="batch"),
    path("linkage/imports/<int:batch_id>/status", views.batch_status, name="batch_status"),
    path("linkage/review/", views.review_list, name="review"),
    path("linkage/review/<int:item_id>/", views.review_item, name="review_item"),
]
