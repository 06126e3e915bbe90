from django.urls import path

from . import views

app_name = "core"

# The home page ("core:home") reads every app, so the project's configuration adds it to
# this namespace (capmap/config/urls.py); core cannot import the apps above it.

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
