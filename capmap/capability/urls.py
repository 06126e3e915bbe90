from django.urls import path

from . import views

app_name = "capability"

urlpatterns = [
    path("", views.list_teams, name="list_teams"),
    path("heatmap/", views.choose_heatmap, name="choose_heatmap"),
    path("organisations/<int:pk>/", views.show_heatmap, name="show_heatmap"),
    path("organisations/<int:pk>/heatmap.xlsx", views.export_heatmap, name="export_heatmap"),
    path(
        "organisations/<int:pk>/training-needs/",
        views.show_training_needs,
        name="show_training_needs",
    ),
    path(
        "organisations/<int:pk>/training-needs.xlsx",
        views.export_training_needs,
        name="export_training_needs",
    ),
    path("organisations/<int:pk>/pathways/", views.choose_pathway, name="choose_pathway"),
    path(
        "organisations/<int:pk>/pathways/<slug:slug>/",
        views.show_pathway_coverage,
        name="show_pathway_coverage",
    ),
    path("organisations/<int:pk>/circle/", views.show_team_circle, name="show_team_circle"),
    path("organisations/<int:pk>/circle.svg", views.export_team_circle, name="export_team_circle"),
    path("people/<int:pk>/", views.show_circle, name="show_circle"),
    path("people/<int:pk>/circle.svg", views.export_circle, name="export_circle"),
    path(
        "people/<int:pk>/competencies/<int:competency>/",
        views.show_competency_history,
        name="show_competency_history",
    ),
]
