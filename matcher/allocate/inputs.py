"""The check of the arrays every allocation function takes."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matcher.errors import AllocationInputError


def check_inputs(
    scores: NDArray[np.float64] | NDArray[np.int64],
    seats: NDArray[np.int64],
    arrival_order: NDArray[np.int64] | None,
    preference_ranks: NDArray[np.int64] | None,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64] | None]:
    """The arrays as the solver takes them: float scores, int seats, an arrival order
    (default: row order) and the stated ranks, or an error saying what is wrong."""
    sc = np.asarray(scores, dtype=np.float64)
    if sc.ndim != 2:
        raise AllocationInputError(f"scores must be 2-D (survivors x tracks), got {sc.ndim}-D")
    n, m = sc.shape
    if np.isinf(sc).any():
        raise AllocationInputError("scores must be finite numbers or NaN (excluded pairs)")
    st = np.asarray(seats)
    if st.shape != (m,):
        raise AllocationInputError(f"seats must have shape ({m},), got {st.shape}")
    if not np.issubdtype(st.dtype, np.integer) and (
        not np.all(np.isfinite(st)) or not np.all(st == np.round(st))
    ):
        raise AllocationInputError("seats must be whole numbers")
    st = st.astype(np.int64)
    if (st < 0).any():
        raise AllocationInputError("seats must be >= 0")
    if arrival_order is None:
        order = np.arange(n, dtype=np.int64)
    else:
        order = np.asarray(arrival_order, dtype=np.int64)
        if order.shape != (n,) or not np.array_equal(np.sort(order), np.arange(n)):
            raise AllocationInputError(
                "arrival_order must be a permutation of the survivor indices 0..N-1"
            )
    pr = None
    if preference_ranks is not None:
        pr = np.asarray(preference_ranks, dtype=np.int64)
        if pr.shape != (n, m):
            raise AllocationInputError(f"preference_ranks must have shape ({n}, {m})")
    return sc, st, order, pr
