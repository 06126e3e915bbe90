"""`capmap` starts without importing the libraries only some commands use.

A behaviour test, not a timing one: after `capmap --help` and after `capmap match` on a
tiny instance (the stable algorithm), SciPy, WeasyPrint and openpyxl are not loaded, and
neither is anything Django's start-up brings (the app registry's models, the admin,
allauth and the requests library it pulls in). bench/ measures the seconds.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[3]
HEAVY = ("scipy", "weasyprint", "openpyxl", "pyld")
# What Django's start-up (django.setup()) loads: `capmap --help` and `capmap match` skip it.
START_UP = (
    "django.contrib.admin",
    "django.contrib.auth.models",
    "allauth.account.models",
    "allauth.socialaccount.models",
    "requests",
    "auditlog",
    "capmap.organisations.models",
    "capmap.placements.models",
    "capmap.privacy",
    "django.db.models",
)

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


def run(*args: str, stdin: str | None = None, watch=HEAVY) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "capmap.config.settings.test"}
    return subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=watch), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env=env,
        check=False,
    )


def loaded_heavy_modules(*args: str, stdin: str | None = None, watch=HEAVY) -> list[str]:
    done = run(*args, stdin=stdin, watch=watch)
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


TINY = {
    "applicants": [{"id": "a1", "preferences": ["p1"]}],
    "placements": [{"id": "p1", "capacity": 1, "priority": ["a1"]}],
}


@pytest.mark.parametrize("args", [(), ("help",), ("--help",)])
def test_capmap_help_lists_the_commands_without_starting_django(args):
    assert loaded_heavy_modules(*args, watch=START_UP) == []
    listing = run(*args).stdout
    # The same listing Django's own `help` prints once every app is loaded.
    import django
    from django.core.management import ManagementUtility

    django.setup()
    expected = ManagementUtility(["capmap"]).main_help_text()
    assert listing.strip() == expected.strip()
    assert "[placements]" in listing and "    match" in listing and "    backup" in listing


def test_capmap_match_runs_without_starting_django():
    assert loaded_heavy_modules("match", "-", stdin=json.dumps(TINY), watch=START_UP) == []
    done = run("match", "-", stdin=json.dumps(TINY))
    assert json.loads(done.stdout)["assignments"] == {"a1": "p1"}


def test_capmap_match_still_refuses_a_malformed_instance_with_status_2():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "capmap.config.settings.test"}
    done = subprocess.run(
        [sys.executable, "-m", "capmap.cli", "match", "-"],
        input="{}",
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert 'CommandError: -: the instance has no "applicants" list' in done.stderr


def test_other_commands_still_start_django():
    done = run("check", "--deploy", "--fail-level", "CRITICAL")
    assert done.returncode == 0, done.stderr
