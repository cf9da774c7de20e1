"""gunicorn's settings for `make run` and `make serve` (``gunicorn -c config/gunicorn.py config.asgi:application``).

Uvicorn workers (ASGI): the live events endpoint holds a server-sent event stream open per viewer,
which a sync worker could only do with one worker per viewer. Django runs each (sync) view of a
request in a thread of its own under ASGI, so one worker serves many requests at once; the number of
processes is what gives Python more cores. ``WEB_CONCURRENCY`` (gunicorn's own variable) sets it;
the default is two per core (at least two): while one worker's threads wait on the database, the
other's can use the core. The bind address comes from the command line (``-b``).
"""

import os

worker_class = "uvicorn_worker.UvicornWorker"
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, 2 * (os.cpu_count() or 1)))
# A burst of buyers queues in the kernel's backlog rather than being refused.
backlog = 2048
# Workers check in with the arbiter from their event loop, which open streams never block.
timeout = 60
graceful_timeout = 20
# Access logs off (the API logs what matters); errors go to stderr, which the Procfile runner relays.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn's control socket (gunicornc) sits at one path per user: two servers on one machine would
# fight over it, and nothing here uses it.
control_socket_disable = True
