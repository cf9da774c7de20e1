"""ASGI entry point (uvicorn workers): Django for everything, live events served beside it.

``GET /api/v1/livestreams/{id}/events/`` goes to ``marketplace.live_events.asgi`` directly, so
that thousands of open event streams cost no thread and no database connection each (see there).
Serve it with ``gunicorn config.asgi:application -k uvicorn_worker.UvicornWorker`` (production) or
``make serve-asgi`` (locally).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
django_application = get_asgi_application()

from marketplace.live_events.asgi import EVENTS_PATH, events_app  # noqa: E402  (needs Django set up)


async def application(scope, receive, send):  # type: ignore[no-untyped-def]
    if scope["type"] == "http":
        match = EVENTS_PATH.match(scope["path"])
        if match:
            await events_app(scope, receive, send, stream_id=int(match[1]))
            return
    await django_application(scope, receive, send)
