from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.list_my_assessments, name="list_my_assessments"),
    path("queue/", views.list_sign_off_queue, name="list_sign_off_queue"),
    path("notifications/", views.list_notifications, name="list_notifications"),
    path("<int:pk>/", views.show_assessment, name="show_assessment"),
    path("<int:pk>/domains/<int:domain>/", views.save_domain_ratings, name="save_domain_ratings"),
    path("<int:pk>/submit/", views.submit_assessment, name="submit_assessment"),
    path("<int:pk>/review/", views.review_assessment, name="review_assessment"),
    path("cycles/", views.list_cycles, name="list_cycles"),
    path("cycles/<int:pk>/", views.show_cycle, name="show_cycle"),
    path("people/<int:person>/scope/", views.show_scope_of_practice, name="show_scope_of_practice"),
    path(
        "people/<int:person>/scope/print/",
        views.print_scope_of_practice,
        name="print_scope_of_practice",
    ),
    path("people/<int:person>/calibration/", views.show_calibration, name="show_calibration"),
    path("people/<int:person>/sign-off/", views.sign_off_competency, name="sign_off_competency"),
    path("people/<int:person>/supervisors/", views.list_supervisions, name="list_supervisions"),
    path(
        "people/<int:person>/supervisors/<int:pk>/end/",
        views.end_supervision,
        name="end_supervision",
    ),
]
