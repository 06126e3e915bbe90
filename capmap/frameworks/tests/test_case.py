"""The CASE 1.0 reader and writer (plain Python, no database)."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capmap.frameworks.case import CaseError, load_package, package_to_dict, parse_package

from .factories import small_package

# Copied into the repository with their licence (see the README there), so the suite
# passes in a fresh clone.
CASE_DIR = Path(__file__).resolve().parent / "fixtures" / "case"


def real_packages() -> list[Path]:
    return sorted(CASE_DIR.glob("*.json"))


def test_the_real_case_packages_are_there_with_their_licence():
    # A missing folder must fail the suite, not silently skip the round-trip tests.
    assert CASE_DIR.is_dir(), f"{CASE_DIR} is missing"
    assert len(real_packages()) >= 8
    assert (CASE_DIR / "LICENSE-opensalt").is_file()


@pytest.mark.parametrize("path", real_packages(), ids=lambda p: p.name)
def test_every_real_package_comes_out_exactly_as_it_went_in(path):
    raw = path.read_bytes()
    assert package_to_dict(load_package(raw)) == json.loads(raw)


def test_children_follow_sequence_numbers_not_file_order():
    package = load_package((CASE_DIR / "opensalt-SequenceNumberFramework.json").read_bytes())
    assert [n.code for n in package.roots] == ["SNT.2", "SNT.1"]


def test_sequence_numbers_written_as_strings_are_understood():
    package = load_package((CASE_DIR / "opensalt-sample-framework.json").read_bytes())
    assert package.counts() == {"domains": 4, "competencies": 12}


def test_non_tree_associations_to_other_frameworks_are_kept():
    raw = (CASE_DIR / "opensalt-sample-framework.json").read_bytes()
    package = load_package(raw)
    kinds = {a["associationType"] for _i, a in package.other_associations}
    assert {"exactMatchOf", "precedes", "exemplar", "isRelatedTo"} <= kinds


def _problem(data) -> str:
    with pytest.raises(CaseError) as caught:
        if isinstance(data, bytes):
            load_package(data)
        else:
            parse_package(data)
    return str(caught.value)


def test_invalid_json_is_refused_with_its_line():
    assert "not valid JSON" in _problem(b'{"CFDocument": ')


def test_a_deeply_nested_file_is_refused_before_the_parser_recurses():
    assert "more than 64 levels deep" in _problem(b"[" * 100_000)
    brackets_in_a_title = b'{"CFDocument": {"title": "' + b"[" * 1000 + b'"}}'
    assert "levels deep" not in _problem(brackets_in_a_title)


def test_a_file_that_is_not_utf8_is_refused():
    message = _problem('{"CFDocument": {"title": "Café"}}'.encode("latin-1"))
    assert "not UTF-8" in message


def test_a_package_without_cfdocument_is_refused():
    assert "no CFDocument" in _problem({"CFItems": []})


def test_duplicate_identifiers_are_named():
    data = small_package()
    data["CFItems"][1]["identifier"] = "i1"
    assert "i1 is used twice" in _problem(data)


def test_an_association_to_a_missing_item_is_named():
    data = small_package()
    data["CFAssociations"][1]["destinationNodeURI"]["identifier"] = "nowhere"
    assert "nowhere" in _problem(data)


def test_a_cycle_in_is_child_of_is_refused():
    data = small_package()
    data["CFAssociations"][0]["destinationNodeURI"]["identifier"] = "i2"
    assert "circle" in _problem(data)


def test_reordered_children_are_renumbered_on_the_way_out():
    package = parse_package(small_package())
    package.roots[0].children.append(package.roots[0].children[0].__class__("i3", "New"))
    package.roots[0].children.reverse()
    out = package_to_dict(package)
    links = [a for a in out["CFAssociations"] if a["destinationNodeURI"]["identifier"] == "i1"]
    by_origin = {a["originNodeURI"]["identifier"]: a["sequenceNumber"] for a in links}
    assert by_origin == {"i3": 1, "i2": 2}


# --- generated trees -------------------------------------------------------------


@st.composite
def packages(draw):
    size = draw(st.integers(min_value=0, max_value=30))
    parents = [draw(st.integers(min_value=-1, max_value=i - 1)) for i in range(size)]
    texts = st.text(min_size=0, max_size=12)
    items, associations = [], []
    for i, parent in enumerate(parents):
        item = {"identifier": f"item-{i}", "fullStatement": draw(texts)}
        if draw(st.booleans()):
            item["humanCodingScheme"] = draw(texts)
        if draw(st.booleans()):
            item["notes"] = draw(st.one_of(st.none(), texts))
        items.append(item)
        association = {
            "identifier": f"assoc-{i}",
            "associationType": "isChildOf",
            "originNodeURI": {"identifier": f"item-{i}"},
            "destinationNodeURI": {"identifier": "doc" if parent < 0 else f"item-{parent}"},
        }
        if draw(st.booleans()):
            association["sequenceNumber"] = draw(st.integers(min_value=0, max_value=5))
        associations.append(association)
    order = draw(st.permutations(list(range(size))))
    return {
        "CFDocument": {"identifier": "doc", "title": draw(texts)},
        "CFItems": [items[i] for i in order],
        "CFAssociations": draw(st.permutations(associations)),
    }


@settings(max_examples=150)
@given(packages())
def test_generated_packages_round_trip_and_keep_every_parent_link(data):
    package = parse_package(data)
    assert package_to_dict(package) == data
    parent_of = {
        a["originNodeURI"]["identifier"]: a["destinationNodeURI"]["identifier"]
        for a in data["CFAssociations"]
    }
    seen = 0
    for node, parent, _depth in package.walk():
        seen += 1
        assert parent_of[node.identifier] == (parent.identifier if parent else "doc")
    assert seen == len(data["CFItems"])
