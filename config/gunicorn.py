"""gunicorn's settings for `make run` and `make serve` (``gunicorn -c config/gunicorn.py config.asgi:application``).

Uvicorn workers (ASGI): the live events endpoint holds a server-sent event stream open per viewer,
which a sync worker could only do with one worker per viewer. Django runs each (sync) view of a
request in a thread of its own under ASGI, so one worker serves many requests at once; the number of
processes is what gives Python more cores. ``WEB_CONCURRENCY`` (gunicorn's own variable) sets it;
the default is one per core (at least two). A worker already overlaps its requests' database waits
in threads, so a second process per core only adds processes contending for the same core: on 2
cores, with the bench's catalog load (32 in flight), 2 workers answered as many requests per second
as 4 and cut p99 from 267 to 97 ms (trivial view), 329 to 142 ms (product list) and 302 to 146 ms
(search), medians of 3 alternated runs (ADR 0015). The bind address comes from the command line
(``-b``).
"""

import os

worker_class = "uvicorn_worker.UvicornWorker"
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, os.cpu_count() or 1))
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


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Once the worker has loaded Django and the app: fewer, shorter garbage-collector pauses.

    ``gc.freeze()`` moves every object alive at start-up (modules, settings, URL patterns, the
    ORM's metadata) to a generation the collector never scans again, so a full collection walks
    only what requests allocated. A higher first-generation threshold makes the young collections,
    which each request's ORM rows and dicts trigger many times, rarer. A collection pauses every
    thread of the worker mid-request: these pauses are what a tail latency (p99) is made of. Paired
    runs on the bench's catalog load: p99 lower with it in 11 of 16 comparisons, medians of the
    product list 203 against 370 ms with 4 workers (ADR 0015).
    """
    import gc

    from django.urls import get_resolver

    # Import every view now (the URLconf is otherwise imported by the first request, while the
    # other requests' threads wait on the import lock), so that the freeze below covers them too.
    get_resolver().url_patterns  # noqa: B018 - evaluated for its import
    if os.environ.get("WEB_GC_TUNING", "1") == "1":  # WEB_GC_TUNING=0: Python's defaults
        gc.freeze()
        gc.set_threshold(50_000, 20, 20)
