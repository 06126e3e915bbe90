from django.urls import path

from . import views

app_name = "population"

urlpatterns = [
    path("", views.list_need, name="list_need"),
    path("organisations/<int:pk>/", views.show_need, name="show_need"),
    path("organisations/<int:pk>/need.xlsx", views.export_need, name="export_need"),
    path(
        "organisations/<int:pk>/recruit-or-train/",
        views.recruit_or_train,
        name="recruit_or_train",
    ),
    path("import/", views.import_population, name="import_population"),
    path("import/<str:token>/", views.preview_population_import, name="preview_population_import"),
    path(
        "pathways/<slug:slug>/registers/",
        views.edit_pathway_registers,
        name="edit_pathway_registers",
    ),
]
