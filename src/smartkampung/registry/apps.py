from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "smartkampung.registry"
    label = "registry"
    verbose_name = "Registri penduduk"
