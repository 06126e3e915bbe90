"""Making a great many short-lived objects without the cycle collector walking them all.

Kept apart from `capmap.core.bulk` (which imports the ORM) so that `capmap match`, which
starts without Django's models, can use it too.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def many_objects() -> Iterator[None]:
    """Pause the cyclic garbage collector while tens of thousands of objects are made:
    otherwise it walks them all again and again (a quarter of a 20,000-row import's CPU,
    a fifth of `capmap match` on 50,000 applicants outside its solver). Reference counting
    still frees everything; the collector resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
