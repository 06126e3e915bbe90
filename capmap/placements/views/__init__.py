"""Placement scheme pages: set-up, applying, release, allocation and sessions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from capmap.core.exceptions import DomainError
from capmap.people import policy

from .. import presenters, selectors, services
from ..forms import (
    ApplicationForm,
    EligibilityRuleForm,
    PlacementForm,
    PrescribingForm,
    RunAllocationForm,
    SchemeForm,
    SessionForm,
)
from ..report import scheme_report
from ..services import offers


def _found(lookup, *args):
    """Call a selector; anything out of the caller's scope is simply not found."""
    try:
        return lookup(*args)
    except ObjectDoesNotExist:
        raise Http404 from None


def _attempt(form, action) -> bool:
    """Run a service; a domain error becomes a form error. True when it succeeded."""
    try:
        action()
    except DomainError as error:
        form.add_error(None, str(error))
        return False
    return True


def _page(request, template: str, **context):
    return render(request, f"placements/{template}.jinja", context)


@login_required
def list_schemes(request):
    return _page(
        request,
        "list_schemes",
        schemes=selectors.scheme_list(request.user),
        # The same test as the create page's, so the button never leads to a refusal.
        may_create=selectors.may_own_schemes(request.user),
        to_release=selectors.unreleased_count(request.user),
        mine=selectors.my_participation_list(request.user),
        mentees=selectors.mentees(request.user),
        breadcrumbs=presenters.crumbs(),
    )


CANNOT_CREATE_SCHEME = (
    "Placement schemes are run by a primary care network, a trust or an integrated care "
    "system. Ask a manager or admin there to create the scheme, or to give you a manager role."
)


@login_required
def create_scheme(request):
    owners = selectors.organisations_to_own_schemes(request.user)
    if not owners.exists():
        raise PermissionDenied(CANNOT_CREATE_SCHEME)
    form = SchemeForm(request.POST or None, owners=owners)
    holder = {}
    if form.is_valid() and _attempt(
        form,
        lambda: holder.setdefault(
            "s", services.create_scheme(actor=request.user, **form.cleaned_data)
        ),
    ):
        messages.success(request, f"The scheme {holder['s'].title} has been created.")
        return redirect("placements:show_scheme", pk=holder["s"].pk)
    crumbs = presenters.scheme_crumbs()
    return _page(request, "create_scheme", form=form, breadcrumbs=crumbs)


@login_required
def edit_scheme(request, pk: int):
    scheme = _found(selectors.get_led_scheme, request.user, pk)
    initial = {f: getattr(scheme, f) for f in SchemeForm.base_fields if f != "owner"}
    form = SchemeForm(request.POST or None, initial=initial, editing=True)
    if form.is_valid() and _attempt(
        form, lambda: services.update_scheme(actor=request.user, scheme=scheme, **form.cleaned_data)
    ):
        messages.success(request, "Scheme details saved.")
        return redirect("placements:show_scheme", pk=scheme.pk)
    crumbs = presenters.scheme_crumbs(scheme)
    return _page(request, "edit_scheme", form=form, scheme=scheme, breadcrumbs=crumbs)


@login_required
def show_scheme(request, pk: int):
    scheme = _found(selectors.get_scheme, request.user, pk)
    page = presenters.scheme_page(request.user, scheme)
    crumbs = presenters.scheme_crumbs()
    return _page(request, "show_scheme", page=page, scheme=scheme, breadcrumbs=crumbs)


@login_required
@require_POST
def change_status(request, pk: int):
    scheme = _found(selectors.get_led_scheme, request.user, pk)
    try:
        services.change_status(actor=request.user, scheme=scheme, status=request.POST["status"])
    except (DomainError, KeyError) as error:
        messages.error(
            request, str(error) if isinstance(error, DomainError) else "Choose a status."
        )
    else:
        messages.success(request, f"The scheme is now {scheme.get_status_display().lower()}.")
    return redirect("placements:show_scheme", pk=scheme.pk)


@login_required
def edit_placement(request, pk: int, placement_pk: int | None = None):
    scheme = _found(selectors.get_led_scheme, request.user, pk)
    placement = placement_pk and _found(
        selectors.get_led_placement, request.user, scheme, placement_pk
    )
    initial = {f: getattr(placement, f) for f in PlacementForm.base_fields} if placement else {}
    form = PlacementForm(
        request.POST or None,
        initial=initial,
        hosts=selectors.host_organisations(scheme),
        mentors=selectors.mentor_choices(scheme),
    )
    if form.is_valid() and _attempt(
        form,
        lambda: services.save_placement(
            actor=request.user, scheme=scheme, placement=placement or None, **form.cleaned_data
        ),
    ):
        messages.success(request, "Placement saved.")
        return redirect("placements:show_scheme", pk=scheme.pk)
    crumbs = presenters.scheme_crumbs(scheme)
    context = {"form": form, "scheme": scheme, "placement": placement, "breadcrumbs": crumbs}
    return _page(request, "edit_placement", **context)


@login_required
def add_rule(request, pk: int):
    scheme = _found(selectors.get_led_scheme, request.user, pk)
    form = EligibilityRuleForm(
        request.POST or None,
        placements=scheme.placements.all(),
        competencies=selectors.competency_rule_choices(scheme),
    )
    if form.is_valid() and _attempt(
        form,
        lambda: services.add_eligibility_rule(
            actor=request.user, scheme=scheme, **form.cleaned_data
        ),
    ):
        messages.success(request, "Eligibility rule added.")
        return redirect("placements:show_scheme", pk=scheme.pk)
    crumbs = presenters.scheme_crumbs(scheme)
    return _page(request, "add_rule", form=form, scheme=scheme, breadcrumbs=crumbs)


@login_required
def apply(request, pk: int):
    scheme = _found(selectors.get_scheme, request.user, pk)
    if not policy.allows(request.user, policy.APPLY_TO_SCHEME, scheme):
        raise Http404
    person = request.user.person
    form = ApplicationForm(
        request.POST or None,
        placements=selectors.eligible_placements(scheme, person),
        initial=presenters.application_initial(selectors.application_of(request.user, scheme)),
    )
    if form.is_valid() and _attempt(
        form,
        lambda: services.submit_application(
            actor=request.user,
            scheme=scheme,
            statement=form.cleaned_data["statement"],
            placements=form.ranked_placements(),
        ),
    ):
        messages.success(request, "Application sent. Your practice manager will confirm release.")
        return redirect("placements:show_scheme", pk=scheme.pk)
    prescribing = PrescribingForm(initial=presenters.prescribing_initial(person))
    context = {"form": form, "prescribing": prescribing, "scheme": scheme}
    return _page(request, "apply", **context, breadcrumbs=presenters.scheme_crumbs(scheme))


@login_required
@require_POST
def record_prescribing(request, pk: int):
    scheme = _found(selectors.get_scheme, request.user, pk)
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    form = PrescribingForm(request.POST)
    form.is_valid()
    services.record_prescribing_status(
        actor=request.user,
        person=person,
        independent_prescriber=form.cleaned_data.get("independent_prescriber", False),
    )
    messages.success(request, "Prescribing qualification saved.")
    return redirect("placements:apply", pk=scheme.pk)


@login_required
def list_releases(request):
    applications = selectors.applications_to_release(request.user)
    crumbs = presenters.scheme_crumbs()
    return _page(request, "list_releases", applications=applications, breadcrumbs=crumbs)


@login_required
@require_POST
def confirm_release(request, application_pk: int):
    application = _found(selectors.get_application_to_release, request.user, application_pk)
    try:
        services.confirm_release(actor=request.user, application=application)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Release confirmed for {application.applicant.full_name}.")
    return redirect("placements:list_releases")


@login_required
def show_allocation(request, pk: int):
    scheme = _found(selectors.get_led_scheme, request.user, pk)
    page = presenters.allocation_page(scheme)
    context = presenters.allocation_forms(page)
    crumbs = presenters.scheme_crumbs(scheme)
    return _page(
        request, "show_allocation", page=page, scheme=scheme, breadcrumbs=crumbs, **context
    )


@login_required
@require_POST
def run_allocation(request, pk: int):
    scheme = _found(selectors.get_led_scheme, request.user, pk)
    form = RunAllocationForm(request.POST)
    if form.is_valid() and _attempt(
        form,
        lambda: services.run_allocation(
            actor=request.user, scheme=scheme, algorithm=form.cleaned_data["algorithm"]
        ),
    ):
        messages.success(request, "Preview ready. Nothing is final until you confirm it.")
    else:
        messages.error(
            request, " ".join(str(e) for e in form.non_field_errors()) or "Choose a method."
        )
    return redirect("placements:show_allocation", pk=scheme.pk)


@login_required
def adjust_allocation(request, pk: int, run_pk: int):
    scheme = _found(selectors.get_led_scheme, request.user, pk)
    run = _found(selectors.get_run, request.user, scheme, run_pk)
    form = presenters.adjustment_form(run, request.POST or None)
    if form.is_valid() and _attempt(
        form, lambda: services.adjust_allocation(actor=request.user, run=run, **form.values())
    ):
        messages.success(request, "Allocation changed. The reason is kept in the audit trail.")
        return redirect("placements:show_allocation", pk=scheme.pk)
    crumbs = presenters.scheme_crumbs(scheme)
    return _page(
        request, "adjust_allocation", form=form, scheme=scheme, run=run, breadcrumbs=crumbs
    )


@login_required
@require_POST
def confirm_allocation(request, pk: int, run_pk: int):
    scheme = _found(selectors.get_led_scheme, request.user, pk)
    run = _found(selectors.get_run, request.user, scheme, run_pk)
    try:
        placed = services.confirm_allocation(actor=request.user, run=run)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("placements:show_allocation", pk=scheme.pk)
    messages.success(
        request, f"Allocation confirmed: {len(placed)} placed. Everyone has been told."
    )
    return redirect("placements:show_scheme", pk=scheme.pk)


@login_required
def resend_offer(request, pk: int, participation_pk: int):
    """Confirm, then e-mail the placement offer again to a participant who has not started."""
    scheme = _found(selectors.get_led_scheme, request.user, pk)
    participation = _found(selectors.get_offer_to_resend, scheme, participation_pk)
    back = reverse("placements:show_scheme", args=[scheme.pk]) + "#participants"
    if request.method == "POST":
        try:
            offers.resend_offer(actor=request.user, participation=participation)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            name = participation.person.full_name
            messages.success(request, f"Placement offer sent again to {name}.")
        return redirect(back)
    context = {"scheme": scheme, "participation": participation, "back": back}
    context["resend_minutes"] = offers.RESEND_MINUTES
    context["breadcrumbs"] = presenters.scheme_crumbs(scheme)
    return _page(request, "resend_offer", **context)


@login_required
def show_participation(request, pk: int):
    participation = _found(selectors.get_participation, request.user, pk)
    context = presenters.participation_page(request.user, participation)
    return _page(request, "show_participation", **context)


@login_required
def log_session(request, pk: int):
    participation = _found(selectors.get_participation, request.user, pk)
    if not policy.allows(request.user, policy.LOG_SESSION, participation):
        raise PermissionDenied  # the mentor and the lead see it; only the participant logs
    form = SessionForm(
        request.POST or None, competencies=selectors.participant_competencies(participation)
    )
    if form.is_valid() and _attempt(
        form,
        lambda: services.log_session(
            actor=request.user, participation=participation, **form.cleaned_data
        ),
    ):
        messages.success(request, "Session logged. Your mentor will confirm it.")
        return redirect("placements:show_participation", pk=participation.pk)
    crumbs = presenters.participation_crumbs(participation)
    context = {
        "form": form,
        "participation": participation,
        "breadcrumbs": crumbs,
        "competency_groups": presenters.competency_groups(form, participation),
    }
    return _page(request, "log_session", **context)


@login_required
@require_POST
def confirm_session(request, session_pk: int):
    session = _found(selectors.get_session_to_confirm, request.user, session_pk)
    try:
        services.confirm_session(actor=request.user, session=session)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Session on {session.date:%-d %B %Y} confirmed.")
    return redirect(reverse("placements:show_participation", args=[session.participation_id]))


@login_required
def show_report(request, pk: int):
    scheme = _found(selectors.get_led_scheme, request.user, pk)
    context = {
        "scheme": scheme,
        "report": selectors.scheme_report(scheme),
        "sections": scheme_report(scheme).sections,
        "breadcrumbs": presenters.scheme_crumbs(scheme),
    }
    return _page(request, "show_report", **context)
