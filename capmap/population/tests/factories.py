"""Builders for population tests: the real North East London practices of the fixtures."""

import csv
from pathlib import Path
from types import SimpleNamespace

from capmap.organisations.models import Organisation, OrganisationKind
from capmap.organisations.tests.factories import OrganisationFactory

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PREVALENCE_2425 = FIXTURES / "PREVALENCE_2425_extract.csv"
PREVALENCE_2223 = FIXTURES / "PREVALENCE_2223_extract.csv"


def source_rows(path: Path = PREVALENCE_2425) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def source_patients(path: Path, practices, registers) -> int:
    """Patients on the registers at the practices, summed straight from the source rows."""
    return sum(
        int(float(row["REGISTER"]))
        for row in source_rows(path)
        if row["PRACTICE_CODE"] in set(practices) and row["GROUP_CODE"] in set(registers)
    )


def nel_tree(icb: Organisation | None = None) -> SimpleNamespace:
    """North East London ICB, three of its PCNs and their 23 practices (real codes).

    Given `icb` (the demo's, which is North East London's), the PCNs go under it: the ICB
    code is unique, so there is never a second one.
    """
    with (FIXTURES / "nel-practices.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if icb is None:
        icb = OrganisationFactory(name=rows[0]["ICB_NAME"], ods_code=rows[0]["ICB_ODS_CODE"])
    pcns, practices, members = {}, {}, {}
    for row in rows:
        code = row["PCN_ODS_CODE"]
        if code not in pcns:
            pcns[code] = OrganisationFactory(
                name=row["PCN_NAME"], ods_code=code, kind=OrganisationKind.PCN, parent=icb
            )
        practices[row["PRACTICE_CODE"]] = OrganisationFactory(
            name=row["PRACTICE_NAME"],
            ods_code=row["PRACTICE_CODE"],
            kind=OrganisationKind.PRACTICE,
            parent=pcns[code],
        )
        members.setdefault(code, []).append(row["PRACTICE_CODE"])
    return SimpleNamespace(icb=icb, pcns=pcns, practices=practices, members=members)
