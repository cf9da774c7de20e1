"""Settings for the Celery worker that the dashboard's browser tests start: the test settings with the
media directory of the test process (its default is a fresh temporary directory per process, and the
worker must read the CSV and images the live server stored)."""

import os

from config.settings.test import *  # noqa: F403

MEDIA_ROOT = os.environ["KARAVAN_TEST_MEDIA_ROOT"]
