"""Outcome measure pages: define a measure, enter or import values, read its run chart."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from capmap.core.exceptions import DomainError

from .. import presenters, selectors
from ..forms import MeasureForm, MeasureImportForm, MeasureValueForm
from ..selectors import outcomes as outcome_selectors
from ..services import outcomes as outcome_services
from . import _attempt, _found, _page


def _led_measure(request, pk: int, measure_pk: int):
    scheme = _found(selectors.get_led_scheme, request.user, pk)
    return scheme, _found(outcome_selectors.get_led_measure, request.user, scheme, measure_pk)


@login_required
def list_measures(request, pk: int):
    scheme = _found(selectors.get_led_scheme, request.user, pk)
    context = presenters.outcomes_page(scheme)
    crumbs = presenters.scheme_crumbs(scheme)
    return _page(request, "list_measures", **context, scheme=scheme, breadcrumbs=crumbs)


@login_required
def define_measure(request, pk: int):
    scheme = _found(selectors.get_led_scheme, request.user, pk)
    form = MeasureForm(request.POST or None)
    if form.is_valid() and _attempt(
        form,
        lambda: outcome_services.define_measure(
            actor=request.user, scheme=scheme, **form.cleaned_data
        ),
    ):
        messages.success(request, "Measure added. Enter its baseline and follow-up values.")
        return redirect("placements:list_measures", pk=scheme.pk)
    crumbs = presenters.outcomes_crumbs(scheme)
    return _page(request, "define_measure", form=form, scheme=scheme, breadcrumbs=crumbs)


@login_required
def show_measure(request, pk: int, measure_pk: int):
    scheme, measure = _led_measure(request, pk, measure_pk)
    context = presenters.measure_page(measure)
    crumbs = presenters.outcomes_crumbs(scheme)
    return _page(request, "show_measure", **context, scheme=scheme, breadcrumbs=crumbs)


@login_required
def record_value(request, pk: int, measure_pk: int):
    scheme, measure = _led_measure(request, pk, measure_pk)
    form = MeasureValueForm(
        request.POST or None, practices=outcome_selectors.outcome_practices(scheme)
    )
    if form.is_valid() and _attempt(
        form,
        lambda: outcome_services.record_value(
            actor=request.user, measure=measure, **form.cleaned_data
        ),
    ):
        messages.success(request, "Value saved.")
        return redirect("placements:show_measure", pk=scheme.pk, measure_pk=measure.pk)
    crumbs = presenters.measure_crumbs(measure)
    return _page(request, "record_value", form=form, measure=measure, breadcrumbs=crumbs)


@login_required
def import_values(request, pk: int, measure_pk: int):
    scheme, measure = _led_measure(request, pk, measure_pk)
    form = MeasureImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if form.is_valid():
        try:
            result = outcome_services.import_values_csv(
                actor=request.user, measure=measure, content=form.cleaned_data["file"].read()
            )
        except DomainError as error:
            form.add_error(None, str(error))
            row_errors = getattr(error, "errors", [])
        else:
            messages.success(
                request, f"Imported: {result.created} new values, {result.updated} updated."
            )
            return redirect("placements:show_measure", pk=scheme.pk, measure_pk=measure.pk)
    context = {"form": form, "measure": measure, "row_errors": row_errors}
    return _page(
        request, "import_values", **context, breadcrumbs=presenters.measure_crumbs(measure)
    )
