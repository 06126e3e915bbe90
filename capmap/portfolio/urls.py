from django.urls import path

from . import views

app_name = "portfolio"

urlpatterns = [
    path("people/<int:person>/", views.list_evidence, name="list_evidence"),
    path("people/<int:person>/add/", views.add_evidence, name="add_evidence"),
    path("evidence/<int:pk>/", views.show_evidence, name="show_evidence"),
    path("evidence/<int:pk>/file/", views.download_evidence, name="download_evidence"),
]
