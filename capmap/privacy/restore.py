"""Erasures survive a restore: the erasure log is read before `capmap restore` empties the
database (and from the log file beside it), and after the backup is loaded every erasure
is applied again, each one reported to the admin running the restore."""

from __future__ import annotations

from collections.abc import Callable

from django.db import DatabaseError

from . import services


def remember_erasures(sender, **kwargs) -> list[dict]:
    """The erasure log as it stands before the restore (database and file)."""
    try:
        lines = [services.log_line(record) for record in services.all_erasures()]
    except DatabaseError:
        lines = []
    return lines


def reapply_erasures(
    sender, carried: dict | None = None, say: Callable[[str], object] = print, **kwargs
) -> int:
    """Apply every logged erasure to the restored data; returns how many were re-applied."""
    lines = list(services.read_log_file())
    for value in (carried or {}).values():
        if isinstance(value, list):
            lines.extend(v for v in value if isinstance(v, dict) and "person_id" in v)
    seen: set = set()
    reapplied = 0
    for line in lines:
        key = (line.get("person_id"), line.get("fingerprint"))
        if key in seen:
            continue
        seen.add(key)
        if services.reapply_erasure(line):
            reapplied += 1
            say(
                f"Erased again: staff record {line['person_id']} ({line['pseudonym']}), first "
                f"erased {line['erased_at'][:10]}, was in the backup with its personal data."
            )
    if lines:
        say(f"Erasure log: {len(seen)} erasure(s) checked, {reapplied} applied again.")
    return reapplied
