"""Importing the NHS ODS files builds the real tree: ICB > PCN > practice, trust > site.

The fixtures are small real extracts (see fixtures/ods/README.md); each expectation below
is checked against the source rows quoted beside it.
"""

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from capmap.core.actors import SYSTEM
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.organisations import services
from capmap.organisations.models import Organisation, OrganisationKind, Role

from .factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "ods"
NAMES = ["epraccur.csv", "etr.csv", "ets.csv", "ePCN.xlsx", "gp-reg-pat-prac-map.csv"]


def files(*names: str, replace: dict[str, bytes] | None = None) -> list[tuple[str, bytes]]:
    chosen = names or NAMES
    replace = replace or {}
    return [(name, replace.get(name) or (FIXTURES / name).read_bytes()) for name in chosen]


def org(code: str) -> Organisation:
    return Organisation.objects.select_related("parent", "parent__parent").get(ods_code=code)


def test_the_files_build_icbs_pcns_practices_trusts_and_sites():
    plan = services.import_organisations(actor=SYSTEM, files=files())

    kinds = {
        kind: set(Organisation.objects.filter(kind=kind).values_list("ods_code", flat=True))
        for kind in OrganisationKind.values
    }
    assert kinds["ics"] == {"QHM", "QMF"}
    assert kinds["pcn"] == {"U89141", "U05451", "U07169"}
    # 16 mapped practices in the three PCNs, and 3 the 2019 ePCN still lists in them
    # (A81634, F84041, F84043); Aldersbrook (PCN "U") is in no PCN and is left out.
    assert len(kinds["practice"]) == 19
    assert "F86731" not in kinds["practice"]
    assert kinds["trust"] == {"R1H", "RQX", "RVW"}  # Velindre (Cardiff) has no ICB here
    assert kinds["site"] == {"R1H12", "R1HKH", "RQXM1"}  # 7A4BV's health board is not here
    assert len(plan.to_create) == 2 + 3 + 19 + 3 + 3


def test_a_named_practice_sits_in_its_pcn_and_icb_as_the_source_rows_say():
    services.import_organisations(actor=SYSTEM, files=files())

    # map: F84003,LOWER CLAPTON GENERAL PRACTICE,E5 0RD,U05451,HACKNEY MARSHES PCN,...,A3A8R,...QMF
    # epraccur: "F84003","LOWER CLAPTON GROUP PRACTICE",...,"E5 0RD","19740401","",...
    practice = org("F84003")
    assert practice.kind == OrganisationKind.PRACTICE
    assert practice.name == "LOWER CLAPTON GENERAL PRACTICE"  # the 2026 map's name
    assert practice.postcode == "E5 0RD"
    assert practice.opened_on == date(1974, 4, 1)
    assert practice.closed_on is None
    assert practice.commissioner_code == "A3A8R"
    assert practice.parent.ods_code == "U05451"
    assert practice.parent.name == "HACKNEY MARSHES PCN"
    assert practice.parent.parent.ods_code == "QMF"
    assert practice.parent.parent.name == "NHS North East London Integrated Care Board"
    assert practice.path == f"/{practice.parent.parent.pk}/{practice.parent.pk}/{practice.pk}/"


def test_a_pcn_takes_its_dates_and_postcode_from_epcn():
    services.import_organisations(actor=SYSTEM, files=files())

    # PCN Details: U89141, STOCKTON PCN, 00K, ..., 20191001, None, ..., TS18 1TW
    pcn = org("U89141")
    assert pcn.opened_on == date(2019, 10, 1)
    assert pcn.postcode == "TS18 1TW"
    assert pcn.parent.ods_code == "QHM"
    assert pcn.commissioner_code == "16C"  # the sub-ICB location of today's map


def test_a_practice_only_epcn_places_keeps_its_digit_first_commissioner():
    services.import_organisations(actor=SYSTEM, files=files())

    # epraccur: "A81634","THE ARRIVAL PRACTICE",... commissioner "00K"; ePCN: in U89141
    practice = org("A81634")
    assert practice.parent.ods_code == "U89141"
    assert practice.commissioner_code == "00K"


def test_a_trust_sits_in_the_icb_of_its_postcode_and_its_sites_under_it():
    services.import_organisations(actor=SYSTEM, files=files())

    assert org("RQX").parent.ods_code == "QMF"  # E9 6SR: Hackney's practices are in QMF
    assert org("RVW").parent.ods_code == "QHM"  # TS24 9AH: Stockton's are in QHM
    site = org("RQXM1")
    assert site.kind == OrganisationKind.SITE
    assert site.parent.ods_code == "RQX"
    assert site.postcode == "E9 6SR"


def test_a_second_run_changes_nothing_and_says_so():
    services.import_organisations(actor=SYSTEM, files=files())
    count, entries = Organisation.objects.count(), LogEntry.objects.count()

    plan = services.import_organisations(actor=SYSTEM, files=files())

    assert plan.changes_nothing
    assert len(plan.unchanged) == count
    assert Organisation.objects.count() == count
    assert LogEntry.objects.count() == entries


def test_the_command_says_when_a_second_run_changes_nothing():
    paths = [str(FIXTURES / name) for name in NAMES]
    call_command("import_organisations", *paths, stdout=io.StringIO())
    out = io.StringIO()

    call_command("import_organisations", *paths, stdout=out)

    assert out.getvalue().startswith("Nothing to change: the tree already matches the files")


def test_an_organisation_the_files_close_is_marked_closed_never_deleted():
    services.import_organisations(actor=SYSTEM, files=files())
    # Victoria Medical Practice was entered in Capmap before it closed.
    victoria = OrganisationFactory(
        name="Victoria Medical Practice",
        kind=OrganisationKind.PRACTICE,
        ods_code="A81003",
        parent=org("U89141"),
    )

    plan = services.import_organisations(actor=SYSTEM, files=files())

    # epraccur: "A81003","VICTORIA MEDICAL PRACTICE",...,"19740401","20171031","C",...
    [closing] = plan.to_close
    assert closing.record.code == "A81003"
    victoria.refresh_from_db()
    assert victoria.closed_on == date(2017, 10, 31)
    assert victoria.is_closed
    assert victoria.parent.ods_code == "U89141"  # kept where it was


def test_the_registration_map_is_read_from_its_zip_too():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(FIXTURES / "gp-reg-pat-prac-map.csv", "gp-reg-pat-prac-map.csv")
    chosen = files("epraccur.csv", "ePCN.xlsx")
    chosen.append(("gp-reg-pat-prac-map.zip", archive.getvalue()))

    services.import_organisations(actor=SYSTEM, files=chosen)

    assert org("F84640").parent.ods_code == "U07169"


def test_a_bad_line_refuses_every_file_naming_the_file_and_line_and_writes_nothing():
    lines = (FIXTURES / "epraccur.csv").read_bytes().splitlines(keepends=True)
    lines[4] = lines[4].replace(b'"19740401"', b'"1974-04-01"', 1)
    broken = b"".join(lines)

    with pytest.raises(services.OdsImportRejected) as rejected:
        services.import_organisations(actor=SYSTEM, files=files(replace={"epraccur.csv": broken}))

    assert [str(p) for p in rejected.value.plan.problems] == [
        "epraccur.csv, line 5: The open date “1974-04-01” is not a date written YYYYMMDD."
    ]
    assert str(rejected.value) == "Nothing was imported: 1 line needs correcting."
    assert not Organisation.objects.exists()
    assert not LogEntry.objects.filter(content_type__model="organisation").exists()


def test_a_file_that_is_no_ods_file_is_refused_by_name():
    with pytest.raises(DomainError, match=r"notes\.csv is none of the ODS files"):
        services.import_organisations(actor=SYSTEM, files=[("notes.csv", b"hello,world\n")])
    assert not Organisation.objects.exists()


def test_the_command_refuses_a_bad_file_and_writes_nothing(tmp_path):
    bad = tmp_path / "etr.csv"
    bad.write_text("R1H,,Y56\n")

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_organisations", str(bad), stderr=io.StringIO())
    assert not Organisation.objects.exists()


def test_each_organisation_created_is_audited_for_its_icb_admins():
    services.import_organisations(actor=SYSTEM, files=files())

    practice = org("F84096")
    entry = LogEntry.objects.get(object_id=practice.pk, content_type__model="organisation")
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor_email == "system"
    assert entry.additional_data == {"organisation_path": practice.path}
    assert entry.changes["ods_code"] == ["None", "F84096"]


def test_an_existing_ics_with_the_icb_code_is_kept_and_filled_in():
    ics = OrganisationFactory(name="North East London", ods_code="QMF")

    services.import_organisations(actor=SYSTEM, files=files())

    assert Organisation.objects.filter(ods_code="QMF").count() == 1
    assert org("U05451").parent_id == ics.pk


def test_importing_the_files_over_the_demo_updates_its_icb_and_never_adds_a_second():
    from capmap.accounts.models import User
    from capmap.core.importing import UNCHANGED
    from capmap.demo.story import ICS_NAME, load_demo_story, persona

    load_demo_story()
    demo_ics = Organisation.objects.get(name=ICS_NAME)
    demo_pcns = set(demo_ics.children.filter(kind="pcn").values_list("pk", "name"))
    ada = User.objects.get(email=persona("admin")[0])

    plan = services.import_organisations(actor=ada, files=files())

    assert Organisation.objects.filter(ods_code="QMF").get().pk == demo_ics.pk
    assert Organisation.objects.filter(kind="ics").count() == 1  # QHM is not Ada's to import
    # The map names QMF as the demo already does: its row is the demo's, with nothing to change.
    (icb_row,) = [row for row in plan.rows if row.record.code == "QMF"]
    assert (icb_row.existing, icb_row.action) == (demo_ics, UNCHANGED)
    assert org("U05451").parent_id == demo_ics.pk
    assert org("RQX").parent_id == demo_ics.pk
    assert demo_pcns <= set(demo_ics.children.filter(kind="pcn").values_list("pk", "name"))


def test_an_icb_admin_imports_only_inside_their_own_icb():
    ics = OrganisationFactory(name="North East London", ods_code="QMF")
    admin = MembershipFactory(organisation=ics, role=Role.ADMIN).user

    plan = services.import_organisations(actor=admin, files=files())

    assert set(Organisation.objects.filter(kind="pcn").values_list("ods_code", flat=True)) == {
        "U05451",
        "U07169",
    }
    assert not Organisation.objects.filter(ods_code__in=["QHM", "U89141", "A81001"]).exists()
    assert ("ics", "outside the integrated care systems you manage", 1) in (plan.left_out_reasons())
    entry = LogEntry.objects.filter(object_id=org("F84003").pk).get()
    assert entry.actor == admin


def test_a_user_from_another_organisation_who_admins_no_ics_cannot_import():
    OrganisationFactory(name="North East London", ods_code="QMF")
    other = OrganisationFactory(name="Elsewhere ICS", ods_code="QOP")
    pcn = OrganisationFactory(name="Elsewhere PCN", kind=OrganisationKind.PCN, parent=other)
    pcn_admin = MembershipFactory(organisation=pcn, role=Role.ADMIN).user

    with pytest.raises(NotPermitted):
        services.import_organisations(actor=pcn_admin, files=files())
    assert not Organisation.objects.filter(kind="practice").exists()


def test_an_admin_of_another_icb_gets_nothing_of_this_one():
    OrganisationFactory(name="North East London", ods_code="QMF")
    other = OrganisationFactory(name="Elsewhere ICS", ods_code="QOP")
    admin = MembershipFactory(organisation=other, role=Role.ADMIN).user

    plan = services.import_organisations(actor=admin, files=files())

    assert plan.rows == []
    assert not Organisation.objects.filter(kind="practice").exists()
