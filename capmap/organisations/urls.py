from django.urls import path

from .views import audit, memberships, ods_import, organisations

app_name = "organisations"

urlpatterns = [
    path("", organisations.list_organisations, name="list_organisations"),
    path("new/", organisations.create_organisation, name="create_organisation"),
    path("<int:pk>/", organisations.show_organisation, name="show_organisation"),
    path("<int:pk>/edit/", organisations.edit_organisation, name="edit_organisation"),
    path("<int:pk>/delete/", organisations.delete_organisation, name="delete_organisation"),
    path("<int:pk>/members/", memberships.list_members, name="list_members"),
    path("<int:pk>/members/add/", memberships.add_member, name="add_member"),
    path(
        "<int:pk>/members/<int:membership_pk>/role/",
        memberships.change_member_role,
        name="change_member_role",
    ),
    path(
        "<int:pk>/members/<int:membership_pk>/remove/",
        memberships.remove_member,
        name="remove_member",
    ),
    path("audit/", audit.list_audit_events, name="list_audit_events"),
    path("import/", ods_import.import_organisations, name="import_organisations"),
    path(
        "import/<str:token>/",
        ods_import.preview_organisations_import,
        name="preview_organisations_import",
    ),
]
