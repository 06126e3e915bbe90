"""Time the capability pages on a generated 5,000-staff ICS, next to hand-written SQL.

    .venv/bin/python bench/bench_capability.py [--staff 5000] [--seed 1] [--repeat 7]

Builds the synthetic ICS (`capmap generate`) once per database and reuses it: SQLite in
data/bench-capability-<staff>-<seed>.sqlite3, and PostgreSQL too when DATABASE_URL points
to one. Then, for a PCN of about 50 staff (as its manager) and for the whole ICS (as its
lead), prints the median time of the selector, of the whole page (through Django's test
client: middleware, session, template), and of one hand-written SQL query computing the
same numbers, with the ratios selector / SQL (goal: at most 1.5x) and page / SQL. The
training-needs SQL aggregates first (people per job role and stage, holders per level),
as the best hand-written query would; the previous join-first query is timed beside it.
capmap/capability/tests/test_selectors_match_sql.py checks that the selectors and these
queries give the same answer. Goals: heatmap of 50 people <= 150 ms, ICS-wide training
needs analysis <= 1 s. Then each persona's home page (ICS programme lead, ICS admin, the
PCN's manager): its role and pathway lines (selectors), the whole page and its queries,
beside the aggregate-first training-needs SQL over the same organisation, and its role
lines alone (selectors.role_coverage) beside one aggregate-first SQL query giving the same
lines (goal: at most 1.5x). No assertion on time.

    DATABASE_URL=... .venv/bin/python bench/bench_capability.py --icb Z9B2Z

times the same pages on an ICB already built in DATABASE_URL by `capmap generate
--like-icb` (issue 13: the budgets hold on the largest ICB), instead of the synthetic ICS.

    DATABASE_URL=... .venv/bin/python bench/bench_capability.py --one --staff 100000

times them on a synthetic ICS already generated in DATABASE_URL (for instance the region
of 100,000 staff that `bench/bench_generate.py --keep` leaves; issue 15's budgets there:
heatmap <= 150 ms, ICS-wide training needs <= 2 s), and only there.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEATMAP_SQL = """
SELECT p.id, rr.competency_id, rr.level, cc.level
FROM people_person p
JOIN organisations_organisation o ON o.id = p.employer_id
JOIN frameworks_roleprofile rp ON rp.job_role_id = p.job_role_id AND rp.stage = p.stage
JOIN frameworks_frameworkversion v ON v.id = rp.version_id AND v.status = 'published'
JOIN frameworks_rolerequirement rr ON rr.profile_id = rp.id
LEFT JOIN assessments_currentcapability cc
  ON cc.person_id = p.id AND cc.competency_id = rr.competency_id
WHERE o.path LIKE %s AND (p.end_date IS NULL OR p.end_date >= %s) AND rp.owner_id IS NULL
"""

# Aggregate first: count the staff of each job role and stage, and the holders of each
# verified level in each of those groups, then join those few hundred counts to the
# requirements. Nothing is joined per person. A group's shortfall in a competency
# follows from its counts: those not holding the level (people with nothing verified
# count as level 0) are short, each by the required level less what they hold.
# The organisation's staff in post and how many share each job role and stage. NOT
# MATERIALIZED: PostgreSQL otherwise computes `staff` once (it is read twice) and plans
# the join of 12 million current levels on it blind, guessing 32 million rows and 9
# million groups: a sort on disk and 50.6 s at 100,000 staff. Inlined, the planner sees
# the people table and hashes: the same plan as the selector's (12.6 s against 50.6 s
# under the same load).
STAFF_AND_GROUPS_CTES = """
staff AS NOT MATERIALIZED (
  SELECT p.id, p.job_role_id, p.stage
  FROM people_person p
  JOIN organisations_organisation o ON o.id = p.employer_id
  WHERE o.path LIKE %s AND (p.end_date IS NULL OR p.end_date >= %s)
),
grp AS (
  SELECT job_role_id, stage, COUNT(*) AS n FROM staff GROUP BY job_role_id, stage
),
"""


# Holders per level of each competency, and per requirement how many meet it and the
# levels of those below: the aggregate-first core that training needs and role lines share.
HELD_AND_MET_CTES = """
held AS (
  SELECT s.job_role_id, s.stage, cc.competency_id, cc.level, COUNT(*) AS n
  FROM staff s JOIN assessments_currentcapability cc ON cc.person_id = s.id
  GROUP BY s.job_role_id, s.stage, cc.competency_id, cc.level
),
met AS (
  SELECT r.job_role_id, r.stage, r.competency_id,
         SUM(CASE WHEN h.level >= r.level THEN h.n ELSE 0 END) AS meeting,
         SUM(CASE WHEN h.level < r.level THEN h.n * h.level ELSE 0 END) AS below_levels
  FROM req r
  JOIN held h ON h.job_role_id = r.job_role_id AND h.stage = r.stage
             AND h.competency_id = r.competency_id
  GROUP BY r.job_role_id, r.stage, r.competency_id
)
"""


TNA_SQL = f"""
WITH {STAFF_AND_GROUPS_CTES.strip()}
req AS (
  SELECT rp.job_role_id, rp.stage, rr.competency_id, rr.level, rr.requirement
  FROM frameworks_roleprofile rp
  JOIN frameworks_frameworkversion v ON v.id = rp.version_id AND v.status = 'published'
  JOIN frameworks_rolerequirement rr ON rr.profile_id = rp.id
  WHERE rp.owner_id IS NULL
),
{HELD_AND_MET_CTES.strip()}
SELECT r.competency_id,
       SUM(g.n) AS people_required,
       SUM(g.n - COALESCE(m.meeting, 0)) AS people_short,
       SUM((g.n - COALESCE(m.meeting, 0)) * r.level - COALESCE(m.below_levels, 0))
         AS levels_short,
       MAX(CASE WHEN r.requirement = 'essential' THEN 1 ELSE 0 END) AS essential
FROM grp g
JOIN req r ON r.job_role_id = g.job_role_id AND r.stage = g.stage
LEFT JOIN met m ON m.job_role_id = r.job_role_id AND m.stage = r.stage
               AND m.competency_id = r.competency_id
GROUP BY r.competency_id
HAVING SUM(g.n - COALESCE(m.meeting, 0)) > 0
ORDER BY essential DESC, levels_short DESC, r.competency_id
"""

# The home page's role lines (selectors.role_coverage) in one query, aggregate first as
# TNA_SQL: per job role, its people whose role profile requires something, how many of them
# meet every essential requirement, and its biggest gap (ranked as gaps.sort_gaps: essential
# first, most levels short, most people short, then the competency) with the people short.
# Meeting every essential requirement is the one count that needs each person: it counts,
# per person, the verified levels that meet an essential requirement of their role (a
# level of 0 required is met with nothing verified, gaps.lowest_level_meeting), never a
# row per person and requirement.
ROLE_LINES_SQL = f"""
WITH {STAFF_AND_GROUPS_CTES.strip()}
req AS (
  SELECT rp.job_role_id, rp.stage, rr.competency_id, rr.level,
         CASE WHEN rr.requirement = 'essential' THEN 1 ELSE 0 END AS essential
  FROM frameworks_roleprofile rp
  JOIN frameworks_frameworkversion v ON v.id = rp.version_id AND v.status = 'published'
  JOIN frameworks_rolerequirement rr ON rr.profile_id = rp.id
  WHERE rp.owner_id IS NULL
),
essentials AS (
  SELECT job_role_id, stage, COUNT(*) AS n FROM req
  WHERE essential = 1 AND level > 0 GROUP BY job_role_id, stage
),
met_by_person AS (
  SELECT s.job_role_id, s.stage, COUNT(*) AS met
  FROM staff s
  JOIN frameworks_roleprofile rp ON rp.job_role_id = s.job_role_id AND rp.stage = s.stage
                                AND rp.owner_id IS NULL
  JOIN frameworks_frameworkversion v ON v.id = rp.version_id AND v.status = 'published'
  JOIN assessments_currentcapability cc ON cc.person_id = s.id
  JOIN frameworks_rolerequirement rr ON rr.profile_id = rp.id
                                     AND rr.competency_id = cc.competency_id
  WHERE rr.requirement = 'essential' AND rr.level > 0 AND cc.level >= rr.level
  GROUP BY s.id, s.job_role_id, s.stage
),
met_counts AS (
  SELECT job_role_id, stage, met, COUNT(*) AS n FROM met_by_person
  GROUP BY job_role_id, stage, met
),
meeting AS (
  SELECT g.job_role_id, g.stage, g.n,
         CASE WHEN e.n IS NULL THEN g.n ELSE COALESCE(mc.n, 0) END AS meeting
  FROM grp g
  LEFT JOIN essentials e ON e.job_role_id = g.job_role_id AND e.stage = g.stage
  LEFT JOIN met_counts mc ON mc.job_role_id = g.job_role_id AND mc.stage = g.stage
                         AND mc.met = e.n
  WHERE EXISTS (SELECT 1 FROM req r WHERE r.job_role_id = g.job_role_id AND r.stage = g.stage)
),
{HELD_AND_MET_CTES.strip()},
gap AS (
  SELECT r.job_role_id, r.competency_id,
         SUM(CASE WHEN r.level > 0 THEN g.n - COALESCE(m.meeting, 0) ELSE 0 END) AS short,
         SUM(CASE WHEN r.level > 0
                  THEN (g.n - COALESCE(m.meeting, 0)) * r.level - COALESCE(m.below_levels, 0)
                  ELSE 0 END) AS levels_short,
         MAX(r.essential) AS essential
  FROM grp g
  JOIN req r ON r.job_role_id = g.job_role_id AND r.stage = g.stage
  LEFT JOIN met m ON m.job_role_id = r.job_role_id AND m.stage = r.stage
                 AND m.competency_id = r.competency_id
  GROUP BY r.job_role_id, r.competency_id
),
biggest AS (
  SELECT job_role_id, competency_id, short,
         ROW_NUMBER() OVER (PARTITION BY job_role_id
                            ORDER BY essential DESC, levels_short DESC, short DESC,
                                     competency_id) AS place
  FROM gap WHERE short > 0
),
roles AS (
  SELECT job_role_id, SUM(n) AS people, SUM(meeting) AS meeting
  FROM meeting GROUP BY job_role_id
)
SELECT roles.job_role_id, roles.people, roles.meeting, b.competency_id, COALESCE(b.short, 0)
FROM roles
LEFT JOIN biggest b ON b.job_role_id = roles.job_role_id AND b.place = 1
ORDER BY roles.people DESC, roles.job_role_id
"""

# The previous baseline, kept to show the difference: it joins every person to every
# requirement (a million rows for 5,000 staff) before it aggregates.
TNA_JOIN_FIRST_SQL = """
SELECT rr.competency_id,
       COUNT(*) AS people_required,
       SUM(CASE WHEN COALESCE(cc.level, 0) < rr.level THEN 1 ELSE 0 END) AS people_short,
       SUM(CASE WHEN COALESCE(cc.level, 0) < rr.level
                THEN rr.level - COALESCE(cc.level, 0) ELSE 0 END) AS levels_short,
       MAX(CASE WHEN rr.requirement = 'essential' THEN 1 ELSE 0 END) AS essential
FROM people_person p
JOIN organisations_organisation o ON o.id = p.employer_id
JOIN frameworks_roleprofile rp ON rp.job_role_id = p.job_role_id AND rp.stage = p.stage
JOIN frameworks_frameworkversion v ON v.id = rp.version_id AND v.status = 'published'
JOIN frameworks_rolerequirement rr ON rr.profile_id = rp.id
LEFT JOIN assessments_currentcapability cc
  ON cc.person_id = p.id AND cc.competency_id = rr.competency_id
WHERE o.path LIKE %s AND (p.end_date IS NULL OR p.end_date >= %s) AND rp.owner_id IS NULL
GROUP BY rr.competency_id
HAVING SUM(CASE WHEN COALESCE(cc.level, 0) < rr.level THEN 1 ELSE 0 END) > 0
ORDER BY essential DESC, levels_short DESC
"""


def _median_ms(action, repeat: int) -> tuple[float, float]:
    """Median wall and process CPU milliseconds (CPU: this process only, so it leaves
    out a PostgreSQL server's work but steadies SQLite figures on a busy machine)."""
    action()  # warm caches and connections
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def run_one(staff: int, seed: int, repeat: int, icb: str | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capmap.config.settings.local")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from capmap.capability import selectors
    from capmap.capability.synthetic import find_generated
    from capmap.organisations.models import Membership, Organisation, Role
    from capmap.people.models import Person

    call_command("migrate", interactive=False, verbosity=0)
    ics = Organisation.objects.get(kind="ics", ods_code=icb) if icb else find_generated(seed)
    if ics is None:
        started = time.perf_counter()
        call_command("generate", staff=staff, seed=seed)
        print(f"generated in {time.perf_counter() - started:.1f} s")
        ics = find_generated(seed)
    pcns = Organisation.objects.filter(parent=ics, kind="pcn")
    sizes = {
        pcn: Person.objects.filter(employer__path__startswith=pcn.path).count() for pcn in pcns
    }
    team = min(sizes, key=lambda pcn: abs(sizes[pcn] - 50))
    manager = Membership.objects.get(organisation=team, role=Role.MANAGER).user
    lead = Membership.objects.get(organisation=ics, role=Role.MANAGER).user
    today = timezone.localdate()
    staff_total = Person.objects.filter(employer__path__startswith=ics.path).count()
    per_person = (
        Person.objects.filter(employer__path__startswith=ics.path)
        .annotate(n=Count("job_role__role_profiles__requirements"))
        .values_list("n", flat=True)
    )
    mean_competencies = statistics.mean(per_person)
    print(
        f"\n{connection.vendor}: {staff_total:,} staff, on average {mean_competencies:.0f} "
        f"required competencies each; team {team.name} of {sizes[team]} people"
    )

    def sql(query, path):
        if connection.vendor != "postgresql":
            # SQLite computes a CTE read twice once, which suits it (0.61 s of CPU against
            # 0.70 s inlined at 5,000 staff): the best query for each database.
            query = query.replace(" AS NOT MATERIALIZED (", " AS (")

        def action():
            with connection.cursor() as cursor:
                cursor.execute(query, [path + "%", today])
                return cursor.fetchall()

        return action

    def page(user, url):
        client = Client()
        client.force_login(user)

        def action():
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return action

    rows = [
        (
            "team heatmap (50 people), goal 150 ms",
            lambda: selectors.team_heatmap(manager, team),
            page(manager, reverse("capability:show_heatmap", args=[team.pk])),
            sql(HEATMAP_SQL, team.path),
        ),
        (
            "ICS-wide training needs analysis, goal 1000 ms",
            lambda: selectors.training_needs(lead, ics),
            page(lead, reverse("capability:show_training_needs", args=[ics.pk])),
            sql(TNA_SQL, ics.path),
        ),
    ]
    print(
        f"{'':48} {'selector':>10} {'page':>10} {'SQL':>10} {'sel/SQL':>8} {'page/SQL':>9}"
        "  (CPU of selector, page, SQL; selector/SQL in CPU)"
    )
    for label, selector, full_page, hand in rows:
        s, s_cpu = _median_ms(selector, repeat)
        p, p_cpu = _median_ms(full_page, repeat)
        h, h_cpu = _median_ms(hand, repeat)
        print(
            f"{label:48} {s:8.1f}ms {p:8.1f}ms {h:8.1f}ms {s / h:7.2f}x {p / h:8.1f}x"
            f"  ({s_cpu:.0f} ms, {p_cpu:.0f} ms, {h_cpu:.0f} ms; {s_cpu / max(h_cpu, 0.1):.2f}x)"
        )
    old, _ = _median_ms(sql(TNA_JOIN_FIRST_SQL, ics.path), max(1, repeat // 3))
    print(f"{'  the previous join-first training-needs SQL':48} {'':10} {'':10} {old:8.1f}ms")
    home_pages(manager, lead, team, ics, repeat, page, sql)
    cached_home_lines(manager, lead, team, ics, repeat, page)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def home_pages(manager, lead, team, ics, repeat: int, page, sql) -> None:
    """Each persona's home page, with its queries, beside the aggregate-first training-needs
    SQL over the same organisation (the home page's role lines count the same groups)."""
    from django.urls import reverse

    from capmap.accounts.models import User
    from capmap.capability import selectors
    from capmap.organisations.models import Membership, Role

    admin, _ = User.objects.get_or_create(email="bench.admin@bench.capmap.uk")
    Membership.objects.get_or_create(user=admin, organisation=ics, role=Role.ADMIN)
    print(
        f"{'home page':48} {'lines':>10} {'page':>10} {'SQL':>10} {'':8} {'page/SQL':>9}  queries"
        f"   {'roles':>10} {'role SQL':>10} {'roles/SQL':>9}"
    )
    for label, user, organisation in _home_personas(manager, lead, admin, team, ics):
        get = page(user, reverse("core:home"))
        queries = _queries_of(get)

        def home_lines(user=user, organisation=organisation):
            selectors.role_coverage(user, organisation)
            selectors.pathway_summaries(user, organisation)

        lines, _ = _median_ms(home_lines, repeat)
        p, _ = _median_ms(get, repeat)
        h, _ = _median_ms(sql(TNA_SQL, organisation.path), repeat)
        roles, _ = _median_ms(lambda u=user, o=organisation: selectors.role_coverage(u, o), repeat)
        roles_sql, _ = _median_ms(sql(ROLE_LINES_SQL, organisation.path), repeat)
        print(
            f"{label[:48]:48} {lines:8.1f}ms {p:8.1f}ms {h:8.1f}ms {'':8} {p / h:8.1f}x"
            f"  {queries:7} {roles:8.1f}ms {roles_sql:8.1f}ms {roles / roles_sql:8.2f}x"
        )


def _home_personas(manager, lead, admin, team, ics) -> list[tuple]:
    return [
        ("ICS programme lead", lead, ics),
        ("ICS admin", admin, ics),
        (f"PCN manager ({team.name})", manager, team),
    ]


def _queries_of(get) -> int:
    """How many queries one request makes."""
    from django.db import connection

    queries: list[str] = []

    def counted(run, query, *args):
        queries.append(query)
        return run(query, *args)

    with connection.execute_wrapper(counted):
        get()
    return len(queries)


def cached_home_lines(manager, lead, team, ics, repeat: int, page) -> None:
    """The home page's role and pathway lines through the cache (capability.cached): cold,
    with a new data version before each run (a write just happened), and warm; and the
    home page's queries cold and warm. The pages above were timed warm already."""
    from django.conf import settings
    from django.db import connection
    from django.urls import reverse

    from capmap.accounts.models import User
    from capmap.capability import cached, data_version

    admin = User.objects.get(email="bench.admin@bench.capmap.uk")
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(
        f"{'home lines through the cache (' + backend + ')':48} {'cold':>10} {'warm':>10}"
        f" {'cold/warm':>9}  {'queries cold':>12} {'warm':>5}"
    )
    for label, user, organisation in _home_personas(manager, lead, admin, team, ics):

        def lines(user=user, organisation=organisation):
            cached.role_coverage(user, organisation)
            cached.pathway_summaries(user, organisation)

        def cold(lines=lines):
            data_version.renew_epoch(connection)
            lines()

        cold_ms, _ = _median_ms(cold, repeat)
        warm_ms, _ = _median_ms(lines, repeat)
        get = page(user, reverse("core:home"))
        data_version.renew_epoch(connection)
        counts = [_queries_of(get), _queries_of(get)]  # cold, then warm
        print(
            f"{label[:48]:48} {cold_ms:8.1f}ms {warm_ms:8.1f}ms {cold_ms / warm_ms:8.0f}x"
            f"  {counts[0]:12} {counts[1]:5}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--icb", help="ODS code of an ICB built by generate --like-icb")
    parser.add_argument(
        "--one",
        action="store_true",
        help="time DATABASE_URL alone, on the ICS of --seed already there (else generate it)",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    # An ICB built by generate --like-icb lives only in DATABASE_URL: time it there alone.
    if args.one or args.icb:
        run_one(args.staff, args.seed, args.repeat, args.icb)
        return
    databases = [
        f"sqlite:///{ROOT / 'data' / f'bench-capability-{args.staff}-{args.seed}.sqlite3'}"
    ]
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://")):
        databases.append(given)
    for url in databases:
        command = [sys.executable, __file__, "--one", f"--staff={args.staff}"]
        command += [f"--seed={args.seed}", f"--repeat={args.repeat}"]
        subprocess.run(command, env=os.environ | {"DATABASE_URL": url}, check=True)


if __name__ == "__main__":
    main()
