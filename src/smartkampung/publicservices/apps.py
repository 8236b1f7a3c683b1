from django.apps import AppConfig


class PublicServicesConfig(AppConfig):
    name = "smartkampung.publicservices"
    label = "publicservices"
    verbose_name = "Layanan publik"
