"""Settings for `capmap demo` and development on one machine."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DEBUG", True)
