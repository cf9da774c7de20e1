"""`make run`'s background system: a real Celery worker and beat on the SQLite broker, no Redis needed.

The suite itself stays eager (config.settings.test); the tests here start the embedded default's
own processes (config.settings.local) against files in a temp folder (KARAVAN_VAR_DIR), with
their clocks pinned through ``demo/tests/pinned_clock``.
"""

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler

from config.celery import app as celery_app
from core.tests.fake_rates_server import fake_rates_provider

ROOT = Path(__file__).resolve().parents[2]
CLOCK = Path(__file__).resolve().parent / "pinned_clock"
# A summer Wednesday: lanes open, departures running. The worker and beat wake up two hours after
# the set-up, when the unpaid order's 30-minute hold has long run out.
SET_UP_AT = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
RUNNING_AT = SET_UP_AT + timedelta(hours=2)
# Settings that point the suite at PostgreSQL and Redis in CI; the embedded default uses none.
SERVICE_VARIABLES = {
    "DATABASE_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "DJANGO_SETTINGS_MODULE",
    "KARAVAN_VAR_DIR",
}
PERIODIC_JOBS = {
    "refresh-exchange-rates": timedelta(hours=1),
    "expire-unpaid-orders": timedelta(minutes=1),
    "consolidate-departures": timedelta(minutes=15),
    "recompute-delivery-estimates": timedelta(hours=24),
}

pytestmark = pytest.mark.embedded


def embedded_environment(var_dir: Path, now: datetime | None) -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if name not in SERVICE_VARIABLES}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        KARAVAN_VAR_DIR=str(var_dir),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}",
        PYTHONPATH=os.pathsep.join([str(CLOCK), str(ROOT)]),
        PYTHONUNBUFFERED="1",
    )
    if now is not None:
        environment["KARAVAN_TEST_NOW"] = now.isoformat()
    return environment


def manage(var_dir: Path, *arguments: str, now: datetime | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=embedded_environment(var_dir, now),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def wait_until(condition: Callable[[], Any], *, timeout: float, what: str) -> Any:
    """Re-check ``condition`` every quarter second until it holds; fail after ``timeout`` seconds."""
    deadline = datetime.now(UTC) + timedelta(seconds=timeout)
    pause = threading.Event()
    while (value := condition()) is None or value is False:
        if datetime.now(UTC) > deadline:
            pytest.fail(f"gave up after {timeout:g}s waiting for {what}")
        pause.wait(0.25)
    return value


def query(database: Path, sql: str, *parameters: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(database, timeout=20)) as connection:
        return connection.execute(sql, parameters).fetchall()


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    """A migrated embedded default in a temp folder, its broker ready, as `make run` prepares it."""
    (tmp_path / "log").mkdir()
    manage(tmp_path, "migrate", "--noinput", "--verbosity", "0")
    manage(tmp_path, "broker_prepare")
    return tmp_path


@pytest.fixture
def start_processes(var_dir: Path) -> Iterator[Callable[..., tuple[subprocess.Popen[str], Path]]]:
    """Start Procfile entries with `make run`'s runner, the clock at RUNNING_AT; stopped at the end."""
    started: list[subprocess.Popen[str]] = []

    def start(*names: str) -> tuple[subprocess.Popen[str], Path]:
        output = var_dir / "log" / "procfile.log"
        with output.open("w") as handle:
            runner = subprocess.Popen(
                [sys.executable, "-m", "config.procfile", *names],
                cwd=ROOT,
                env=embedded_environment(var_dir, RUNNING_AT),
                stdout=handle,
                stderr=subprocess.STDOUT,
                text=True,
            )
        started.append(runner)
        return runner, output

    yield start
    for runner in started:
        if runner.poll() is None:  # the test failed before stopping it: leave nothing behind
            runner.send_signal(signal.SIGTERM)
            runner.wait(timeout=60)
    # Shown by pytest when the test failed: what the processes said.
    for log in sorted((var_dir / "log").glob("*.log")):
        print(f"--- {log.name} (last lines)", *log.read_text(errors="replace").splitlines()[-40:], sep="\n")


def set_up(var_dir: Path) -> dict[str, Any]:
    """The demo seeded at SET_UP_AT, an unpaid order and a packed cross-border parcel waiting."""
    done = subprocess.run(
        [sys.executable, "-m", "demo.tests.embedded_scenario"],
        cwd=ROOT,
        env=embedded_environment(var_dir, SET_UP_AT),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.clock_free
def test_the_worker_and_beat_of_make_run_do_the_periodic_jobs_and_stop_with_it(
    var_dir: Path, start_processes: Callable[..., tuple[subprocess.Popen[str], Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Celery lets these variables override any app's own broker: CI sets them for its Redis.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_RESULT_BACKEND", raising=False)
    scenario = set_up(var_dir)
    assert scenario["unpaid_status"] == "pending_payment"
    database = var_dir / "karavan.sqlite3"
    runner, output = start_processes("worker", "beat")

    # A worker on the SQLAlchemy transport over SQLite runs a task another process sent.
    store = var_dir / "celery.sqlite3"
    client = Celery("make-run-test", broker=f"sqla+sqlite:///{store}", backend=f"db+sqlite:///{store}")
    client.conf.broker_transport_options = {"connect_args": {"timeout": 20}}
    payload = {"base": "USD", "timestamp": 1790000000, "rates": {"KZT": "511.25", "KGS": "87.40"}}
    with fake_rates_provider(payload) as provider_url:
        sent = client.send_task("core.tasks.exchange_rates_refresh_task", kwargs={"url": provider_url})
        # The test process is no task, but Celery's "never wait inside a task" guard is one flag for
        # the whole process, and eager tasks run by several threads at once (the race tests) can
        # leave it raised for the rest of an xdist worker's life: waiting here is safe, so say so.
        assert sent.get(timeout=300, disable_sync_subtasks=False) == 2
    rates = query(database, "SELECT quote, rate FROM core_exchangerate WHERE source = ?", provider_url)
    assert sorted((quote, round(float(rate), 2)) for quote, rate in rates) == [("KGS", 87.4), ("KZT", 511.25)]

    # Beat finds its jobs due and sends them; the worker expires the unpaid order past its hold,
    # which gives its stock back, and books the packed parcel onto a departure.
    def order_status() -> str | None:
        status = query(database, "SELECT status FROM orders_order WHERE id = ?", scenario["unpaid_order"])[0][0]
        return status if status != "pending_payment" else None

    assert wait_until(order_status, timeout=300, what="the unpaid order to expire") == "expired"
    reserved = query(database, "SELECT SUM(reserved) FROM warehouses_stock WHERE variant_id = ?", scenario["variant"])
    assert reserved[0][0] == scenario["reserved"] - 1

    def booking() -> tuple[Any, ...] | None:
        rows = query(
            database,
            "SELECT unit.number, departure.id FROM warehouses_outboundshipment AS parcel "
            "JOIN transport_departureunit AS unit ON unit.id = parcel.departure_unit_id "
            "JOIN transport_departure AS departure ON departure.id = unit.departure_id WHERE parcel.id = ?",
            scenario["parcel"],
        )
        return rows[0] if rows else None

    unit_number, _departure = wait_until(booking, timeout=300, what="the parcel to be booked on a departure")
    assert re.fullmatch(r"(TIR|CONT)-[A-Z]{3}-\d{8}-\d{2}", unit_number)
    beat_log = (var_dir / "log" / "beat.log").read_text()
    for job in PERIODIC_JOBS:
        assert f"Sending due task {job} " in beat_log

    # Ctrl-C stops both, nothing of theirs outlives the runner, no task failed on a locked database.
    runner.send_signal(signal.SIGINT)
    assert runner.wait(timeout=120) == 0
    pids = [int(pid) for pid in re.findall(r"started \(pid (\d+)\)", output.read_text())]
    assert len(pids) == 2
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.killpg(pid, 0)
    logs = beat_log + (var_dir / "log" / "worker.log").read_text() + output.read_text()
    assert "database is locked" not in logs
    assert "raised unexpected" not in logs  # how Celery logs a task that failed


# The scheduler closes "old" connections; inside a test's transaction that would close it for good.
@pytest.mark.django_db(transaction=True)
def test_beat_schedules_the_four_periodic_jobs_onto_registered_tasks() -> None:
    celery_app.loader.import_default_modules()
    scheduler = DatabaseScheduler(app=celery_app)
    try:
        jobs = {name: entry for name, entry in scheduler.schedule.items() if name in PERIODIC_JOBS}
    finally:
        scheduler.close()
    assert {name: entry.schedule.run_every for name, entry in jobs.items()} == PERIODIC_JOBS
    for entry in jobs.values():
        assert entry.task in celery_app.tasks, f"{entry.name} runs {entry.task}, which no module defines"
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"


WRITER = """
import sys
import django
django.setup()
from django.db import connection, transaction
print("ready", flush=True)
sys.stdin.readline()  # every writer starts at once
for _ in range(int(sys.argv[1])):
    # Read, then write: the pattern that fails with "database is locked" in a deferred transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        (n,) = cursor.fetchone()
        cursor.execute("UPDATE counter SET n = %s", [n + 1])
"""


def test_three_sqlite_writers_like_web_worker_and_beat_wait_for_each_other(tmp_path: Path) -> None:
    database = tmp_path / "karavan.sqlite3"
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE counter (n INTEGER NOT NULL)")
        connection.execute("INSERT INTO counter VALUES (0)")
        connection.commit()
    rounds = 150
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(rounds)],
            cwd=ROOT,
            env=embedded_environment(tmp_path, None),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    try:
        for writer in writers:
            assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
        for writer in writers:
            assert writer.stdin is not None
            writer.stdin.write("go\n")
            writer.stdin.flush()
        errors = [writer.communicate(timeout=300)[1] for writer in writers]
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
    assert [writer.returncode for writer in writers] == [0, 0, 0], "\n".join(errors)
    assert query(database, "SELECT n FROM counter") == [(3 * rounds,)]
