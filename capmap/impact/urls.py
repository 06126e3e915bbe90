from django.urls import path

from . import views

app_name = "impact"

urlpatterns = [
    path("", views.list_impact_organisations, name="list_impact_organisations"),
    path("organisations/<int:pk>/", views.show_dashboard, name="show_dashboard"),
    path("organisations/<int:pk>/assumptions/", views.edit_assumption, name="edit_assumption"),
    path("record/", views.list_people_to_record, name="list_people_to_record"),
    path("record/<int:person_pk>/", views.record_activity, name="record_activity"),
    path("import/", views.import_activity, name="import_activity"),
    path("activity-types/", views.list_activity_types, name="list_activity_types"),
    path("activity-types/new/", views.create_activity_type, name="create_activity_type"),
    path("activity-types/<int:pk>/", views.edit_activity_type, name="edit_activity_type"),
]
