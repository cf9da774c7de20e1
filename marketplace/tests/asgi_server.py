"""Real ASGI servers for tests: ``config.asgi`` under uvicorn in a child process, on a port the test bound.

The test binds 127.0.0.1:0 and listens before the child starts, so requests made at once wait in
the socket's backlog until the server accepts them (no polling, no fixed port). Run as a module,
this file is the child: ``python -m marketplace.tests.asgi_server FD``.
"""

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def asgi_server(environment: dict[str, str], *, inherit: bool = True) -> Iterator[str]:
    """Start a server process with ``environment`` (on top of ours unless ``inherit`` is False) on a
    fresh port; yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(256)
    port = listener.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "marketplace.tests.asgi_server", str(listener.fileno())],
        cwd=PROJECT_ROOT,
        env={**os.environ, **environment} if inherit else environment,
        pass_fds=[listener.fileno()],
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)
        listener.close()


def main(fd: int) -> None:
    import uvicorn

    sock = socket.socket(fileno=fd)
    config = uvicorn.Config("config.asgi:application", lifespan="off", log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main(int(sys.argv[1]))
