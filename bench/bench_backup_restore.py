"""Measure `capmap backup` and `capmap restore` at two sizes, beside the database's own dump.

    .venv/bin/python bench/bench_backup_restore.py --kind postgres --staff 1000 5000
    .venv/bin/python bench/bench_backup_restore.py --kind sqlite --staff 1000 5000 --across

For each size it builds a scratch source (migrate, `generate --staff N --seed 1`, then one
evidence file for every 25 staff, added through the portfolio's `add_evidence` so the backup
carries files), or reuses the one an earlier `--keep` run left. Then, each command in its
own process under /usr/bin/time:

    backup   the source                      -> first.tar.gz
    restore  first.tar.gz into a new migrated database of the same kind, new file store
    backup   the restored database           -> second.tar.gz

and checks the two archives hold identical records (every line, sorted) and identical file
lists. `--across` also restores into a database of the other kind. The anchor is the
database's own tools on the same source: `pg_dump -Fc` and `pg_restore` into an empty
database (PostgreSQL), `sqlite3 .dump` piped into a new file (SQLite).

Prints wall and CPU seconds, peak RSS and archive size, each line with the load average
(the machine is shared). Scratch databases are named capmap_bench_backup_<kind>_...
(--prefix), and are dropped at the end unless --keep. No assertion on time. Records that
differ only in the order of keys inside a JSON value (a SQLite backup restored into
PostgreSQL, whose jsonb orders keys its own way) are reported as such.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CAPMAP = [sys.executable, "-m", "capmap.cli"]
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
SCRATCH = "capmap_bench_backup"
STAFF_PER_FILE = 25


@dataclass
class Place:
    """A database and the folder its stored files live in (a machine, as far as Capmap sees)."""

    kind: str
    name: str
    data_dir: Path

    @property
    def url(self) -> str:
        if self.kind == "postgres":
            return POSTGRES + self.name
        return f"sqlite:///{self.data_dir / 'capmap.sqlite3'}"

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.url, "CAPMAP_DATA_DIR": str(self.data_dir)}


@dataclass
class Measured:
    wall: float
    cpu: float
    peak_mb: float

    def __str__(self) -> str:
        return f"wall {self.wall:6.1f} s  CPU {self.cpu:6.1f} s  peak RSS {self.peak_mb:6.0f} MB"


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run one command under /usr/bin/time: wall, user + system CPU, peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        fmt = "%e %U %S %M"
        result = subprocess.run(
            ["/usr/bin/time", "-f", fmt, "-o", report.name, *command],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
        wall, user, system, peak_kb = report.read().split()[-4:]
    return Measured(float(wall), float(user) + float(system), int(peak_kb) / 1024)


def postgres_admin(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)


def postgres_has(name: str) -> bool:
    query = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", query],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip() == "1"


def new_place(kind: str, name: str, base: Path) -> Place:
    """An empty database and an empty file store."""
    place = Place(kind, name, base / name)
    shutil.rmtree(place.data_dir, ignore_errors=True)
    place.data_dir.mkdir(parents=True)
    if kind == "postgres":
        postgres_admin(f"DROP DATABASE IF EXISTS {name}")
        postgres_admin(f"CREATE DATABASE {name}")
    return place


def drop(place: Place) -> None:
    if place.kind == "postgres":
        postgres_admin(f"DROP DATABASE IF EXISTS {place.name}")
    shutil.rmtree(place.data_dir, ignore_errors=True)


def migrated(place: Place) -> Place:
    subprocess.run([*CAPMAP, "migrate", "-v0"], env=place.env, cwd=ROOT, check=True)
    return place


def source_for(prefix: str, kind: str, staff: int, base: Path) -> Place:
    """The generated source of this size: reused when a --keep run left it complete."""
    name = f"{prefix}_{kind}_{staff}"
    place = Place(kind, name, base / name)
    done = place.data_dir / "built"
    if done.exists() and (kind != "postgres" or postgres_has(name)):
        print(f"Reusing {name} ({staff:,} staff)")
        return place
    place = migrated(new_place(kind, name, base))
    made = timed([*CAPMAP, "generate", "--staff", str(staff), "--seed", "1"], place.env)
    print(f"Built {name}: generate {made}  {load()}")
    files = staff // STAFF_PER_FILE
    subprocess.run(
        [sys.executable, __file__, "--add-evidence", str(files)],
        env=place.env,
        cwd=ROOT,
        check=True,
    )
    done.write_text("ok")
    return place


def add_evidence(count: int) -> None:
    """Give `count` people one evidence file each, through the service people use."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capmap.config.settings.local")
    import datetime

    import django

    django.setup()
    from capmap.accounts.models import User
    from capmap.frameworks.models import Competency
    from capmap.people.models import Person
    from capmap.portfolio.services import add_evidence as add

    rng = random.Random(1)
    competency = Competency.objects.order_by("pk").first()
    # Generated staff have no sign-ins: the ICS lead adds evidence for them.
    lead = User.objects.get(email="ics.lead.1@synthetic.capmap.uk")
    people = Person.objects.order_by("pk")[:count]
    for n, person in enumerate(people):
        # Incompressible bytes of varied size, so the archive carries what real scans would.
        body = rng.randbytes(rng.randint(20_000, 200_000))
        add(
            actor=lead,
            person=person,
            kind="certificate",
            title=f"Certificate {n}",
            occurred_on=datetime.date(2026, 11, 1),
            competencies=[competency],
            file_content=b"%PDF-1.4\n" + body,
            file_name=f"certificate-{n}.pdf",
        )


def sorted_member(archive: Path, member: str, out: Path) -> Path:
    """One member of a backup, its lines sorted bytewise (on disk: the records are large)."""
    with tarfile.open(archive) as tar:
        data = tar.extractfile("capmap-backup/" + member)
        assert data is not None
        with out.open("wb") as raw:
            shutil.copyfileobj(data, raw, 1024 * 1024)
    env = {**os.environ, "LC_ALL": "C"}
    subprocess.run(["sort", "-o", str(out), str(out)], env=env, check=True)
    return out


def same_once_keys_sorted(differ: list[bytes]) -> bool:
    """`comm -3` lines (the second file's start with a tab) hold the same records once every
    JSON object's keys are sorted."""

    def canonical(lines: list[bytes]) -> list[str]:
        return sorted(json.dumps(json.loads(line), sort_keys=True) for line in lines)

    first = [line for line in differ if not line.startswith(b"\t")]
    second = [line[1:] for line in differ if line.startswith(b"\t")]
    return canonical(first) == canonical(second)


def compare(first: Path, second: Path, work: Path) -> str:
    """'identical' or how many record lines differ (and the first few)."""
    verdicts = []
    for member in ("records.jsonl", "files.jsonl"):
        a = sorted_member(first, member, work / f"a-{member}")
        b = sorted_member(second, member, work / f"b-{member}")
        lines = sum(1 for _ in a.open("rb"))
        differ = subprocess.run(
            ["comm", "-3", str(a), str(b)], capture_output=True, env={"LC_ALL": "C"}
        ).stdout.splitlines()
        if not differ:
            verdicts.append(f"{member}: {lines:,} lines identical")
        elif same_once_keys_sorted(differ):
            verdicts.append(
                f"{member}: {lines:,} lines identical but for the order of keys inside "
                f"{len(differ) // 2} JSON values (PostgreSQL's jsonb keeps its own order)"
            )
        else:
            sample = "\n      ".join(line.decode()[:200] for line in differ[:4])
            verdicts.append(
                f"{member}: {len(differ)} of {lines:,} lines DIFFER, e.g.\n      {sample}"
            )
        a.unlink()
        b.unlink()
    return "; ".join(verdicts)


def anchor(source: Place, base: Path, work: Path) -> None:
    target = new_place(source.kind, source.name + "_anchor", base)
    if source.kind == "postgres":
        dump = work / "anchor.pgdump"
        out = timed(
            ["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "-Fc", "-f", str(dump), source.name]
        )
        print(f"  anchor pg_dump -Fc         {out}  {dump.stat().st_size / 1e6:7.1f} MB  {load()}")
        back = timed(
            ["pg_restore", "-h", "127.0.0.1", "-U", "postgres", "-d", target.name, str(dump)]
        )
        print(f"  anchor pg_restore          {back}  {load()}")
        dump.unlink()
    else:
        db = source.data_dir / "capmap.sqlite3"
        copy = target.data_dir / "capmap.sqlite3"
        out = timed(["bash", "-c", f"sqlite3 {db} .dump | sqlite3 {copy}"])
        print(f"  anchor sqlite3 .dump|load  {out}  {copy.stat().st_size / 1e6:7.1f} MB  {load()}")
    drop(target)


def round_trip(source: Place, target_kind: str, base: Path, work: Path) -> None:
    first, second = work / "first.tar.gz", work / "second.tar.gz"
    if not first.exists():
        made = timed([*CAPMAP, "backup", str(first)], source.env)
        print(
            f"  backup                     {made}  {first.stat().st_size / 1e6:7.1f} MB  {load()}"
        )
    target = migrated(new_place(target_kind, f"{source.name}_to_{target_kind}", base))
    back = timed([*CAPMAP, "restore", str(first)], target.env)
    print(f"  restore into {target_kind:<13} {back}  {load()}")
    again = timed([*CAPMAP, "backup", str(second)], target.env)
    print(f"  backup of the restored     {again}  {second.stat().st_size / 1e6:7.1f} MB")
    print(f"  backup -> restore -> backup: {compare(first, second, work)}")
    second.unlink()
    drop(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kind", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--staff", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--across", action="store_true", help="also restore into the other kind")
    parser.add_argument("--keep", action="store_true", help="keep the generated sources")
    parser.add_argument("--prefix", default=SCRATCH, help="scratch databases' names start so")
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()) / SCRATCH)
    parser.add_argument("--add-evidence", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.add_evidence is not None:
        add_evidence(args.add_evidence)
        return
    other = {"postgres": "sqlite", "sqlite": "postgres"}[args.kind]
    sources = []
    for staff in args.staff:
        source = source_for(args.prefix, args.kind, staff, args.scratch)
        sources.append(source)
        print(f"\n{staff:,} staff on {args.kind}  ({load()})")
        with tempfile.TemporaryDirectory(dir=args.scratch) as folder:
            work = Path(folder)
            anchor(source, args.scratch, work)
            round_trip(source, args.kind, args.scratch, work)
            if args.across:
                round_trip(source, other, args.scratch, work)
    if not args.keep:
        for source in sources:
            drop(source)


if __name__ == "__main__":
    main()
