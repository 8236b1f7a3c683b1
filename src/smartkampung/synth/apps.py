from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "smartkampung.synth"
    label = "synth"
    verbose_name = "Synthetic Banyuwangi"
