"""The embedded default used by `make run`: SQLite, eager Celery, local media, offline payments."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
