#!/usr/bin/env python3
"""Fail when a view or API module reads models directly instead of through a scoped selector.

Tenancy lives in selectors and services: a view that writes `Person.objects...` or
`get_object_or_404(Person, ...)` bypasses the caller's scope. Shared reference data
that belongs to no organisation is listed in ALLOWED and may be read anywhere.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "capmap"
ALLOWED = {"JobRole", "User"}  # shared reference data and the signed-in user
FORBIDDEN_CALLS = {"get_object_or_404", "get_list_or_404"}
DATA_LAYER = {"models.py", "services.py", "selectors.py"}


def _view_modules() -> list[Path]:
    modules = list(ROOT.glob("*/views.py")) + list(ROOT.glob("*/views/*.py"))
    # The API's endpoints are views too; its services.py is the data layer, like any app's.
    modules += [m for m in ROOT.glob("api/**/*.py") if m.name not in DATA_LAYER]
    return [m for m in modules if not {"tests", "migrations", "management"} & set(m.parts)]


def problems_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in {"objects", "_default_manager"}
            and isinstance(node.value, ast.Name)
            and node.value.id not in ALLOWED
        ):
            found.append(f"{path}:{node.lineno}: {node.value.id}.{node.attr} in a view")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in FORBIDDEN_CALLS
        ):
            found.append(f"{path}:{node.lineno}: {node.func.id} in a view")
    return found


def main() -> int:
    found = [problem for module in _view_modules() for problem in problems_in(module)]
    for problem in found:
        print(problem)
    if found:
        print("Read through the app's selectors.py, which scopes by the caller's memberships.")
        return 1
    print(f"tenancy lint: {len(_view_modules())} view modules read only through selectors.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
