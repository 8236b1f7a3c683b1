from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "smartkampung.programmes"
    label = "programmes"
    verbose_name = "Program bantuan"
