app_name = "isolation"
urlpatterns: list = []
