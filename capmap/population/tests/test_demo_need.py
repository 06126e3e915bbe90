"""The demo opens on North East London: its practices carry real ODS codes and real QOF
figures, and need against capability covers diabetes, heart failure and respiratory."""

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from capmap.demo.story import HOME_PCN, HOME_PRACTICE, ICS_NAME, persona
from capmap.organisations.models import Organisation, OrganisationKind
from capmap.organisations.tests.factories import tree
from capmap.people.tests.factories import manager_of
from capmap.population.demo import YEARS, load_demo_population
from capmap.population.models import RegisterCount

pytestmark = pytest.mark.django_db

DEMO_DATA = Path(__file__).resolve().parents[1] / "demo_data"


@pytest.fixture
def demo():
    call_command("demo", "--no-serve")
    return Organisation.objects.get(name=ICS_NAME)


def _source(path: Path, practice: str, register: str) -> dict:
    with path.open(encoding="utf-8") as f:
        return next(
            row
            for row in csv.DictReader(f)
            if row["PRACTICE_CODE"] == practice and row["GROUP_CODE"] == register
        )


def test_the_demo_pcns_and_practices_carry_north_east_londons_real_codes_and_names(demo):
    pcn = Organisation.objects.get(name="Hackney Downs PCN")
    assert pcn.ods_code == "U21268"
    practice = Organisation.objects.get(name="The Nightingale Practice")
    assert (practice.ods_code, practice.postcode) == ("F84018", "E5 8BY")
    with (DEMO_DATA / "gp-reg-pat-prac-map-nel-demo.csv").open(encoding="utf-8") as f:
        published = {row["PRACTICE_CODE"]: row for row in csv.DictReader(f)}
    practices = Organisation.objects.filter(
        path__startswith=demo.path, kind=OrganisationKind.PRACTICE
    )
    assert {p.ods_code for p in practices} == set(published)
    for practice in practices:
        source = published[practice.ods_code]
        assert practice.postcode == source["PRACTICE_POSTCODE"]
        assert practice.parent.ods_code == source["PCN_CODE"]
        # The published names, in capitals on the map, in title case in the demo.
        assert practice.name.upper() == source["PRACTICE_NAME"]
        assert practice.parent.name.upper() == source["PCN_NAME"]


def test_the_demo_practices_have_their_real_qof_figures_for_two_years(demo):
    practice = Organisation.objects.get(ods_code="F84018")
    for year, name in YEARS:
        for register in ("DM", "HF", "AST", "COPD"):
            source = _source(DEMO_DATA / name, "F84018", register)
            count = RegisterCount.objects.get(practice=practice, year=year, register=register)
            assert count.patients == int(float(source["REGISTER"]))
            assert count.list_size == int(source["PRACTICE_LIST_SIZE"])
    assert RegisterCount.objects.filter(practice__path__startswith=demo.path).count() == 630
    assert load_demo_population(ics_name=ICS_NAME, admin_email=persona("admin")[0]) is False


def test_the_programme_lead_sees_need_against_capability_for_the_three_pathways(client, demo):
    client.force_login(_user("programme_lead"))
    page = client.get(reverse("population:show_need", args=[demo.pk])).content.decode()
    for title in (
        "Type 2 diabetes MDT pathway",
        "Heart failure MDT pathway",
        "Respiratory MDT pathway",
    ):
        assert title in page
    assert HOME_PCN in page and HOME_PRACTICE in page


def test_another_organisations_manager_sees_none_of_the_demos_need(client, demo):
    client.force_login(manager_of(tree().pcn_a))
    pcn = Organisation.objects.get(name=HOME_PCN)
    for pk in (demo.pk, pcn.pk):
        assert client.get(reverse("population:show_need", args=[pk])).status_code == 404


def _user(key: str):
    from capmap.accounts.models import User

    return User.objects.get(email=persona(key)[0])
