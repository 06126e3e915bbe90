"""Every state change runs in a transaction: each public function of a services module that
writes through the ORM is `@transaction.atomic` or writes inside `with transaction.atomic()`.

A function whose one write is a single statement (atomic by itself) is listed below with the
reason. Private helpers (`_name`) are left to the public functions that call them. Run by
.ci/run; prints each function that writes outside a transaction and exits 1 if any does.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

# ORM calls that write (and `transition`, the one way a workflow status changes).
WRITES = {
    "save",
    "create",
    "update",
    "delete",
    "bulk_create",
    "bulk_update",
    "update_or_create",
    "get_or_create",
    "transition",
}
# "path:function": why it needs no transaction of its own.
SINGLE_STATEMENT = {
    "capmap/api/services.py:user_for_token": "one UPDATE of the token's last use",
}


def _services_modules(root: Path) -> list[Path]:
    found = [*root.glob("capmap/*/services.py"), *root.glob("capmap/*/services/*.py")]
    return sorted(path for path in found if "tests" not in path.parts)


def _in_transaction(function: ast.FunctionDef) -> bool:
    decorated = any("atomic" in ast.unparse(d) for d in function.decorator_list)
    return decorated or any(
        isinstance(node, ast.With) and "atomic" in ast.unparse(node) for node in ast.walk(function)
    )


def _writes(function: ast.FunctionDef) -> list[str]:
    return sorted(
        {
            node.func.attr
            for node in ast.walk(function)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITES
        }
    )


def unguarded(root: Path) -> list[str]:
    """`path:line name writes [...]` for each public services function writing outside a
    transaction."""
    found = []
    for path in _services_modules(root):
        relative = path.relative_to(root).as_posix()
        for node in ast.parse(path.read_text(encoding="utf-8"), relative).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            writes = _writes(node)
            if not writes or _in_transaction(node):
                continue
            if f"{relative}:{node.name}" in SINGLE_STATEMENT:
                continue
            found.append(f"{relative}:{node.lineno} {node.name} writes ({', '.join(writes)})")
    return found


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    found = unguarded(root)
    for line in found:
        print(f"{line} outside a transaction")
    print(f"transactions: {len(found)} services functions write outside a transaction.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
