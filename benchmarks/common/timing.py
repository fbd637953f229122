"""Timers, percentiles and peak memory, as the benchmark scripts print them."""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def times_ms(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Wall time of each of ``repeat`` calls of ``fn``, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def best_ms(fn: Callable[[], Any], repeat: int) -> float:
    """The fastest of ``repeat`` calls: the cost without the shared machine's noise."""
    return min(times_ms(fn, repeat))


def percentile(ms: Sequence[float], q: float) -> float:
    return float(np.percentile(ms, q))


def summary(ms: Sequence[float]) -> str:
    """``median ... ms   p95 ... ms   (n=...)``, the engine half's line."""
    p95 = percentile(ms, 95)
    return f"median {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   (n={len(ms)})"


def peak_mb() -> float:
    """This process's peak resident memory so far (``ru_maxrss``), in MB."""
    # ru_maxrss is KiB on Linux, bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024
