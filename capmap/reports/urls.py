from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.list_reports, name="list_reports"),
    path("new/", views.request_report, name="request_report"),
    path("people/<int:person>/new/", views.request_person_report, name="request_person_report"),
    path("<uuid:public_id>/", views.show_report, name="show_report"),
    path("<uuid:public_id>/progress/", views.show_report_progress, name="show_report_progress"),
    path("<uuid:public_id>/download/", views.download_report, name="download_report"),
]
