"""Team-capability and staff-list XLSX on a generated workforce, against anchors (issue 15),
and the whole reports on a far larger workforce in bounded memory.

    DATABASE_URL=postgres://.../gen5000 capmap migrate
    DATABASE_URL=postgres://.../gen5000 capmap generate --staff 5000 --seed 1
    python bench/bench_report_xlsx.py --database-url postgres://.../gen5000 \
        [--large-database-url postgres://.../gen50000]

For each report, over the generated ICS as its lead, it prints wall / CPU seconds for:

- build: the builder, as the worker runs it;
- write anchors, on the same document: openpyxl's normal mode (a cell object for every
  value, the first writer), and a bare write-only dump of the same rows (no styles, no
  formula neutralising, no number reading: the least openpyxl can do);
- write now: `render_xlsx`, which the worker uses;
- whole: `make_report` (build, write, store), and the file read back (row count).

With --large-database-url, each report (XLSX and PDF) is then made by `make_report` in a
fresh process over each database, printing wall, CPU and the process's peak memory
(ru_maxrss) beside the same figures on the first database: memory that grows with staff
would show here. Budget: 2 s for each whole XLSX report on 5,000 staff.
CPU is printed beside wall, and the load average with each figure: the machine is shared.
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
KINDS = ("team-capability", "staff_list")


def timed(function, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("CAPMAP_DATA_DIR", "/tmp/capmap-bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "capmap.config.settings.local"
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()


def ics_and_lead():
    from capmap.capability.synthetic import largest_ics
    from capmap.organisations.models import Membership

    ics = largest_ics()
    lead = Membership.objects.filter(organisation=ics).select_related("user").first().user
    return ics, lead


def write_normal_mode(sheets) -> bytes:
    """The first writer: openpyxl's normal mode, a cell object for every value."""
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


def write_bare(sheets) -> bytes:
    """The least openpyxl does with these rows: write-only, no styles, values as they are."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for number, spec in enumerate(sheets):
        sheet = workbook.create_sheet(f"Sheet{number}")
        for table in spec.tables:
            sheet.append([table.caption])
            sheet.append(list(table.head))
            for row in table.rows:
                sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def compare_writers(lead, ics) -> None:
    from openpyxl import load_workbook

    from capmap.reports.models import ReportRequest
    from capmap.reports.registry import BuildContext, get_kind
    from capmap.reports.rendering import render_xlsx, xlsx_sheets
    from capmap.reports.services import make_report

    for kind in KINDS:
        context = BuildContext(lead, ics, {}, lambda percent, message: None)
        document, wall, cpu = timed(get_kind(kind).build, context)
        print(f"{kind:<16} build            {wall:6.2f} / {cpu:5.2f}   {load()}")
        sheets = xlsx_sheets(document)
        for name, writer in (("normal mode", write_normal_mode), ("bare dump", write_bare)):
            _, wall, cpu = timed(writer, sheets)
            print(f"{kind:<16} write {name:<11}{wall:6.2f} / {cpu:5.2f}   (anchor) {load()}")
        content, wall, cpu = timed(render_xlsx, document)
        print(
            f"{kind:<16} write now        {wall:6.2f} / {cpu:5.2f}   "
            f"({len(content) / 1024:.0f} KiB) {load()}"
        )
        request = ReportRequest.objects.create(
            kind=kind, format="xlsx", requested_by=lead, organisation=ics
        )
        report, wall, cpu = timed(lambda pk=request.pk: make_report(report_id=pk))
        with report.file.open("rb") as handle:
            workbook = load_workbook(handle, read_only=True)
            rows = sum(1 for sheet in workbook for _ in sheet.iter_rows(values_only=True))
        print(
            f"{kind:<16} whole report now {wall:6.2f} / {cpu:5.2f}   "
            f"({rows} rows read back; budget 2 s) {load()}"
        )


def one_report(kind: str, fmt: str) -> None:
    """Child process: make one report as a worker does; print its figures as JSON."""
    from capmap.people.models import Person
    from capmap.reports.models import ReportRequest
    from capmap.reports.rendering import render_xlsx
    from capmap.reports.services import make_report
    from capmap.reports.tablepdf import render

    ics, lead = ics_and_lead()
    staff = Person.objects.filter(employer__path__startswith=ics.path).count()
    # A worker has its libraries loaded before its first report: so has this process.
    from django.utils import timezone

    from capmap.reports.registry import ReportDocument

    tiny = ReportDocument("Warm-up", ics, timezone.now())
    render(tiny)
    render_xlsx(tiny)
    before = peak_mb()
    request = ReportRequest.objects.create(
        kind=kind, format=fmt, requested_by=lead, organisation=ics
    )
    report, wall, cpu = timed(lambda: make_report(report_id=request.pk))
    print(
        json.dumps(
            {
                "staff": staff,
                "wall": wall,
                "cpu": cpu,
                "before_mb": before,
                "peak_mb": peak_mb(),
                "kib": report.file.size / 1024,
                "status": report.status,
                "load": os.getloadavg()[0],
            }
        )
    )


def compare_sizes(urls: list[str]) -> None:
    print("whole reports, each in a fresh process: wall / CPU s, peak memory (MB)")
    for kind in KINDS:
        for fmt in ("xlsx", "pdf"):
            for url in urls:
                command = [sys.executable, __file__, "--database-url", url, "--one", kind, fmt]
                out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
                f = json.loads(out.strip().splitlines()[-1])
                print(
                    f"{kind:<16} {fmt:<4} {f['staff']:>6} staff {f['wall']:7.2f} / "
                    f"{f['cpu']:6.2f}  peak {f['peak_mb']:5.0f} MB (after warm-up "
                    f"{f['before_mb']:4.0f}), {f['kib']:6.0f} KiB {f['status']}  "
                    f"load {f['load']:.1f}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--large-database-url", default="")
    parser.add_argument("--one", nargs=2, metavar=("KIND", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup(args.database_url)
    if args.one:
        one_report(*args.one)
        return
    ics, lead = ics_and_lead()
    print(f"ICS {ics.name!r}; figures in seconds, wall / CPU")
    compare_writers(lead, ics)
    if args.large_database_url:
        compare_sizes([args.database_url, args.large_database_url])


if __name__ == "__main__":
    main()
