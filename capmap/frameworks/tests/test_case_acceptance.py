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
