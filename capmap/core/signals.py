"""Signals that let an app above core take part in whole-database operations.

`capmap restore` (in organisations) sends `before_restore` before it empties the database
and `after_restore` once the backup is loaded, so an app above it (privacy: the erasure
log) can carry state across the restore without organisations importing it.
"""

from django.dispatch import Signal

# Receivers return what they need to carry across the restore (any value).
before_restore = Signal()
# Sent with `carried`: {receiver's dispatch uid or name: what it returned before}, and
# `say`: a callable taking one line for the admin running the restore.
after_restore = Signal()
