from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "smartkampung.linkage"
    label = "linkage"
    verbose_name = "Pencocokan data"
