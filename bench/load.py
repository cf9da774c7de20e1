"""The load generator: a separate process on 127.0.0.1 (``python -m bench.load``), asyncio and raw HTTP/1.1.

It reads one job as JSON on stdin and prints its report as JSON on stdout. Connections
(``"connections"`` in a job): ``"keep-alive"`` (the default), where each of the C clients in flight
keeps one HTTP/1.1 connection and sends its requests on it one after the other, as a browser, a
proxy or ``wrk -c C`` does, and a buyer sends both its requests on one connection; or
``"per-request"``, a new connection for every request (``Connection: close``). The figure and its
ceiling always use the same. Jobs:

- ``{"kind": "requests", "port": P, "requests": [{"method", "path", "body"?, "headers"?}, ...],
  "concurrency": C, "limit": N, "seconds": S}``: C requests in flight over the list in rotation,
  at most N requests or S seconds, after a warm-up of each distinct request once (unmeasured);
- ``{"kind": "buyers", "port": P, "buyers": [[request, ...], ...], "timeout": T}``: every buyer's
  requests in sequence, all buyers released together; the report has each buyer's last status
  (0: no answer at all: refused, reset or timed out) and time from release to its last answer.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from typing import Any

from bench.stats import latency_summary, percentile


class Client:
    """One HTTP/1.1 client: a kept-alive connection (opened when needed), or a new one per request."""

    def __init__(self, port: int, *, keep_alive: bool = True) -> None:
        self.port, self.keep_alive = port, keep_alive
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, request: dict[str, Any], *, timeout: float = 60.0) -> int:
        """Send one request; its status, 0 when there was no answer (refused, reset, timed out)."""
        body = request.get("body")
        payload = b"" if body is None else (body.encode() if isinstance(body, str) else json.dumps(body).encode())
        headers = {
            "Host": "127.0.0.1",
            "Accept": "application/json",
            "Connection": "keep-alive" if self.keep_alive else "close",
            **request.get("headers", {}),
        }
        if body is not None:
            headers.setdefault("Content-Type", "application/json")
            headers["Content-Length"] = str(len(payload))
        head = f"{request.get('method', 'GET')} {request['path']} HTTP/1.1\r\n"
        message = (head + "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n").encode()
        try:
            async with asyncio.timeout(timeout):
                if self.writer is not None:
                    # A kept connection the server closed while it was idle answers nothing (or
                    # is reset): the request never reached a view, so it goes once more on a new
                    # connection.
                    try:
                        status = await self._exchange(message + payload)
                    except (OSError, asyncio.IncompleteReadError):
                        status = 0
                    if status:
                        return status
                    self.close()
                return await self._exchange(message + payload)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
            self.close()
            return 0

    async def _exchange(self, data: bytes) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(data)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line.startswith(b"HTTP/"):
            self.close()
            return 0
        length, chunked, closing = None, False, not self.keep_alive
        while (line := await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                closing = True
        if chunked:
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                await self.reader.readexactly(size + 2)
            await self.reader.readline()
        elif length is not None:
            await self.reader.readexactly(length)
        else:
            await self.reader.read()  # no length: the body ends when the server closes
            closing = True
        if closing:
            self.close()
        return int(status_line.split()[1])


async def http(port: int, request: dict[str, Any], *, timeout: float = 60.0) -> int:
    """One request on a fresh connection; its status, 0 when there was no answer."""
    return await Client(port, keep_alive=False).request(request, timeout=timeout)


async def run_requests(job: dict[str, Any]) -> dict[str, Any]:
    port, requests = job["port"], job["requests"]
    seen = set()
    for request in requests:  # warm-up: each distinct request once (fills caches), not measured
        key = json.dumps(request, sort_keys=True)
        if key not in seen and not job.get("no_warmup"):
            seen.add(key)
            status = await http(port, request)
            if status >= 400 or status == 0:
                return {"error": f"{request.get('method', 'GET')} {request['path']} -> {status}"}
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    issued = 0
    deadline = time.perf_counter() + job["seconds"]

    keep_alive = job.get("connections", "keep-alive") == "keep-alive"

    async def worker() -> None:
        nonlocal issued
        client = Client(port, keep_alive=keep_alive)
        while issued < job["limit"] and time.perf_counter() < deadline:
            request = requests[issued % len(requests)]
            issued += 1
            started = time.perf_counter()
            status = await client.request(request)
            statuses[status] += 1
            if 200 <= status < 300:
                latencies.append(time.perf_counter() - started)
        client.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(job["concurrency"])))
    elapsed = time.perf_counter() - started
    report = latency_summary(
        latencies, elapsed=elapsed, errors=sum(n for s, n in statuses.items() if not 200 <= s < 300)
    )
    report["statuses"] = {str(status): count for status, count in sorted(statuses.items())}
    return report


async def run_buyers(job: dict[str, Any]) -> dict[str, Any]:
    port, timeout = job["port"], job.get("timeout", 120.0)
    release = asyncio.Event()

    keep_alive = job.get("connections", "keep-alive") == "keep-alive"

    async def buyer(steps: list[dict[str, Any]]) -> tuple[int, float]:
        client = Client(port, keep_alive=keep_alive)
        await release.wait()
        started = time.perf_counter()
        status = 0
        for step in steps:
            status = await client.request(step, timeout=timeout)
            if not 200 <= status < 300:
                break
        client.close()
        return status, time.perf_counter() - started

    tasks = [asyncio.create_task(buyer(steps)) for steps in job["buyers"]]
    await asyncio.sleep(0)  # every buyer is waiting at the gate
    started = time.perf_counter()
    release.set()
    results = await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    statuses = Counter(status for status, _ in results)
    placed = [seconds for status, seconds in results if status == 201]
    everyone = [seconds for _, seconds in results]
    return {
        "buyers": len(results),
        "seconds": elapsed,
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "created": len(placed),
        "orders_per_s": len(placed) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": percentile(everyone, 0.5) * 1000,
        "p99_ms": percentile(everyone, 0.99) * 1000,
        "server_errors": sum(count for status, count in statuses.items() if status >= 500),
        "no_answer": statuses.get(0, 0),
    }


def main() -> int:
    job = json.loads(sys.stdin.read())
    runner = {"requests": run_requests, "buyers": run_buyers}[job["kind"]]
    print(json.dumps(asyncio.run(runner(job))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
