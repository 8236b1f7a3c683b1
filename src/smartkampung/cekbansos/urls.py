app_name = "cekbansos"
urlpatterns: list = []
