"""Population need pages: need against capability, the QOF import, pathway registers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from capmap.core import uploads
from capmap.core.charts import format_number
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.core.filetypes import sniff
from capmap.core.spreadsheets import write_workbook
from capmap.frameworks import selectors as framework_selectors
from capmap.frameworks.models import CarePathway
from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people.presenters import pagination

from . import qof, selectors, services
from .forms import NeedYearForm, PathwayRegistersForm, PopulationImportForm, RecruitOrTrainForm
from .presenters import NeedPresenter, register_names

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
UPLOAD_PURPOSE = "population-import"


def _crumbs(*items: tuple[str, str]) -> list[dict]:
    home = [{"href": reverse("core:home"), "text": "Home"}]
    need = [("Population need", reverse("population:list_need"))]
    return home + [{"href": href, "text": text} for text, href in (*need, *items)]


def _organisation(request, pk: int) -> Organisation:
    try:
        return selectors.get_need_organisation(request.user, pk)
    except Organisation.DoesNotExist:
        raise Http404 from None


@login_required
def list_need(request):
    page = Paginator(selectors.need_organisations(request.user).order_by("path"), PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "pagination": pagination(page, request.GET),
        "years": selectors.years(),
        "can_import": services.can_import_population(request.user),
        "pathways": selectors.pathway_links(request.user),
        "register_names": register_names,
        "breadcrumbs": _crumbs()[:1],
    }
    return render(request, "population/list_need.jinja", context)


def _report(request, pk: int):
    organisation = _organisation(request, pk)
    form = NeedYearForm(request.GET or None, years=selectors.years())
    year = form.cleaned_data["year"] if form.is_valid() else ""
    return form, selectors.need_against_capability(request.user, organisation, year=year)


@login_required
def show_need(request, pk: int):
    form, report = _report(request, pk)
    page = Paginator(report.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "report": report,
        "need": NeedPresenter(report),
        "page": page,
        "pagination": pagination(page, request.GET),
        "breadcrumbs": _crumbs(),
    }
    return render(request, "population/show_need.jinja", context)


@login_required
def export_need(request, pk: int):
    _, report = _report(request, pk)
    response = HttpResponse(write_workbook([NeedPresenter(report).sheet()]), content_type=XLSX)
    name = f"need-against-capability-{report.organisation.pk}-{report.year or 'no-year'}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def recruit_or_train(request, pk: int):
    organisation = _organisation(request, pk)
    form = RecruitOrTrainForm(request.GET or None, initial={"order": "need"})
    gaps = selectors.recruit_or_train(request.user, organisation, by_need=form.by_need())
    crumbs = _crumbs((organisation.name, reverse("population:show_need", args=[pk])))
    context = {"form": form, "gaps": gaps, "breadcrumbs": crumbs, "number": format_number}
    return render(request, "population/recruit_or_train.jinja", context)


# --- Importing QOF prevalence: upload, preview, confirm ----------------------------------


def _require_importer(request) -> None:
    if not services.can_import_population(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def import_population(request):
    _require_importer(request)
    form = PopulationImportForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        content = form.cleaned_data["file"].read()
        if sniff(content, form.cleaned_data["file"].name) is not None:
            form.add_error("file", "The file must be a CSV file, as NHS England publishes it.")
        else:
            try:
                qof.read_prevalence(content)
            except qof.PrevalenceFileRefused as error:
                form.add_error("file", str(error))
            else:
                token = uploads.keep_upload(
                    actor=request.user,
                    purpose=UPLOAD_PURPOSE,
                    content=content,
                    options={"year": form.cleaned_data["year"]},
                )
                return redirect("population:preview_population_import", token)
    context = {
        "form": form,
        "imports": selectors.population_imports(request.user),
        "breadcrumbs": _crumbs(),
    }
    return render(request, "population/import_population.jinja", context)


@login_required
@require_http_methods(["GET", "POST"])
def preview_population_import(request, token: str):
    _require_importer(request)
    upload = uploads.open_upload(actor=request.user, purpose=UPLOAD_PURPOSE, token=token)
    if upload is None:
        raise Http404
    year = upload.options.get("year", "")
    try:
        plan = services.plan_population_import(
            actor=request.user, content=upload.content, year=year
        )
        if request.method == "POST" and not plan.mistakes:
            plan = services.import_population(actor=request.user, content=upload.content, year=year)
            uploads.forget_upload(actor=request.user, token=token)
            messages.success(
                request,
                f"QOF {plan.year} imported: {len(plan.rows):,} register counts "
                f"for {plan.practices:,} practices.",
            )
            return redirect("population:list_need")
    except services.PopulationRejected as rejected:
        plan = rejected.plan
    except (qof.PrevalenceFileRefused, NotPermitted):
        raise Http404 from None
    crumbs = _crumbs(("Import QOF prevalence", reverse("population:import_population")))
    context = {"plan": plan, "token": token, "breadcrumbs": crumbs}
    return render(request, "population/preview_population_import.jinja", context)


# --- The registers a pathway serves --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def edit_pathway_registers(request, slug: str):
    try:
        pathway = framework_selectors.get_pathway(request.user, slug)
    except CarePathway.DoesNotExist:
        raise Http404 from None
    if not policy.allows(request.user, policy.AUTHOR_FRAMEWORKS, pathway.owner):
        raise PermissionDenied
    current = selectors.registers_of(request.user, pathway)
    form = PathwayRegistersForm(request.POST or None, initial={"registers": current})
    if form.is_valid():
        try:
            services.set_pathway_registers(
                actor=request.user, pathway=pathway, registers=form.cleaned_data["registers"]
            )
        except DomainError as error:
            form.add_error("registers", str(error))
        else:
            messages.success(request, f"The QOF registers of {pathway.title} are saved.")
            return redirect("population:list_need")
    crumbs = _crumbs()
    context = {"form": form, "pathway": pathway, "breadcrumbs": crumbs}
    return render(request, "population/edit_pathway_registers.jinja", context)
