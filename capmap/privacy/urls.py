from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.my_data, name="my_data"),
    path("people/<int:person>/", views.show_person_data, name="show_person_data"),
    path("people/<int:person>/exports/", views.request_export, name="request_export"),
    path("people/<int:person>/erase/", views.erase_person, name="erase_person"),
    path("people/<int:person>/corrections/", views.propose_correction, name="propose_correction"),
    path("corrections/<int:pk>/decide/", views.decide_correction, name="decide_correction"),
    path("exports/<uuid:public_id>/", views.show_export, name="show_export"),
    path(
        "exports/<uuid:public_id>/progress/",
        views.show_export_progress,
        name="show_export_progress",
    ),
    path(
        "organisations/<int:organisation>/retention/",
        views.edit_retention,
        name="edit_retention",
    ),
    path("exports/<uuid:public_id>/download/", views.download_export, name="download_export"),
]
