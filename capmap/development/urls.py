from django.urls import path

from . import views

app_name = "development"

urlpatterns = [
    path("training/", views.list_training, name="list_training"),
    path("training/new/", views.add_training, name="add_training"),
    path("training/<int:pk>/edit/", views.edit_training, name="edit_training"),
    path("training/<int:pk>/remove/", views.remove_training, name="remove_training"),
    path("people/<int:pk>/plan/", views.show_plan, name="show_plan"),
    path("people/<int:pk>/plan/propose/", views.propose_plan, name="propose_plan"),
    path("people/<int:pk>/plan/agree/", views.agree_plan, name="agree_plan"),
    path("people/<int:pk>/plan/objectives/new/", views.add_objective, name="add_objective"),
    path("objectives/<int:pk>/progress/", views.update_objective, name="update_objective"),
    path("objectives/<int:pk>/edit/", views.edit_objective, name="edit_objective"),
    path("objectives/<int:pk>/close/", views.close_objective, name="close_objective"),
]
