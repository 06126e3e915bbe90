#!/usr/bin/env python3
"""Print every import that runs against Capmap's dependency order (see STYLE.md).

    python3 scripts/check_layers.py [PROJECT_ROOT]

Order, top to bottom: config, demo > privacy > api, reports > placements, impact, development,
credentials > population > capability > assessments > portfolio > frameworks > accounts >
people > organisations > core, matching. An app may import its own modules and any app below
it; `matching` imports no Django app. Tests and migrations are not checked. Exit 1 when any
import runs upward.
"""

import ast
import sys
from pathlib import Path

LAYERS = [
    {"config", "demo"},
    {"privacy"},
    {"api", "reports"},
    {"placements", "impact", "development", "credentials"},
    {"population"},
    {"capability"},
    {"assessments"},
    {"portfolio"},
    {"frameworks"},
    {"accounts"},
    {"people"},
    {"organisations"},
    {"core", "matching"},
]
RANK = {app: i for i, layer in enumerate(LAYERS) for app in layer}


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "capmap" and parts[1] in RANK else None


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    bad = []
    for path in sorted((root / "capmap").rglob("*.py")):
        rel = path.relative_to(root)
        if any(p in ("tests", "migrations") for p in rel.parts):
            continue
        here = app_of(".".join(rel.with_suffix("").parts))
        if here is None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(rel))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                there = app_of(name)
                if there and there != here and (RANK[there] < RANK[here] or (here == "matching")):
                    bad.append(f"{rel}:{node.lineno} {here} -> {there} ({name})")
    for line in bad:
        print(line)
    print(f"{len(bad)} imports against the dependency order")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
