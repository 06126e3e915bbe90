from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "capmap.accounts"
    label = "accounts"
