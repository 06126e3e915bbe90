"""Audit entries for rows written in bulk, in the shape auditlog gives one save.

`bulk_create` and `bulk_update` send no signals, so auditlog writes nothing for them. A
service that writes many rows at once collects one entry a change in an `AuditBatch`
and saves them in a few statements: the same action, changes, object representation,
additional data (`get_additional_data`, which scopes the audit page), actor and
context (`capmap.core.actors.set_actor`, the audit middleware) as auditlog's own entry
for the same save, so the audit page shows them alike.
"""

from __future__ import annotations

import copy
from typing import Any

from auditlog.cid import get_cid
from auditlog.diff import get_field_value, model_instance_diff, track_field
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.encoding import smart_str

from .bulk import Send, insert_rows


def snapshot(instance: Model) -> Model:
    """A copy of the instance as it is now, to diff against after it is changed."""
    return copy.copy(instance)


class AuditBatch:
    """Audit entries collected while rows are written in bulk; `save` inserts them."""

    def __init__(self, *models: type[Model]) -> None:
        """`models`: those whose content types are read now rather than at their first
        entry (for entries collected while the connection is busy writing alongside)."""
        self.entries: list[dict[str, Any]] = []
        self._cid = get_cid()
        self._create_diffs: dict[type[Model], CreateDiff] = {}
        self._content_types = {
            model: ContentType.objects.get_for_model(model).pk for model in models
        }
        self._timestamp: Any = None

    def __len__(self) -> int:
        return len(self.entries)

    def created(self, instance: Model) -> None:
        """The entry auditlog writes when a new instance is saved (instance has its pk)."""
        model = type(instance)
        if model not in self._create_diffs:
            self._create_diffs[model] = CreateDiff(model)
        self._add(instance, LogEntry.Action.CREATE, self._create_diffs[model](instance))

    def updated(self, before: Model, after: Model) -> None:
        """The entry auditlog writes when a changed instance is saved; none if nothing did."""
        changes = model_instance_diff(before, after)
        if changes:
            self._add(after, LogEntry.Action.UPDATE, changes)

    def deleted(self, instance: Model) -> None:
        """The entry auditlog writes when an instance is deleted (instance still has its pk)."""
        self._add(instance, LogEntry.Action.DELETE, model_instance_diff(instance, None))

    def m2m(self, instance: Model, field_name: str, operation: str, objects: list[Any]) -> None:
        """The entry auditlog writes when related objects are added ("add") to or removed
        ("delete") from a many-to-many field, `objects` in the related model's order."""
        if objects:
            changes = {
                field_name: {
                    "type": "m2m",
                    "operation": operation,
                    "objects": [smart_str(obj) for obj in objects],
                }
            }
            self._add(instance, LogEntry.Action.UPDATE, changes)

    def _add(self, instance: Model, action: int, changes: dict | None) -> None:
        pk = instance.pk
        get_additional_data = getattr(instance, "get_additional_data", None)
        model = type(instance)
        if model not in self._content_types:
            self._content_types[model] = ContentType.objects.get_for_model(instance).pk
        self.entries.append(
            {
                "content_type_id": self._content_types[model],
                "object_pk": smart_str(pk),
                "object_id": pk if isinstance(pk, int) else None,
                "object_repr": smart_str(instance),
                "serialized_data": LogEntry.objects._get_serialized_data_or_none(instance),
                "action": action,
                "changes": changes,
                "additional_data": (
                    get_additional_data() if callable(get_additional_data) else None
                ),
                "cid": self._cid,
            }
        )

    def save(self, *, send: Send | None = None) -> int:
        """Insert the entries collected since the last save, with the actor and extra data
        of the current audit context and one timestamp, the same at every save (a long
        import saves a slice at a time, through `send` if given: capmap.core.bulk)."""
        if self._timestamp is None:
            self._timestamp = timezone.now()
        context = _context_values()
        context["timestamp"] = self._timestamp
        for entry in self.entries:
            entry.update(context)
        insert_rows(LogEntry, self.entries, send=send)
        saved, self.entries = len(self.entries), []
        return saved


def _context_values() -> dict[str, Any]:
    """What the current audit context (`set_actor`, `set_extra_data`, the audit
    middleware) sets on an entry: auditlog sets it from a pre_save receiver, which a
    bulk insert does not call, so it is called here on one entry and read back."""
    blank, entry = LogEntry(), LogEntry()
    pre_save.send(sender=LogEntry, instance=entry, raw=False, using=None, update_fields=None)
    return {
        field.attname: getattr(entry, field.attname)
        for field in LogEntry._meta.concrete_fields
        if field.attname not in ("id", "timestamp")
        and getattr(entry, field.attname) != getattr(blank, field.attname)
    }


class CreateDiff:
    """`model_instance_diff(None, instance)` for new instances of one model, without its
    cost: the fields are found once, not once an instance; reverse one-to-one relations
    of a new row are empty (read from memory, not asked of the database, once each); and
    a reverse to-many relation shows the same text on every instance ("app.Model.None"),
    so it is read once."""

    def __init__(self, model: type[Model]) -> None:
        fields = [field for field in model._meta.get_fields() if track_field(field)]
        options = auditlog.get_model_fields(model)
        if options["include_fields"]:
            fields = [field for field in fields if field.name in options["include_fields"]]
        fields = [field for field in fields if field.name not in options["exclude_fields"]]
        self.exact = not options["mask_fields"] and not settings.AUDITLOG_STORE_JSON_CHANGES
        self.reverse_one = [
            field.cache_name
            for field in fields
            if field.one_to_one and field.auto_created and not field.concrete
        ]
        self.constant = [
            field
            for field in fields
            if field.one_to_many and field.auto_created and not field.concrete
        ]
        self.per_instance = [field for field in fields if field not in self.constant]
        self.constants: dict[str, tuple[str, str]] | None = None
        self.before: dict[str, Any] = {}

    def __call__(self, instance: Model) -> dict | None:
        for cache_name in self.reverse_one:
            instance._state.fields_cache.setdefault(cache_name, None)
        if not self.exact:
            return model_instance_diff(None, instance)
        if self.constants is None:
            self.constants = {}
            for field in self.constant:
                self._compare(self.constants, field, get_field_value(instance, field))
        diff = dict(self.constants)
        for field in self.per_instance:
            self._compare(diff, field, get_field_value(instance, field))
        return diff or None

    def _compare(self, diff: dict, field, new: Any) -> None:
        # As model_instance_diff does with old=None: the old value is the field's default
        # as text, compared with the new value as get_field_value gives it.
        if field.name not in self.before:
            self.before[field.name] = get_field_value(None, field)
        old = self.before[field.name]
        if old != new:
            diff[field.name] = (smart_str(old), smart_str(new))
