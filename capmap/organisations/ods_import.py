"""Comparing what the ODS files say with the organisation tree, and writing the difference.

`plan_ods_import` reads (set-based: one query per 500 codes) and says, per organisation,
whether the import would add it, change it (and which fields), close it or leave it;
and which organisations it cannot place, and why. `apply_ods_plan` writes a plan with no
problems in bulk — creates level by level, so each parent has its id first — with one
audit entry per organisation. `services.import_organisations` is the entry point.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from capmap.core.actors import is_system
from capmap.core.importing import CREATE, UNCHANGED, UPDATE, fetch_in_chunks

from . import scoping
from .models import ALLOWED_PARENT_KINDS, Organisation, OrganisationKind
from .ods_files import ICB, PCN, PRACTICE, SITE, TRUST, LeftOut, OdsPicture, OdsProblem, OdsRecord
from .tree_rules import kind_name

# Parents before children: each level's parents exist, or are created, before it.
LEVELS = [[ICB], [PCN, TRUST], [PRACTICE, SITE]]
COMPARED = ["name", "postcode", "opened_on", "closed_on", "commissioner_code"]
FIELD_LABELS = {
    "name": "name",
    "postcode": "postcode",
    "opened_on": "open date",
    "closed_on": "close date",
    "commissioner_code": "commissioner",
    "parent": "part of",
}
NO_PARENT = {
    PCN: "no ICB for its practices or commissioner in these files",
    TRUST: "no ICB found for its postcode in these files",
    PRACTICE: "in no primary care network in these files",
    SITE: "its trust is neither in these files nor in Capmap",
}
OUTSIDE = "outside the integrated care systems you manage"


@dataclass
class PlannedOrganisation:
    record: OdsRecord
    action: str  # CREATE, UPDATE or UNCHANGED
    existing: Organisation | None = None
    parent_code: str = ""  # "" keeps the existing parent
    changes: list[str] = field(default_factory=list)
    closes: bool = False  # the files close an organisation open in Capmap


@dataclass
class OdsImportPlan:
    rows: list[PlannedOrganisation] = field(default_factory=list)
    problems: list[OdsProblem] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def with_action(self, action: str) -> list[PlannedOrganisation]:
        return [row for row in self.rows if row.action == action]

    @property
    def to_create(self) -> list[PlannedOrganisation]:
        return self.with_action(CREATE)

    @property
    def to_update(self) -> list[PlannedOrganisation]:
        return self.with_action(UPDATE)

    @property
    def unchanged(self) -> list[PlannedOrganisation]:
        return self.with_action(UNCHANGED)

    @property
    def to_close(self) -> list[PlannedOrganisation]:
        return [row for row in self.rows if row.closes]

    @property
    def changes_nothing(self) -> bool:
        return not self.to_create and not self.to_update

    def counts_by_kind(self) -> list[tuple[str, dict[str, int]]]:
        """Per kind of organisation (ICBs first): how many to add, change, close, leave."""
        counts: dict[str, Counter] = {}
        for row in self.rows:
            kind = counts.setdefault(row.record.kind, Counter())
            kind[row.action] += 1
            kind["close"] += row.closes
        order = [kind for level in LEVELS for kind in level]
        return [(kind, dict(counts[kind])) for kind in order if kind in counts]

    def left_out_reasons(self) -> list[tuple[str, str, int]]:
        """Each kind and reason organisations were left out for, with how many, commonest
        first."""
        counts = Counter((item.kind, item.reason) for item in self.left_out)
        return [(kind, reason, count) for (kind, reason), count in counts.most_common()]


def _managed_icb_codes(actor) -> set[str] | None:
    """The ICB codes whose organisations the actor may import; None means every one."""
    if is_system(actor) or getattr(actor, "is_superuser", False):
        return None
    managed = scoping.organisation_scope(actor, scoping.MANAGE_ORGANISATIONS).filter(
        kind=OrganisationKind.ICS
    )
    return {code for code in managed.values_list("ods_code", flat=True) if code}


def may_import_organisations(actor) -> bool:
    """Only admins of an integrated care system, and system administrators, import ODS files."""
    codes = _managed_icb_codes(actor)
    return codes is None or bool(
        scoping.organisation_scope(actor, scoping.MANAGE_ORGANISATIONS)
        .filter(kind=OrganisationKind.ICS)
        .exists()
    )


def _values(record: OdsRecord) -> dict:
    return {
        "name": record.name,
        "postcode": record.postcode,
        "opened_on": record.opened_on,
        "closed_on": record.closed_on,
        "commissioner_code": record.commissioner_code,
    }


def plan_ods_import(*, actor, picture: OdsPicture) -> OdsImportPlan:
    """What importing the files would do to the tree, read in a few set-based queries."""
    plan = OdsImportPlan(
        problems=list(picture.problems), left_out=list(picture.left_out), files=picture.files
    )
    records = picture.records
    codes = set(records) | {r.parent_code for r in records.values() if r.parent_code}
    existing = {
        org.ods_code: org
        for org in cast(
            list[Organisation], fetch_in_chunks(Organisation.objects.all(), "ods_code", codes)
        )
    }
    managed = _managed_icb_codes(actor)
    managed_paths = (
        None if managed is None else scoping.scope_paths(actor, scoping.MANAGE_ORGANISATIONS)
    )
    root_codes = _root_codes(existing)
    placed: dict[str, str] = {}  # code -> kind, of the organisations this import places
    root_of: dict[str, str] = {}  # code -> its ICB's code, as placed by this import

    left_out_for: dict[str, str] = {}  # code -> why this import leaves it out

    def leave_out(record: OdsRecord, reason: str) -> None:
        left_out_for[record.code] = reason
        plan.left_out.append(LeftOut(record.code, record.name, reason, record.source, record.kind))

    for level in LEVELS:
        for record in sorted((r for r in records.values() if r.kind in level), key=_order):
            current = existing.get(record.code)
            if current is not None and current.kind != record.kind:
                plan.problems.append(
                    OdsProblem(
                        record.source,
                        f"{record.code} is in Capmap as {_article(current.kind)}, "
                        f"but the file says it is {_article(record.kind)}. Correct the "
                        "organisation in Capmap or leave this file out.",
                    )
                )
                continue
            if record.parent_code in left_out_for and record.code not in existing:
                # Its parent is left out (outside the actor's ICSs, say): so is it, and why.
                leave_out(record, left_out_for[record.parent_code])
                continue
            parent_code = _parent_code(record, placed, existing)
            if record.kind == ICB:
                root = record.code
            elif parent_code:
                root = root_of.get(parent_code) or root_codes.get(parent_code, "")
            elif current is not None and current.parent_id:
                parent_code = ""  # keep where it is in Capmap
                root = root_codes.get(record.code, "")
            else:
                leave_out(record, NO_PARENT[record.kind])
                continue
            if managed is not None:
                if root not in managed:
                    leave_out(record, OUTSIDE)
                    continue
                if current is not None and not any(
                    current.path.startswith(path) for path in managed_paths or []
                ):
                    leave_out(record, OUTSIDE)
                    continue
            placed[record.code] = record.kind
            root_of[record.code] = root
            plan.rows.append(_compare(record, current, parent_code, existing))
    return plan


def _order(record: OdsRecord) -> str:
    return record.code


def _article(kind: str) -> str:
    name = kind_name(kind)
    return f"{'an' if name[:1] in 'aeiouAEIO' or name.startswith('NHS') else 'a'} {name}"


def _parent_code(record: OdsRecord, placed: dict[str, str], existing: dict) -> str:
    """The record's parent code when that parent is placed or already in Capmap, of a kind
    that may hold it; else ""."""
    code = record.parent_code
    if not code:
        return ""
    kind = placed.get(code) or (existing[code].kind if code in existing else None)
    if kind is None or kind not in ALLOWED_PARENT_KINDS[record.kind]:
        return ""
    return code


def _root_codes(existing: dict[str, Organisation]) -> dict[str, str]:
    """For each organisation already in Capmap, the ODS code of the ICS at its root."""
    root_ids = {org.ancestor_ids()[0] for org in existing.values() if org.path}
    roots = dict(Organisation.objects.filter(pk__in=root_ids).values_list("pk", "ods_code"))
    return {
        code: roots.get(org.ancestor_ids()[0], "") if org.path else ""
        for code, org in existing.items()
    }


def _compare(
    record: OdsRecord, current: Organisation | None, parent_code: str, existing: dict
) -> PlannedOrganisation:
    if current is None:
        return PlannedOrganisation(record, CREATE, None, parent_code, closes=False)
    values = _values(record)
    changes = [name for name, value in values.items() if getattr(current, name) != value]
    if parent_code:
        parent = existing.get(parent_code)
        if parent is None or parent.pk != current.parent_id:
            changes.append("parent")
    closes = current.closed_on is None and record.closed_on is not None
    action = UPDATE if changes else UNCHANGED
    return PlannedOrganisation(record, action, current, parent_code, changes, closes)


# --- Writing --------------------------------------------------------------------------------


def apply_ods_plan(*, actor, plan: OdsImportPlan) -> None:
    """Write a checked plan in bulk (the caller holds the transaction), audited."""
    now = timezone.now()
    by_code: dict[str, Organisation] = {
        row.existing.ods_code: row.existing for row in plan.rows if row.existing is not None
    }
    parent_codes = {row.parent_code for row in plan.rows if row.parent_code}
    missing = parent_codes - set(by_code)
    for org in cast(
        list[Organisation], fetch_in_chunks(Organisation.objects.all(), "ods_code", missing)
    ):
        by_code[org.ods_code] = org
    audit: list[LogEntry] = []
    created: list[Organisation] = []
    for level in LEVELS:
        new = [row for row in plan.to_create if row.record.kind in level]
        organisations = [
            Organisation(
                kind=row.record.kind,
                ods_code=row.record.code,
                parent=by_code[row.parent_code] if row.parent_code else None,
                **_values(row.record),
            )
            for row in new
        ]
        Organisation.objects.bulk_create(organisations, batch_size=500)
        for organisation in organisations:
            organisation.path = organisation.expected_path()
            by_code[organisation.ods_code] = organisation
        Organisation.objects.bulk_update(organisations, ["path"], batch_size=500)
        created.extend(organisations)
    for organisation in created:
        audit.append(_entry(organisation, LogEntry.Action.CREATE, _created_changes(organisation)))
    if _update(plan, by_code, now, audit):
        _refresh_paths()
        # Paths changed under the moves: each entry takes its organisation's path as it is now.
        paths: dict[int, str] = {}
        ids = [entry.object_id for entry in audit]
        for start in range(0, len(ids), 500):
            chunk = Organisation.objects.filter(pk__in=ids[start : start + 500])
            paths.update(chunk.values_list("pk", "path"))
        for entry in audit:
            entry.additional_data = {"organisation_path": paths[entry.object_id]}
    _write_audit(actor, audit, now)


def _update(
    plan: OdsImportPlan, by_code: dict[str, Organisation], now, audit: list[LogEntry]
) -> list[Organisation]:
    changed: list[Organisation] = []
    moved: list[Organisation] = []
    for row in plan.to_update:
        organisation = row.existing
        assert organisation is not None
        values = _values(row.record)
        diff: dict[str, list[str]] = {}
        for name in row.changes:
            if name == "parent":
                parent = by_code[row.parent_code]
                diff["parent"] = [str(organisation.parent_id), str(parent.pk)]
                organisation.parent = parent
                moved.append(organisation)
            else:
                diff[name] = [_text(getattr(organisation, name)), _text(values[name])]
                setattr(organisation, name, values[name])
        organisation.updated_at = now
        changed.append(organisation)
        audit.append(_entry(organisation, LogEntry.Action.UPDATE, diff))
    Organisation.objects.bulk_update(changed, [*COMPARED, "parent", "updated_at"], batch_size=500)
    return moved


def _refresh_paths() -> None:
    """Recompute every stored path from the parents, after organisations moved: one read of
    (id, parent) for the whole tree and one bulk update of the paths that differ."""
    rows = list(Organisation.objects.values_list("pk", "parent_id", "path"))
    children: dict[int | None, list[int]] = {}
    for pk, parent_id, _ in rows:
        children.setdefault(parent_id, []).append(pk)
    stored = {pk: path for pk, _, path in rows}
    wanted: dict[int, str] = {}
    stack = [(pk, f"/{pk}/") for pk in children.get(None, [])]
    while stack:
        pk, path = stack.pop()
        wanted[pk] = path
        stack.extend((child, f"{path}{child}/") for child in children.get(pk, []))
    stale = [Organisation(pk=pk, path=path) for pk, path in wanted.items() if stored[pk] != path]
    Organisation.objects.bulk_update(stale, ["path"], batch_size=500)


def _text(value) -> str:
    if value is None:
        return "None"
    return value.isoformat() if isinstance(value, date) else str(value)


def _created_changes(organisation: Organisation) -> dict[str, list[str]]:
    fields = ["name", "kind", "ods_code", *COMPARED[1:]]
    changes = {
        name: ["None", _text(getattr(organisation, name))]
        for name in fields
        if getattr(organisation, name) not in ("", None)
    }
    if organisation.parent_id:
        changes["parent"] = ["None", str(organisation.parent_id)]
    return changes


def _entry(organisation: Organisation, action: int, changes: dict) -> LogEntry:
    return LogEntry(
        object_pk=str(organisation.pk),
        object_id=organisation.pk,
        object_repr=str(organisation)[:200],
        action=action,
        changes=changes,
        additional_data={"organisation_path": organisation.path},
    )


def _write_audit(actor, entries: list[LogEntry], now) -> None:
    """auditlog records a save through signals, which bulk writes do not send: write the
    same entries ourselves, in bulk, as made by the actor ("system" at the command line)."""
    content_type = ContentType.objects.get_for_model(Organisation)
    user = None if is_system(actor) else actor
    email = "system" if is_system(actor) else getattr(actor, "email", "")
    for entry in entries:
        entry.content_type = content_type
        entry.actor = user
        entry.actor_email = email
        entry.timestamp = now
    LogEntry.objects.bulk_create(entries, batch_size=500)
