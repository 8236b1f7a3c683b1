from django.apps import AppConfig


class FestivalConfig(AppConfig):
    name = "smartkampung.festival"
    label = "festival"
    verbose_name = "Banyuwangi Festival"
