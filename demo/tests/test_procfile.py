"""`python -m config.procfile`, the runner of `make run`: everything starts together and stops together."""

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from config.procfile import procfile_read

ROOT = Path(__file__).resolve().parents[2]
STARTED = re.compile(r"\| (?P<name>[\w-]+) started \(pid (?P<pid>\d+)\)")
# Each test process says "ready <name> <PORT>" once its signal handling is in place.
READY = re.compile(r"\| ready (?P<name>[\w-]+) (?P<port>\d+)")


def python(code: str) -> str:
    return f'"{sys.executable}" -c "{code}"'


SLEEPER = "import os, time; print('ready', '{name}', os.environ['PORT'], flush=True); time.sleep(600)"
# A process that leaves a child behind in its group, like Django's autoreloader and its server.
PARENT = (
    "import os, subprocess, sys, time; "
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); "
    "print('ready', '{name}', os.environ['PORT'], flush=True); time.sleep(600)"
)
# A process that ignores Ctrl-C: only SIGKILL after the grace period stops it.
STUBBORN = (
    "import os, signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "print('ready', '{name}', os.environ['PORT'], flush=True); time.sleep(600)"
)


class Runner:
    """The runner as a child process of the test, its output read line by line on a thread."""

    def __init__(self, procfile: Path, *arguments: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "config.procfile", "--procfile", str(procfile), "--port", "7000", *arguments],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, pattern: re.Pattern[str], count: int) -> list[re.Match[str]]:
        """Read output until ``pattern`` matched ``count`` lines (each line waited for at most 60 s)."""
        matches = [match for line in self.seen if (match := pattern.search(line))]
        while len(matches) < count:
            line = self.lines.get(timeout=60)
            self.seen.append(line)
            if match := pattern.search(line):
                matches.append(match)
        return matches

    def finish(self) -> int:
        code = self.process.wait(timeout=60)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code

    def stop_for_good(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def procfile(tmp_path: Path, **commands: str) -> Path:
    path = tmp_path / "Procfile"
    text = "# a comment\n\n" + "".join(f"{name}: {python(code.format(name=name))}\n" for name, code in commands.items())
    path.write_text(text)
    return path


def groups_left(pids: list[int]) -> list[int]:
    left = []
    for pid in pids:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            continue
        left.append(pid)
    return left


@pytest.mark.clock_free
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGHUP, signal.SIGTERM])
def test_a_stop_signal_stops_every_process_and_their_children(tmp_path: Path, stop_signal: signal.Signals) -> None:
    runner = Runner(procfile(tmp_path, web=PARENT, worker=SLEEPER, stubborn=STUBBORN), "--grace", "5")
    try:
        started = {match["name"]: int(match["pid"]) for match in runner.wait_for(STARTED, 3)}
        ports = {match["name"]: match["port"] for match in runner.wait_for(READY, 3)}
        assert ports == {"web": "7000", "worker": "7100", "stubborn": "7200"}
        assert groups_left(list(started.values())) == list(started.values())

        runner.process.send_signal(stop_signal)
        assert runner.finish() == 0
    finally:
        runner.stop_for_good()
    assert groups_left(list(started.values())) == []
    output = "".join(runner.seen)
    assert f"stopping ({stop_signal.name}): web, worker, stubborn" in output
    # Everything else stops on SIGINT; on a loaded machine it may not all be done within the grace.
    assert re.search(r"still running after 5s, killing: (web, |worker, )*stubborn\n", output)
    assert "all stopped" in output


def test_a_process_that_exits_stops_the_others_and_fails_the_run(tmp_path: Path) -> None:
    crash = "print('ready', 'crash', 0, flush=True); raise SystemExit(3)"
    runner = Runner(procfile(tmp_path, web=PARENT, crash=crash))
    try:
        started = {match["name"]: int(match["pid"]) for match in runner.wait_for(STARTED, 2)}
        assert runner.finish() == 3
    finally:
        runner.stop_for_good()
    assert groups_left(list(started.values())) == []
    assert "stopping (crash exited with code 3)" in "".join(runner.seen)


def test_only_the_named_entries_run_with_their_own_port(tmp_path: Path) -> None:
    runner = Runner(procfile(tmp_path, web=SLEEPER, worker=SLEEPER, beat=SLEEPER), "worker", "beat")
    try:
        started = {match["name"]: int(match["pid"]) for match in runner.wait_for(STARTED, 2)}
        ports = {match["name"]: match["port"] for match in runner.wait_for(READY, 2)}
        runner.process.send_signal(signal.SIGINT)
        assert runner.finish() == 0
    finally:
        runner.stop_for_good()
    assert set(started) == {"worker", "beat"}
    assert ports == {"worker": "7100", "beat": "7200"}  # the port of their line, as with every entry


def test_the_projects_procfile_runs_the_server_the_worker_and_beat(tmp_path: Path) -> None:
    entries = procfile_read(ROOT / "Procfile")
    assert [entry.name for entry in entries] == ["web", "worker", "beat"]
    assert "$PORT" in entries[0].command
    assert "django_celery_beat.schedulers:DatabaseScheduler" in entries[2].command
    (tmp_path / "Procfile").write_text("web python manage.py runserver\n")
    with pytest.raises(SystemExit, match="expected 'name: command'"):
        procfile_read(tmp_path / "Procfile")
