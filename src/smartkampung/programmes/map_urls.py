from django.urls import path

from . import map_views

# Its own namespace: the programmes app's other pages have theirs.
app_name = "programmes_map"
urlpatterns = [
    path("programmes/map/", map_views.map_page, name="map"),
    path("programmes/map/data.json", map_views.map_data, name="data"),
    path("programmes/map/households.json", map_views.map_households, name="households"),
    path("programmes/map/shapes.geojson", map_views.map_shapes, name="shapes"),
    path("programmes/dashboard/", map_views.dashboard_page, name="dashboard"),
]
