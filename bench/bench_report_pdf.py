"""Team-capability and staff-list reports on a generated workforce: PDF before and after
(issue 15), and the whole report as a worker makes it, PDF and XLSX.

    DATABASE_URL=sqlite:////tmp/gen5000.sqlite3 capmap migrate
    DATABASE_URL=sqlite:////tmp/gen5000.sqlite3 capmap generate --staff 5000 --seed 1
    python bench/bench_report_pdf.py --database-url sqlite:////tmp/gen5000.sqlite3

For each report, over the generated ICS as its lead, it prints wall and CPU seconds for:

- build: the builder (the capability read side, scoped to the lead);
- pdf before: WeasyPrint on the document (what every PDF used; `--no-before` skips it,
  it takes minutes);
- pdf now: tablepdf (ReportLab's canvas) on the same document, with its page count and size;
- whole pdf / whole xlsx: `make_report`, as a worker runs it (build, render, store).

`--repeat N` then draws a document of N times the rows (the 5,000-person tables repeated)
with tablepdf and prints the time and the process's peak memory: a 50,000-person report
without a 50,000-person database. Budgets: PDF 5 s, XLSX 2 s on 5,000 staff. CPU seconds
are printed beside wall seconds because the machine is shared.
"""

import argparse
import io
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def timed(function, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--kinds", default="team-capability,staff_list")
    parser.add_argument("--no-before", action="store_true", help="Skip WeasyPrint.")
    parser.add_argument("--repeat", type=int, default=0, help="Also draw N x the rows.")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("CAPMAP_DATA_DIR", "/tmp/capmap-bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "capmap.config.settings.local"
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.utils import timezone
    from pypdf import PdfReader

    from capmap.capability.synthetic import largest_ics
    from capmap.organisations.models import Membership
    from capmap.reports import rendering, tablepdf
    from capmap.reports.models import ReportRequest
    from capmap.reports.registry import BuildContext, ReportDocument, Section, get_kind
    from capmap.reports.services import make_report

    ics = largest_ics()
    lead = Membership.objects.filter(organisation=ics).select_related("user").first().user
    print(f"ICS {ics.name!r}; seconds wall / CPU; load {os.getloadavg()[0]:.2f}")
    # A worker imports its libraries once: warm them up outside the timings.
    tiny = ReportDocument("Warm-up", ics, timezone.now())
    tablepdf.render(tiny)
    if not args.no_before:
        rendering.render_pdf_weasyprint(tiny)

    documents = {}
    for kind in args.kinds.split(","):
        context = BuildContext(lead, ics, {}, lambda percent, message: None)
        document, wall, cpu = timed(get_kind(kind).build, context)
        documents[kind] = document
        rows = rendering.table_rows(document)
        print(f"{kind:<16} build           {wall:7.2f} / {cpu:6.2f}   ({rows} table rows)")
        if not args.no_before:
            content, wall, cpu = timed(rendering.render_pdf_weasyprint, document)
            pages = len(PdfReader(io.BytesIO(content)).pages)
            print(
                f"{kind:<16} pdf before      {wall:7.2f} / {cpu:6.2f}   "
                f"({pages} pages, {len(content) / 1024:.0f} KiB, WeasyPrint)"
            )
        content, wall, cpu = timed(tablepdf.render, document)
        pages = len(PdfReader(io.BytesIO(content)).pages)
        print(
            f"{kind:<16} pdf now         {wall:7.2f} / {cpu:6.2f}   "
            f"({pages} pages, {len(content) / 1024:.0f} KiB, tablepdf)"
        )
        for fmt, budget in (("pdf", 5), ("xlsx", 2)):
            request = ReportRequest.objects.create(
                kind=kind, format=fmt, requested_by=lead, organisation=ics
            )
            report, wall, cpu = timed(lambda pk=request.pk: make_report(report_id=pk))
            size = report.file.size / 1024 if report and report.file else 0
            print(
                f"{kind:<16} whole {fmt:<5}     {wall:7.2f} / {cpu:6.2f}   "
                f"({size:.0f} KiB, {report.status})  budget {budget} s"
            )
    print(f"peak memory so far {peak_mb():.0f} MB")
    if args.repeat:
        for kind, document in documents.items():
            big = ReportDocument(
                document.title,
                document.organisation,
                document.generated_at,
                document.subtitle,
                [
                    Section(
                        s.heading,
                        s.paragraphs,
                        s.figures,
                        [type(t)(t.caption, t.head, t.rows * args.repeat) for t in s.tables],
                        s.charts,
                    )
                    for s in document.sections
                ],
            )
            content, wall, cpu = timed(tablepdf.render, big)
            print(
                f"{kind:<16} pdf x{args.repeat:<3} now    {wall:7.2f} / {cpu:6.2f}   "
                f"({rendering.table_rows(big)} rows, {len(content) / 1024 / 1024:.1f} MiB; "
                f"peak memory {peak_mb():.0f} MB)"
            )


if __name__ == "__main__":
    main()
