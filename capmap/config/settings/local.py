"""Settings for `capmap demo` and development on one machine.

The demo runs as people will meet Capmap: with DEBUG off, so a missing page or a
refusal shows Capmap's own error pages, never Django's debug page with its stack
trace. WhiteNoise (base settings) serves the static files straight from the apps'
folders, so the demo needs no `collectstatic`. Set DEBUG=true while developing.
"""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DEBUG", False)
