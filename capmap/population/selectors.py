"""Reads for population need: QOF registers against verified capability, per practice,
PCN and ICB the caller may see, scoped as the capability pages are (view_people)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from capmap.capability import selectors as capability
from capmap.core.actors import SYSTEM
from capmap.frameworks.models import CarePathway
from capmap.organisations.models import Organisation, OrganisationKind
from capmap.people import policy

from .models import PathwayRegister, RegisterCount

NEED_KINDS = (OrganisationKind.ICS, OrganisationKind.PCN, OrganisationKind.PRACTICE)


def need_organisations(user) -> QuerySet[Organisation]:
    """ICBs, PCNs and practices whose need and capability the user may see."""
    return capability.team_organisations(user).filter(kind__in=NEED_KINDS)


def get_need_organisation(user, pk: int) -> Organisation:
    """The organisation, or Organisation.DoesNotExist when it is out of the user's scope."""
    return need_organisations(user).get(pk=pk)


def years() -> list[str]:
    """QOF years with figures, latest first (public figures: no scope needed to list them)."""
    found = RegisterCount.objects.order_by().values_list("year", flat=True).distinct()
    return sorted(set(found), reverse=True)


@dataclass
class PathwayLinks:
    pathway: CarePathway
    registers: list[str]
    can_change: bool


def pathway_links(user) -> list[PathwayLinks]:
    """Every pathway the user may see, the registers it serves, and whether the user may
    change them (the pathway's own authoring rule)."""
    links = {pathway.pk: codes for pathway, codes in pathway_registers(user).items()}
    return [
        PathwayLinks(
            pathway,
            links.get(pathway.pk, []),
            policy.allows(user, policy.AUTHOR_FRAMEWORKS, pathway.owner),
        )
        for pathway in capability.pathways_for(user).select_related("owner")
    ]


def pathway_registers(user) -> dict[CarePathway, list[str]]:
    """The pathways the user may see that serve at least one QOF register, with those."""
    links: dict[CarePathway, list[str]] = defaultdict(list)
    rows = PathwayRegister.objects.filter(pathway__in=capability.pathways_for(user))
    for link in rows.select_related("pathway__owner").order_by("pathway__title", "register"):
        links[link.pathway].append(link.register)
    return dict(links)


def registers_of(user, pathway: CarePathway) -> list[str]:
    return sorted(
        PathwayRegister.objects.filter(pathway=pathway).values_list("register", flat=True)
    )


def population_imports(user):
    """Imports of QOF figures into the user's tree (the import page lists them)."""
    from .models import PopulationImport

    return PopulationImport.objects.filter(
        policy.allowed_q(user, policy.MANAGE_ORGANISATIONS, via="scope__")
    ).select_related("scope")[:10]


@dataclass
class NeedRow:
    organisation: Organisation
    pathway: CarePathway
    registers: list[str]
    patients: int
    headcount: int
    fte: float
    previous_patients: int | None = None

    @property
    def per_person(self) -> float | None:
        """Patients on the pathway's registers for each person verified to deliver it."""
        return self.patients / self.headcount if self.headcount else None

    @property
    def weight(self) -> float:
        """Patients for each person verified to deliver the pathway, counting no one as one
        person, so a pathway with patients and nobody to deliver it weighs its whole
        register: what a shortfall of one person costs the population."""
        return self.patients / max(self.headcount, 1)

    @property
    def per_fte(self) -> float | None:
        return self.patients / self.fte if self.fte else None

    @property
    def change(self) -> int | None:
        if self.previous_patients is None:
            return None
        return self.patients - self.previous_patients

    @property
    def gap_rank(self) -> tuple:
        """Largest gap first: patients and nobody capable, then most patients per capable
        person, then most patients."""
        nobody = self.headcount == 0 and self.patients > 0
        return (
            not nobody,
            -(self.per_person or 0),
            -self.patients,
            self.organisation.name,
            self.pathway.title,
        )


@dataclass
class NeedReport:
    organisation: Organisation
    year: str | None
    previous_year: str | None
    rows: list[NeedRow] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    pathways: int = 0


def _ancestor_ids(path: str) -> list[int]:
    return [int(part) for part in path.split("/") if part]


def need_against_capability(user, organisation: Organisation, *, year: str = "") -> NeedReport:
    """For the organisation and every ICB, PCN and practice in it the user may see, and
    each pathway linked to QOF registers: patients on those registers in the year, the
    change since the previous year with figures, and the people verified to deliver the
    pathway (headcount and FTE, capability.capable_people). Ranked, largest gap first.
    A fixed number of queries whatever the size of the tree."""
    available = years()
    if year not in available:
        year = available[0] if available else ""
    earlier = [y for y in available if y < year]
    report = NeedReport(organisation, year or None, earlier[0] if earlier else None)
    report.years = available
    links = pathway_registers(user)
    report.pathways = len(links)
    if not year or not links:
        return report
    targets = {
        o.pk: o
        for o in need_organisations(user)
        .filter(path__startswith=organisation.path)
        .order_by("path")
    }
    wanted = {code for codes in links.values() for code in codes}
    counts: dict[tuple[str, int, str], int] = defaultdict(int)  # (year, org, register)
    reported: dict[str, set[int]] = defaultdict(set)  # year -> organisations with figures
    figures = RegisterCount.objects.filter(
        year__in=[y for y in (year, report.previous_year) if y],
        register__in=wanted,
        practice__path__startswith=organisation.path,
    ).values_list("year", "practice__path", "register", "patients")
    for row_year, path, register, patients in figures:
        for pk in _ancestor_ids(path):
            if pk in targets:
                counts[(row_year, pk, register)] += patients
                reported[row_year].add(pk)
    capable = capability.capable_people(user, organisation, links)
    for pathway, registers in links.items():
        headcount: dict[int, int] = defaultdict(int)
        fte: dict[int, float] = defaultdict(float)
        for person in capable.get(pathway.pk, []):
            for pk in _ancestor_ids(person.employer_path):
                headcount[pk] += 1
                fte[pk] += person.fte
        for pk, target in targets.items():
            if pk not in reported[year]:
                continue  # no figures (a trust, or a practice without QOF): no need to show
            row = NeedRow(
                target,
                pathway,
                registers,
                sum(counts[(year, pk, code)] for code in registers),
                headcount[pk],
                round(fte[pk], 2),
            )
            if report.previous_year and pk in reported[report.previous_year]:
                row.previous_patients = sum(
                    counts[(report.previous_year, pk, code)] for code in registers
                )
            report.rows.append(row)
    report.rows.sort(key=lambda row: row.gap_rank)
    return report


# --- Recruit or train, weighted by need -------------------------------------------------


@dataclass
class WeightedGap:
    """One pathway's shortfall in the organisation (capability.pathway_coverage) and the
    population need behind it (the organisation's NeedRow, None without QOF figures)."""

    pathway: CarePathway
    coverage: capability.PathwayCoverage
    need: NeedRow | None

    @property
    def people_short(self) -> int:
        """People short across the pathway's capabilities (one person may close several)."""
        return sum(max(0, row.needed - row.held) for row in self.coverage.rows)

    @property
    def capabilities_short(self) -> int:
        return sum(1 for row in self.coverage.rows if row.held < row.needed)

    @property
    def trainable(self) -> int:
        """Different people close enough to a short capability to train for it."""
        return len({c.person.pk for found in self.coverage.train.values() for c in found})

    @property
    def weighted(self) -> float:
        """People short times patients per capable person: 0 without need figures."""
        return self.people_short * self.need.weight if self.need else 0.0


@dataclass
class WeightedGaps:
    organisation: Organisation
    year: str | None
    by_need: bool
    rows: list[WeightedGap] = field(default_factory=list)


def recruit_or_train(
    user, organisation: Organisation, *, by_need: bool = True, year: str = ""
) -> WeightedGaps:
    """Every pathway serving a QOF register, with what the organisation is short of and
    what closes it (capability.pathway_coverage), ordered by people short, or by people
    short weighted by the organisation's need figure from need_against_capability."""
    report = need_against_capability(user, organisation, year=year)
    need = {row.pathway.pk: row for row in report.rows if row.organisation == organisation}
    rows = [
        WeightedGap(
            pathway,
            capability.pathway_coverage(user, organisation, pathway),
            need.get(pathway.pk),
        )
        for pathway in pathway_registers(user)
    ]
    if by_need:
        rows.sort(key=lambda r: (-r.weighted, -r.people_short, r.pathway.title))
    else:
        rows.sort(key=lambda r: (-r.people_short, r.pathway.title))
    return WeightedGaps(organisation, report.year, by_need, rows)


# --- Need per PCN, for placement schemes --------------------------------------------------


@dataclass
class PcnNeed:
    """One PCN's pathways, the most patients per capable person first (NeedRow.weight)."""

    pcn: Organisation
    rows: list[NeedRow]

    @property
    def gap(self) -> float:
        """The PCN's need gap: its largest patients per capable person over the pathways."""
        return self.rows[0].weight if self.rows else 0.0


def need_by_pcn(user, organisation: Organisation, *, year: str = "") -> list[PcnNeed]:
    """Every PCN in the organisation the user may see with QOF figures, the largest need
    gap first, from need_against_capability's rows for the PCNs."""
    report = need_against_capability(user, organisation, year=year)
    rows: dict[Organisation, list[NeedRow]] = defaultdict(list)
    for row in report.rows:
        if row.organisation.kind == OrganisationKind.PCN:
            rows[row.organisation].append(row)
    needs = [
        PcnNeed(pcn, sorted(found, key=lambda r: (-r.weight, r.pathway.title)))
        for pcn, found in rows.items()
    ]
    return sorted(needs, key=lambda n: (-n.gap, n.pcn.name))


def pcn_need_gaps(organisation: Organisation) -> dict[int, float]:
    """Need gap per PCN id in the organisation's tree, for ranking a scheme's applicants.
    Read for the tree itself, not for whoever runs the allocation, so a run gives the same
    order whoever starts it: the library's pathways and those owned in the tree's line."""

    def in_line(pathway: CarePathway) -> bool:
        owner = pathway.owner
        return (
            owner is None
            or organisation.path.startswith(owner.path)
            or (owner.path.startswith(organisation.path))
        )

    gaps = {}
    for need in need_by_pcn(SYSTEM, organisation):
        weights = [row.weight for row in need.rows if in_line(row.pathway)]
        gaps[need.pcn.pk] = max(weights, default=0.0)
    return gaps
