"""`make run`'s web server: gunicorn with uvicorn workers on the embedded SQLite default.

A burst of buyers placing orders at once each gets an answer (201 or 409: never a refused
connection, a reset or a "database is locked" 500), and a live event caused through one server
process reaches a viewer connected to another (the SQLite file bus, no Redis).
"""

import json
import socket
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from demo.tests.test_embedded_system import ROOT, embedded_environment, manage, wait_until
from marketplace.tests.asgi_server import asgi_server
from marketplace.tests.sse_client import SSEClient
from orders.tests.factories import ALMATY_ADDRESS

pytestmark = [pytest.mark.embedded, pytest.mark.clock_free]

BUYERS = 100
STOCK = 40


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A migrated embedded default in a temp folder with BUYERS buyers who each want the one hot variant."""
    var_dir = tmp_path_factory.mktemp("make-run")
    (var_dir / "log").mkdir()
    manage(var_dir, "migrate", "--noinput", "--verbosity", "0")
    manage(var_dir, "broker_prepare")
    done = subprocess.run(
        [sys.executable, "-m", "demo.tests.burst_scenario", str(BUYERS), str(STOCK)],
        cwd=ROOT,
        env=embedded_environment(var_dir, None),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return var_dir, json.loads(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def web(site: tuple[Path, dict[str, Any]]) -> Iterator[str]:
    """The Procfile's web line, started by `make run`'s runner with two workers; yields its base URL."""
    var_dir, _ = site
    port = free_port()
    environment = {**embedded_environment(var_dir, None), "WEB_CONCURRENCY": "2", "DJANGO_DEBUG": "False"}
    with (var_dir / "log" / "web.log").open("w") as output:
        runner = subprocess.Popen(
            [sys.executable, "-m", "config.procfile", "web", "--port", str(port)],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return requests.get(f"{base}/healthz", timeout=30).status_code == 200
        except requests.RequestException:
            assert runner.poll() is None, (var_dir / "log" / "web.log").read_text()
            return False

    try:
        wait_until(healthy, timeout=120, what="the web server to answer")
        yield base
    finally:
        runner.terminate()
        runner.wait(timeout=60)
        print((var_dir / "log" / "web.log").read_text(errors="replace")[-4000:])


def test_a_burst_of_100_buyers_against_make_runs_server_each_gets_201_or_409(
    web: str, site: tuple[Path, dict[str, Any]]
) -> None:
    var_dir, data = site
    release = threading.Barrier(BUYERS)

    def place(token: str) -> str:
        release.wait()
        try:
            response = requests.post(
                f"{web}/api/v1/orders/",
                json={"shipping_address": ALMATY_ADDRESS, "currency": "KZT"},
                headers={"Authorization": f"Token {token}", "Idempotency-Key": "burst"},
                timeout=120,
            )
        except requests.RequestException as error:  # refused, reset, timed out: no answer at all
            return type(error).__name__
        return str(response.status_code) if response.status_code != 500 else f"500 {response.text[:200]}"

    with ThreadPoolExecutor(max_workers=BUYERS) as pool:
        answers = Counter(pool.map(place, data["buyers"]))

    # Every buyer got an answer; exactly the stock was sold, the others were told it ran out.
    assert answers == Counter({"201": STOCK, "409": BUYERS - STOCK})
    log = (var_dir / "log" / "web.log").read_text(errors="replace")
    assert "database is locked" not in log


def test_a_pin_through_one_server_process_reaches_a_viewer_of_another(site: tuple[Path, dict[str, Any]]) -> None:
    var_dir, data = site
    environment = {**embedded_environment(var_dir, None), "DJANGO_DEBUG": "False"}
    stream = data["stream"]
    with asgi_server(environment, inherit=False) as first, asgi_server(environment, inherit=False) as second:
        wait_until(lambda: _answers(first) and _answers(second), timeout=120, what="both servers to answer")
        viewer = SSEClient(f"{first}/api/v1/livestreams/{stream}/events/")
        assert viewer.status == 200
        pinned = requests.post(
            f"{second}/api/v1/seller/livestreams/{stream}/pin/",
            json={"sku": data["sku"]},
            headers={"Authorization": f"Token {data['owner']}"},
            timeout=30,
        )
        assert pinned.status_code == 200, pinned.text
        event = viewer.next()
        assert event.type == "pinned"
        assert json.loads(event.data)["sku"] == data["sku"]
        viewer.close()
        # A viewer that reconnects to the other process with Last-Event-ID misses nothing either.
        again = requests.post(
            f"{first}/api/v1/seller/livestreams/{stream}/pin/",
            json={"sku": data["sku"]},
            headers={"Authorization": f"Token {data['owner']}"},
            timeout=30,
        )
        assert again.status_code == 200, again.text
        resumed = SSEClient(f"{second}/api/v1/livestreams/{stream}/events/", last_event_id=event.id)
        missed = resumed.next()
        assert (missed.type, int(missed.id)) == ("pinned", int(event.id) + 1)
        resumed.close()


def _answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=30).status_code == 200
    except requests.RequestException:
        return False
