"""The 1EdTech Open Badges 3.0 AchievementCredential JSON Schema (vendored)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft201909Validator

SCHEMA_FILE = (
    Path(__file__).resolve().parent.parent / "schemas" / "ob_v3p0_achievementcredential_schema.json"
)


@cache
def _validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


def schema_problems(credential: dict[str, Any], limit: int = 5) -> list[str]:
    """Up to `limit` plain descriptions of where the credential breaks the schema."""
    problems = []
    for error in sorted(_validator().iter_errors(credential), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in error.absolute_path) or "the credential"
        problems.append(f"Schema: at {where}: {error.message[:200]}")
        if len(problems) >= limit:
            break
    return problems
