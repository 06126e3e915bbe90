"""Build the subject access ZIP: a JSON file per kind of data, its schema, the evidence
files themselves and a short PDF summary.

Every kind comes from the personal-data map (datamap.py), so the export holds exactly what
the map says Capmap holds; fields the map calls secret (password hashes, token hashes, the
e-mail addresses of survey respondents) never leave.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.db import models
from django.utils import timezone

from capmap.people.models import Person
from capmap.reports.registry import ReportDocument, Section, Table
from capmap.reports.rendering import render_pdf

from . import collect
from .datamap import KINDS, Action, DataKind

SCHEMA_VERSION = "1.0"
Progress = Callable[[int, str], None]


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def exported_fields(kind: DataKind) -> list[models.Field]:
    model = kind.model_class
    return [
        f
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if f.name not in kind.secret
    ]


def _key(f: models.Field) -> str:
    return f.attname if f.many_to_one or f.one_to_one else f.name


def record(kind: DataKind, obj: models.Model, fields: list[models.Field]) -> dict:
    row: dict[str, Any] = {}
    for f in fields:
        if f.many_to_many:
            row[f.name] = sorted(rel.pk for rel in getattr(obj, f.name).all())
        else:
            row[_key(f)] = _json_value(f.value_from_object(obj))
    if kind.model == collect.AUDIT:
        _hide_secrets_in_audit(row, obj)
    return row


def _hide_secrets_in_audit(row: dict, entry) -> None:
    """An audit entry about a row shows its changes: the row's secret fields (an invited
    respondent's e-mail address, a token hash) are left out there too."""
    label = f"{entry.content_type.app_label}.{entry.content_type.model}"
    secret = next((k.secret for k in KINDS if k.model.lower() == label), ())
    row["serialized_data"] = None
    if secret and isinstance(row.get("changes"), dict):
        row["changes"] = {k: v for k, v in row["changes"].items() if k not in secret}
        row["changes_text"] = ""


JSON_TYPES = {
    models.BooleanField: "boolean",
    models.IntegerField: "integer",
    models.BigAutoField: "integer",
    models.AutoField: "integer",
    models.FloatField: "number",
}


def field_schema(f: models.Field) -> dict:
    if f.many_to_many:
        schema: dict[str, Any] = {"type": "array", "items": {"type": "integer"}}
    elif f.is_relation:
        target = f.target_field if hasattr(f, "target_field") else None
        schema = {
            "type": "integer"
            if isinstance(target, models.AutoField | models.BigAutoField | models.IntegerField)
            else "string"
        }
    elif isinstance(f, models.JSONField):
        schema = {}
    elif isinstance(f, models.DateTimeField):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(f, models.DateField):
        schema = {"type": "string", "format": "date"}
    else:
        schema = {
            "type": next((t for cls, t in JSON_TYPES.items() if isinstance(f, cls)), "string")
        }
    description = str(f.verbose_name)
    if f.is_relation:
        description += f" (the id of a {f.related_model._meta.verbose_name})"
    if getattr(f, "help_text", ""):
        description += f". {f.help_text}"
    if getattr(f, "choices", None):
        schema["enum"] = [value for value, _ in f.choices]
        if f.null:
            schema["enum"].append(None)
        description += ". " + "; ".join(f"{value!r}: {label}" for value, label in f.choices)
    if f.null and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    schema["description"] = description
    return schema


def kind_schema(kind: DataKind) -> dict:
    fields = exported_fields(kind)
    row = {
        "type": "object",
        "properties": {_key(f): field_schema(f) for f in fields},
        "required": [_key(f) for f in fields],
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": kind.title,
        "type": "object",
        "required": ["kind", "model", "about_you", "by_you"],
        "properties": {
            "kind": {"const": kind.title},
            "model": {"const": kind.model},
            "on_erasure": {"type": "string"},
            "about_you": {"type": "array", "items": row, "description": "Records about you."},
            "by_you": {
                "type": "array",
                "items": row,
                "description": "Records about others or shared work, where you are named as "
                "the person who acted.",
            },
        },
    }


def _readme(person: Person, counts: list[tuple[DataKind, int, int]], files: int) -> str:
    lines = [
        "# Subject access export",
        "",
        f"Everything Capmap holds about staff record {person.pk}, made "
        f"{timezone.now():%d %B %Y %H:%M} UTC (schema version {SCHEMA_VERSION}).",
        "",
        "- `summary.pdf`: a short readable summary.",
        "- `schema.json`: a JSON Schema (2020-12) for each data file, with every field described.",
        "- `data/<kind>.json`: one file per kind of data. `about_you` holds records about you;",
        "  `by_you` records where you are named as the person who acted (for example a",
        "  sign-off you gave). Other records are referred to by their id.",
        f"- `evidence/`: the {files} evidence file(s) themselves, named `<evidence id>-<name>`.",
        "",
        "Feedback from single-use surveys is anonymous: answers are not linked to anyone,",
        "so they are not here, and the e-mail addresses of people asked for feedback about",
        "your placement are left out.",
        "",
        "| file | kind | about you | by you | on erasure |",
        "| --- | --- | --- | --- | --- |",
    ]
    for kind, about, by in counts:
        lines.append(
            f"| `data/{kind.section}.json` | {kind.title} | {about} | {by} | {kind.erasure.value} |"
        )
    return "\n".join(lines) + "\n"


def _summary_pdf(person: Person, counts: list[tuple[DataKind, int, int]], files: int) -> bytes:
    document = ReportDocument(
        title=f"Subject access export: {person.full_name}",
        organisation=person.employer,
        generated_at=timezone.now(),
        subtitle="Everything Capmap holds about you",
        sections=[
            Section(
                "Your staff record",
                figures=[
                    ("Name", person.full_name),
                    ("E-mail address", person.email or "None"),
                    ("Job role", str(person.job_role)),
                    ("Employer", person.employer.name),
                    (
                        "Registration",
                        f"{person.registration_body} {person.registration_number}".strip()
                        or "None",
                    ),
                    ("Started", person.start_date.isoformat()),
                    ("Left", person.end_date.isoformat() if person.end_date else "In post"),
                ],
            ),
            Section(
                "What we hold",
                paragraphs=[
                    "Each kind of data is a JSON file in the data folder of this ZIP, described "
                    "in schema.json and README.md. 'By you' counts records where you are named "
                    "as the person who acted.",
                    f"The ZIP also holds {files} evidence file(s) you or others added to your "
                    "portfolio.",
                ],
                tables=[
                    Table(
                        "Records by kind",
                        ["Kind", "About you", "By you", "On erasure"],
                        [
                            [kind.title, str(about), str(by), kind.erasure.value]
                            for kind, about, by in counts
                            if about or by
                        ],
                    )
                ],
            ),
        ],
    )
    return render_pdf(document)


def write_export(person: Person, out: IO[bytes] | Path, progress: Progress | None = None) -> dict:
    """Write the ZIP for this person to `out`; returns {"records": n, "files": n}."""
    progress = progress or (lambda percent, message: None)
    progress(5, "Finding records")
    rows = collect.rows_of(person)
    counts: list[tuple[DataKind, int, int]] = []
    evidence_files = 0
    total = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        schemas = {}
        for index, kind in enumerate(KINDS):
            progress(10 + int(70 * index / len(KINDS)), f"Writing {kind.title.lower()}")
            fields = exported_fields(kind)
            model = kind.model_class
            manager = model._base_manager
            prefetch = [f.name for f in fields if f.many_to_many]
            sections: dict[str, list] = {}
            for part, pks in (
                ("about_you", rows.about[kind.model]),
                ("by_you", rows.by[kind.model]),
            ):
                items = []
                for start in range(0, len(pks), 1000):
                    chunk = manager.filter(pk__in=pks[start : start + 1000]).order_by("pk")
                    if kind.model == collect.AUDIT:
                        chunk = chunk.select_related("content_type")
                    for obj in chunk.prefetch_related(*prefetch):
                        items.append(record(kind, obj, fields))
                        if kind.model == "portfolio.EvidenceItem" and part == "about_you":
                            evidence_files += _add_file(archive, obj)
                sections[part] = items
            total += len(sections["about_you"]) + len(sections["by_you"])
            counts.append((kind, len(sections["about_you"]), len(sections["by_you"])))
            schemas[f"data/{kind.section}.json"] = kind_schema(kind)
            payload = {
                "kind": kind.title,
                "model": kind.model,
                "on_erasure": kind.erasure.value + ": " + kind.reason,
                **sections,
            }
            archive.writestr(f"data/{kind.section}.json", json.dumps(payload, indent=1))
        archive.writestr(
            "schema.json",
            json.dumps({"version": SCHEMA_VERSION, "files": schemas}, indent=1),
        )
        archive.writestr("README.md", _readme(person, counts, evidence_files))
        progress(85, "Writing the PDF summary")
        archive.writestr("summary.pdf", _summary_pdf(person, counts, evidence_files))
    progress(95, "Saving")
    return {"records": total, "files": evidence_files}


def _add_file(archive: zipfile.ZipFile, evidence) -> int:
    if not evidence.file or not evidence.file.name:
        return 0
    name = PurePosixPath(evidence.file_name or evidence.file.name).name or "file"
    try:
        with (
            evidence.file.storage.open(evidence.file.name, "rb") as handle,
            archive.open(f"evidence/{evidence.pk}-{name}", "w") as target,
        ):
            while chunk := handle.read(1 << 20):
                target.write(chunk)
    except FileNotFoundError:
        return 0
    return 1


# The erasure action of each kind, for the README; Action is re-exported for callers.
__all__ = ["Action", "kind_schema", "write_export"]
