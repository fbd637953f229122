"""gunicorn on 127.0.0.1 for the HTTP benchmarks, stopped when the block ends."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(
    app: str, env: dict[str, str], workers: int, threads: int = 1, *, preload: bool = False
) -> Iterator[int]:
    """Serve ``app`` (``module:variable``, from the repository root); yields its port.

    ``threads`` above 1 gives each worker that many request threads (gthread), so that
    one worker process serves requests at the same time. ``preload`` imports the app
    once, before the workers fork, so that several start as fast as one (the app opens
    no database connection while it is created, so none is shared across the fork).

    ``env`` is added to this process's environment; the repository root is put on
    ``PYTHONPATH`` so that ``benchmarks.*`` and the project's packages import.
    """
    port = free_port()
    executable = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [
            str(executable),
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{port}",
            "--chdir",
            str(ROOT),
            "--timeout",
            "120",
            "--log-level",
            "warning",
            *(["--preload"] if preload else []),
            app,
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )
    try:
        _wait_until_listening(proc, port, app)
        yield port
    finally:
        proc.terminate()
        proc.wait(30)


def _wait_until_listening(proc: subprocess.Popen[bytes], port: int, app: str) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn for {app} exited with {proc.returncode}") from None
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn for {app} did not start")
