from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.list_organisations, name="list_organisations"),
    path("audit/", views.list_audit_events, name="list_audit_events"),
]
