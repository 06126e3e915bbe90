"""Report builders; importing this package registers every report kind."""

from . import capability, impact, need, person_portfolio, placement_scheme, staff_list  # noqa: F401
