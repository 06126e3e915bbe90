"""A synthetic but realistic integrated care system for load and benchmark work.

Organisations, staff across roles and stages, role profiles (the starter library plus a
generated framework, about 150 competencies a person), three assessment cycles of
verified levels (CapabilityEvent history and CurrentCapability) and some evidence.
Everything comes from one seeded random generator and fixed dates, so the same seed
builds the same data. Rows go in with bulk_create in batches; no audit entries are
written for generated data.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Q

from capmap.accounts.models import User
from capmap.assessments.models import AssessmentCycle, CapabilityEvent, CurrentCapability
from capmap.core.exceptions import DomainError
from capmap.frameworks.library import load_starter_library
from capmap.frameworks.models import (
    Competency,
    Domain,
    Framework,
    FrameworkVersion,
    ProficiencyLevel,
    ProficiencyScale,
    Requirement,
    RoleProfile,
    RoleRequirement,
    VersionSource,
    VersionStatus,
)
from capmap.organisations.models import Membership, Organisation, OrganisationKind, Role
from capmap.people.models import JobRole, Person
from capmap.portfolio.models import EvidenceItem, EvidenceKind

from . import data_version, held_levels
from .synthetic_load import loading_in_bulk, writing_alongside

BATCH = 2000
DOMAINS = 11
PER_DOMAIN = 12
TZ = datetime.UTC
CYCLES = [
    ("2025 spring", datetime.datetime(2025, 4, 1, 9, tzinfo=TZ)),
    ("2025 autumn", datetime.datetime(2025, 10, 1, 9, tzinfo=TZ)),
    ("2026 spring", datetime.datetime(2026, 4, 1, 9, tzinfo=TZ)),
]
EMAIL_DOMAIN = "synthetic.capmap.uk"

DOMAIN_TITLES = [
    "Person-centred care",
    "Clinical assessment",
    "Medicines and prescribing",
    "Long-term conditions",
    "Safeguarding",
    "Communication",
    "Leadership and management",
    "Education and research",
    "Quality improvement",
    "Digital and data",
    "Population health",
    "Urgent and same-day care",
]
VERBS = ["Assesses", "Manages", "Explains", "Reviews", "Plans", "Leads", "Records", "Refers"]
TOPICS = [
    "frailty",
    "asthma",
    "COPD",
    "type 2 diabetes",
    "hypertension",
    "heart failure",
    "depression",
    "chronic pain",
    "polypharmacy",
    "falls risk",
    "weight management",
    "minor illness",
    "musculoskeletal pain",
    "end of life care",
    "dementia",
    "anticoagulation",
]

# Role slug, stage, weight, where they work ("pcn", "practice" or "trust").
WORKFORCE = [
    ("clinical-pharmacist", "junior", 6, "pcn"),
    ("clinical-pharmacist", "senior", 4, "pcn"),
    ("pharmacy-technician", "", 5, "pcn"),
    ("first-contact-physiotherapist", "", 4, "pcn"),
    ("social-prescribing-link-worker", "", 4, "pcn"),
    ("care-co-ordinator", "", 5, "pcn"),
    ("paramedic", "", 3, "pcn"),
    ("physician-associate", "", 2, "pcn"),
    ("health-and-wellbeing-coach", "", 2, "pcn"),
    ("general-practitioner", "", 12, "practice"),
    ("practice-nurse", "", 10, "practice"),
    ("healthcare-assistant", "", 6, "practice"),
    ("receptionist", "", 12, "practice"),
    ("practice-administrator", "", 5, "practice"),
    ("practice-manager", "", 3, "practice"),
    ("specialist-pharmacist", "", 8, "trust"),
    ("mental-health-practitioner", "", 5, "trust"),
    ("occupational-therapist", "", 4, "trust"),
]
FIRST = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Femi",
    "Gemma",
    "Harun",
    "Isla",
    "Jonah",
    "Kiran",
    "Leah",
    "Marcus",
    "Nadia",
    "Oscar",
    "Petra",
    "Rosa",
    "Sunil",
    "Tamsin",
    "Umar",
    "Vera",
    "Wes",
    "Yasmin",
    "Zac",
    "Abena",
    "Bilal",
    "Carys",
    "Dominic",
    "Esme",
    "Fraser",
]
LAST = [
    "Ashdown",
    "Brightwell",
    "Calloway",
    "Dunmore",
    "Everton",
    "Fairlie",
    "Garside",
    "Hollins",
    "Ingleby",
    "Jessop",
    "Kettering",
    "Lambourne",
    "Marchbank",
    "Northcott",
    "Oakridge",
    "Pendry",
    "Quarrie",
    "Redfern",
    "Saltmarsh",
    "Varley",
]


@dataclass
class Built:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    ics: Organisation | None = None
    pcns: list[Organisation] = field(default_factory=list)
    managers: dict[int, User] = field(default_factory=dict)
    ics_lead: User | None = None


def ics_name(seed: int) -> str:
    return f"Synthetic ICS (seed {seed})"


def find_generated(seed: int) -> Organisation | None:
    return Organisation.objects.filter(name=ics_name(seed), kind=OrganisationKind.ICS).first()


def largest_ics() -> Organisation | None:
    """The ICS with most staff, for benches over a database that may also hold the demo."""
    return max(
        Organisation.objects.filter(kind=OrganisationKind.ICS).order_by("pk"),
        key=lambda ics: Person.objects.filter(employer__path__startswith=ics.path).count(),
        default=None,
    )


def _bulk(model, rows: list, **kwargs) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH, **kwargs)


def _organisations(rng: random.Random, seed: int, staff: int) -> tuple:
    ics = Organisation.objects.create(name=ics_name(seed), kind=OrganisationKind.ICS)
    ics.path = f"/{ics.pk}/"
    ics.save(update_fields=["path"])
    n_pcns = max(1, round(staff * 0.7 / 50))
    n_trusts = max(1, round(staff / 1250))
    trusts = _bulk(
        Organisation,
        [
            Organisation(
                name=f"Synthetic Trust {i + 1} ({seed})", kind=OrganisationKind.TRUST, parent=ics
            )
            for i in range(n_trusts)
        ],
    )
    pcns = _bulk(
        Organisation,
        [
            Organisation(
                name=f"Synthetic PCN {i + 1} ({seed})", kind=OrganisationKind.PCN, parent=ics
            )
            for i in range(n_pcns)
        ],
    )
    for org in [*trusts, *pcns]:
        org.path = f"{ics.path}{org.pk}/"
    Organisation.objects.bulk_update([*trusts, *pcns], ["path"], batch_size=BATCH)
    practices = _bulk(
        Organisation,
        [
            Organisation(
                name=f"Synthetic Surgery {p + 1}.{i + 1} ({seed})",
                kind=OrganisationKind.PRACTICE,
                parent=pcn,
                hard_to_recruit=rng.random() < 0.15,
            )
            for p, pcn in enumerate(pcns)
            for i in range(rng.randint(4, 6))
        ],
    )
    for org in practices:
        org.path = f"{org.parent.path}{org.pk}/"
    Organisation.objects.bulk_update(practices, ["path"], batch_size=BATCH)
    return ics, trusts, pcns, practices


def _framework(
    rng: random.Random, seed: int, *, slug: str = "", title: str = "", per_domain: int = PER_DOMAIN
) -> list[Competency]:
    framework = Framework.objects.create(
        slug=slug or f"synthetic-core-{seed}",
        title=title or f"Synthetic core capabilities (seed {seed})",
        description="Generated for load and benchmark work.",
    )
    version = FrameworkVersion.objects.create(
        framework=framework, number=1, source=VersionSource.AUTHORED
    )
    scale = ProficiencyScale.objects.create(version=version, title="Capability")
    _bulk(
        ProficiencyLevel,
        [
            ProficiencyLevel(scale=scale, value=v, label=label)
            for v, label in enumerate(["Aware", "Supervised", "Independent", "Expert"], start=1)
        ],
    )
    domains = _bulk(
        Domain,
        [
            Domain(version=version, order=d, code=f"S{d + 1}", title=DOMAIN_TITLES[d])
            for d in range(DOMAINS)
        ],
    )
    competencies = _bulk(
        Competency,
        [
            Competency(
                version=version,
                domain=domain,
                order=c,
                code=f"S{d + 1}.{c + 1}",
                title=f"{rng.choice(VERBS)} {rng.choice(TOPICS)} ({d + 1}.{c + 1})",
            )
            for d, domain in enumerate(domains)
            for c in range(per_domain)
        ],
    )
    FrameworkVersion.objects.filter(pk=version.pk).update(status=VersionStatus.PUBLISHED)
    return competencies


def _role_profiles(
    rng: random.Random,
    competencies: list[Competency],
    roles: dict,
    workforce: list[tuple[str, str]] | None = None,
) -> int:
    version_id = competencies[0].version_id
    created = 0
    for slug, stage in workforce or [(slug, stage) for slug, stage, _, _ in WORKFORCE]:
        profile = RoleProfile.objects.create(
            version_id=version_id, job_role=roles[slug], stage=stage
        )
        base = 3 if stage == "senior" else 2
        _bulk(
            RoleRequirement,
            [
                RoleRequirement(
                    profile=profile,
                    competency=c,
                    level=max(1, min(4, base + rng.choice([-1, 0, 0, 0, 1]))),
                    requirement=Requirement.ESSENTIAL
                    if rng.random() < 0.8
                    else Requirement.DESIRABLE,
                )
                for c in competencies
            ],
        )
        created += 1
    return created


def _users(seed: int, ics, trusts, pcns) -> tuple[User, dict[int, User], dict[int, User]]:
    """An ICS lead, a manager and a supervisor for each PCN and trust."""
    password = make_password(None)
    rows = [User(email=f"ics.lead.{seed}@{EMAIL_DOMAIN}", password=password)]
    for org in [*pcns, *trusts]:
        for role in ("manager", "supervisor"):
            rows.append(User(email=f"{role}.{org.pk}.{seed}@{EMAIL_DOMAIN}", password=password))
    users = _bulk(User, rows)
    lead, rest = users[0], users[1:]
    managers, supervisors = {}, {}
    memberships = [Membership(user=lead, organisation=ics, role=Role.MANAGER)]
    for i, org in enumerate([*pcns, *trusts]):
        managers[org.pk], supervisors[org.pk] = rest[2 * i], rest[2 * i + 1]
        memberships.append(Membership(user=rest[2 * i], organisation=org, role=Role.MANAGER))
        memberships.append(Membership(user=rest[2 * i + 1], organisation=org, role=Role.SUPERVISOR))
    _bulk(Membership, memberships)
    return lead, managers, supervisors


class Staffed(NamedTuple):
    """What the history and evidence need of a generated person: a region's 100,000 model
    instances would hold hundreds of megabytes for four numbers each."""

    pk: int
    job_role_id: int
    stage: str
    employer_id: int


def _people(rng, staff, roles, trusts, pcns, practices) -> list[Staffed]:
    weights = [w for _, _, w, _ in WORKFORCE]
    by_pcn: dict[int, list[Organisation]] = {}
    for practice in practices:
        by_pcn.setdefault(practice.parent_id, []).append(practice)
    people: list[Staffed] = []
    for start in range(0, staff, BATCH):
        batch = []
        for n in range(start, min(staff, start + BATCH)):
            slug, stage, _, where = rng.choices(WORKFORCE, weights=weights)[0]
            if where == "trust":
                employer = rng.choice(trusts)
            else:
                pcn = pcns[n % len(pcns)]
                employer = pcn if where == "pcn" else rng.choice(by_pcn[pcn.pk])
            batch.append(
                invented_person(rng, n, job_role=roles[slug], stage=stage, employer=employer)
            )
        people += [
            Staffed(p.pk, p.job_role_id, p.stage, p.employer_id) for p in _bulk(Person, batch)
        ]
    return people


def invented_person(rng: random.Random, n: int, *, email_tag: str = "", **fields) -> Person:
    """The n-th invented person (unsaved): a name drawn from the lists, numbered so it is
    unique, and a start date in the last ten years. `email_tag` keeps apart people numbered
    the same in different places."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    tag = f".{email_tag}" if email_tag else ""
    return Person(
        first_name=first,
        last_name=f"{last}-{n + 1}",
        email=f"{first}.{last}{tag}.{n + 1}@{EMAIL_DOMAIN}".lower(),
        start_date=datetime.date(2015 + rng.randint(0, 10), rng.randint(1, 12), 1),
        **fields,
    )


def _requirements(only_synthetic: str = "") -> dict[tuple[int, str], list[tuple[int, int]]]:
    """Each (job role, stage)'s required levels in the shared published profiles; with
    `only_synthetic`, of the generated frameworks only that one (by slug) counts."""
    rows = RoleRequirement.objects.filter(
        profile__version__status=VersionStatus.PUBLISHED, profile__owner__isnull=True
    )
    if only_synthetic:
        rows = rows.exclude(
            Q(profile__version__framework__slug__startswith="synthetic-")
            & ~Q(profile__version__framework__slug=only_synthetic)
        )
    rows = rows.values_list("profile__job_role_id", "profile__stage", "competency_id", "level")
    found: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for role_id, stage, competency_id, level in rows.order_by("profile_id", "competency_id"):
        found.setdefault((role_id, stage), []).append((competency_id, level))
    return found


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _reset_sequences(*models) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


EVENT_COLUMNS = ["id", "person_id", "competency_id", "level", "valid_from", "signed_by_id"]
CURRENT_COLUMNS = ["id", "person_id", "competency_id", "level", "signed_by_id", "signed_at"]
CURRENT_COLUMNS += ["event_id"]
# Rows held in memory before they are written: a region's history (tens of millions of
# rows) goes in slices, so memory stays flat however many staff.
FLUSH_ROWS = 200_000


def _history(rng, people, requirements, signer_of) -> tuple[int, int]:
    """Three cycles of verified levels: an event when a level first appears or rises."""
    # As text, which both databases read: COPY on PostgreSQL, executemany on SQLite.
    adapt = connection.ops.adapt_datetimefield_value
    spring, autumn, latest = (str(adapt(when)) for _, when in CYCLES)
    first_event = event_id = _next_id(CapabilityEvent)
    first_current = current_id = _next_id(CurrentCapability)
    events: list[tuple] = []
    current: list[tuple] = []
    # This loop draws three numbers for each of tens of millions of levels. randint(a, b)
    # and choice(seq) are a + _randbelow(b - a + 1) and seq[_randbelow(len(seq))] after
    # checks that cost more than the draw: calling _randbelow draws the very same numbers
    # (the same seed gives the same data as before) in a third of the time.
    below = rng._randbelow
    drift = [-2, -1, -1, 0, 0, 0, 0, 1]
    # Each level required of someone becomes at most one current level and a few events.
    adding = sum(len(requirements.get((p.job_role_id, p.stage), [])) for p in people)
    with (
        loading_in_bulk(CapabilityEvent, CurrentCapability, adding=adding),
        writing_alongside() as write,
    ):
        for person in people:
            signer, pk = signer_of(person), person.pk
            for competency_id, required in requirements.get((person.job_role_id, person.stage), []):
                target = max(0, min(4, required + drift[below(8)]))
                first = max(0, target - below(3))
                middle = first + below(target - first + 1)
                # Levels only rise from cycle to cycle: an event at each rise.
                if first:
                    events.append((event_id, pk, competency_id, first, spring, signer))
                    event_id += 1
                if middle > first:
                    events.append((event_id, pk, competency_id, middle, autumn, signer))
                    event_id += 1
                if target > middle:
                    events.append((event_id, pk, competency_id, target, latest, signer))
                    event_id += 1
                if target:
                    last = events[-1]
                    current.append(
                        (current_id, pk, competency_id, target, signer, last[4], last[0])
                    )
                    current_id += 1
            if len(events) >= FLUSH_ROWS:
                write(CapabilityEvent, EVENT_COLUMNS, events)
                write(CurrentCapability, CURRENT_COLUMNS, current)
                events, current = [], []
        write(CapabilityEvent, EVENT_COLUMNS, events)
        write(CurrentCapability, CURRENT_COLUMNS, current)
    _reset_sequences(CapabilityEvent, CurrentCapability)
    return event_id - first_event, current_id - first_current


def _evidence(rng, people, requirements) -> int:
    items = []
    links = []
    for person in people:
        if rng.random() >= 0.25:
            continue
        kind = rng.choice([EvidenceKind.REFLECTION, EvidenceKind.CBD, EvidenceKind.CERTIFICATE])
        items.append(
            EvidenceItem(
                person_id=person.pk,
                kind=kind,
                title=f"{EvidenceKind(kind).label}: {rng.choice(TOPICS)}",
                occurred_on=datetime.date(2025, rng.randint(1, 12), rng.randint(1, 28)),
            )
        )
        needed = requirements.get((person.job_role_id, person.stage), [])
        links.append([c for c, _ in rng.sample(needed, min(2, len(needed)))])
    items = _bulk(EvidenceItem, items)
    through = EvidenceItem.competencies.through
    _bulk(
        through,
        [
            through(evidenceitem_id=item.pk, competency_id=c)
            for item, competencies in zip(items, links, strict=True)
            for c in competencies
        ],
    )
    return len(items)


@transaction.atomic
@data_version.counted_once()
@held_levels.recounted_after()
def generate_workforce(
    *, staff: int, seed: int, progress: Callable[[str], None] = lambda _: None
) -> Built:
    """Build the synthetic ICS for `seed`; refuses when it already exists."""
    if staff < 1:
        raise DomainError("Ask for at least one member of staff.")
    if find_generated(seed) is not None:
        raise DomainError(f"{ics_name(seed)} already exists: choose another seed.")
    started = time.perf_counter()
    rng = random.Random(seed)
    built = Built()
    load_starter_library()
    roles = JobRole.objects.in_bulk([slug for slug, *_ in WORKFORCE], field_name="slug")
    missing = {slug for slug, *_ in WORKFORCE} - set(roles)
    if missing:
        raise DomainError(f"These starter job roles are missing: {', '.join(sorted(missing))}.")
    ics, trusts, pcns, practices = _organisations(rng, seed, staff)
    progress(
        f"Organisations: 1 ICS, {len(trusts)} trusts, {len(pcns)} PCNs, {len(practices)} practices"
    )
    competencies = _framework(rng, seed)
    profiles = _role_profiles(rng, competencies, roles)
    progress(f"Framework: {len(competencies)} competencies; {profiles} role profiles")
    lead, managers, supervisors = _users(seed, ics, trusts, pcns)
    people = _people(rng, staff, roles, trusts, pcns, practices)
    progress(f"Staff: {len(people)}")
    pcn_of = {p.pk: p.parent_id for p in practices}

    def signer_of(person: Staffed) -> int:
        org = person.employer_id
        return supervisors[pcn_of.get(org, org)].pk

    _bulk(
        AssessmentCycle,
        [
            AssessmentCycle(
                organisation=org,
                title=title,
                opens_on=when.date(),
                closes_on=when.date() + datetime.timedelta(days=42),
                opened_by=managers[org.pk],
            )
            for org in [*pcns, *trusts]
            for title, when in CYCLES
        ],
    )
    requirements = _requirements()
    events, current = _history(rng, people, requirements, signer_of)
    progress(f"Capability history: {events} events, {current} current levels")
    evidence = _evidence(rng, people, requirements)
    built.ics, built.pcns, built.managers, built.ics_lead = ics, pcns, managers, lead
    built.counts = {
        "organisations": 1 + len(trusts) + len(pcns) + len(practices),
        "staff": len(people),
        "competencies (generated)": len(competencies),
        "role profiles (generated)": profiles,
        "assessment cycles": 3 * (len(pcns) + len(trusts)),
        "capability events": events,
        "current capabilities": current,
        "evidence items": evidence,
    }
    built.seconds = time.perf_counter() - started
    return built
