from django.urls import path

from . import views
from .views import feedback, outcomes

app_name = "placements"

urlpatterns = [
    path("", views.list_schemes, name="list_schemes"),
    path("new/", views.create_scheme, name="create_scheme"),
    path("releases/", views.list_releases, name="list_releases"),
    path(
        "releases/<int:application_pk>/confirm/",
        views.confirm_release,
        name="confirm_release",
    ),
    # Public: whoever holds a single-use link answers the survey without signing in.
    path("feedback/thanks/", feedback.survey_thanks, name="survey_thanks"),
    path("feedback/<str:token>/", feedback.answer_survey, name="answer_survey"),
    path("<int:pk>/", views.show_scheme, name="show_scheme"),
    path("<int:pk>/edit/", views.edit_scheme, name="edit_scheme"),
    path("<int:pk>/status/", views.change_status, name="change_status"),
    path("<int:pk>/placements/new/", views.edit_placement, name="add_placement"),
    path(
        "<int:pk>/placements/<int:placement_pk>/edit/",
        views.edit_placement,
        name="edit_placement",
    ),
    path("<int:pk>/rules/new/", views.add_rule, name="add_rule"),
    path("<int:pk>/report/", views.show_report, name="show_report"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/prescribing/", views.record_prescribing, name="record_prescribing"),
    path("<int:pk>/allocation/", views.show_allocation, name="show_allocation"),
    path("<int:pk>/allocation/run/", views.run_allocation, name="run_allocation"),
    path(
        "<int:pk>/allocation/<int:run_pk>/adjust/",
        views.adjust_allocation,
        name="adjust_allocation",
    ),
    path(
        "<int:pk>/allocation/<int:run_pk>/confirm/",
        views.confirm_allocation,
        name="confirm_allocation",
    ),
    path(
        "<int:pk>/participants/<int:participation_pk>/resend-offer/",
        views.resend_offer,
        name="resend_offer",
    ),
    path("<int:pk>/feedback/", feedback.list_surveys, name="list_surveys"),
    path("<int:pk>/feedback/new/", feedback.create_survey, name="create_survey"),
    path("<int:pk>/feedback/<int:survey_pk>/", feedback.show_survey, name="show_survey"),
    path(
        "<int:pk>/feedback/<int:survey_pk>/questions/new/",
        feedback.add_question,
        name="add_question",
    ),
    path(
        "<int:pk>/feedback/<int:survey_pk>/questions/<int:question_pk>/remove/",
        feedback.remove_question,
        name="remove_question",
    ),
    path("<int:pk>/feedback/<int:survey_pk>/invite/", feedback.invite, name="invite"),
    path(
        "<int:pk>/feedback/<int:survey_pk>/invitations/<int:invitation_pk>/resend/",
        feedback.resend_invitation,
        name="resend_invitation",
    ),
    path("<int:pk>/outcomes/", outcomes.list_measures, name="list_measures"),
    path("<int:pk>/outcomes/new/", outcomes.define_measure, name="define_measure"),
    path("<int:pk>/outcomes/<int:measure_pk>/", outcomes.show_measure, name="show_measure"),
    path(
        "<int:pk>/outcomes/<int:measure_pk>/values/new/",
        outcomes.record_value,
        name="record_value",
    ),
    path(
        "<int:pk>/outcomes/<int:measure_pk>/import/",
        outcomes.import_values,
        name="import_values",
    ),
    path("participants/<int:pk>/", views.show_participation, name="show_participation"),
    path("participants/<int:pk>/sessions/new/", views.log_session, name="log_session"),
    path(
        "sessions/<int:session_pk>/confirm/",
        views.confirm_session,
        name="confirm_session",
    ),
]
