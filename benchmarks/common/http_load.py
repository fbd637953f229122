"""POST load from client threads against a local server: latency percentiles, throughput."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from benchmarks.common.timing import percentile


def send(
    port: int, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, bytes, dict[str, str], float]:
    """One request on a new connection to 127.0.0.1: status, body, headers, wall time in ms."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        sent = {"Content-Type": "application/json", **headers} if body is not None else headers
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        raw = response.read()
        status, got = response.status, dict(response.getheaders())
    finally:
        conn.close()
    return status, raw, got, (time.perf_counter() - start) * 1000.0


def post(port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, float]:
    """One POST on a new connection to 127.0.0.1; its status and wall time in ms."""
    status, _, _, ms = send(port, "POST", path, body, headers)
    return status, ms


def load_test(
    port: int,
    paths: Sequence[str],
    headers: dict[str, str],
    *,
    requests: int,
    limit: int,
    clients: int,
) -> dict[str, float]:
    """``requests`` POSTs from ``clients`` threads, cycling ``paths``; p50, p99 in ms, req/s."""
    body = json.dumps({"limit": limit}).encode()
    # Warm up both workers (the first recommendation of a worker prepares the market).
    with ThreadPoolExecutor(clients) as pool:
        warm = list(
            pool.map(lambda i: post(port, paths[i % len(paths)], body, headers), range(clients * 2))
        )
    bad = [s for s, _ in warm if s >= 300]
    if bad:
        raise RuntimeError(f"warm-up answered {bad[:5]}")
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(
            pool.map(lambda i: post(port, paths[i % len(paths)], body, headers), range(requests))
        )
    wall = time.perf_counter() - start
    statuses = sorted({s for s, _ in results})
    if statuses != [201] and statuses != [200]:
        raise RuntimeError(f"unexpected statuses {statuses}")
    ms = [t for _, t in results]
    return {
        "p50_ms": percentile(ms, 50),
        "p99_ms": percentile(ms, 99),
        "requests_per_s": requests / wall,
    }
