"""The circle of competence drawing: one segment per competency, marks, table, escaping."""

from capmap.capability import circle


def _sectors():
    return [
        circle.Sector(
            "Clinical <care>",
            [circle.Segment("A.1 History", 2, 3), circle.Segment("A.2 Examine", 4, 2)],
        ),
        circle.Sector("Leadership", [circle.Segment("B.1 Teach", None, 1)]),
    ]


def test_circle_draws_a_segment_and_a_required_mark_per_competency():
    drawn = circle.circle_of_competence(_sectors(), top_level=4, title="Circle: Ann")
    svg = str(drawn.svg)
    # Background segments (3) + reached levels (2: B.1 has none) + required arcs (3).
    assert svg.count("<path") == 8
    assert svg.count(circle.SHORT_MARK) == 2  # A.1 and B.1 are short of the requirement
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg


def test_circle_escapes_text_and_describes_gaps():
    drawn = circle.circle_of_competence(_sectors(), top_level=4, title="Circle: <Ann>")
    svg = str(drawn.svg)
    assert "<care>" not in svg and "&lt;care&gt;" in svg
    assert drawn.description == "3 competencies in 2 domains; 2 below the level the role requires."


def test_circle_table_carries_the_same_numbers():
    drawn = circle.circle_of_competence(_sectors(), top_level=4, title="Circle: Ann")
    assert drawn.table.rows == [
        ["Clinical <care>", "A.1 History", "2", "3", "1"],
        ["Clinical <care>", "A.2 Examine", "4", "2", "0"],
        ["Leadership", "B.1 Teach", "0", "1", "1"],
    ]
    assert [item.text for item in drawn.legend] == ["Clinical <care>", "Leadership"]


def test_empty_circle_still_draws():
    drawn = circle.circle_of_competence([], top_level=4, title="Nothing")
    assert "<svg" in str(drawn.svg) and drawn.table.rows == []
