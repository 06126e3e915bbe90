import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from capmap.matching.tests.malformed import MALFORMED

PROJECT_DIR = Path(__file__).resolve().parents[3]

INSTANCE = {
    "applicants": [
        {"id": "a1", "preferences": ["p2", "p1"]},
        {"id": "a2", "preferences": ["p1"]},
        {"id": "a3", "preferences": ["p1", "p2"]},
    ],
    "placements": [
        {"id": "p1", "capacity": 2, "priority": ["a1", "a3"]},
        {"id": "p2", "capacity": 1, "priority": ["a3", "a1"]},
    ],
}


def run_match(tmp_path, data, *options):
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data))
    out = StringIO()
    call_command("match", str(path), *options, stdout=out)
    return json.loads(out.getvalue())


def test_match_prints_the_stable_allocation_in_the_documented_format(tmp_path):
    result = run_match(tmp_path, INSTANCE)
    seconds = result["stats"].pop("seconds")
    assert isinstance(seconds, float) and seconds >= 0
    assert list(result) == ["algorithm", "assignments", "placements", "unassigned", "stats"]
    assert result == {
        "algorithm": "stable",
        # a2 is not in p1's priority, so is not eligible anywhere.
        "assignments": {"a1": "p2", "a2": None, "a3": "p1"},
        "placements": {"p1": ["a3"], "p2": ["a1"]},
        "unassigned": ["a2"],
        "stats": {"applicants": 3, "assigned": 2, "first_choice": 2},
    }


def test_match_lists_each_placements_applicants_in_its_priority_order(tmp_path):
    data = {
        "applicants": [{"id": f"a{i}", "preferences": ["p1"]} for i in range(1, 4)],
        "placements": [{"id": "p1", "capacity": 3, "priority": ["a3", "a1", "a2"]}],
    }
    assert run_match(tmp_path, data)["placements"] == {"p1": ["a3", "a1", "a2"]}


def test_match_with_max_preference_places_as_many_as_possible(tmp_path):
    data = {
        "applicants": [
            {"id": "a1", "preferences": ["p1", "p2"]},
            {"id": "a2", "preferences": ["p1"]},
        ],
        "placements": [
            {"id": "p1", "capacity": 1, "priority": ["a1", "a2"]},
            {"id": "p2", "capacity": 1, "priority": ["a1"]},
        ],
    }
    stable = run_match(tmp_path, data)
    best = run_match(tmp_path, data, "--algorithm", "max-preference")
    assert stable["unassigned"] == ["a2"]
    assert best["algorithm"] == "max-preference"
    assert best["assignments"] == {"a1": "p2", "a2": "p1"}
    assert best["unassigned"] == []
    assert {k: v for k, v in best["stats"].items() if k != "seconds"} == {
        "applicants": 2,
        "assigned": 2,
        "first_choice": 1,
    }


@pytest.mark.parametrize("name", MALFORMED)
def test_match_refuses_a_malformed_instance_with_status_2_and_the_reason(tmp_path, name):
    data, message = MALFORMED[name]
    with pytest.raises(CommandError) as refused:
        run_match(tmp_path, data)
    assert refused.value.returncode == 2
    assert message in str(refused.value)


def test_match_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "instance.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="is not valid JSON") as refused:
        call_command("match", str(path), stdout=StringIO())
    assert refused.value.returncode == 2


def test_match_refuses_a_deeply_nested_file_with_status_2(tmp_path):
    path = tmp_path / "instance.json"
    path.write_text("[" * 100_000)
    with pytest.raises(CommandError, match="more than 32 levels deep") as refused:
        call_command("match", str(path), stdout=StringIO())
    assert refused.value.returncode == 2


def test_match_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read") as refused:
        call_command("match", str(tmp_path / "nowhere.json"), stdout=StringIO())
    assert refused.value.returncode == 2


def capmap(*args, stdin=None):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "capmap.config.settings.test"}
    return subprocess.run(
        [sys.executable, "-m", "capmap.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env=env,
        check=False,
    )


def test_capmap_match_command_line_prints_one_json_object_and_exits_0():
    done = capmap("match", "-", "--algorithm", "max-preference", stdin=json.dumps(INSTANCE))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["assignments"] == {"a1": "p2", "a2": None, "a3": "p1"}


def test_capmap_match_command_line_exits_2_naming_the_bad_entry():
    bad = {
        "applicants": [{"id": "a7", "preferences": ["p99"]}],
        "placements": [{"id": "p1", "capacity": 1, "priority": []}],
    }
    done = capmap("match", "-", stdin=json.dumps(bad))
    assert done.returncode == 2
    assert 'applicant "a7": preference "p99" is not a placement' in done.stderr
    assert done.stdout == ""
