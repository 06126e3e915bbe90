"""Development pages: the training catalogue and each person's development plan."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from capmap.core.exceptions import DomainError
from capmap.people import policy
from capmap.people.models import Person

from . import selectors, services
from .forms import ObjectiveForm, ProgressForm
from .models import Objective
from .presenters import PlanPresenter


def _person(request, pk: int) -> Person:
    try:
        return selectors.get_person(request.user, pk)
    except Person.DoesNotExist:
        raise Http404 from None


def _crumbs(*items: tuple[str, str]) -> list[dict]:
    home = [{"href": reverse("core:home"), "text": "Home"}]
    return home + [{"href": href, "text": text} for text, href in items]


@login_required
def list_training(request):
    competency = selectors.competency_or_none(request.user, request.GET.get("competency"))
    items = selectors.training_catalogue(competency_id=competency.pk if competency else None)
    context = {"items": items, "competency": competency, "breadcrumbs": _crumbs()}
    return render(request, "development/list_training.jinja", context)


@login_required
def show_plan(request, pk: int):
    person = _person(request, pk)
    plan = PlanPresenter(selectors.current_plan(person), selectors.today())
    context = {
        "person": person,
        "plan": plan,
        "can_write": policy.allows(request.user, policy.WRITE_RECORD, person),
        "can_agree": policy.allows(request.user, policy.AGREE_PLAN, person),
        "progress_form": ProgressForm(),
        "breadcrumbs": _crumbs(("Circle", reverse("capability:show_circle", args=[pk]))),
    }
    return render(request, "development/show_plan.jinja", context)


def _done(request, person: Person, action, text: str):
    try:
        action()
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, text)
    return redirect("development:show_plan", pk=person.pk)


@login_required
@require_POST
def propose_plan(request, pk: int):
    person = _person(request, pk)
    action = partial(services.propose_plan_from_gaps, actor=request.user, person=person)
    return _done(request, person, action, "Objectives proposed from the biggest gaps.")


@login_required
@require_POST
def agree_plan(request, pk: int):
    person = _person(request, pk)
    if not policy.allows(request.user, policy.AGREE_PLAN, person):
        raise Http404  # never the person themself: refused as not found (ADR 0005)
    plan = selectors.current_plan(person)
    if plan is None:
        raise Http404
    action = partial(services.agree_plan, actor=request.user, plan=plan)
    return _done(request, person, action, "Plan agreed.")


@login_required
def add_objective(request, pk: int):
    person = _person(request, pk)
    form = ObjectiveForm(
        request.POST or None, competencies=selectors.plan_competencies(request.user, person)
    )
    if form.is_valid():
        try:
            services.add_objective(actor=request.user, person=person, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Objective added.")
            return redirect("development:show_plan", pk=person.pk)
    crumbs = _crumbs(("Development plan", reverse("development:show_plan", args=[pk])))
    context = {"person": person, "form": form, "breadcrumbs": crumbs}
    return render(request, "development/add_objective.jinja", context)


@login_required
@require_POST
def update_objective(request, pk: int):
    try:
        objective = selectors.get_objective(request.user, pk)
    except Objective.DoesNotExist:
        raise Http404 from None
    form = ProgressForm(request.POST)
    person = objective.plan.person
    if not form.is_valid():
        messages.error(request, "Enter progress from 0 to 100 and choose a status.")
        return redirect("development:show_plan", pk=person.pk)
    action = partial(
        services.record_progress, actor=request.user, objective=objective, **form.cleaned_data
    )
    return _done(request, person, action, "Progress saved.")
