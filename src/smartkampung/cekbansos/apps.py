from django.apps import AppConfig


class CekBansosConfig(AppConfig):
    name = "smartkampung.cekbansos"
    label = "cekbansos"
    verbose_name = "Cek Bansos"
