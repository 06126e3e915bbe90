"""Framework pages: the list, one framework, export downloads, and import with a preview."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from capmap.core.exceptions import DomainError, NotPermitted
from capmap.people import policy

from . import presenters, selectors, services
from .forms import (
    CapabilityChangeForm,
    CapabilityForm,
    CompetencyForm,
    DomainForm,
    FrameworkForm,
    ImportForm,
    NewLevelForm,
    PathwayForm,
    ScaleForm,
)
from .models import (
    CarePathway,
    Competency,
    Domain,
    Framework,
    FrameworkVersion,
    PathwayCapability,
    ProficiencyLevel,
    RoleProfile,
)

SESSION_KEY = "framework_import"


@login_required
def list_frameworks(request):
    context = presenters.framework_list(request.user, selectors.frameworks_for(request.user))
    return render(request, "frameworks/list_frameworks.jinja", context)


@login_required
def show_framework(request, slug: str):
    try:
        framework = selectors.get_framework(request.user, slug)
    except Framework.DoesNotExist:
        raise Http404 from None
    context = presenters.framework_detail(request.user, framework, request.GET.get("version"))
    return render(request, "frameworks/show_framework.jinja", context)


@login_required
def export_framework(request, slug: str, file_format: str):
    try:
        number = int(request.GET["version"]) if "version" in request.GET else None
        name, text = selectors.export_text(request.user, slug, file_format, number)
    except (Framework.DoesNotExist, FrameworkVersion.DoesNotExist, ValueError):
        raise Http404 from None
    kind = "text/csv" if file_format == "csv" else "application/json"
    response = HttpResponse(text, content_type=f"{kind}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def show_role_profile(request, pk: int):
    try:
        profile = selectors.get_role_profile(request.user, pk)
    except RoleProfile.DoesNotExist:
        raise Http404 from None
    context = presenters.role_profile(profile, request.user)
    return render(request, "frameworks/show_role_profile.jinja", context)


@login_required
def import_framework(request):
    if not policy.allows_anywhere(request.user, policy.AUTHOR_FRAMEWORKS):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    preview, problems = None, []
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read()
        name = form.cleaned_data["file"].name
        try:
            preview = services.read_upload(raw, filename=name)
        except services.ImportRefused as error:
            problems = error.problems
        else:
            request.session[SESSION_KEY] = {
                "raw": base64.b64encode(raw).decode(),
                "filename": name,
                "owner": form.cleaned_data["owner"],
            }
    context = presenters.import_page(form, preview, problems)
    return render(request, "frameworks/import_framework.jinja", context)


@login_required
@require_POST
def confirm_import(request):
    pending = request.session.pop(SESSION_KEY, None)
    if pending is None:
        return redirect("frameworks:import_framework")
    try:
        framework = services.import_framework(
            actor=request.user,
            raw=base64.b64decode(pending["raw"]),
            filename=pending["filename"],
            owner=selectors.authoring_owner(request.user, pending["owner"]),
        )
    except (services.ImportRefused, NotPermitted):
        raise PermissionDenied from None
    messages.success(request, f"The framework {framework.title} has been imported.")
    return redirect("frameworks:show_framework", slug=framework.slug)


# --- authoring -------------------------------------------------------------------


def _version(request, slug: str, number: int) -> FrameworkVersion:
    try:
        return selectors.get_version(request.user, slug, number)
    except (Framework.DoesNotExist, FrameworkVersion.DoesNotExist):
        raise Http404 from None


def _authored_version(request, slug: str, number: int) -> FrameworkVersion:
    """The version if the user may change its framework: 404 when unseen, 403 when read-only."""
    version = _version(request, slug, number)
    if not policy.allows(request.user, policy.AUTHOR_FRAMEWORKS, version.framework.owner):
        raise PermissionDenied
    return version


def _run(request, current: FrameworkVersion, service, success: str, /, **arguments):
    """Run one service as the user; NotPermitted is a 403, another broken rule a message."""
    try:
        result = service(actor=request.user, **arguments)
    except NotPermitted:
        raise PermissionDenied from None
    except DomainError as error:
        messages.error(request, str(error))
        result = current
    else:
        messages.success(request, success)
    number = result.number if isinstance(result, FrameworkVersion) else current.number
    url = reverse("frameworks:show_framework", args=[current.framework.slug])
    return redirect(f"{url}?version={number}")


@login_required
@require_POST
def start_draft(request, slug: str):
    try:
        framework = selectors.get_framework(request.user, slug)
    except Framework.DoesNotExist:
        raise Http404 from None
    version = selectors.current_version(framework)
    return _run(request, version, services.start_new_draft, "Draft started.", framework=framework)


@login_required
def publish_version(request, slug: str, number: int):
    version = _version(request, slug, number)
    if not policy.allows(request.user, policy.AUTHOR_FRAMEWORKS, version.framework.owner):
        raise PermissionDenied
    if request.method == "POST":
        return _run(request, version, services.publish_version, "Published.", version=version)
    context = presenters.publish_page(version, selectors.changes_since_previous(version))
    return render(request, "frameworks/publish_version.jinja", context)


@login_required
@require_POST
def retire_version(request, slug: str, number: int):
    version = _version(request, slug, number)
    return _run(request, version, services.retire_version, "Retired.", version=version)


@login_required
def add_domain(request, slug: str, number: int):
    version = _authored_version(request, slug, number)
    form = DomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        return _run(
            request, version, services.add_domain, "Domain added.", version=version, **fields
        )
    context = presenters.edit_page(version, form, "Add a domain")
    return render(request, "frameworks/edit_node.jinja", context)


@login_required
def add_competency(request, slug: str, number: int):
    version = _authored_version(request, slug, number)
    form = CompetencyForm(request.POST or None, domains=selectors.domains_of(version))
    if request.method == "POST" and form.is_valid():
        fields = presenters.competency_fields(version, form)
        return _run(request, version, services.add_competency, "Added.", version=version, **fields)
    context = presenters.edit_page(version, form, "Add a competency")
    return render(request, "frameworks/edit_node.jinja", context)


@login_required
def edit_competency(request, pk: int):
    try:
        competency = selectors.get_competency(request.user, pk)
    except Competency.DoesNotExist:
        raise Http404 from None
    version = competency.version
    if not policy.allows(request.user, policy.AUTHOR_FRAMEWORKS, version.framework.owner):
        raise PermissionDenied
    form = presenters.competency_form(request.POST or None, competency)
    if request.method == "POST" and form.is_valid():
        fields = presenters.competency_fields(version, form)
        service = services.update_competency
        return _run(request, version, service, "Saved.", competency=competency, **fields)
    context = presenters.edit_page(version, form, "Change a competency")
    return render(request, "frameworks/edit_node.jinja", context)


@login_required
@require_POST
def move_node(request, kind: str, pk: int, direction: str):
    try:
        node = selectors.get_node(request.user, kind, pk)
    except (Domain.DoesNotExist, Competency.DoesNotExist):
        raise Http404 from None
    up = direction == "up"
    return _run(request, node.version, services.move_node, "Order changed.", node=node, up=up)


@login_required
def add_role_profile(request, slug: str, number: int):
    version = _version(request, slug, number)
    if not policy.allows_anywhere(request.user, policy.AUTHOR_FRAMEWORKS):
        raise PermissionDenied
    form = presenters.role_profile_form(request.POST or None, request.user, version)
    if request.method == "POST" and form.is_valid():
        fields = presenters.role_profile_fields(request.user, form)
        service = services.create_role_profile
        return _run(request, version, service, "Added.", version=version, **fields)
    context = presenters.edit_page(version, form, "Add a role profile")
    return render(request, "frameworks/edit_node.jinja", context)


@login_required
def edit_role_profile(request, pk: int):
    try:
        profile = selectors.get_role_profile(request.user, pk)
    except RoleProfile.DoesNotExist:
        raise Http404 from None
    if not policy.allows(request.user, policy.AUTHOR_FRAMEWORKS, profile.owner):
        raise PermissionDenied
    form = presenters.requirements_form(request.POST or None, profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_role_requirements(
                actor=request.user, profile=profile, requirements=form.requirements()
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The role profile's requirements have been saved.")
            return redirect("frameworks:show_role_profile", pk=profile.pk)
    context = presenters.role_profile(profile, request.user) | {"form": form}
    return render(request, "frameworks/edit_role_profile.jinja", context)


@login_required
def list_pathways(request):
    pathways = selectors.pathways_for(request.user)
    return render(
        request, "frameworks/list_pathways.jinja", presenters.pathway_list(pathways, request.user)
    )


@login_required
def show_pathway(request, slug: str):
    try:
        pathway = selectors.get_pathway(request.user, slug)
    except CarePathway.DoesNotExist:
        raise Http404 from None
    context = presenters.pathway_detail(pathway, request.user)
    return render(request, "frameworks/show_pathway.jinja", context)


# --- written from scratch: a framework, a care pathway ---------------------------------


def _save(form, service, /, **arguments):
    """Run a service; a broken rule becomes an error on the form (and None is returned)."""
    try:
        return service(**arguments)
    except DomainError as error:
        form.add_error(None, str(error))
        return None


@login_required
def create_framework(request):
    if not policy.allows_anywhere(request.user, policy.AUTHOR_FRAMEWORKS):
        raise PermissionDenied
    form = FrameworkForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = presenters.owned_fields(request.user, form)
        framework = _save(form, services.create_framework, actor=request.user, **fields)
        if framework is not None:
            messages.success(request, f"The framework {framework.title} has been created.")
            url = reverse("frameworks:show_framework", args=[framework.slug])
            return redirect(f"{url}?version=1")
    context = presenters.form_page(form, "Create a framework", "Create the framework")
    return render(request, "frameworks/create_framework.jinja", context)


@login_required
def create_pathway(request):
    if not policy.allows_anywhere(request.user, policy.AUTHOR_FRAMEWORKS):
        raise PermissionDenied
    form = PathwayForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = presenters.owned_fields(request.user, form)
        pathway = _save(form, services.create_pathway, actor=request.user, **fields)
        if pathway is not None:
            messages.success(request, f"The care pathway {pathway.title} has been created.")
            return redirect("frameworks:show_pathway", slug=pathway.slug)
    context = presenters.pathway_form_page(form, None)
    return render(request, "frameworks/edit_pathway.jinja", context)


def _editable_pathway(request, slug: str) -> CarePathway:
    """The pathway if the user may change it: 404 when they cannot see it, else 403."""
    try:
        pathway = selectors.get_pathway(request.user, slug)
    except CarePathway.DoesNotExist:
        raise Http404 from None
    if not policy.allows(request.user, policy.AUTHOR_FRAMEWORKS, pathway.owner):
        raise PermissionDenied
    return pathway


@login_required
def edit_pathway(request, slug: str):
    pathway = _editable_pathway(request, slug)
    initial = {"title": pathway.title, "description": pathway.description}
    form = PathwayForm(request.POST or None, initial=initial, user=request.user, editing=True)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        saved = _save(form, services.update_pathway, actor=request.user, pathway=pathway, **fields)
        if saved is not None:
            messages.success(request, "Your changes to the care pathway have been saved.")
            return redirect("frameworks:show_pathway", slug=pathway.slug)
    context = presenters.pathway_form_page(form, pathway)
    return render(request, "frameworks/edit_pathway.jinja", context)


@login_required
def add_pathway_capability(request, slug: str):
    pathway = _editable_pathway(request, slug)
    competencies = selectors.pathway_competencies(request.user, pathway)
    form = CapabilityForm(request.POST or None, competencies=competencies)
    if request.method == "POST" and form.is_valid():
        fields = presenters.capability_fields(competencies, form)
        service = services.add_pathway_capability
        if _save(form, service, actor=request.user, pathway=pathway, **fields) is not None:
            messages.success(request, "The capability has been added to the care pathway.")
            return redirect("frameworks:show_pathway", slug=pathway.slug)
    context = presenters.capability_form_page(form, pathway)
    return render(request, "frameworks/add_capability.jinja", context)


def _pathway_capability(request, slug: str, pk: int) -> PathwayCapability:
    pathway = _editable_pathway(request, slug)
    try:
        return selectors.get_pathway_capability(request.user, pathway, pk)
    except PathwayCapability.DoesNotExist:
        raise Http404 from None


@login_required
def edit_pathway_capability(request, slug: str, pk: int):
    capability = _pathway_capability(request, slug, pk)
    initial = {
        "minimum_level": capability.minimum_level,
        "people_needed": capability.people_needed,
    }
    levels = selectors.scale_levels(capability.competency.version)
    form = CapabilityChangeForm(request.POST or None, initial=initial, levels=levels)
    if request.method == "POST" and form.is_valid():
        service = services.update_pathway_capability
        if _save(form, service, actor=request.user, capability=capability, **form.cleaned_data):
            messages.success(request, f"{presenters.capability_name(capability)} saved.")
            return redirect("frameworks:show_pathway", slug=slug)
    context = presenters.capability_change_page(form, capability)
    return render(request, "frameworks/add_capability.jinja", context)


@login_required
def remove_pathway_capability(request, slug: str, pk: int):
    capability = _pathway_capability(request, slug, pk)
    if request.method == "POST":
        services.remove_pathway_capability(actor=request.user, capability=capability)
        messages.success(request, f"{presenters.capability_name(capability)} removed.")
        return redirect("frameworks:show_pathway", slug=slug)
    context = presenters.remove_capability_page(capability)
    return render(request, "frameworks/confirm_delete.jinja", context)


# --- deleting from a draft, and its scale --------------------------------------------


def _authored_node(request, kind: str, pk: int) -> Domain | Competency:
    """The domain or competency if the user may change its framework: 404 when unseen,
    403 when read-only."""
    try:
        node = selectors.get_node(request.user, kind, pk)
    except (Domain.DoesNotExist, Competency.DoesNotExist):
        raise Http404 from None
    if not policy.allows(request.user, policy.AUTHOR_FRAMEWORKS, node.version.framework.owner):
        raise PermissionDenied
    return node


@login_required
def delete_node(request, kind: str, pk: int):
    node = _authored_node(request, kind, pk)
    version = node.version
    if request.method == "POST":
        done = f"{presenters.node_name(node)} deleted."
        return _run(request, version, services.delete_node, done, node=node)
    context = presenters.delete_node_page(node, services.deletion_plan(node))
    return render(request, "frameworks/confirm_delete.jinja", context)


@login_required
def edit_scale(request, slug: str, number: int):
    version = _authored_version(request, slug, number)
    form = ScaleForm(request.POST or None, levels=selectors.scale_levels(version))
    if request.method == "POST" and form.is_valid():
        service = services.set_scale_levels
        if _save(form, service, actor=request.user, version=version, levels=form.levels()):
            messages.success(request, "Scale saved.")
            url = reverse("frameworks:show_framework", args=[slug])
            return redirect(f"{url}?version={version.number}")
    return render(request, "frameworks/edit_scale.jinja", presenters.scale_page(version, form))


def _scale_back(version: FrameworkVersion) -> str:
    return reverse("frameworks:edit_scale", args=[version.framework.slug, version.number])


@login_required
def add_scale_level(request, slug: str, number: int):
    version = _authored_version(request, slug, number)
    form = NewLevelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        level = _save(
            form, services.add_scale_level, actor=request.user, version=version, **form.cleaned_data
        )
        if level is not None:
            messages.success(request, f"Level {level.value} {level.label} added to the scale.")
            return redirect(_scale_back(version))
    context = presenters.edit_page(version, form, "Add a level to the scale")
    context["levels"] = selectors.scale_levels(version)
    context["back"] = _scale_back(version)
    return render(request, "frameworks/add_scale_level.jinja", context)


@login_required
def remove_scale_level(request, slug: str, number: int, value: int):
    version = _authored_version(request, slug, number)
    try:
        level = selectors.get_scale_level(version, value)
    except ProficiencyLevel.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        try:
            services.remove_scale_level(actor=request.user, level=level)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Level {level.value} {level.label} removed from the scale.")
        return redirect(_scale_back(version))
    context = presenters.remove_level_page(
        version, level, services.level_removal_refusal(version, value)
    )
    return render(request, "frameworks/confirm_delete.jinja", context)
