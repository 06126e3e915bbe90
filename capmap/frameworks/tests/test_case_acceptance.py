"""CASE packages that other publishers write are accepted: PHP's empty CFDefinitions,
repeated associations, and the size cap that names its setting."""

import json

import pytest

from capmap.frameworks.case import load_package, package_to_dict
from capmap.frameworks.services import ImportRefused, read_upload

from .factories import small_package


def test_an_empty_cfdefinitions_written_as_a_list_is_accepted_and_kept():
    data = {**small_package(), "CFDefinitions": []}
    package = load_package(json.dumps(data).encode())
    assert package.counts() == {"domains": 1, "competencies": 1}
    assert package_to_dict(package)["CFDefinitions"] == []


def test_cfdefinitions_that_is_neither_an_object_nor_empty_is_still_refused():
    data = {**small_package(), "CFDefinitions": ["x"]}
    with pytest.raises(ImportRefused) as caught:
        read_upload(json.dumps(data).encode(), filename="p.json")
    assert caught.value.problems == ["CFDefinitions must be an object."]


def test_a_file_over_the_cap_is_refused_naming_the_setting(settings):
    settings.CAPMAP_MAX_IMPORT_BYTES = 5 * 1024 * 1024
    raw = json.dumps(small_package()).encode() + b" " * (5 * 1024 * 1024)
    with pytest.raises(ImportRefused) as caught:
        read_upload(raw, filename="big.json")
    message = caught.value.problems[0]
    assert "larger than 5 MB" in message
    assert "CAPMAP_MAX_IMPORT_BYTES" in message


def test_a_small_cap_is_named_in_bytes(settings):
    settings.CAPMAP_MAX_IMPORT_BYTES = 1000
    with pytest.raises(ImportRefused, match="larger than 1,000 bytes"):
        read_upload(b"{" + b" " * 1000 + b"}", filename="p.json")


def _with_repeated_association(*, changed: bool = False) -> dict:
    data = small_package()
    repeat = json.loads(json.dumps(data["CFAssociations"][1]))
    if changed:
        repeat["sequenceNumber"] = 2
    data["CFAssociations"].append(repeat)
    return data


def test_an_association_repeated_byte_for_byte_is_merged_and_reported():
    package = load_package(json.dumps(_with_repeated_association()).encode())
    assert package.merged_duplicates == ["a2"]
    assert package.counts() == {"domains": 1, "competencies": 1}
    written = package_to_dict(package)["CFAssociations"]
    assert [a["identifier"] for a in written] == ["a1", "a2"]


def test_a_repeated_association_with_different_content_is_refused_with_both_places():
    data = _with_repeated_association(changed=True)
    with pytest.raises(ImportRefused) as caught:
        read_upload(json.dumps(data).encode(), filename="p.json")
    assert caught.value.problems == [
        "The association a2 appears twice with different content (CFAssociations entry 2 "
        "and CFAssociations entry 3). Keep the right one and import again."
    ]


def test_a_number_written_differently_is_different_content():
    data = _with_repeated_association()
    data["CFAssociations"][2]["sequenceNumber"] = 1.0
    with pytest.raises(ImportRefused, match="a2 appears twice with different content"):
        read_upload(json.dumps(data).encode(), filename="p.json")


@pytest.mark.django_db
def test_the_import_preview_page_reports_merged_duplicates(client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from capmap.frameworks.models import Framework
    from capmap.organisations.models import Role
    from capmap.organisations.tests.factories import MembershipFactory, tree

    orgs = tree()
    client.force_login(MembershipFactory(organisation=orgs.pcn_a, role=Role.ADMIN).user)
    raw = json.dumps(_with_repeated_association()).encode()
    upload = SimpleUploadedFile("repeats.json", raw, "application/json")
    page = client.post(
        reverse("frameworks:import_framework"), {"file": upload, "owner": orgs.pcn_a.pk}
    ).content.decode()
    assert "The file repeats 1 association exactly; it will be imported once: a2." in page
    client.post(reverse("frameworks:confirm_import"))
    assert Framework.objects.get().owner == orgs.pcn_a


@pytest.mark.django_db
def test_the_import_command_reports_merged_duplicates_and_prints_only_the_slug(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    source = tmp_path / "repeats.json"
    source.write_text(json.dumps(_with_repeated_association()))
    out, err = StringIO(), StringIO()
    call_command("import_framework", str(source), "--slug", "repeats", stdout=out, stderr=err)
    assert out.getvalue().strip() == "repeats"
    assert "it will be imported once: a2" in err.getvalue()
