from django.urls import path, re_path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.list_people, name="list_people"),
    path("add/", views.create_person, name="create_person"),
    path("<int:pk>/", views.show_person, name="show_person"),
    path("<int:pk>/change/", views.edit_person, name="edit_person"),
    path("<int:pk>/end-employment/", views.end_employment, name="end_employment"),
    path("<int:pk>/delete/", views.delete_person, name="delete_person"),
    path("job-roles/", views.list_job_roles, name="list_job_roles"),
    path("job-roles/add/", views.create_job_role, name="create_job_role"),
    path("import/", views.import_staff, name="import_staff"),
    re_path(
        r"^import/template\.(?P<extension>csv|xlsx)$",
        views.import_template,
        name="import_template",
    ),
    path("import/<str:token>/", views.preview_import, name="preview_import"),
]
