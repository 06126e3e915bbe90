"""`capmap generate --like-icb CODE`: a synthetic workforce shaped like a real ICB's.

The organisations are real: the ICB, its PCNs and practices come from the practice
registration map through the ODS importer (`organisations.services.import_organisations`,
the one importer; a second run changes nothing). The people are invented: one per staff
record of NHS England's PCN workforce file for that ICB, with the job role that
`pcn_workforce.ROLE_MAP` gives the record's role and the record's FTE, employed by the
record's PCN. Roles the map does not name, and PCNs the registration map does not list,
are left out and counted. Then, as `synthetic.generate_workforce` does: a smaller
generated framework, role profiles for the roles found, three assessment cycles of
verified levels (the starter library's profiles too, so the care pathways have capable
people) and some evidence. Bulk inserts; no audit entries for generated people.

An ICB that already has staff is refused: generating twice would double its workforce.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from capmap.accounts.models import User
from capmap.assessments.models import AssessmentCycle
from capmap.core.actors import SYSTEM
from capmap.core.exceptions import DomainError
from capmap.frameworks.library import load_starter_library
from capmap.organisations import services as organisation_services
from capmap.organisations.models import Membership, Organisation, OrganisationKind, Role
from capmap.people.models import JobRole, Person

from .pcn_workforce import (
    ALL_ICBS,
    MAX_FTE,
    MIN_FTE,
    MappedWorkforce,
    person_fte,
    read_pcn_workforce,
)
from .synthetic import (
    BATCH,
    CYCLES,
    EMAIL_DOMAIN,
    _evidence,
    _framework,
    _history,
    _requirements,
    _role_profiles,
    invented_person,
)

# 11 domains of 4: about 44 generated competencies a person on top of the starter library,
# so the whole of England (some 40,000 records) builds in minutes.
PER_DOMAIN = 4


@dataclass
class BuiltIcb:
    counts: dict[str, int] = field(default_factory=dict)
    unmapped_roles: Counter = field(default_factory=Counter)
    pcns_not_in_map: Counter = field(default_factory=Counter)  # PCN code -> records left out
    fte_clamped: int = 0
    leads: list[str] = field(default_factory=list)
    seconds: float = 0.0
    icbs: list[Organisation] = field(default_factory=list)


def _map_rows(name: str, content: bytes, icb_codes: set[str] | None) -> bytes:
    """The registration map's rows of these ICBs (None: all), as a CSV in the same layout."""
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            inside = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if len(inside) != 1:
                raise DomainError(f"{name} must hold one CSV file, the practice mapping file.")
            content = archive.read(inside[0])
    text = content.decode("utf-8-sig")
    if icb_codes is None:
        return text.encode()
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    try:
        at = [cell.strip().upper() for cell in header].index("ICB_CODE")
    except ValueError:
        raise DomainError(
            f"{name} has no ICB_CODE column: is it the practice mapping file?"
        ) from None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(
        row for row in reader if len(row) > at and row[at].strip().upper() in icb_codes
    )
    return out.getvalue().encode()


def _refuse_when_staffed(icbs: list[Organisation]) -> None:
    for icb in icbs:
        if Person.objects.filter(employer__path__startswith=icb.path).exists():
            raise DomainError(
                f"{icb.name} ({icb.ods_code}) already has staff in Capmap: a generated "
                "workforce is added once only. Use a fresh database to generate it again."
            )


def _people(rng, workforce: MappedWorkforce, roles, pcns: dict[str, Organisation], built):
    people = []
    for n, (record, slug, stage) in enumerate(workforce.mapped):
        pcn = pcns.get(record.pcn_code)
        if pcn is None:
            built.pcns_not_in_map[record.pcn_code] += 1
            continue
        fte = person_fte(record.fte)
        built.fte_clamped += not MIN_FTE <= record.fte <= MAX_FTE
        people.append(
            invented_person(
                rng,
                n,
                email_tag=record.pcn_code,
                job_role=roles[slug],
                stage=stage,
                employer=pcn,
                fte=fte,
            )
        )
    return Person.objects.bulk_create(people, batch_size=BATCH)


def _users(seed: int, icbs: list[Organisation], pcns: list[Organisation], built: BuiltIcb):
    """A lead for each ICB; a manager and a supervisor for each PCN."""
    password = make_password(None)
    rows, memberships = [], []
    for icb in icbs:
        rows.append(User(email=f"ics.lead.{icb.ods_code}.{seed}@{EMAIL_DOMAIN}".lower()))
    for pcn in pcns:
        for role in ("manager", "supervisor"):
            rows.append(User(email=f"{role}.{pcn.ods_code}.{seed}@{EMAIL_DOMAIN}".lower()))
    for user in rows:
        user.password = password
    users = User.objects.bulk_create(rows, batch_size=BATCH)
    leads, rest = users[: len(icbs)], users[len(icbs) :]
    for icb, lead in zip(icbs, leads, strict=True):
        memberships.append(Membership(user=lead, organisation=icb, role=Role.MANAGER))
        built.leads.append(lead.email)
    managers, supervisors = {}, {}
    for i, pcn in enumerate(pcns):
        managers[pcn.pk], supervisors[pcn.pk] = rest[2 * i], rest[2 * i + 1]
        memberships.append(Membership(user=rest[2 * i], organisation=pcn, role=Role.MANAGER))
        memberships.append(Membership(user=rest[2 * i + 1], organisation=pcn, role=Role.SUPERVISOR))
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    return managers, supervisors


@transaction.atomic
def generate_like_icb(
    *,
    icb: str,
    seed: int,
    workforce_file: tuple[str, bytes],
    map_file: tuple[str, bytes],
    progress: Callable[[str], None] = lambda _: None,
) -> BuiltIcb:
    """Build the workforce of one ICB (its ODS code), or of England (`ENGLAND` or `ALL`)."""
    started = time.perf_counter()
    code = icb.strip().upper()
    try:
        workforce = read_pcn_workforce(*workforce_file, code)
    except ValueError as error:
        raise DomainError(str(error)) from None
    if not workforce.mapped and not workforce.unmapped:
        raise DomainError(f"The PCN workforce file has no staff records for the ICB {code}.")
    built = BuiltIcb(unmapped_roles=workforce.unmapped)
    everyone = code in ALL_ICBS
    plan = organisation_services.import_organisations(
        actor=SYSTEM,
        files=[
            (
                "gp-reg-pat-prac-map.csv",
                _map_rows(map_file[0], map_file[1], None if everyone else workforce.icb_codes),
            )
        ],
    )
    progress(
        f"Organisations from {map_file[0]}: {len(plan.to_create)} added, "
        f"{len(plan.to_update)} updated, {len(plan.unchanged)} unchanged"
    )
    icbs = list(
        Organisation.objects.filter(
            kind=OrganisationKind.ICS, ods_code__in=sorted(workforce.icb_codes)
        ).order_by("ods_code")
    )
    if not icbs:
        raise DomainError(f"The practice registration map lists no practices of the ICB {code}.")
    _refuse_when_staffed(icbs)
    load_starter_library()
    slugs = {slug for _, slug, _ in workforce.mapped}
    roles = JobRole.objects.in_bulk(sorted(slugs), field_name="slug")
    missing = slugs - set(roles)
    if missing:
        raise DomainError(f"These starter job roles are missing: {', '.join(sorted(missing))}.")
    pcn_codes = sorted({record.pcn_code for record, _, _ in workforce.mapped})
    pcns = {
        org.ods_code: org
        for start in range(0, len(pcn_codes), 500)
        for org in Organisation.objects.filter(
            kind=OrganisationKind.PCN, ods_code__in=pcn_codes[start : start + 500]
        )
        if any(org.path.startswith(icb.path) for icb in icbs)
    }
    rng = random.Random(f"{code}:{seed}")
    people = _people(rng, workforce, roles, pcns, built)
    progress(f"Staff: {len(people)} on {len(pcns)} PCNs")
    framework_slug = f"synthetic-like-{code.lower()}-{seed}"
    competencies = _framework(
        rng,
        seed,
        slug=framework_slug,
        title=f"Synthetic core capabilities ({code}, seed {seed})",
        per_domain=PER_DOMAIN,
    )
    stages = sorted({(slug, stage) for _, slug, stage in workforce.mapped})
    profiles = _role_profiles(rng, competencies, roles, stages)
    staffed = sorted({p.employer_id for p in people})
    by_pk = {org.pk: org for org in pcns.values()}
    staffed_pcns = [by_pk[pk] for pk in staffed]
    managers, supervisors = _users(seed, icbs, staffed_pcns, built)
    AssessmentCycle.objects.bulk_create(
        [
            AssessmentCycle(
                organisation=pcn,
                title=title,
                opens_on=when.date(),
                closes_on=when.date() + datetime.timedelta(days=42),
                opened_by=managers[pcn.pk],
            )
            for pcn in staffed_pcns
            for title, when in CYCLES
        ],
        batch_size=BATCH,
    )
    requirements = _requirements(only_synthetic=framework_slug)
    events, current = _history(
        rng, people, requirements, lambda person: supervisors[person.employer_id].pk
    )
    progress(f"Capability history: {events} events, {current} current levels")
    evidence = _evidence(rng, people, requirements)
    built.icbs = icbs
    built.counts = {
        "ICBs": len(icbs),
        "PCNs with staff": len(staffed_pcns),
        "staff": len(people),
        "staff records left out (role not mapped)": sum(workforce.unmapped.values()),
        "staff records left out (PCN not in the registration map)": sum(
            built.pcns_not_in_map.values()
        ),
        "competencies (generated)": len(competencies),
        "role profiles (generated)": profiles,
        "assessment cycles": 3 * len(staffed_pcns),
        "capability events": events,
        "current capabilities": current,
        "evidence items": evidence,
    }
    built.seconds = time.perf_counter() - started
    return built
