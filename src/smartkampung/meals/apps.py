from django.apps import AppConfig


class MealsConfig(AppConfig):
    name = "smartkampung.meals"
    label = "meals"
    verbose_name = "Rantang Kasih"
