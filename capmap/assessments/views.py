"""Assessment pages: self-assessment, review and sign-off, scope of practice, calibration,
cycles, supervisors and notifications. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from capmap.core.exceptions import DomainError
from capmap.frameworks import selectors as framework_selectors
from capmap.people import policy
from capmap.people import selectors as people
from capmap.people import services as people_services
from capmap.people.models import Person, Supervision
from capmap.portfolio.models import EvidenceItem

from . import presenters, selectors, services
from .forms import (
    CompetencySignOffForm,
    CycleForm,
    EndSupervisionForm,
    StartAssessmentForm,
    SupervisionForm,
    parse_ratings,
)
from .models import Assessment, AssessmentCycle


def _crumbs(*extra: tuple[str, str]) -> list[dict]:
    items = [("Home", reverse("core:home")), *extra]
    return [{"text": text, "href": href} for text, href in items]


def _assessment(request, pk: int) -> Assessment:
    try:
        return selectors.get_assessment(request.user, pk)
    except Assessment.DoesNotExist:
        raise Http404 from None


def _rated_by_oneself(request, pk: int) -> Assessment:
    """The assessment for its own person to rate or submit: others who may see it are
    refused (403)."""
    assessment = _assessment(request, pk)
    if not policy.allows(request.user, policy.RATE_SELF, assessment.person):
        raise PermissionDenied
    return assessment


def _person(request, pk: int, action: str = policy.VIEW_RECORD) -> Person:
    try:
        return people.get_person(request.user, pk, action)
    except Person.DoesNotExist:
        raise Http404 from None


def _errors(error: Exception) -> list[dict]:
    return [{"text": str(error), "href": "#main-content"}]


@login_required
def list_my_assessments(request):
    person = selectors.my_person(request.user)
    profiles = framework_selectors.applicable_role_profiles(person) if person else []
    form = StartAssessmentForm(request.POST or None, profiles=profiles)
    if request.method == "POST" and person and form.is_valid():
        try:
            profile = profiles.get(pk=form.cleaned_data["role_profile"])
            assessment = services.start_assessment(
                actor=request.user, person=person, role_profile=profile
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your self-assessment is ready: rate each competency.")
            return redirect("assessments:show_assessment", assessment.pk)
    assessments = selectors.assessment_list(request.user, person) if person else []
    context = {"person": person, "form": form, "assessments": assessments, "breadcrumbs": _crumbs()}
    return render(request, "assessments/list_my_assessments.jinja", context)


def _render_assessment(request, assessment: Assessment, errors=None, status=200):
    context = presenters.assessment_page(request.user, assessment)
    context.update(
        {
            "errors": errors or [],
            "breadcrumbs": _crumbs(("My assessments", reverse("assessments:list_my_assessments"))),
        }
    )
    return render(request, "assessments/show_assessment.jinja", context, status=status)


@login_required
def show_assessment(request, pk: int):
    return _render_assessment(request, _assessment(request, pk))


@login_required
@require_POST
def save_domain_ratings(request, pk: int, domain: int):
    assessment = _rated_by_oneself(request, pk)
    ids = presenters.competency_ids_in_domain(assessment, domain or None)
    ratings, _posted = parse_ratings(request.POST, ids)
    try:
        services.save_self_ratings(actor=request.user, assessment=assessment, ratings=ratings)
    except DomainError as error:
        return _render_assessment(request, assessment, _errors(error), status=400)
    messages.success(
        request, f"Your ratings have been saved ({len(ratings)} of {len(ids)} in this section)."
    )
    return redirect(reverse("assessments:show_assessment", args=[pk]) + f"#domain-{domain}")


@login_required
@require_POST
def submit_assessment(request, pk: int):
    assessment = _rated_by_oneself(request, pk)
    try:
        services.submit_assessment(actor=request.user, assessment=assessment)
    except DomainError as error:
        return _render_assessment(request, assessment, _errors(error), status=400)
    messages.success(request, "Your self-assessment has been sent to your supervisor.")
    return redirect("assessments:show_assessment", pk)


@login_required
def review_assessment(request, pk: int):
    assessment = _assessment(request, pk)
    if not policy.allows(request.user, policy.VERIFY_RECORD, assessment.person):
        raise Http404
    review = presenters.review_input(request.user, assessment, request.POST)
    if request.method == "POST" and review.saving and review.is_valid():
        try:
            services.review_assessment(
                actor=request.user,
                assessment=assessment,
                action=review.action,
                ratings=review.ratings,
                comment=review.comment,
                evidence_decisions=review.decisions(),
            )
        except DomainError as error:
            review.add_error(str(error))
        else:
            messages.success(request, presenters.DECIDED[review.action])
            if review.action != "save":
                return redirect("assessments:list_sign_off_queue")
    context = presenters.review_page(request.user, assessment, review)
    context["breadcrumbs"] = _crumbs(("Sign-off queue", reverse("assessments:list_sign_off_queue")))
    status = 400 if review.errors else 200
    return render(request, "assessments/review_assessment.jinja", context, status=status)


@login_required
def list_sign_off_queue(request):
    context = {"assessments": selectors.sign_off_queue_rows(request.user), "breadcrumbs": _crumbs()}
    return render(request, "assessments/list_sign_off_queue.jinja", context)


@login_required
def show_scope_of_practice(request, person: int):
    scope = selectors.scope_of_practice(_person(request, person, policy.VIEW_LEVELS))
    context = {
        "scope": scope,
        "can_see_record": policy.allows(request.user, policy.VIEW_RECORD, scope.person),
        "can_verify": policy.allows(request.user, policy.VERIFY_RECORD, scope.person),
        "breadcrumbs": _crumbs(),
    }
    return render(request, "assessments/show_scope_of_practice.jinja", context)


@login_required
def print_scope_of_practice(request, person: int):
    scope = selectors.scope_of_practice(_person(request, person, policy.VIEW_LEVELS))
    context = {"scope": scope, "today": timezone.localdate()}
    return render(request, "assessments/print_scope_of_practice.jinja", context)


@login_required
def show_calibration(request, person: int):
    record = _person(request, person)
    calibration, disagreements = selectors.person_calibration(request.user, record)
    context = {
        "person": record,
        "calibration": calibration,
        "disagreements": disagreements,
        "breadcrumbs": _crumbs(),
    }
    return render(request, "assessments/show_calibration.jinja", context)


@login_required
def sign_off_competency(request, person: int):
    record = _person(request, person)
    if not policy.allows(request.user, policy.VERIFY_RECORD, record):
        raise Http404
    form = CompetencySignOffForm(
        request.POST or None, **presenters.competency_sign_off_choices(request.user, record)
    )
    if form.is_valid():
        try:
            presenters.sign_off_one(request.user, record, form.cleaned_data)
        except (DomainError, EvidenceItem.DoesNotExist) as error:
            form.add_error(None, str(error) or "Choose evidence from this person's portfolio.")
        else:
            messages.success(request, "The competency has been signed off.")
            return redirect("assessments:show_scope_of_practice", record.pk)
    context = {"person": record, "form": form, "breadcrumbs": _crumbs()}
    return render(request, "assessments/sign_off_competency.jinja", context)


@login_required
def list_cycles(request):
    if not policy.allows_anywhere(request.user, policy.MANAGE_PEOPLE):
        raise Http404
    organisations = policy.organisations(request.user, policy.MANAGE_PEOPLE)
    form = CycleForm(request.POST or None, organisations=organisations)
    if form.is_valid():
        try:
            cycle = presenters.open_cycle(request.user, organisations, form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The assessment cycle {cycle.title} is open.")
            return redirect("assessments:show_cycle", cycle.pk)
    context = {"form": form, "cycles": selectors.cycles_for(request.user), "breadcrumbs": _crumbs()}
    return render(request, "assessments/list_cycles.jinja", context)


@login_required
def show_cycle(request, pk: int):
    try:
        cycle = selectors.get_cycle(request.user, pk)
    except AssessmentCycle.DoesNotExist:
        raise Http404 from None
    context = presenters.cycle_page(request.user, cycle)
    context["breadcrumbs"] = _crumbs(("Assessment cycles", reverse("assessments:list_cycles")))
    return render(request, "assessments/show_cycle.jinja", context)


def _require_change(request, record: Person) -> None:
    """Those who see a person's supervisors but may not change them are refused (403)."""
    if not policy.allows(request.user, policy.CHANGE_PERSON, record):
        raise PermissionDenied


@login_required
def list_supervisions(request, person: int):
    record = _person(request, person)
    if request.method == "POST":
        _require_change(request, record)
    form = SupervisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_supervisor(actor=request.user, person=record, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The supervisor has been assigned.")
            return redirect("assessments:list_supervisions", record.pk)
    context = presenters.supervisions_page(request.user, record, form)
    context["breadcrumbs"] = _crumbs()
    return render(
        request, "assessments/list_supervisions.jinja", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def end_supervision(request, person: int, pk: int):
    record = _person(request, person)
    try:
        supervision = selectors.get_supervision(record, pk)
    except Supervision.DoesNotExist:
        raise Http404 from None
    _require_change(request, record)
    form = EndSupervisionForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("Enter the date the relationship ends.")
        people_services.end_supervision(
            actor=request.user, supervision=supervision, ends_on=form.cleaned_data["ends_on"]
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The supervision has been ended.")
    return redirect("assessments:list_supervisions", record.pk)


@login_required
def list_notifications(request):
    if request.method == "POST":
        services.mark_notifications_read(actor=request.user)
        messages.success(request, "Your notifications have been marked as read.")
        return redirect("assessments:list_notifications")
    context = {
        "notifications": selectors.notifications_for(request.user)[:100],
        "breadcrumbs": _crumbs(),
    }
    return render(request, "assessments/list_notifications.jinja", context)
