"""A tiny Stripe API fake on 127.0.0.1 for stripe-python (no request ever leaves the machine).

``with stripe_fake() as fake:`` starts a threaded HTTP server, points ``STRIPE_API_BASE`` at it
(through the ``settings`` fixture) and records every request: path, form body, headers. Routes
answer like Stripe does for the calls Karavan makes; ``fake.fail_next(path, status, body)`` makes
the next call on ``path`` fail. Accounts honour ``Idempotency-Key`` as Stripe does.
"""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Recorded:
    method: str
    path: str
    form: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class StripeFake:
    base_url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    failures: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    idempotent: dict[str, dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, path: str, status: int, body: dict[str, Any]) -> None:
        self.failures[path] = (status, body)

    def calls(self, path: str) -> list[Recorded]:
        return [request for request in self.requests if request.path == path]

    def answer(self, method: str, path: str, form: dict[str, list[str]], headers: dict[str, str]) -> tuple[int, Any]:
        with self.lock:
            self.requests.append(Recorded(method, path, form, headers))
            if path in self.failures:
                return self.failures.pop(path)
            key = headers.get("idempotency-key")
            if key and key in self.idempotent:
                return 200, self.idempotent[key]
            if path == "/v1/accounts":
                number = len(self.calls(path))
                body: dict[str, Any] = {
                    "id": f"acct_fake{number:04d}",
                    "object": "account",
                    "type": form.get("type", ["express"])[0],
                    "country": form.get("country", [""])[0],
                    "charges_enabled": False,
                    "payouts_enabled": False,
                    "requirements": {"disabled_reason": None},
                }
            elif path == "/v1/account_links":
                account = form.get("account", [""])[0]
                body = {
                    "object": "account_link",
                    "url": f"https://connect.stripe.com/setup/e/{account}/link{len(self.requests)}",
                    "expires_at": 1893456000,
                    "created": 1893455700,
                }
            else:
                return 404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL {path}"}}
            if key:
                self.idempotent[key] = body
            return 200, body


@contextmanager
def stripe_fake(settings: Any) -> Iterator[StripeFake]:
    fake = StripeFake()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, body = fake.answer("POST", self.path.split("?")[0], form, headers)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Request-Id", "req_fake")
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.STRIPE_SECRET_KEY = "sk_test_karavan_fake"
    settings.STRIPE_API_BASE = fake.base_url
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
