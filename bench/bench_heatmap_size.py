"""Bytes of the team heatmap page for the team nearest 50 people, plain and compressed.

    DATABASE_URL=sqlite:////tmp/gen5000.sqlite3 capmap migrate
    DATABASE_URL=sqlite:////tmp/gen5000.sqlite3 capmap generate --staff 5000 --seed 1
    python bench/bench_heatmap_size.py --database-url sqlite:////tmp/gen5000.sqlite3

Prints the team, its people and columns, the page's size in bytes and KB, its size
gzipped and as Brotli (as capmap.core.compression sends it to a browser that offers it),
and the bytes a cell.
The budget (issue 15) is 100 KB of HTML for a 50-person team. It also prints the same
team with all roles at once, and the page with server-drawn cell links (no script).
"""

import argparse
import gzip
import os
import sys
import time
from pathlib import Path

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--people", type=int, default=50, help="Team size to look for.")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "capmap.config.settings.local"
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import setup_test_environment

    from capmap.core.compression import QUALITY
    from capmap.organisations.models import Membership, Organisation
    from capmap.people.models import Person

    setup_test_environment()  # lets the test client run against this database
    from capmap.capability.synthetic import largest_ics

    ics = largest_ics()
    lead = Membership.objects.filter(organisation=ics).select_related("user").first().user
    # A team is an organisation and those inside it: count each one's people by path.
    paths = [
        (row["employer__path"], row["n"])
        for row in Person.objects.values("employer__path").annotate(n=Count("pk")).order_by()
    ]
    sizes = {
        pk: sum(n for employer, n in paths if employer.startswith(path))
        for pk, path in Organisation.objects.values_list("pk", "path")
    }
    # The heatmap shows the staff in post: count those for the teams big enough.
    from capmap.capability.selectors import team_people

    in_post = {
        pk: team_people(lead, Organisation.objects.get(pk=pk)).count()
        for pk, n in sizes.items()
        if args.people <= n <= 4 * args.people
    }
    _, team_pk = min((abs(n - args.people), pk) for pk, n in in_post.items())
    team = Organisation.objects.get(pk=team_pk)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(lead)
    started = time.perf_counter()
    page = client.get(f"/capability/organisations/{team.pk}/").content
    seconds = time.perf_counter() - started
    cells = page.count(b"<td")
    if os.environ.get("HEATMAP_OUT"):
        Path(os.environ["HEATMAP_OUT"]).write_bytes(page)
    rows = page.count(b'scope="row"') - 1  # less the totals row
    print(f"team {team.name!r}: {in_post[team_pk]} staff in post, {rows} rows, {cells} cells")
    print(f"heatmap page  {len(page):>9,} bytes  {len(page) / 1000:7.1f} KB  ({seconds:.2f} s)")
    print(f"gzipped       {len(gzip.compress(page)):>9,} bytes")
    print(f"brotli        {len(brotli.compress(page, quality=QUALITY)):>9,} bytes")
    print(f"bytes a cell  {len(page) / max(cells, 1):9.1f}")
    print("budget        100 KB of HTML")
    # The same team with every role at once (the default shows the largest role only).
    page = client.get(f"/capability/organisations/{team.pk}/?show=all").content
    rows = page.count(b'scope="row"') - 1
    print(f"all roles     {len(page):>9,} bytes  {len(page) / 1000:7.1f} KB  ({rows} rows)")
    # Without script: the page with the server drawing every cell's link.
    page = client.get(f"/capability/organisations/{team.pk}/?links=cells").content
    print(f"cell links    {len(page):>9,} bytes  {len(page) / 1000:7.1f} KB  (no-script page)")


if __name__ == "__main__":
    main()
