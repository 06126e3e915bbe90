"""`capmap` starts without importing the libraries only some commands use.

A behaviour test, not a timing one: after `capmap --help` and after `capmap match` on a
tiny instance (the stable algorithm), SciPy, WeasyPrint and openpyxl are not loaded.
bench/ measures the seconds.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[3]
HEAVY = ("scipy", "weasyprint", "openpyxl", "pyld")

# Runs the command line in a fresh interpreter, then prints which heavy modules it loaded.
PROBE = """
import json, sys
from capmap import cli
try:
    cli.main(sys.argv[1:])
except SystemExit:
    pass
heavy = sorted(name for name in {heavy!r} if name in sys.modules)
print("HEAVY=" + json.dumps(heavy), file=sys.stderr)
"""


def loaded_heavy_modules(*args: str, stdin: str | None = None) -> list[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "capmap.config.settings.test"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env=env,
        check=False,
    )
    line = next(line for line in done.stderr.splitlines() if line.startswith("HEAVY="))
    return json.loads(line.removeprefix("HEAVY="))


def test_capmap_help_loads_no_heavy_library():
    assert loaded_heavy_modules("--help") == []


@pytest.mark.parametrize("command", ["help", "import_staff", "match"])
def test_help_for_a_command_loads_no_heavy_library(command):
    assert loaded_heavy_modules("help", command) == []


def test_capmap_match_with_the_stable_algorithm_loads_no_heavy_library():
    instance = {
        "applicants": [{"id": "a1", "preferences": ["p1"]}],
        "placements": [{"id": "p1", "capacity": 1, "priority": ["a1"]}],
    }
    assert loaded_heavy_modules("match", "-", stdin=json.dumps(instance)) == []
