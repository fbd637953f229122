"""The real thing: `pathways` commands in a subprocess and gunicorn serving over HTTP."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pathways(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        input=stdin,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("served")
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{folder / 'pathways.sqlite3'}")
    for command in (["init-db"], ["load-sample"]):
        result = pathways(env, *command)
        assert result.returncode == 0, result.stderr
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from api.cli import main; main()",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/v1/health", timeout=2).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("the server did not answer within 60 s")
    try:
        yield base, env
    finally:
        server.terminate()
        server.wait(timeout=30)


def call(method: str, url: str, token: str | None = None, body: object = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, json.loads(error.read())


def test_gunicorn_serves_health_with_the_current_season(served) -> None:
    base, _ = served
    status, headers, body = call("GET", f"{base}/api/v1/health")
    assert status == 200
    assert body["database"] == "sqlite"
    assert body["current_season"]["label"] == "2026"
    assert "gunicorn" in headers.get("Server", "")


def test_a_token_from_the_cli_opens_the_api_and_a_bad_one_does_not(served) -> None:
    base, env = served
    result = pathways(env, "create-token", "--org", "Svay Rieng Shelter", "--role", "counsellor")
    token = result.stdout.strip().splitlines()[-1]
    status, _, body = call("GET", f"{base}/api/v1/survivors", token)
    assert status == 200 and len(body["items"]) == 5
    status, headers, body = call("GET", f"{base}/api/v1/survivors", token + "x")
    assert status == 401
    assert headers["Content-Type"] == "application/problem+json"


def test_a_recommendation_over_http_is_stored_and_fetched_again(served) -> None:
    base, env = served
    result = pathways(env, "create-token", "--org", "Svay Rieng Shelter", "--role", "counsellor")
    token = result.stdout.strip().splitlines()[-1]
    _, _, listing = call("GET", f"{base}/api/v1/survivors", token)
    survivor = next(s for s in listing["items"] if s["case_code"] == "SRS-2026-001")
    url = f"{base}/api/v1/survivors/{survivor['id']}/recommendations"
    status, headers, made = call("POST", url, token, {"limit": 3})
    assert status == 201
    assert headers["Cache-Control"] == "no-store"
    assert made["items"][0]["track"]["code"] == "motorcycle-repair-svr"
    status, _, again = call("GET", f"{url}/{made['id']}", token)
    assert status == 200 and again == made


def test_a_revoked_token_stops_working_at_once_on_every_worker(served) -> None:
    base, env = served
    result = pathways(env, "create-token", "--org", "Svay Rieng Shelter", "--role", "counsellor")
    token = result.stdout.strip().splitlines()[-1]
    for _ in range(8):  # reach both workers, so each has seen the token
        assert call("GET", f"{base}/api/v1/me", token)[0] == 200
    assert pathways(env, "revoke-token", token[:11]).returncode == 0
    for _ in range(8):
        assert call("GET", f"{base}/api/v1/me", token)[0] == 401


def test_a_page_sign_in_holds_on_every_worker(served) -> None:
    """The page session is signed in one worker and read by both: one key for all."""

    base, env = served
    org = ("--org", "Svay Rieng Shelter", "--role", "counsellor", "--username", "workers")
    result = pathways(env, "create-user", *org, stdin="a long password\n")
    assert result.returncode == 0, result.stderr
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(f"{base}/", timeout=30).read().decode()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    credentials = {"username": "workers", "password": "a long password", "csrf_token": csrf}
    form = urllib.parse.urlencode(credentials).encode()
    opener.open(f"{base}/login", data=form, timeout=30).close()
    for _ in range(10):  # both workers serve these
        with opener.open(f"{base}/survivors", timeout=30) as response:
            assert response.url.endswith("/survivors"), "sent back to sign in"
            assert "SRS-2026-001" in response.read().decode()
