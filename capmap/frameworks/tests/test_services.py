"""Importing, exporting and versioning frameworks through the services."""

import csv
import io
import json

import pytest

from capmap.core.actors import SYSTEM
from capmap.core.exceptions import NotPermitted
from capmap.frameworks import selectors
from capmap.frameworks.models import (
    Competency,
    Domain,
    Framework,
    PublishedVersionIsFrozen,
    VersionStatus,
)
from capmap.frameworks.services import (
    ImportRefused,
    import_framework,
    publish_version,
    start_new_draft,
)
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree

from .factories import SMALL_CSV, framework, small_package
from .test_case import real_packages

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", real_packages(), ids=lambda p: p.name)
def test_every_real_package_is_stored_and_exported_unchanged(path, admin_user):
    raw = path.read_bytes()
    stored = import_framework(actor=SYSTEM, raw=raw, filename=path.name)
    _name, text = selectors.export_text(admin_user, stored.slug, "case")
    expected = json.loads(raw)
    if path.name == "opensalt-sample-framework.json":
        # As received it breaks the CASE 1.0 schema (sequenceNumbers "1" and "2", item
        # types with "description": null); the export says the same in valid CASE.
        for association in expected["CFAssociations"]:
            if isinstance(association.get("sequenceNumber"), str):
                association["sequenceNumber"] = int(association["sequenceNumber"])
        for item_type in expected["CFDefinitions"]["CFItemTypes"]:
            assert item_type.pop("description") is None
    assert json.loads(text) == expected


def test_an_imported_package_arrives_as_published_version_1():
    stored = framework()
    version = stored.versions.get()
    assert (version.number, version.status) == (1, VersionStatus.PUBLISHED)
    assert Domain.objects.filter(version=version).count() == 1
    competency = Competency.objects.get(version=version)
    assert (competency.code, competency.case_identifier) == ("A.1", "i2")
    assert [level.label for level in version.scale.levels.all()][:2] == ["Not yet", "Developing"]


def test_a_broken_package_stores_nothing():
    data = small_package()
    data["CFAssociations"][1]["destinationNodeURI"]["identifier"] = "missing-item"
    with pytest.raises(ImportRefused) as caught:
        import_framework(actor=SYSTEM, raw=json.dumps(data).encode(), filename="x.json")
    assert "missing-item" in caught.value.problems[0]
    assert not Framework.objects.exists()


def test_csv_template_round_trips_with_indicators_and_sub_domains(admin_user):
    stored = import_framework(actor=SYSTEM, raw=SMALL_CSV.encode(), filename="pharmacist.csv")
    _name, text = selectors.export_text(admin_user, stored.slug, "csv")
    assert text.replace("\r\n", "\n") == SMALL_CSV
    assert Domain.objects.filter(parent__title="Leadership", title="Teaching").exists()


def test_csv_framework_exports_as_case_with_a_rubric_for_its_scale(admin_user):
    stored = import_framework(actor=SYSTEM, raw=SMALL_CSV.encode(), filename="pharmacist.csv")
    package = json.loads(selectors.export_text(admin_user, stored.slug, "case")[1])
    assert len(package["CFItems"]) == 6
    levels = package["CFRubrics"][0]["CFRubricCriteria"][0]["CFRubricCriterionLevels"]
    assert [level["quality"] for level in levels][-1] == "Expert"
    again = import_framework(actor=SYSTEM, raw=json.dumps(package).encode(), filename="again.json")
    assert (
        selectors.export_text(admin_user, again.slug, "csv")[1]
        == (selectors.export_text(admin_user, stored.slug, "csv")[1])
    )


def test_a_csv_row_without_title_is_refused_naming_the_row():
    raw = b"domain,code,title\nA,1,\n"
    with pytest.raises(ImportRefused) as caught:
        import_framework(actor=SYSTEM, raw=raw, filename="x.csv")
    assert caught.value.problems == ["Row 2 has no title."]


def test_published_content_cannot_change_even_bypassing_services():
    version = framework().versions.get()
    competency = Competency.objects.get(version=version)
    competency.title = "Something else"
    with pytest.raises(PublishedVersionIsFrozen):
        competency.save()
    version.case_document = {"identifier": "changed"}
    with pytest.raises(PublishedVersionIsFrozen):
        version.save()


def test_a_new_draft_copies_the_version_and_maps_each_competency_to_its_original():
    stored = framework()
    draft = start_new_draft(actor=SYSTEM, framework=stored)
    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    competency = Competency.objects.get(version=draft)
    assert competency.replaces.get().replaces.version.number == 1
    competency.title = "Takes a focused history"
    competency.save()
    publish_version(actor=SYSTEM, version=draft)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED


def test_a_manager_may_import_for_their_pcn_but_not_into_the_library():
    orgs = tree()
    manager = MembershipFactory(organisation=orgs.pcn_a, role=Role.MANAGER).user
    framework(owner=orgs.pcn_a, actor=manager)
    with pytest.raises(NotPermitted):
        framework(owner=None, actor=manager, slug="library-one")


def test_a_practitioner_cannot_import():
    orgs = tree()
    practitioner = MembershipFactory(organisation=orgs.pcn_a, role=Role.PRACTITIONER).user
    with pytest.raises(NotPermitted):
        framework(owner=orgs.pcn_a, actor=practitioner)


def test_admin_of_another_pcn_cannot_see_or_export_our_framework_but_sees_the_library():
    orgs = tree()
    ours = framework(owner=orgs.pcn_a, slug="riverside-own")
    library = framework(owner=None, slug="shared-one")
    other_admin = MembershipFactory(organisation=orgs.pcn_b, role=Role.ADMIN).user
    our_viewer = MembershipFactory(organisation=orgs.practice_a, role=Role.VIEWER).user
    our_admin = MembershipFactory(organisation=orgs.pcn_a, role=Role.ADMIN).user
    assert list(selectors.frameworks_for(other_admin)) == [library]
    with pytest.raises(Framework.DoesNotExist):
        selectors.export_text(other_admin, ours.slug, "case")
    assert set(selectors.frameworks_for(our_admin)) == {ours, library}
    # A viewer at a practice inside the PCN does not see the PCN's own framework...
    assert list(selectors.frameworks_for(our_viewer)) == [library]


HOSTILE_TITLES = [
    '=HYPERLINK("http://evil.example","Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
]


def test_csv_export_writes_formulas_as_text_and_reimports_the_titles_exactly(admin_user):
    """Security finding 6: no cell of the CSV starts with a formula character."""
    rows = "".join(
        f'Domain,H.{n},"{title.replace(chr(34), chr(34) * 2)}",,\n'
        for n, title in enumerate(HOSTILE_TITLES)
    )
    raw = ("domain,code,title,description,indicators\n" + rows).encode()
    stored = import_framework(actor=SYSTEM, raw=raw, filename="hostile.csv")
    titles = list(
        Competency.objects.filter(version__framework=stored).values_list("title", flat=True)
    )
    assert sorted(titles) == sorted(HOSTILE_TITLES)
    _name, text = selectors.export_text(admin_user, stored.slug, "csv")
    cells = [cell for line in csv.reader(io.StringIO(text)) for cell in line]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    again = import_framework(actor=SYSTEM, raw=text.encode(), filename="again.csv")
    titles_again = Competency.objects.filter(version__framework=again).values_list(
        "title", flat=True
    )
    assert sorted(titles_again) == sorted(HOSTILE_TITLES)
