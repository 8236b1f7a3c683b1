app_name = "publicservices"
urlpatterns: list = []
