"""Table cells of long tables drawn in Python in one pass (ADR 0024), as the data-table
components draw them in templates; each table's test holds it to its template's loop."""

from markupsafe import escape


def cell_heading(text: str) -> str:
    """The column's heading that leads each cell on small screens: the `app_cell_heading`
    macro of components/data-table/macro.jinja."""
    return f'<span class="nhsuk-table__heading" aria-hidden="true">{escape(text)} </span>'
