from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "smartkampung.market"
    label = "market"
    verbose_name = "Banyuwangi Mall"
