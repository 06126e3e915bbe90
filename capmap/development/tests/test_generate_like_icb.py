"""`capmap generate --like-icb CODE`: staff per PCN and role as NHS England's PCN workforce
file says, on the ICB's real PCNs and practices from the registration map."""

import csv
import io
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.urls import reverse

from capmap.assessments.models import CurrentCapability
from capmap.capability.pcn_workforce import ROLE_MAP, StaffRecord, person_fte, role_for
from capmap.organisations.models import Organisation, OrganisationKind
from capmap.organisations.tests.factories import tree
from capmap.people.models import Person
from capmap.people.tests.factories import manager_of

pytestmark = pytest.mark.django_db

CAPMAP = Path(__file__).resolve().parents[2]
WORKFORCE = CAPMAP / "capability" / "tests" / "fixtures" / "pcn-workforce-extract.csv"
PRACTICE_MAP = CAPMAP / "organisations" / "tests" / "fixtures" / "ods" / "gp-reg-pat-prac-map.csv"
# The North East London PCNs of the registration map extract; the workforce extract also
# holds a row of Woodberry Wetlands PCN (U46293), which the map extract does not list.
MAPPED_PCNS = {"U07169", "U05451"}


def _generate(code: str, seed: int = 1) -> str:
    out = io.StringIO()
    call_command(
        "generate",
        like_icb=code,
        seed=seed,
        workforce=WORKFORCE,
        practice_map=PRACTICE_MAP,
        stdout=out,
    )
    return out.getvalue()


def _source_rows(icb: str) -> list[dict]:
    with WORKFORCE.open(encoding="utf-8") as f:
        return [row for row in csv.DictReader(f) if row["ICB_CODE"] == icb]


def _people_by_pcn_and_role(icb_code: str) -> dict:
    icb = Organisation.objects.get(ods_code=icb_code)
    rows = (
        Person.objects.filter(employer__path__startswith=icb.path)
        .values("employer__ods_code", "job_role__slug")
        .annotate(n=Count("pk"), fte=Sum("fte"))
    )
    return {(r["employer__ods_code"], r["job_role__slug"]): (r["n"], r["fte"]) for r in rows}


def test_staff_per_pcn_and_role_follow_the_published_file():
    output = _generate("QMF")
    expected: dict = {}
    for row in _source_rows("QMF"):
        record = _record(row)
        role = role_for(record)
        if role is None or record.pcn_code not in MAPPED_PCNS:
            continue
        key = (record.pcn_code, role[0])
        n, fte = expected.get(key, (0, Decimal(0)))
        expected[key] = (n + 1, fte + person_fte(record.fte))
    assert _people_by_pcn_and_role("QMF") == expected
    # Named against the source rows: Shoreditch Park PCN's 33 records hold 8 pharmacists
    # (Pharmacists and Advanced Pharmacist Practitioners), Hackney Marshes' 30 hold 5 care
    # co-ordinators.
    shoreditch = Counter(r["STAFF_ROLE"] for r in _source_rows("QMF") if r["PCN_CODE"] == "U07169")
    pharmacists = shoreditch["Pharmacists"] + shoreditch["Advanced Pharmacist Practitioners"]
    assert expected[("U07169", "clinical-pharmacist")][0] == pharmacists
    assert "Built a workforce like NHS North East London" in output
    staff = sum(n for n, _ in expected.values())
    assert f"  staff: {staff}\n" in output


def test_the_pcns_and_practices_are_the_real_ones_from_the_registration_map():
    _generate("QMF")
    icb = Organisation.objects.get(ods_code="QMF")
    assert icb.kind == OrganisationKind.ICS and "North East London" in icb.name
    pcns = dict(
        Organisation.objects.filter(parent=icb, kind=OrganisationKind.PCN).values_list(
            "ods_code", "name"
        )
    )
    assert pcns == {"U05451": "HACKNEY MARSHES PCN", "U07169": "SHOREDITCH PARK PCN"}
    assert Organisation.objects.filter(
        parent__ods_code="U07169", kind=OrganisationKind.PRACTICE
    ).exists()
    # Stockton PCN (another ICB) is in the file but not built.
    assert not Organisation.objects.filter(ods_code="U89141").exists()
    assert not Person.objects.filter(employer__ods_code="U89141").exists()


def test_generated_staff_have_verified_levels_for_the_care_pathways():
    _generate("QMF")
    pharmacists = Person.objects.filter(
        employer__ods_code="U07169", job_role__slug="clinical-pharmacist"
    )
    assert CurrentCapability.objects.filter(
        person__in=pharmacists,
        competency__version__framework__slug=("clinical-pharmacist-general-practice"),
    ).exists()


def test_roles_without_a_capmap_job_role_are_reported_not_guessed():
    output = _generate("QMF")
    unmapped = Counter(r["STAFF_ROLE"] for r in _source_rows("QMF") if role_for(_record(r)) is None)
    assert unmapped, "the extract holds roles the mapping leaves out"
    for role, count in unmapped.items():
        assert f"not mapped to a Capmap job role: {role} ({count} records)" in output
    assert all(role not in ROLE_MAP for role in unmapped)


def test_records_of_pcns_missing_from_the_registration_map_are_reported():
    output = _generate("QMF")
    assert "PCNs not in the registration map: U46293" in output
    assert "staff records left out (PCN not in the registration map): 1" in output
    assert not Organisation.objects.filter(ods_code="U46293").exists()


def test_generating_the_same_icb_twice_is_refused_and_changes_nothing():
    _generate("QMF")
    before = Person.objects.count()
    with pytest.raises(CommandError, match="already has staff"):
        _generate("QMF", seed=2)
    assert Person.objects.count() == before


def test_generating_like_the_demos_icb_is_refused_and_leaves_the_demo_as_it_was():
    """The demo stands on North East London's ICB (QMF) and has staff there: generating its
    workforce too would mix the two, so it is refused, and the import inside is undone."""
    from capmap.demo.story import ICS_NAME, load_demo_story

    load_demo_story()
    demo_ics = Organisation.objects.get(name=ICS_NAME)
    organisations, people = Organisation.objects.count(), Person.objects.count()

    with pytest.raises(CommandError, match=f"{ICS_NAME} \\(QMF\\) already has staff"):
        _generate("QMF")

    assert Organisation.objects.get(ods_code="QMF").pk == demo_ics.pk
    assert (Organisation.objects.count(), Person.objects.count()) == (organisations, people)


def test_england_builds_every_icb_in_the_file():
    _generate("ENGLAND")
    for code in ("QMF", "QHM"):
        expected = sum(
            1
            for r in _source_rows(code)
            if role_for(_record(r)) and r["PCN_CODE"] in MAPPED_PCNS | {"U89141"}
        )
        icb = Organisation.objects.get(ods_code=code)
        assert Person.objects.filter(employer__path__startswith=icb.path).count() == expected


def test_an_unknown_icb_is_refused_clearly():
    with pytest.raises(CommandError, match="no staff records for the ICB QZZ"):
        _generate("qzz")
    assert not Person.objects.exists()


def test_a_user_of_another_organisation_sees_nothing_of_it(client):
    _generate("QMF")
    pcn = Organisation.objects.get(ods_code="U07169")
    outsider = manager_of(tree().pcn_a)
    client.force_login(outsider)
    for name in ("show_heatmap", "show_training_needs", "choose_pathway"):
        assert client.get(reverse(f"capability:{name}", args=[pcn.pk])).status_code == 404
    lead = pcn.memberships.get(role="manager").user
    client.force_login(lead)
    response = client.get(reverse("capability:show_heatmap", args=[pcn.pk]))
    assert response.status_code == 200


def _record(row: dict) -> StaffRecord:
    return StaffRecord(
        pcn_code=row["PCN_CODE"],
        pcn_name=row["PCN_NAME"],
        icb_code=row["ICB_CODE"],
        role=row["STAFF_ROLE"],
        detailed_role=row["DETAILED_STAFF_ROLE"],
        fte=Decimal(row["FTE"]),
    )
