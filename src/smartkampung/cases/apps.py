from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "smartkampung.cases"
    label = "cases"
    verbose_name = "Pengaduan dan layanan kasus"
