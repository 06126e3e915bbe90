"""View-models for the framework pages: templates show these and hold no logic."""

from django.urls import reverse

from capmap.people import policy

from . import selectors


def _breadcrumbs(*extra: tuple[str, str]) -> list[dict]:
    items = [{"text": "Home", "href": reverse("core:home")}]
    items.append({"text": "Frameworks", "href": reverse("frameworks:list_frameworks")})
    return items + [{"text": text, "href": href} for text, href in extra]


def framework_list(user, frameworks) -> dict:
    rows = list(frameworks)
    return {
        "library": [f for f in rows if f.owner_id is None],
        "own": [f for f in rows if f.owner_id is not None],
        "can_import": policy.allows_anywhere(user, policy.AUTHOR_FRAMEWORKS),
        "breadcrumbs": _breadcrumbs()[:1],
    }


def framework_detail(user, framework, wanted: str | None) -> dict:
    versions = selectors.versions_of(framework)
    version = next((v for v in versions if str(v.number) == wanted), None)
    version = version or selectors.current_version(framework)
    return {
        "framework": framework,
        "versions": versions,
        "version": version,
        "tree": selectors.version_tree(version) if version else [],
        "levels": selectors.scale_levels(version) if version else [],
        "profiles": list(selectors.role_profiles_for_version(user, version)) if version else [],
        "can_author": policy.allows(user, policy.AUTHOR_FRAMEWORKS, framework.owner),
        "can_author_profiles": policy.allows_anywhere(user, policy.AUTHOR_FRAMEWORKS),
        "has_draft": any(v.is_draft for v in versions),
        "breadcrumbs": _breadcrumbs(),
    }


def role_profile(profile, user) -> dict:
    framework = profile.version.framework
    return {
        "profile": profile,
        "can_edit": policy.allows(user, policy.AUTHOR_FRAMEWORKS, profile.owner),
        "framework": framework,
        "requirements": list(profile.requirements.all()),
        "breadcrumbs": _breadcrumbs(
            (framework.title, reverse("frameworks:show_framework", args=[framework.slug]))
        ),
    }


def import_page(form, preview, problems: list[str]) -> dict:
    tree = []
    if preview is not None:
        tree = [
            (depth, "Domain" if node.children else "Competency", node.code, node.full_statement)
            for node, _parent, depth in preview.package.walk()
        ][:200]
    return {
        "form": form,
        "preview": preview,
        "tree": tree,
        "merged": merged_duplicates_note(preview.package) if preview is not None else "",
        "problems": [{"text": p} for p in problems],
        "breadcrumbs": _breadcrumbs(),
    }


def merged_duplicates_note(package) -> str:
    """What the preview and the command say about associations the file repeated exactly."""
    merged = package.merged_duplicates
    if not merged:
        return ""
    shown = ", ".join(merged[:10]) + (f" and {len(merged) - 10} more" if len(merged) > 10 else "")
    if len(merged) == 1:
        return f"The file repeats 1 association exactly; it will be imported once: {shown}."
    return (
        f"The file repeats {len(merged)} associations exactly; each will be imported once: {shown}."
    )


def publish_page(version, changes) -> dict:
    framework = version.framework
    return {
        "version": version,
        "framework": framework,
        "changes": changes,
        "breadcrumbs": _breadcrumbs(
            (framework.title, reverse("frameworks:show_framework", args=[framework.slug]))
        ),
    }


def edit_page(version, form, heading: str) -> dict:
    context = publish_page(version, None)
    context.update({"form": form, "heading": heading})
    return context


def competency_form(data, competency):
    from .forms import CompetencyForm

    version = competency.version
    initial = {
        "code": competency.code,
        "title": competency.title,
        "description": competency.description,
        "indicators": "\n".join(competency.indicators or []),
        "domain": str(competency.domain_id or ""),
        "replaces": [str(pk) for pk in competency.replaces.values_list("replaces_id", flat=True)],
    }
    return CompetencyForm(
        data,
        initial=initial,
        domains=selectors.domains_of(version),
        previous=list(selectors.previous_competencies(version)),
    )


def competency_fields(version, form) -> dict:
    """The service arguments from a valid CompetencyForm."""
    data = form.cleaned_data
    fields = {
        "code": data["code"],
        "title": data["title"],
        "description": data["description"],
        "indicators": form.indicator_list(),
        "domain": selectors.domains_of(version).filter(pk=data["domain"]).first()
        if data["domain"]
        else None,
    }
    if "replaces" in data:
        fields["replaces"] = list(
            selectors.previous_competencies(version).filter(pk__in=data["replaces"])
        )
    return fields


def role_profile_form(data, user, version):
    from capmap.people.models import JobRole

    from .forms import RoleProfileForm

    return RoleProfileForm(
        data,
        user=user,
        job_roles=JobRole.objects.order_by("name"),
        levels=selectors.scale_levels(version),
    )


def role_profile_fields(user, form) -> dict:
    from capmap.people.models import JobRole

    data = form.cleaned_data
    return {
        "job_role": JobRole.objects.get(pk=data["job_role"]),
        "stage": data["stage"],
        "owner": selectors.authoring_owner(user, data["owner"]),
        "default_level": data["default_level"],
    }


def requirements_form(data, profile):
    from .forms import RequirementsForm

    return RequirementsForm(
        data,
        requirements=list(profile.requirements.all()),
        levels=selectors.scale_levels(profile.version),
    )


def pathway_list(pathways, user=None) -> dict:
    return {
        "pathways": list(pathways),
        "can_create": bool(user and policy.allows_anywhere(user, policy.AUTHOR_FRAMEWORKS)),
        "breadcrumbs": _breadcrumbs(),
    }


def _pathway_crumbs(*extra: tuple[str, str]) -> list[dict]:
    return _breadcrumbs(("MDT care pathways", reverse("frameworks:list_pathways")), *extra)


def pathway_detail(pathway, user=None) -> dict:
    return {
        "pathway": pathway,
        "capabilities": list(pathway.capabilities.all()),
        "can_edit": bool(user and policy.allows(user, policy.AUTHOR_FRAMEWORKS, pathway.owner)),
        "breadcrumbs": _pathway_crumbs(),
    }


def form_page(form, heading: str, button: str, breadcrumbs=None) -> dict:
    return {
        "form": form,
        "heading": heading,
        "button_text": button,
        "breadcrumbs": breadcrumbs or _breadcrumbs(),
    }


def owned_fields(user, form) -> dict:
    """The service arguments of a valid form that names an owner (FrameworkForm, PathwayForm)."""
    data = dict(form.cleaned_data)
    data["owner"] = selectors.authoring_owner(user, data["owner"])
    return data


def pathway_form_page(form, pathway) -> dict:
    if pathway is None:
        return form_page(form, "Create a care pathway", "Create the pathway", _pathway_crumbs())
    crumb = (pathway.title, reverse("frameworks:show_pathway", args=[pathway.slug]))
    return form_page(form, f"Change {pathway.title}", "Save", _pathway_crumbs(crumb))


def capability_form_page(form, pathway) -> dict:
    crumb = (pathway.title, reverse("frameworks:show_pathway", args=[pathway.slug]))
    context = form_page(
        form, f"Add a capability to {pathway.title}", "Add the capability", _pathway_crumbs(crumb)
    )
    return context | {"pathway": pathway}


def capability_fields(competencies, form) -> dict:
    data = form.cleaned_data
    return {
        "competency": competencies.get(pk=data["competency"]),
        "minimum_level": data["minimum_level"],
        "people_needed": data["people_needed"],
    }


def capability_name(capability) -> str:
    competency = capability.competency
    return f"{competency.code} {competency.title}".strip()


def capability_change_page(form, capability) -> dict:
    pathway = capability.pathway
    crumb = (pathway.title, reverse("frameworks:show_pathway", args=[pathway.slug]))
    heading = f"Change {capability_name(capability)}"
    context = form_page(form, heading, "Save the capability", _pathway_crumbs(crumb))
    return context | {
        "pathway": pathway,
        "capability": capability,
        "intro": f"How many people in the team {pathway.title} needs, and at what level.",
    }


def remove_capability_page(capability) -> dict:
    pathway = capability.pathway
    back = reverse("frameworks:show_pathway", args=[pathway.slug])
    return {
        "heading": f"Remove {capability_name(capability)} from {pathway.title}?",
        "consequences": [
            "The pathway will no longer ask for this competency.",
            "Team coverage of the pathway will no longer count it.",
        ],
        "button_text": "Remove the capability",
        "back": back,
        "back_text": f"Keep it and go back to {pathway.title}",
        "refusal": "",
        "breadcrumbs": _pathway_crumbs((pathway.title, back)),
    }


def node_name(node) -> str:
    return f"{node.code} {node.title}".strip()


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def delete_node_page(node, plan) -> dict:
    """The confirm page for deleting a draft domain or competency: what else goes."""
    from .models import Domain

    version = node.version
    framework = version.framework
    back = reverse("frameworks:show_framework", args=[framework.slug])
    back = f"{back}?version={version.number}"
    kind = "domain" if isinstance(node, Domain) else "competency"
    consequences = []
    if plan.subdomains:
        consequences.append(f"Its {_plural(plan.subdomains, 'sub-domain', 'sub-domains')}.")
    if kind == "domain":
        consequences.append(
            f"{_plural(plan.competencies, 'competency', 'competencies')} in it."
            if plan.competencies
            else "It has no competencies."
        )
    if plan.requirements:
        consequences.append(
            f"{_plural(plan.requirements, 'requirement', 'requirements')} of this draft's "
            "role profiles."
        )
    refusal = ""
    if not version.is_draft:
        refusal = (
            f"Version {version.number} is published, so nothing can be deleted from it. "
            "Start a new draft from the framework's page and delete it there."
        )
    return {
        "heading": f"Delete the {kind} {node_name(node)}?",
        "lede": f"From {framework.title}, draft version {version.number}.",
        "consequences": consequences,
        "consequences_intro": "This also deletes:" if consequences else "",
        "button_text": f"Delete the {kind}",
        "back": back,
        "back_text": "Keep it and go back to the framework",
        "refusal": refusal,
        "breadcrumbs": _breadcrumbs((framework.title, back)),
    }


def scale_page(version, form) -> dict:
    context = edit_page(version, form, "Change the proficiency scale")
    framework = version.framework
    back = reverse("frameworks:show_framework", args=[framework.slug])
    return context | {"back": f"{back}?version={version.number}"}


def remove_level_page(version, level, refusal: str) -> dict:
    """The confirm page for removing a level of a draft's scale, or why it cannot be."""
    back = reverse("frameworks:edit_scale", args=[version.framework.slug, version.number])
    context = publish_page(version, None)
    return context | {
        "heading": f"Remove level {level.value} {level.label}?",
        "lede": f"{version.framework.title}, draft version {version.number}.",
        "refusal_heading": "This level cannot be removed",
        "refusal": refusal,
        "consequences_intro": "Nothing uses this level: no role profile, care pathway, "
        "rating or verified level.",
        "consequences": [],
        "button_text": "Remove the level",
        "back": back,
        "back_text": "Back to the scale",
    }
