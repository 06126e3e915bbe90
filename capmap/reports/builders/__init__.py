"""Report builders; importing this package registers every report kind."""

from . import impact, staff_list  # noqa: F401
