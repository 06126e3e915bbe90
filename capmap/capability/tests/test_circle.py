"""The circle of competence drawing: segments and marks, labels that fit, colours, table."""

import itertools
import json
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from capmap.capability import circle

LIBRARY = Path(__file__).resolve().parents[2] / "frameworks" / "library"


def _sectors():
    return [
        circle.Sector(
            "Clinical <care>",
            [
                circle.Segment("A.1 History", 2, 3, self_rated=3, code="A.1"),
                circle.Segment("A.2 Examine", 4, 2, self_rated=4, code="A.2"),
            ],
        ),
        circle.Sector("Leadership", [circle.Segment("B.1 Teach", None, 1, code="B.1")]),
    ]


def _draw(**kwargs):
    return circle.circle_of_competence(_sectors(), top_level=4, title="Circle: Ann", **kwargs)


def test_every_segment_is_focusable_with_its_name_and_levels():
    svg = str(_draw().svg)
    names = re.findall(r'tabindex="0" role="img" aria-label="([^"]*)"', svg)
    assert names == [
        "A.1 History: verified level 2 of 4, self-rated 3, required 3",
        "A.2 Examine: verified level 4 of 4, self-rated 4, required 2",
        "B.1 Teach: verified level 0 of 4, required 1",
    ]


def test_each_segments_tip_gives_its_code_in_bold_then_its_levels_line_by_line():
    svg = str(_draw().svg)
    tips = re.findall(r'<g class="app-circle__tip"([^>]*)>(.*?)</g>', svg)
    assert len(tips) == 3
    shared, lines = tips[0]
    # What the lines share is said once, on the tip, and SVG text inherits it.
    assert 'text-anchor="middle"' in shared and f'fill="{circle.TEXT}"' in shared
    texts = re.findall(r"<text([^>]*)>([^<]*)</text>", lines)
    assert [text for _, text in texts] == ["A.1", "verified 2 of 4", "self-rated 3", "required 3"]
    assert 'font-weight="bold"' in texts[0][0] and 'font-size="20"' in texts[0][0]
    assert all("font-weight" not in own and "font-size" not in own for own, _ in texts[1:])
    ys = [float(re.search(r'y="([^"]+)"', own).group(1)) for own, _ in texts]
    assert [b - a for a, b in itertools.pairwise(ys)] == [18.0, 18.0, 18.0]


def test_required_marks_are_red_where_short_and_self_ratings_are_dots():
    svg = str(_draw().svg)
    assert svg.count(f'stroke="{circle.SHORT_MARK}"') == 2  # A.1 and B.1 are short
    assert svg.count('class="app-circle__self"') == 2
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg


def test_a_segment_is_named_once_to_a_screen_reader():
    # A <title> beside aria-label becomes the segment's description: read out again.
    focusable = str(_draw().svg)
    assert focusable.count('role="img" aria-label="A.1 History: verified level 2 of 4') == 1
    assert "<title>A.1" not in focusable
    still = str(_draw(focusable=False).svg)
    assert 'aria-label="A.1' not in still
    assert still.count("<title>A.1 History: verified level 2 of 4") == 1


def test_each_domain_is_numbered_in_its_band_and_named_in_full():
    drawn = _draw()
    svg = str(drawn.svg)
    assert ">1</text>" in svg and ">2</text>" in svg
    assert [label.lines for label in drawn.labels] == [["1 Clinical <care>"], ["2 Leadership"]]
    assert [(item.number, item.text) for item in drawn.legend] == [
        (1, "Clinical <care>"),
        (2, "Leadership"),
    ]


def test_circle_escapes_text_and_describes_gaps():
    drawn = circle.circle_of_competence(_sectors(), top_level=4, title="Circle: <Ann>")
    svg = str(drawn.svg)
    assert "<care>" not in svg and "&lt;care&gt;" in svg
    assert drawn.description == "3 competencies in 2 domains; 2 below the level the role requires."


def test_circle_table_carries_the_same_numbers():
    assert _draw().table.rows == [
        ["1 Clinical <care>", "A.1 History", "2", "3", "3", "1"],
        ["1 Clinical <care>", "A.2 Examine", "4", "4", "2", "0"],
        ["2 Leadership", "B.1 Teach", "0", "", "1", "1"],
    ]
    assert _draw().table.head[3] == "Self-rated level"


def test_compact_and_still_circles_have_no_labels_or_tab_stops():
    compact = _draw(labelled=False, focusable=False)
    assert compact.labels == [] and "tabindex" not in str(compact.svg)
    assert compact.view_box == (-286, -286, 572, 572)


def test_a_team_circle_names_its_median_and_middle_half():
    sectors = [
        circle.Sector(
            "Safety",
            [circle.Segment("S.1 Alerts", 2.5, 3, spread=(1.75, 3.0), people=6)],
        )
    ]
    drawn = circle.circle_of_competence(sectors, top_level=4, title="Team", team=True)
    assert (
        "S.1 Alerts: median verified level 2.5 of 4, middle half of the team 1.8 to 3, "
        "6 people, required 3"
    ) in str(drawn.svg)
    assert 'class="app-circle__spread"' in str(drawn.svg)
    assert drawn.table.rows == [["1 Safety", "S.1 Alerts", "2.5", "1.8 to 3", "6", "3"]]


def test_a_standalone_file_has_a_size_and_a_white_ground():
    svg = str(_draw(standalone=True, focusable=False).svg)
    assert 'width="100%"' not in svg and re.search(r'<svg [^>]*height="\d', svg)


def test_empty_circle_still_draws():
    drawn = circle.circle_of_competence([], top_level=4, title="Nothing")
    assert "<svg" in str(drawn.svg) and drawn.table.rows == []


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_domain_colours_pass_contrast_with_white_and_differ_from_their_neighbours():
    colours = circle.DOMAIN_COLOURS
    # 4.5:1 so the white domain numbers read on them; far above 3:1 for graphics.
    assert all(_contrast(colour, "#ffffff") >= 4.5 for colour in colours)
    assert len(set(colours)) == 12
    # A white gap (3:1 or more against every colour) separates neighbouring domains.
    assert 'stroke="#ffffff" stroke-width="3"' in str(_draw().svg)


def _library_domain_titles() -> list[str]:
    titles = []
    for path in LIBRARY.glob("*.json"):
        data = json.loads(path.read_text())
        if isinstance(data, dict):
            titles += [domain["title"] for domain in data.get("domains", [])]
    return titles


def _assert_labels_fit(drawn: circle.Circle) -> None:
    left, top, width, height = drawn.view_box
    boxes = [label.box for label in drawn.labels]
    for box in boxes:
        assert box.within(left, top, width, height)
        # Clear of the ring and its numbered band.
        assert box.distance_to(0, 0) >= circle.OUTER + circle.BAND
    for i, first in enumerate(boxes):
        for second in boxes[i + 1 :]:
            assert not first.overlaps(second)


def test_the_longest_real_domain_names_fit_whole_and_apart():
    titles = sorted(_library_domain_titles(), key=len, reverse=True)[:8]
    assert "Leadership, education and improvement" in titles
    sectors = [circle.Sector(t, [circle.Segment("x", 1, 2)] * 3) for t in titles]
    drawn = circle.circle_of_competence(sectors, top_level=4, title="Longest")
    _assert_labels_fit(drawn)
    for title, label in zip(titles, drawn.labels, strict=True):
        assert " ".join(label.lines).split(" ", 1)[1] == title  # whole, never cut mid-word


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz,", min_size=1, max_size=14)
titles = st.lists(words, min_size=1, max_size=6).map(" ".join)


@given(st.lists(st.tuples(titles, st.integers(min_value=1, max_value=8)), min_size=1, max_size=12))
def test_labels_never_overlap_and_stay_in_the_picture(domains):
    sectors = [circle.Sector(title, [circle.Segment("x", 1, 2)] * size) for title, size in domains]
    _assert_labels_fit(circle.circle_of_competence(sectors, top_level=4, title="Any"))


def test_wrapping_keeps_whole_words():
    assert circle.wrap_label("Working in the team and the system") == [
        "Working in the",
        "team and the",
        "system",
    ]
    assert circle.wrap_label("Interprofessionalcollaborationship") == [
        "Interprofessionalcollaborationship"
    ]


def test_a_circles_table_rows_escape_every_cell_and_lead_each_with_its_heading():
    from capmap.capability.presenters import responsive_rows
    from capmap.core.charts import ChartTable

    table = ChartTable(
        caption="Circle", head=["Domain", "Competency", "Level"], rows=[["1 <D>", "C & co", "2"]]
    )
    html = str(responsive_rows(table))
    heading = '<span class="nhsuk-table-responsive__heading" aria-hidden="true">'
    assert f'"nhsuk-table__cell" role="cell">{heading}Domain </span>1 &lt;D&gt;</td>' in html
    assert f'role="rowheader">{heading}Competency </span>C &amp; co</th>' in html
    assert f'nhsuk-table__cell--numeric" role="cell">{heading}Level </span>2</td>' in html
    assert html.count("<tr ") == 1
