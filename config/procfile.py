"""Run the processes of a Procfile together and stop them together: ``python -m config.procfile``.

`make run` starts the web server, the Celery worker and beat with it (see ``Procfile``). Each line
``name: command`` runs through ``/bin/sh`` in a process group of its own, with ``$PORT`` set the
way foreman and honcho set it (the first line gets ``--port``, the next one 100 more, ...), and its
output goes to ours prefixed with its name. Everything stops together when:

- we get SIGINT (Ctrl-C), SIGTERM or SIGHUP, or our terminal or output is gone (closed window);
- one of the processes exits (a crashed worker must not go unnoticed behind a live server).

Stopping sends SIGINT to every process group, which is what each program expects from Ctrl-C
(Celery's worker finishes its running tasks, Django's autoreloader and its child both exit);
whatever is still running after ``--grace`` seconds, or at a second Ctrl-C, gets SIGKILL. We wait
until every group is empty, so nothing outlives the command and the port is free again.

Why not honcho: it was tried first. Closing the terminal (SIGHUP), or a pipe after `make run` that
went away, left the server, the worker and beat running with nobody to stop them; and it signals
only groups whose first process is still alive (the autoreloader's child can outlive its parent).
"""

import argparse
import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

LINE = re.compile(r"^(?P<name>[A-Za-z0-9_-]+):\s*(?P<command>.+)$")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass(frozen=True)
class Entry:
    name: str
    command: str
    position: int  # its line among the Procfile's entries: $PORT is --port + 100 × position


@dataclass
class Running:
    entry: Entry
    process: subprocess.Popen[bytes]
    reader: threading.Thread = field(init=False)


def procfile_read(path: Path) -> list[Entry]:
    """The Procfile's ``name: command`` lines in order; blank lines and ``#`` comments are skipped."""
    entries: list[Entry] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = LINE.match(line)
        if match is None:
            raise SystemExit(f"{path}:{number}: expected 'name: command', got {line!r}")
        entries.append(Entry(match["name"], match["command"], position=len(entries)))
    return entries


class Supervisor:
    """Starts the entries, relays their output, and stops all of them when one stops or we are told to."""

    def __init__(self, entries: list[Entry], *, port: int, grace: float, cwd: Path, output: IO[str]) -> None:
        self.entries = entries
        self.port = port
        self.grace = grace
        self.cwd = cwd
        self.output = output
        self.running: list[Running] = []
        self.width = max([len("system"), *(len(entry.name) for entry in entries)])
        self.stop_requested = threading.Event()
        self.stop_reason = ""
        self.first_exit_code: int | None = None  # of the process whose exit stopped the others
        self.signals_received = 0
        self.output_lock = threading.Lock()

    # --- output
    def say(self, name: str, text: str) -> None:
        line = f"{datetime.now():%H:%M:%S} {name:<{self.width}} | {text.rstrip()}\n"
        with self.output_lock:
            try:
                self.output.write(line)
                self.output.flush()
            except (OSError, ValueError):
                # The terminal or pipe is gone: nobody can see or stop us any more, so stop.
                self.request_stop("output closed")

    def _relay(self, running: Running) -> None:
        assert running.process.stdout is not None
        for raw in iter(running.process.stdout.readline, b""):
            self.say(running.entry.name, raw.decode("utf-8", errors="replace"))
        code = running.process.wait()
        self.request_stop(f"{running.entry.name} exited with code {code}", exit_code=code)

    # --- life cycle
    def request_stop(self, reason: str, exit_code: int | None = None) -> None:
        if not self.stop_requested.is_set():
            self.stop_reason = reason
            self.first_exit_code = exit_code
            self.stop_requested.set()

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.signals_received += 1
        if self.signals_received > 1:  # impatient second Ctrl-C: no more waiting
            self._signal_groups(signal.SIGKILL)
        self.request_stop(signal.Signals(signum).name)

    def start(self) -> None:
        for entry in self.entries:
            environment = {**os.environ, "PORT": str(self.port + 100 * entry.position), "PYTHONUNBUFFERED": "1"}
            process = subprocess.Popen(  # noqa: S602 - a Procfile line is a shell command by definition
                entry.command,
                shell=True,
                cwd=self.cwd,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: we decide when and how it stops
            )
            running = Running(entry, process)
            running.reader = threading.Thread(target=self._relay, args=(running,), daemon=True)
            self.running.append(running)
            self.say("system", f"{entry.name} started (pid {process.pid})")
            running.reader.start()

    def _terminal(self) -> int | None:
        try:
            fileno = self.output.fileno()
        except (OSError, ValueError):
            return None
        return fileno if os.isatty(fileno) else None

    def _check_terminal(self, fileno: int | None) -> None:
        """Stop when our terminal hung up, even if no SIGHUP reached us (e.g. make was its session leader)."""
        if fileno is None:
            return
        try:
            os.tcgetpgrp(fileno)  # EIO once the terminal is gone
        except OSError:
            self.request_stop("terminal closed")

    def _signal_groups(self, signum: int) -> None:
        for running in self.running:
            with contextlib.suppress(ProcessLookupError):  # that group is already empty
                os.killpg(running.process.pid, signum)

    def _alive_groups(self) -> list[str]:
        alive = []
        for running in self.running:
            running.process.poll()  # reap the group leader, or the group never looks empty
            try:
                os.killpg(running.process.pid, 0)
            except ProcessLookupError:
                continue
            alive.append(running.entry.name)
        return alive

    def stop(self) -> None:
        self.say("system", f"stopping ({self.stop_reason}): {', '.join(self._alive_groups()) or 'nothing left'}")
        self._signal_groups(signal.SIGINT)
        deadline = time.monotonic() + self.grace
        while self._alive_groups() and time.monotonic() < deadline and self.signals_received < 2:
            time.sleep(0.1)
        left = self._alive_groups()
        if left:
            self.say("system", f"still running after {self.grace:g}s, killing: {', '.join(left)}")
            self._signal_groups(signal.SIGKILL)
            while self._alive_groups():
                time.sleep(0.05)
        for running in self.running:
            running.reader.join(timeout=5)
        self.say("system", "all stopped")

    def run(self) -> int:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._on_signal)
        try:
            terminal = self._terminal()
            self.start()
            while not self.stop_requested.wait(timeout=1):
                self._check_terminal(terminal)
        finally:
            self.stop()
        # A stop we were asked for is a clean exit; a process that ended on its own is a failure.
        if self.first_exit_code is None:
            return 0
        return self.first_exit_code if self.first_exit_code > 0 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only these Procfile entries (default: all)")
    parser.add_argument("-f", "--procfile", type=Path, default=Path("Procfile"))
    parser.add_argument("-p", "--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--grace", type=float, default=10.0, help="seconds to wait before SIGKILL (default 10)")
    arguments = parser.parse_args(argv)
    entries = procfile_read(arguments.procfile)
    unknown = set(arguments.names) - {entry.name for entry in entries}
    if unknown:
        parser.error(f"not in {arguments.procfile}: {', '.join(sorted(unknown))}")
    if arguments.names:
        entries = [entry for entry in entries if entry.name in arguments.names]
    supervisor = Supervisor(
        entries,
        port=arguments.port,
        grace=arguments.grace,
        cwd=arguments.procfile.resolve().parent,
        output=sys.stdout,
    )
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
