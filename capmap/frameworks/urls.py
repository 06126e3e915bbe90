from django.urls import path

from . import views

app_name = "frameworks"

urlpatterns = [
    path("", views.list_frameworks, name="list_frameworks"),
    path("new/", views.create_framework, name="create_framework"),
    path("import/", views.import_framework, name="import_framework"),
    path("import/confirm/", views.confirm_import, name="confirm_import"),
    path("role-profiles/<int:pk>/", views.show_role_profile, name="show_role_profile"),
    path("role-profiles/<int:pk>/edit/", views.edit_role_profile, name="edit_role_profile"),
    path("pathways/", views.list_pathways, name="list_pathways"),
    path("pathways/new/", views.create_pathway, name="create_pathway"),
    path("pathways/<slug:slug>/", views.show_pathway, name="show_pathway"),
    path("pathways/<slug:slug>/edit/", views.edit_pathway, name="edit_pathway"),
    path(
        "pathways/<slug:slug>/capabilities/",
        views.add_pathway_capability,
        name="add_pathway_capability",
    ),
    path(
        "pathways/<slug:slug>/capabilities/<int:pk>/",
        views.edit_pathway_capability,
        name="edit_pathway_capability",
    ),
    path(
        "pathways/<slug:slug>/capabilities/<int:pk>/remove/",
        views.remove_pathway_capability,
        name="remove_pathway_capability",
    ),
    path("competencies/<int:pk>/", views.edit_competency, name="edit_competency"),
    path(
        "competencies/<int:pk>/delete/",
        views.delete_node,
        {"kind": "competency"},
        name="delete_competency",
    ),
    path("domains/<int:pk>/delete/", views.delete_node, {"kind": "domain"}, name="delete_domain"),
    path("move/<str:kind>/<int:pk>/<str:direction>/", views.move_node, name="move_node"),
    path("<slug:slug>/", views.show_framework, name="show_framework"),
    path("<slug:slug>/drafts/", views.start_draft, name="start_draft"),
    path("<slug:slug>/v<int:number>/publish/", views.publish_version, name="publish_version"),
    path("<slug:slug>/v<int:number>/retire/", views.retire_version, name="retire_version"),
    path("<slug:slug>/v<int:number>/domains/", views.add_domain, name="add_domain"),
    path("<slug:slug>/v<int:number>/scale/", views.edit_scale, name="edit_scale"),
    path(
        "<slug:slug>/v<int:number>/scale/levels/new/",
        views.add_scale_level,
        name="add_scale_level",
    ),
    path(
        "<slug:slug>/v<int:number>/scale/levels/<int:value>/remove/",
        views.remove_scale_level,
        name="remove_scale_level",
    ),
    path(
        "<slug:slug>/v<int:number>/role-profiles/",
        views.add_role_profile,
        name="add_role_profile",
    ),
    path("<slug:slug>/v<int:number>/competencies/", views.add_competency, name="add_competency"),
    path(
        "<slug:slug>/export.<str:file_format>",
        views.export_framework,
        name="export_framework",
    ),
]
