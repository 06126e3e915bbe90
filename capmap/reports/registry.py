"""The kinds of report Capmap makes. A later feature adds one by registering a builder.

A builder turns (requester, organisation, parameters) into a `ReportDocument`: plain
sections of headline figures, tables and charts, always read through the requester's
scoped selectors. The same document becomes the PDF and the spreadsheet, so both carry
the same figures as the page they came from.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from capmap.core.charts import Chart
from capmap.core.exceptions import DomainError
from capmap.organisations.models import Organisation
from capmap.people import policy


@dataclass
class Table:
    caption: str
    head: list[str]
    rows: list[list]


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class ReportDocument:
    title: str
    organisation: Organisation
    generated_at: datetime
    subtitle: str = ""
    sections: list[Section] = field(default_factory=list)


Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class BuildContext:
    user: object
    organisation: Organisation
    parameters: dict
    progress: Progress


@dataclass(frozen=True)
class ReportKind:
    slug: str
    label: str
    description: str
    build: Callable[[BuildContext], ReportDocument]
    formats: tuple[str, ...] = ("pdf", "xlsx")
    # What the requester must hold over the organisation to ask for it.
    permission: str = policy.VIEW_PEOPLE
    # Turns submitted form data into the stored parameters; raises DomainError when wrong.
    clean_parameters: Callable[[dict], dict] = lambda data: {}
    # When set, decides instead of `permission` whether the requester may have the report:
    # (user, organisation, cleaned parameters) -> bool. For reports about one person,
    # whose mentor may work for another organisation.
    authorise: Callable[[object, Organisation, dict], bool] | None = None

    def allows(self, user, organisation: Organisation, parameters: dict) -> bool:
        if self.authorise is not None:
            return self.authorise(user, organisation, parameters)
        return policy.allows(user, self.permission, organisation)


_REGISTRY: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    _REGISTRY[kind.slug] = kind
    return kind


def _load_builders() -> None:
    """Import the builders (which register every kind) when a kind is first asked for,
    not at start-up: they pull in the capability read side, NumPy and the PDF engine,
    which most `capmap` commands never use."""
    from . import builders  # noqa: F401


def get_kind(slug: str) -> ReportKind:
    _load_builders()
    try:
        return _REGISTRY[slug]
    except KeyError:
        raise DomainError("Choose a report from the list.") from None


def all_kinds() -> list[ReportKind]:
    _load_builders()
    return sorted(_REGISTRY.values(), key=lambda kind: kind.label)
