"""Team-capability and staff-list XLSX on a generated workforce, before and after (issue 15).

    DATABASE_URL=sqlite:////tmp/gen5000.sqlite3 capmap migrate
    DATABASE_URL=sqlite:////tmp/gen5000.sqlite3 capmap generate --staff 5000 --seed 1
    python bench/bench_report_xlsx.py --database-url sqlite:////tmp/gen5000.sqlite3

For each report, over the generated ICS as its lead, it times in one run:

- build: the team-capability figures from the full heatmap (before: a cell for every
  person and column, then per-person totals) against `selectors.team_gaps` (now: each
  person's requirements only). The staff list's builder is unchanged.
- write: openpyxl in normal mode (before: a cell object for every value) against
  `write_workbook` in write-only mode (now), on the same document.
- the whole report as a worker makes it now (`make_report`), and its file read back.
Budget: 2 s for each whole XLSX report on 5,000 staff.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def write_normal_mode(sheets) -> bytes:
    """The previous writer: openpyxl's normal mode, widths from every row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from capmap.core.spreadsheets import _cell, _sheet_title

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for spec in sheets:
        sheet = workbook.create_sheet(_sheet_title(spec.title, used))
        for note in [spec.heading, *spec.notes]:
            sheet.append([_cell(note)])
        for table in spec.tables:
            sheet.append([_cell(table.caption)])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
            sheet.append([_cell(h) for h in table.head])
            for row in table.rows:
                sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def heatmap_totals(user, organisation):
    """The previous team-capability figures: the full heatmap, then its row totals."""
    from capmap.capability import selectors

    heatmap = selectors.team_heatmap(user, organisation, sort="gaps")
    return [
        (row.person.pk, sum(1 for c in row.cells if c.required), row.gaps, row.total_shortfall)
        for row in heatmap.rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("CAPMAP_DATA_DIR", "/tmp/capmap-bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "capmap.config.settings.local"
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from openpyxl import load_workbook

    from capmap.capability import selectors
    from capmap.organisations.models import Membership, Organisation
    from capmap.reports.models import ReportRequest
    from capmap.reports.registry import BuildContext, get_kind
    from capmap.reports.rendering import render_xlsx, xlsx_sheets
    from capmap.reports.services import make_report

    ics = Organisation.objects.filter(kind="ics").order_by("pk").first()
    lead = Membership.objects.filter(organisation=ics).select_related("user").first().user
    print(f"ICS {ics.name!r}; figures in seconds")

    before, before_s = timed(heatmap_totals, lead, ics)
    now, now_s = timed(selectors.team_gaps, lead, ics)
    same = before == [(r.person.pk, r.required, r.gaps, r.levels_short) for r in now.people]
    print(f"team-capability build  before {before_s:6.2f}  now {now_s:6.2f}  same figures: {same}")

    for kind in ("team-capability", "staff_list"):
        context = BuildContext(lead, ics, {}, lambda percent, message: None)
        document, build_s = timed(get_kind(kind).build, context)
        sheets = xlsx_sheets(document)
        _, normal_s = timed(write_normal_mode, sheets)
        content, write_s = timed(render_xlsx, document)
        print(
            f"{kind:<16} write  before {normal_s:6.2f}  now {write_s:6.2f}  "
            f"({len(content) / 1024:.0f} KiB, build {build_s:.2f})"
        )
        request = ReportRequest.objects.create(
            kind=kind, format="xlsx", requested_by=lead, organisation=ics
        )
        started = time.perf_counter()
        report = make_report(report_id=request.pk)
        whole_s = time.perf_counter() - started
        with report.file.open("rb") as handle:
            workbook = load_workbook(handle, read_only=True)
            rows = sum(1 for sheet in workbook for _ in sheet.iter_rows(values_only=True))
        print(f"{kind:<16} whole report now {whole_s:6.2f}  ({rows} rows read back)  budget 2 s")


if __name__ == "__main__":
    main()
