"""Crash safety: gunicorn killed with SIGKILL in the middle of a stream of writes.

Client threads create survivors and record their consent as fast as the server takes
them; the server (its master and both workers) is killed without warning while
requests are in flight, then started again on the same database. Every write it
acknowledged (a 2xx) must be there, and nothing half-written: each survivor has its
one audit row (written in the same transaction), each consent its survivor. Requests
cut off by the kill may or may not have been stored, but only whole.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from api.auth import issue_token
from api.store.db import make_engine
from tests.conftest import database_url
from tests.e2e.test_served import ROOT, _free_port, call

CLIENTS = 4
# Writes acknowledged before the kill: enough that some are in flight when it lands.
BEFORE_KILL = 60
STREAM_SECONDS = 8.0


@contextmanager
def server(url: str, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """``pathways serve`` (gunicorn, two workers) in its own process group."""
    env = dict(
        os.environ,
        DATABASE_URL=url,
        PATHWAYS_SECRET_KEY="crash-test",
        PATHWAYS_RATELIMIT="100000 per minute",
        PATHWAYS_RATELIMIT_WRITES="100000 per minute",
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the kill reaches the workers too
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"the server exited with {proc.returncode}")
                time.sleep(0.2)
        else:
            pytest.fail("the server did not answer within 60 s")
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)


def survivor(code: str) -> dict[str, object]:
    return {
        "case_code": code,
        "birth_year": datetime.now(UTC).year - 20,
        "home_province": "KH-20",
        "literacy": "basic",
        "notes": "written while the server may die",
    }


class Stream:
    """Client threads writing until told to stop; what the server acknowledged."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token
        self.survivors: dict[str, int] = {}  # case code -> id, for each 201
        self.consents: set[int] = set()  # survivor ids whose consent was acknowledged
        self.cut_off = 0  # requests that got no answer
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def run(self, worker: int) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            code = f"CRASH-{worker}-{n:05d}"
            try:
                status, _, answer = call(
                    "POST", f"{self.base}/api/v1/survivors", self.token, survivor(code)
                )
                if status != 201:
                    raise AssertionError((status, answer))
                with self.lock:
                    self.survivors[code] = answer["id"]
                consent = {"given": True, "method": "written", "guardian_consented": False}
                survivor_id = answer["id"]
                url = f"{self.base}/api/v1/survivors/{survivor_id}/consents"
                status, _, answer = call("POST", url, self.token, consent)
                if status != 201:
                    raise AssertionError((status, answer))
                with self.lock:
                    self.consents.add(survivor_id)
            except (OSError, http.client.HTTPException):
                # Refused, reset, or cut mid-answer (headers read, body not): in every
                # case the client holds no acknowledgement, so nothing is counted.
                with self.lock:
                    self.cut_off += 1
                if self.stop.is_set():
                    return
                time.sleep(0.05)  # the server is gone: wait for the test to stop us


# Two server starts (each imports the app: pandas, scikit-learn) and a few seconds of
# writes; about 10 s on a quiet machine, several times that on a busy one.
@pytest.mark.slow
def test_acknowledged_writes_survive_a_sigkill_and_nothing_is_half_written(
    template_database: str, tmp_path: Path
) -> None:
    url = database_url(template_database, tmp_path)
    engine = make_engine(url)
    with Session(engine) as session:
        token = issue_token(session, "Crash Test Shelter", "counsellor")
        session.commit()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"

    with server(url, port) as proc:
        stream = Stream(base, token)
        threads = [threading.Thread(target=stream.run, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + STREAM_SECONDS
        while len(stream.survivors) < BEFORE_KILL and time.monotonic() < deadline:
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)  # mid-stream: the clients are still writing
        proc.wait(30)
        time.sleep(0.3)  # let the clients see the dead server
        stream.stop.set()
        for thread in threads:
            thread.join(30)
    acknowledged = dict(stream.survivors)
    assert len(acknowledged) >= 10, "too few writes before the kill to test anything"
    assert stream.cut_off >= 1, "the kill did not land in the middle of the stream"

    with server(url, port):
        for code, survivor_id in acknowledged.items():
            status, _, body = call("GET", f"{base}/api/v1/survivors/{survivor_id}", token)
            assert status == 200, (code, status)
            assert body["case_code"] == code
        status, _, body = call("POST", f"{base}/api/v1/survivors", token, survivor("AFTER"))
        assert status == 201, ("the restarted server does not take writes", body)

    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        codes = dict(conn.execute(text("SELECT case_code, id FROM survivors")).all())
        audited = {
            entity: dict(
                conn.execute(
                    text(
                        "SELECT entity_id, count(*) FROM audit_events "
                        "WHERE entity = :entity AND action = 'create' GROUP BY entity_id"
                    ),
                    {"entity": entity},
                ).all()
            )
            for entity in ("survivor", "consent")
        }
        consents = dict(conn.execute(text("SELECT id, survivor_id FROM consents")).all())
        consented = set(consents.values())
    engine.dispose()
    # Every acknowledged write is there, with the id the client was given.
    assert {c: codes.get(c) for c in acknowledged} == acknowledged
    assert stream.consents <= consented
    # Nothing half-written: each survivor and consent stored has its one audit row (and
    # no audit row tells of a write that is not there), each consent its survivor.
    assert audited["survivor"] == dict.fromkeys(codes.values(), 1)
    assert audited["consent"] == dict.fromkeys(consents, 1)
    assert consented <= set(codes.values())
