"""Table cells of long tables drawn in Python in one pass (ADR 0024), as the data-table
components draw them in templates; each table's test holds it to its template's loop."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, TypeVar

from markupsafe import Markup, escape

Row = TypeVar("Row")


def cell_heading(text: str) -> str:
    """The column's heading that leads each cell on small screens: the `app_cell_heading`
    macro of components/data-table/macro.jinja."""
    return f'<span class="nhsuk-table__heading" aria-hidden="true">{escape(text)} </span>'


@dataclass(frozen=True)
class DrawnRows(Generic[Row]):
    """A long table's body rows, drawn once in one pass when the template asks for
    `body`; the template tests the table itself for its empty state."""

    rows: list[Row]

    def __bool__(self) -> bool:
        return bool(self.rows)

    @cached_property
    def body(self) -> Markup:
        return Markup("".join(self.draw_rows()))  # noqa: S704 - each table escapes its values

    def draw_rows(self) -> Iterable[str]:
        """Each row's HTML, every value escaped."""
        raise NotImplementedError
