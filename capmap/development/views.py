"""Development pages: the training catalogue and each person's development plan."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from capmap.core.exceptions import DomainError, NotPermitted
from capmap.frameworks.selectors import authoring_owner
from capmap.organisations.presenters import pagination
from capmap.people import policy
from capmap.people.models import Person

from . import presenters, selectors, services
from .forms import CloseObjectiveForm, ObjectiveForm, ProgressForm, TrainingForm
from .models import Objective, TrainingItem
from .presenters import PlanPresenter

TRAINING_PER_PAGE = 20


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
    search = request.GET.get("q", "").strip()
    sort = request.GET.get("sort", "title")
    items = selectors.training_catalogue(
        request.user,
        competency_id=competency.pk if competency else None,
        search=search,
        sort=sort,
    )
    page = Paginator(items, TRAINING_PER_PAGE).get_page(request.GET.get("page"))
    query = {k: v for k, v in (("q", search), ("sort", sort)) if v}
    if competency:
        query["competency"] = str(competency.pk)
    context = {
        "page": page,
        "rows": presenters.training_rows(request.user, page.object_list),
        "pagination": pagination(page, query) if page.paginator.num_pages > 1 else None,
        "search": search,
        "sort": sort if sort in selectors.TRAINING_SORTS else "title",
        "sort_links": presenters.training_sort_links(query),
        "competency": competency,
        "can_add": policy.allows_anywhere(request.user, policy.AUTHOR_FRAMEWORKS),
        "breadcrumbs": _crumbs(),
    }
    return render(request, "development/list_training.jinja", context)


def _training_page(request, form, heading: str, button: str, item=None):
    catalogue = reverse("development:list_training")
    context = {
        "form": form,
        "groups": presenters.competency_groups(form),
        "heading": heading,
        "button_text": button,
        "item": item,
        "breadcrumbs": _crumbs(("Training catalogue", catalogue)),
    }
    return render(request, "development/edit_training.jinja", context)


@login_required
def add_training(request):
    if not policy.allows_anywhere(request.user, policy.AUTHOR_FRAMEWORKS):
        raise PermissionDenied
    competencies = selectors.mappable_competencies(request.user)
    form = TrainingForm(request.POST or None, user=request.user, competencies=competencies)
    if form.is_valid():
        try:
            owner = authoring_owner(request.user, form.cleaned_data["owner"])
            item = services.add_training_item(
                actor=request.user, owner=owner, **presenters.training_fields(form)
            )
        except NotPermitted:
            raise PermissionDenied from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{item.title} added to the training catalogue.")
            return redirect("development:list_training")
    return _training_page(request, form, "Add a course", "Add the course")


@login_required
def edit_training(request, pk: int):
    try:
        item = selectors.get_training_item(request.user, pk)
    except TrainingItem.DoesNotExist:
        raise Http404 from None
    if not policy.allows(request.user, policy.AUTHOR_FRAMEWORKS, item.owner):
        raise PermissionDenied
    form = TrainingForm(
        request.POST or None,
        initial=presenters.training_initial(item),
        user=request.user,
        competencies=selectors.mappable_competencies(request.user),
        editing=True,
    )
    if form.is_valid():
        try:
            services.update_training_item(
                actor=request.user, item=item, **presenters.training_fields(form)
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{item.title} saved.")
            return redirect("development:list_training")
    return _training_page(request, form, f"Change {item.title}", "Save the course", item)


@login_required
def remove_training(request, pk: int):
    """Confirm, then retire a course plans name, or delete one no plan names."""
    try:
        item = selectors.get_training_item(request.user, pk)
    except TrainingItem.DoesNotExist:
        raise Http404 from None
    if not policy.allows(request.user, policy.AUTHOR_FRAMEWORKS, item.owner):
        raise PermissionDenied
    catalogue = reverse("development:list_training")
    if request.method == "POST":
        try:
            deleted = services.remove_training_item(actor=request.user, item=item)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            done = "deleted" if deleted else "retired: plans that name it keep it"
            messages.success(request, f"{item.title} {done}.")
        return redirect(catalogue)
    context = {
        "item": item,
        "in_use": services.training_in_use(item),
        "back": reverse("development:edit_training", args=[item.pk]),
        "breadcrumbs": _crumbs(("Training catalogue", catalogue)),
    }
    return render(request, "development/remove_training.jinja", context)


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


def _objective(request, pk: int) -> Objective:
    try:
        return selectors.get_objective(request.user, pk)
    except Objective.DoesNotExist:
        raise Http404 from None


def _plan_crumbs(person: Person) -> list[dict]:
    return _crumbs(("Development plan", reverse("development:show_plan", args=[person.pk])))


@login_required
def edit_objective(request, pk: int):
    objective = _objective(request, pk)
    person = objective.plan.person
    if not policy.allows(request.user, policy.WRITE_RECORD, person):
        raise PermissionDenied
    form = ObjectiveForm(
        request.POST or None,
        initial=presenters.objective_initial(objective),
        competencies=selectors.plan_competencies(request.user, person),
    )
    if form.is_valid():
        try:
            services.update_objective(actor=request.user, objective=objective, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Objective saved.")
            return redirect("development:show_plan", pk=person.pk)
    context = {
        "person": person,
        "form": form,
        "objective": objective,
        "breadcrumbs": _plan_crumbs(person),
    }
    return render(request, "development/add_objective.jinja", context)


@login_required
def close_objective(request, pk: int):
    objective = _objective(request, pk)
    person = objective.plan.person
    if not policy.allows(request.user, policy.AGREE_PLAN, person):
        raise Http404  # never the person themself: refused as not found (ADR 0005)
    form = CloseObjectiveForm(request.POST or None)
    if form.is_valid():
        try:
            services.close_objective(
                actor=request.user,
                objective=objective,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Objective closed as {objective.get_status_display()}.")
            return redirect("development:show_plan", pk=person.pk)
    context = {
        "person": person,
        "form": form,
        "objective": objective,
        "breadcrumbs": _plan_crumbs(person),
    }
    return render(request, "development/close_objective.jinja", context)
