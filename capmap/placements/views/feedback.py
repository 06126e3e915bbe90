"""Feedback survey pages: the programme lead's (set up, invite, read the summary) and the public
page where someone holding a single-use link answers without an account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from capmap.core.exceptions import DomainError

from .. import presenters, selectors
from ..forms import AnswerForm, InvitationForm, QuestionForm, SurveyForm
from ..selectors import feedback as feedback_selectors
from ..services import feedback as feedback_services
from . import _attempt, _found, _page


def _led_survey(request, pk: int, survey_pk: int):
    scheme = _found(selectors.get_led_scheme, request.user, pk)
    return scheme, _found(feedback_selectors.get_led_survey, request.user, scheme, survey_pk)


@login_required
def list_surveys(request, pk: int):
    scheme = _found(selectors.get_led_scheme, request.user, pk)
    context = presenters.feedback_page(scheme)
    return _page(request, "list_surveys", **context, breadcrumbs=presenters.scheme_crumbs(scheme))


@login_required
def create_survey(request, pk: int):
    scheme = _found(selectors.get_led_scheme, request.user, pk)
    form = SurveyForm(request.POST or None, audiences=presenters.audiences_without_survey(scheme))
    made = {}
    if form.is_valid() and _attempt(
        form,
        lambda: made.setdefault(
            "survey",
            feedback_services.create_survey(actor=request.user, scheme=scheme, **form.cleaned_data),
        ),
    ):
        messages.success(request, "Survey created. Check the questions, then send invitations.")
        return redirect("placements:show_survey", pk=scheme.pk, survey_pk=made["survey"].pk)
    crumbs = presenters.feedback_crumbs(scheme)
    return _page(request, "create_survey", form=form, scheme=scheme, breadcrumbs=crumbs)


@login_required
def show_survey(request, pk: int, survey_pk: int):
    scheme, survey = _led_survey(request, pk, survey_pk)
    context = presenters.survey_page(survey)
    crumbs = presenters.feedback_crumbs(scheme)
    return _page(request, "show_survey", **context, scheme=scheme, breadcrumbs=crumbs)


@login_required
def add_question(request, pk: int, survey_pk: int):
    scheme, survey = _led_survey(request, pk, survey_pk)
    form = QuestionForm(request.POST or None)
    if form.is_valid() and _attempt(
        form,
        lambda: feedback_services.add_question(
            actor=request.user, survey=survey, **form.cleaned_data
        ),
    ):
        messages.success(request, "Question added.")
        return redirect("placements:show_survey", pk=scheme.pk, survey_pk=survey.pk)
    crumbs = presenters.survey_crumbs(survey)
    return _page(request, "add_question", form=form, survey=survey, breadcrumbs=crumbs)


@login_required
@require_POST
def remove_question(request, pk: int, survey_pk: int, question_pk: int):
    scheme, survey = _led_survey(request, pk, survey_pk)
    question = _found(feedback_selectors.get_led_question, request.user, survey, question_pk)
    try:
        feedback_services.remove_question(actor=request.user, question=question)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Question removed.")
    return redirect("placements:show_survey", pk=scheme.pk, survey_pk=survey.pk)


@login_required
def invite(request, pk: int, survey_pk: int):
    scheme, survey = _led_survey(request, pk, survey_pk)
    suggested = feedback_selectors.suggested_recipients(scheme, survey.audience)
    form = InvitationForm(request.POST or None, initial={"emails": "\n".join(suggested)})
    sent = []
    if form.is_valid() and _attempt(
        form,
        lambda: sent.extend(
            feedback_services.send_invitations(
                actor=request.user,
                survey=survey,
                emails=feedback_services.clean_emails(form.cleaned_data["emails"]),
                link_for=lambda token: request.build_absolute_uri(
                    reverse("placements:answer_survey", args=[token])
                ),
            )
        ),
    ):
        form = InvitationForm()
    context = {"form": form, "survey": survey, "sent": sent, "scheme": scheme}
    return _page(request, "invite", **context, breadcrumbs=presenters.survey_crumbs(survey))


@login_required
def resend_invitation(request, pk: int, survey_pk: int, invitation_pk: int):
    """Confirm, then e-mail a new link to someone who has not answered yet."""
    scheme, survey = _led_survey(request, pk, survey_pk)
    invitation = _found(feedback_selectors.get_invitation_to_resend, survey, invitation_pk)
    back = reverse("placements:show_survey", args=[scheme.pk, survey.pk])
    if request.method == "POST":
        try:
            feedback_services.resend_invitation(
                actor=request.user,
                invitation=invitation,
                link_for=lambda token: request.build_absolute_uri(
                    reverse("placements:answer_survey", args=[token])
                ),
            )
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(back)
        messages.success(
            request,
            f"Invitation sent again to {invitation.email}. The earlier link no longer works.",
        )
        return redirect(back)
    context = {"survey": survey, "scheme": scheme, "invitation": invitation, "back": back}
    context["resend_minutes"] = feedback_services.RESEND_MINUTES
    return _page(
        request, "resend_invitation", **context, breadcrumbs=presenters.survey_crumbs(survey)
    )


def _link_problem(request, error: DomainError):
    status = 404 if isinstance(error, feedback_services.InvitationNotFound) else 410
    response = _page(request, "survey_link_problem", message=str(error), hide_navigation=True)
    response.status_code = status
    return response


@never_cache
@csrf_protect
def answer_survey(request, token: str):
    """Public: the link's token is the only key. Shows the survey title and its questions only."""
    invitation = feedback_selectors.invitation_for_token(token)
    try:
        feedback_services.check_invitation(invitation)
    except DomainError as error:
        return _link_problem(request, error)
    survey = invitation.survey
    form = AnswerForm(request.POST or None, questions=feedback_selectors.questions_of(survey))
    if form.is_valid():
        try:
            feedback_services.submit_response(invitation=invitation, answers=form.answers())
        except DomainError as error:
            return _link_problem(request, error)
        return redirect("placements:survey_thanks")
    context = {"form": form, "survey": survey, "scheme_title": survey.scheme.title}
    response = _page(request, "answer_survey", **context, hide_navigation=True)
    # The token is in the address: never send it to another site. ("no-referrer" would make
    # browsers send "Origin: null" with the form, which the CSRF check rightly refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
def survey_thanks(request):
    return _page(request, "survey_thanks", hide_navigation=True)
