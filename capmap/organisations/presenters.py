"""View-models for the organisation and audit pages, so templates hold no logic."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from markupsafe import escape

from capmap.core.cells import DrawnRows, cell_heading
from capmap.core.links import url_for_each

from . import scoping
from .models import Organisation, OrganisationKind
from .selectors import TreeOrganisation

MAX_INDENT = 4  # deepest indentation class in capmap.css


@dataclass(frozen=True)
class TreeRow:
    organisation: TreeOrganisation
    level: int
    parent_name: str

    @property
    def indent_class(self) -> str:
        return f"app-tree-depth-{min(self.level, MAX_INDENT)}" if self.level else ""

    @property
    def kind(self) -> str:
        return kind_label(self.organisation.kind)


_KIND_LABELS = {str(value): str(label) for value, label in OrganisationKind.choices}


def kind_label(kind: str) -> str:
    """The kind's label, as get_kind_display() gives it, without that method's per-call
    hashing of the choices (a tenth of a 440-row page): for rows read as values."""
    return _KIND_LABELS.get(kind, kind)


_NAME, _KIND, _ODS, _STAFF = (cell_heading(text) for text in ("Name", "Kind", "ODS code", "Staff"))


class TreeTable(DrawnRows[TreeRow]):
    """The rows of an organisation table (organisations/_organisation_table.jinja),
    each cell led by its column's heading for small screens. Drawn in one pass: an ICS
    has 440 rows, and the template's loop spent half the page's time looking up their
    seven values."""

    def draw_rows(self) -> Iterator[str]:
        href = url_for_each("organisations:show_organisation")
        return (_tree_row_html(row, href) for row in self.rows)


def _tree_row_html(row: TreeRow, href: Callable[[int], str]) -> str:
    org = row.organisation
    part_of = (
        f'<span class="nhsuk-u-visually-hidden">, part of {escape(row.parent_name)}</span>'
        if row.parent_name
        else ""
    )
    return (
        '<tr class="nhsuk-table__row" role="row">'
        f'<th scope="row" class="nhsuk-table__header {row.indent_class}" role="rowheader">{_NAME}'
        f'<div class="app-cell-value"><a href="{href(org.pk)}">{escape(org.name)}</a>'
        f"{part_of}</div></th>"
        f'<td class="nhsuk-table__cell" role="cell">{_KIND}'
        f'<div class="app-cell-value">{escape(row.kind)}</div></td>'
        f'<td class="nhsuk-table__cell" role="cell">{_ODS}'
        f'<div class="app-cell-value">{escape(org.ods_code or "None")}</div></td>'
        f'<td class="nhsuk-table__cell nhsuk-table__cell--numeric" role="cell">{_STAFF}'
        f'<div class="app-cell-value">{escape(org.staff_count)}</div></td>'
        "</tr>\n"
    )


def tree_rows(user, organisations: list[TreeOrganisation]) -> TreeTable:
    """Each organisation with its depth below the top of what the user can see.

    The depth counts the organisation's ancestors inside the user's scope, so a PCN
    manager's PCN sits at the left edge with its practices one step in.
    """
    scope = scoping.scope_paths(user, scoping.VIEW_ORGANISATION)
    names = {org.pk: org.name for org in organisations}
    return TreeTable(
        [
            TreeRow(org, ancestors_in_scope(org.path, scope), names.get(org.parent_id, ""))
            for org in organisations
        ]
    )


def ancestors_in_scope(path: str, scope: Iterable[str]) -> int:
    """How many organisations above the one at `path` lie inside `scope` (paths whose
    subtrees the user sees): those from the outermost scope root above it down. Counted
    from the paths' depths, not ancestor by ancestor: an ICS's table has 440 rows."""
    roots = [root for root in scope if path.startswith(root)]
    if not roots:
        return 0
    return Organisation.depth_of(path) - min(Organisation.depth_of(root) for root in roots)


# --- Audit trail -----------------------------------------------------------------------

ACTION_LABELS = {
    LogEntry.Action.CREATE: "Created",
    LogEntry.Action.UPDATE: "Updated",
    LogEntry.Action.DELETE: "Deleted",
    LogEntry.Action.ACCESS: "Viewed",
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class AuditRow:
    when: str
    when_iso: str
    who: str
    action: str
    object_type: str
    object_repr: str
    changes: list[FieldChange] = field(default_factory=list)
    show_old: bool = True


def _display(model, name: str, value, fk_names: dict) -> str:
    if isinstance(value, dict) and value.get("type") == "m2m":
        verb = "added" if value.get("operation") == "add" else "removed"
        return f"{verb}: {', '.join(str(o) for o in value.get('objects', []))}"
    text = "" if value is None or value == "None" else str(value)
    if model is None or not text:
        return text
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return text
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(text, text))
    if isinstance(model_field, models.BooleanField):
        return {"True": "Yes", "False": "No"}.get(text, text)
    if isinstance(model_field, models.ForeignKey):
        return fk_names.get((model_field.related_model, text), text)
    return text


def _is_shown(model, name: str) -> bool:
    """Hide ids and reverse relations (which auditlog records as "app.Model.None")."""
    if model is None:
        return name != "id"
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return True
    return not (model_field.auto_created or model_field.primary_key)


def _field_label(model, name: str) -> str:
    if model is None:
        return name
    try:
        label = str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
    return label[:1].upper() + label[1:]


def _foreign_key_names(entries: list[LogEntry]) -> dict:
    """Names of the objects that foreign keys in these entries point to: one query a model."""
    wanted: dict[type, set[str]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes_dict or {}).items():
            try:
                model_field = model._meta.get_field(name) if model else None
            except FieldDoesNotExist:
                continue
            if isinstance(model_field, models.ForeignKey):
                for value in values:
                    if value not in (None, "None"):
                        wanted.setdefault(model_field.related_model, set()).add(str(value))
    names = {}
    for related, pks in wanted.items():
        valid = [pk for pk in pks if pk.isdigit()]
        for obj in related._default_manager.filter(pk__in=valid):
            names[(related, str(obj.pk))] = str(obj)
    return names


def audit_rows(entries: list[LogEntry]) -> list[AuditRow]:
    fk_names = _foreign_key_names(entries)
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        changes = []
        for name, values in (entry.changes_dict or {}).items():
            if not _is_shown(model, name):
                continue
            old, new = values if isinstance(values, list) else (None, values)
            if entry.action == LogEntry.Action.DELETE:
                new = old  # a deletion shows what the object held
            changes.append(
                FieldChange(
                    _field_label(model, name),
                    _display(model, name, old, fk_names),
                    _display(model, name, new, fk_names),
                )
            )
        when = timezone.localtime(entry.timestamp)
        who = entry.actor.email if entry.actor else (entry.actor_email or "System")
        object_type = (
            str(model._meta.verbose_name).capitalize() if model else entry.content_type.model
        )
        rows.append(
            AuditRow(
                when=date_format(when, "j M Y, H:i"),
                when_iso=when.isoformat(),
                who=who,
                action=ACTION_LABELS.get(entry.action, str(entry.action)),
                object_type=object_type,
                object_repr=entry.object_repr,
                changes=changes,
                show_old=entry.action == LogEntry.Action.UPDATE,
            )
        )
    return rows


def pagination(page: Page, query: dict) -> dict:
    """Parameters for the NHS.UK pagination component, keeping the filters in each link."""

    def href(number: int) -> str:
        return "?" + urlencode({**query, "page": number})

    paginator = page.paginator
    items = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "href": href(number), "current": number == page.number})
    params: dict = {"items": items}
    if page.has_previous():
        params["previous"] = {"href": href(page.previous_page_number())}
    if page.has_next():
        params["next"] = {"href": href(page.next_page_number())}
    return params


def visible_parent(user, organisation: Organisation) -> Organisation | None:
    """The organisation's parent when the user may see it (for breadcrumbs and returns)."""
    parent = organisation.parent
    if parent and scoping.can(user, scoping.VIEW_ORGANISATION, parent):
        return parent
    return None


def breadcrumbs_for(organisation: Organisation | None, *extra: tuple[str, str]) -> list[dict]:
    items = [
        {"href": reverse("core:home"), "text": "Home"},
        {"href": reverse("organisations:list_organisations"), "text": "Organisations"},
    ]
    if organisation is not None:
        items.append(
            {
                "href": reverse("organisations:show_organisation", args=[organisation.pk]),
                "text": organisation.name,
            }
        )
    items += [{"href": href, "text": text} for text, href in extra]
    return items
