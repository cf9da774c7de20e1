"""Django app config for the shared kernel."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from core import receivers  # noqa: F401  (connects the signal receivers)
        from core.request_memo import request_memo_end, request_memo_start

        request_started.connect(request_memo_start, dispatch_uid="core.request_memo_start")
        request_finished.connect(request_memo_end, dispatch_uid="core.request_memo_end")
