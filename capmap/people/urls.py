from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.list_people, name="list_people"),
    path("<int:pk>/", views.show_person, name="show_person"),
]
