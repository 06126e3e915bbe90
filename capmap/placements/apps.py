from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "capmap.placements"
    label = "placements"
    verbose_name = "Placements"
