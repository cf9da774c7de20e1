"""Settings of the catalog benchmark's gunicorn server: the production settings, plus a trivial view's URL.

Used only by ``bench/bench_catalog.py`` (which puts ``bench/`` on ``PYTHONPATH``); the comparison
view must run on the same settings, middleware and server as the catalog.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "catalog_site_urls"
