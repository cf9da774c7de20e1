"""A stateful fake of the Stripe API on 127.0.0.1, for tests and for ``make stripe-fake`` beside ``make run``.

stripe-python talks to it through ``STRIPE_API_BASE``; nothing leaves the machine. It keeps
PaymentIntents, refunds, Connect accounts, account links, transfers and events, honours
``Idempotency-Key`` as Stripe does (same key → the first answer again), and delivers events as
signed webhooks (``Stripe-Signature: t=...,v1=HMAC-SHA256(secret, "t.body")``, Stripe's scheme).

Deliveries go through a ``send(body, headers) -> status`` callable, so a test can deliver in its
own thread through Django's test client, in any order, twice, or fail one and retry it; the
command line server posts them over HTTP with retries (``python manage.py stripe_fake``).

Test helpers that are not Stripe's API live under ``/_fake/``; the buyer's side of a payment is
``POST /v1/payment_intents/{id}/confirm`` with ``payment_method=pm_card_visa`` (succeeds) or
``pm_card_chargeDeclined`` (fails), as with Stripe's test cards.
"""

import hashlib
import hmac
import itertools
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Sender = Callable[[bytes, dict[str, str]], int]


@dataclass
class Recorded:
    method: str
    path: str
    form: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class Delivery:
    event: dict[str, Any]
    attempts: int = 0
    delivered: bool = False


def _nest(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (``metadata[order_number]=...``) back into nested dicts."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return result


def _error(status: int, message: str, code: str = "", kind: str = "invalid_request_error") -> tuple[int, Any]:
    return status, {"error": {"type": kind, "message": message, "code": code}}


@dataclass
class StripeFake:
    """The fake's state; every method is thread-safe (one lock, short critical sections)."""

    webhook_secret: str = "whsec_karavan_fake"
    base_url: str = ""
    refunds_pending: bool = False
    requests: list[Recorded] = field(default_factory=list)
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    transfers: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    idempotent: dict[str, tuple[int, Any]] = field(default_factory=dict)
    failures: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    drops: dict[str, int] = field(default_factory=dict)
    stalls: dict[str, int] = field(default_factory=dict)
    stall_released: threading.Event = field(default_factory=threading.Event)
    lock: threading.RLock = field(default_factory=threading.RLock)
    counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    # --- test controls
    def fail_next(self, path: str, status: int, body: dict[str, Any] | None = None, *, times: int = 1) -> None:
        """The next ``times`` calls on ``path`` answer ``status`` without doing anything."""
        answer = body or {"error": {"type": "api_error", "message": "Fake failure."}}
        with self.lock:
            self.failures.setdefault(path, []).extend([(status, answer)] * times)

    def drop_next(self, path: str, *, times: int = 1) -> None:
        """The next ``times`` calls on ``path`` are carried out, but the connection closes before the
        answer: the client cannot tell whether it worked (a lost response)."""
        with self.lock:
            self.drops[path] = self.drops.get(path, 0) + times

    def calls(self, path: str, method: str = "POST") -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if r.path == path and r.method == method]

    def _id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self.counter):06d}"

    # --- events and webhooks
    def _emit(self, kind: str, obj: dict[str, Any], account: str | None = None) -> dict[str, Any]:
        event = {
            "id": self._id("evt"),
            "object": "event",
            "type": kind,
            "created": int(time.time()),
            "livemode": False,
            "api_version": "2025-01-27.acacia",
            "data": {"object": json.loads(json.dumps(obj))},
        }
        if account:
            event["account"] = account
        self.events.append(event)
        self.deliveries.append(Delivery(event=event))
        return event

    def sign(self, body: bytes, *, secret: str | None = None, timestamp: int | None = None) -> str:
        """The ``Stripe-Signature`` header Stripe would send for ``body``."""
        stamp = int(time.time()) if timestamp is None else timestamp
        signed = f"{stamp}.".encode() + body
        digest = hmac.new((secret or self.webhook_secret).encode(), signed, hashlib.sha256).hexdigest()
        return f"t={stamp},v1={digest}"

    def signed(self, event: dict[str, Any], **sign: Any) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(event).encode()
        return body, {"Content-Type": "application/json", "Stripe-Signature": self.sign(body, **sign)}

    def pending_deliveries(self, types: tuple[str, ...] = ()) -> list[Delivery]:
        with self.lock:
            return [d for d in self.deliveries if not d.delivered and (not types or d.event["type"] in types)]

    def deliver(self, delivery: Delivery, send: Sender) -> bool:
        """One attempt; a non-2xx answer or an exception leaves it pending for a retry."""
        body, headers = self.signed(delivery.event)
        delivery.attempts += 1
        try:
            status = send(body, headers)
        except OSError:
            return False
        delivery.delivered = 200 <= status < 300
        return delivery.delivered

    def deliver_pending(self, send: Sender, types: tuple[str, ...] = ()) -> int:
        """Attempt every pending delivery once, oldest first; how many were accepted."""
        return sum(self.deliver(delivery, send) for delivery in self.pending_deliveries(types))

    # --- the API
    def answer(self, method: str, path: str, query: dict[str, Any], form: dict[str, Any], headers: dict[str, str]):
        with self.lock:
            self.requests.append(Recorded(method, path, {k: [str(v)] for k, v in _flat(form).items()}, headers))
            if self.failures.get(path):
                return self.failures[path].pop(0)
            key = headers.get("idempotency-key")
            if method == "POST" and key and key in self.idempotent:
                return self.idempotent[key]
            result = self._route(method, path, query, form)
            if method == "POST" and key and result[0] < 500:
                self.idempotent[key] = result
            return result

    def stall_next(self, path: str, *, times: int = 1) -> None:
        """The next ``times`` calls on ``path`` are carried out, but the answer comes only after the
        client gave up (a timeout): the handler holds the connection until ``release_stalled``."""
        with self.lock:
            self.stalls[path] = self.stalls.get(path, 0) + times

    def should_stall(self, path: str) -> bool:
        with self.lock:
            if self.stalls.get(path):
                self.stalls[path] -= 1
                return True
            return False

    def release_stalled(self) -> None:
        self.stall_released.set()

    def should_drop(self, path: str) -> bool:
        with self.lock:
            if self.drops.get(path):
                self.drops[path] -= 1
                return True
            return False

    def _route(self, method: str, path: str, query: dict[str, Any], form: dict[str, Any]) -> tuple[int, Any]:
        parts = [part for part in path.split("/") if part]
        if parts[:1] == ["_fake"]:
            return self._test_helper(parts[1:], form)
        if parts[:1] != ["v1"] or len(parts) < 2:
            return _error(404, f"Unrecognized request URL ({method}: {path}).")
        resource, rest = parts[1], parts[2:]
        handler = getattr(self, f"_{method.lower()}_{resource}", None)
        if handler is None:
            return _error(404, f"Unrecognized request URL ({method}: {path}).")
        return handler(rest, query if method == "GET" else form)

    # accounts and links
    def _post_accounts(self, rest: list[str], form: dict[str, Any]) -> tuple[int, Any]:
        if rest:
            return _error(404, "Updating accounts is not faked.")
        account = {
            "id": self._id("acct"),
            "object": "account",
            "type": form.get("type", "express"),
            "country": form.get("country", ""),
            "email": form.get("email", ""),
            "charges_enabled": False,
            "payouts_enabled": False,
            "requirements": {"disabled_reason": None},
            "capabilities": {"transfers": "inactive"},
            "metadata": form.get("metadata", {}),
        }
        self.accounts[account["id"]] = account
        return 200, account

    def _get_accounts(self, rest: list[str], query: dict[str, Any]) -> tuple[int, Any]:
        account = self.accounts.get(rest[0]) if rest else None
        if account is None:
            return _error(404, "No such account", "resource_missing")
        return 200, account

    def _post_account_links(self, rest: list[str], form: dict[str, Any]) -> tuple[int, Any]:
        account = form.get("account", "")
        if account not in self.accounts:
            return _error(400, f"No such account: '{account}'", "resource_missing")
        return 200, {
            "object": "account_link",
            "url": f"https://connect.stripe.com/setup/e/{account}/link{next(self.counter)}",
            "expires_at": int(time.time()) + 300,
            "created": int(time.time()),
        }

    def account_update(self, account_id: str, *, payouts_enabled: bool, disabled_reason: str | None = None) -> None:
        """What Stripe does when the seller finishes onboarding (or is restricted); emits account.updated."""
        with self.lock:
            account = self.accounts[account_id]
            account.update(
                payouts_enabled=payouts_enabled,
                charges_enabled=payouts_enabled,
                requirements={"disabled_reason": disabled_reason},
                capabilities={"transfers": "active" if payouts_enabled else "inactive"},
            )
            self._emit("account.updated", account, account=account_id)

    # payment intents
    def _post_payment_intents(self, rest: list[str], form: dict[str, Any]) -> tuple[int, Any]:
        if not rest:
            amount = int(form.get("amount", 0))
            if amount < 1:
                return _error(400, "This value must be greater than or equal to 1.", "parameter_invalid_integer")
            intent_id = self._id("pi")
            intent = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": amount,
                "amount_received": 0,
                "currency": form.get("currency", "usd"),
                "status": "requires_payment_method",
                "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
                "metadata": form.get("metadata", {}),
                "transfer_group": form.get("transfer_group"),
                "description": form.get("description"),
                "created": int(time.time()),
                "last_payment_error": None,
                "latest_charge": None,
            }
            self.intents[intent_id] = intent
            self._emit("payment_intent.created", intent)
            return 200, intent
        found = self.intents.get(rest[0])
        if found is None:
            return _error(404, f"No such payment_intent: '{rest[0]}'", "resource_missing")
        intent = found
        action = rest[1] if len(rest) > 1 else ""
        if action == "confirm":
            return self._confirm(intent, str(form.get("payment_method", "pm_card_visa")))
        if action == "cancel":
            if intent["status"] == "succeeded":
                return _error(400, "This PaymentIntent has already succeeded.", "payment_intent_unexpected_state")
            intent["status"] = "canceled"
            self._emit("payment_intent.canceled", intent)
            return 200, intent
        return _error(404, f"Unrecognized request URL (POST: /v1/payment_intents/{'/'.join(rest)}).")

    def _confirm(self, intent: dict[str, Any], payment_method: str) -> tuple[int, Any]:
        if intent["status"] in ("succeeded", "canceled"):
            return _error(400, f"This PaymentIntent is {intent['status']}.", "payment_intent_unexpected_state")
        if payment_method == "pm_card_chargeDeclined":
            intent["status"] = "requires_payment_method"
            intent["last_payment_error"] = {"code": "card_declined", "message": "Your card was declined."}
            self._emit("payment_intent.payment_failed", intent)
            return 402, {"error": {"type": "card_error", "code": "card_declined", "message": "Your card was declined."}}
        intent.update(
            status="succeeded",
            amount_received=intent["amount"],
            last_payment_error=None,
            latest_charge=self._id("ch"),
        )
        self._emit("payment_intent.succeeded", intent)
        return 200, intent

    def payment_succeed(self, intent_id: str) -> dict[str, Any]:
        """The buyer paid (as a test card would); emits payment_intent.succeeded."""
        with self.lock:
            return self._confirm(self.intents[intent_id], "pm_card_visa")[1]

    def payment_decline(self, intent_id: str) -> dict[str, Any]:
        with self.lock:
            self._confirm(self.intents[intent_id], "pm_card_chargeDeclined")
            return self.intents[intent_id]

    def _get_payment_intents(self, rest: list[str], query: dict[str, Any]) -> tuple[int, Any]:
        if rest:
            intent = self.intents.get(rest[0])
            if intent is None:
                return _error(404, f"No such payment_intent: '{rest[0]}'", "resource_missing")
            return 200, intent
        created = query.get("created", {})
        since = int(created.get("gte", 0)) if isinstance(created, dict) else 0
        limit = min(int(query.get("limit", 10)), 100)
        rows = sorted(
            (i for i in self.intents.values() if i["created"] >= since), key=lambda i: (-i["created"], i["id"])
        )
        after = query.get("starting_after")
        if after:
            ids = [row["id"] for row in rows]
            rows = rows[ids.index(after) + 1 :] if after in ids else []
        return 200, {
            "object": "list",
            "url": "/v1/payment_intents",
            "data": rows[:limit],
            "has_more": len(rows) > limit,
        }

    # refunds
    def _post_refunds(self, rest: list[str], form: dict[str, Any]) -> tuple[int, Any]:
        intent = self.intents.get(str(form.get("payment_intent", "")))
        if intent is None or intent["status"] != "succeeded":
            return _error(400, "This PaymentIntent has no successful charge to refund.", "charge_not_refundable")
        refunded = sum(
            r["amount"]
            for r in self.refunds.values()
            if r["payment_intent"] == intent["id"] and r["status"] != "failed"
        )
        amount = int(form.get("amount", intent["amount"] - refunded))
        if amount < 1 or refunded + amount > intent["amount"]:
            return _error(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                f"({intent['amount'] - refunded}).",
                "amount_too_large",
            )
        refund = {
            "id": self._id("re"),
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "charge": intent["latest_charge"],
            "status": "pending" if self.refunds_pending else "succeeded",
            "metadata": form.get("metadata", {}),
            "created": int(time.time()),
        }
        self.refunds[refund["id"]] = refund
        self._emit("refund.created", refund)
        self._emit_charge_refunded(intent)
        return 200, refund

    def _emit_charge_refunded(self, intent: dict[str, Any]) -> None:
        listed = [r for r in self.refunds.values() if r["payment_intent"] == intent["id"]]
        self._emit(
            "charge.refunded",
            {
                "id": intent["latest_charge"],
                "object": "charge",
                "amount": intent["amount"],
                "amount_refunded": sum(r["amount"] for r in listed if r["status"] == "succeeded"),
                "currency": intent["currency"],
                "payment_intent": intent["id"],
                "refunds": {"object": "list", "data": listed},
            },
        )

    def refund_settle(self, refund_id: str, *, status: str = "succeeded") -> None:
        """A pending refund finishes (``succeeded`` or ``failed``); emits refund.updated."""
        with self.lock:
            refund = self.refunds[refund_id]
            refund["status"] = status
            self._emit("refund.updated", refund)

    def _get_refunds(self, rest: list[str], query: dict[str, Any]) -> tuple[int, Any]:
        refund = self.refunds.get(rest[0]) if rest else None
        if refund is None:
            return _error(404, "No such refund", "resource_missing")
        return 200, refund

    # transfers
    def _post_transfers(self, rest: list[str], form: dict[str, Any]) -> tuple[int, Any]:
        destination = self.accounts.get(str(form.get("destination", "")))
        if destination is None:
            return _error(400, "No such destination account.", "resource_missing")
        if not destination["payouts_enabled"]:
            return _error(
                400,
                "Your destination account needs to have at least one of the following capabilities enabled: "
                "transfers, crypto_transfers, legacy_payments",
                "insufficient_capabilities_for_transfer",
            )
        transfer = {
            "id": self._id("tr"),
            "object": "transfer",
            "amount": int(form.get("amount", 0)),
            "currency": form.get("currency", "usd"),
            "destination": destination["id"],
            "transfer_group": form.get("transfer_group"),
            "metadata": form.get("metadata", {}),
            "reversed": False,
            "created": int(time.time()),
        }
        self.transfers[transfer["id"]] = transfer
        self._emit("transfer.created", transfer)
        return 200, transfer

    def _get_transfers(self, rest: list[str], query: dict[str, Any]) -> tuple[int, Any]:
        transfer = self.transfers.get(rest[0]) if rest else None
        if transfer is None:
            return _error(404, "No such transfer", "resource_missing")
        return 200, transfer

    # helpers for people driving the fake by hand (curl) beside `make run`
    def _test_helper(self, parts: list[str], form: dict[str, Any]) -> tuple[int, Any]:
        if len(parts) == 3 and parts[0] == "accounts" and parts[2] == "enable":
            if parts[1] not in self.accounts:
                return _error(404, "No such account", "resource_missing")
            self.account_update(parts[1], payouts_enabled=True)
            return 200, self.accounts[parts[1]]
        if parts == ["events"]:
            return 200, {"object": "list", "data": list(reversed(self.events))}
        return _error(404, "Unknown fake helper.")


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}[{key}]" if prefix else key
        if isinstance(value, dict):
            out.update(_flat(value, name))
        else:
            out[name] = value
    return out


def _handler(fake: StripeFake) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            form = _nest(parse_qsl(raw, keep_blank_values=True))
            query = _nest(parse_qsl(url.query, keep_blank_values=True))
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, body = fake.answer(method, url.path, query, form, headers)
            if fake.should_drop(url.path):
                self.close_connection = True
                return
            if fake.should_stall(url.path):
                fake.stall_released.wait(timeout=60)  # the client has timed out long before
                self.close_connection = True
                return
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Request-Id", f"req_fake{next(fake.counter)}")
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def stripe_fake_server(
    *, host: str = "127.0.0.1", port: int = 0, fake: StripeFake | None = None
) -> Iterator[StripeFake]:
    """Serve a fake on ``host:port`` (0: any free port) in a background thread until the block ends."""
    fake = fake or StripeFake()
    server = ThreadingHTTPServer((host, port), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="stripe-fake", daemon=True)
    thread.start()
    fake.base_url = f"http://{host}:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def http_sender(url: str, *, timeout: float = 10.0) -> Sender:
    """Deliver webhooks over HTTP (the command-line fake); a refused connection counts as a failure."""
    import urllib.request

    def send(body: bytes, headers: dict[str, str]) -> int:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    return send
