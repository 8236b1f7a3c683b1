from django.apps import AppConfig


class IsolationConfig(AppConfig):
    name = "smartkampung.isolation"
    label = "isolation"
    verbose_name = "Rumah isolasi"
