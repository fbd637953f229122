"""The min-cost-flow graph of :mod:`matcher.allocate` and the proof for pruned graphs.

Graph (node ids): survivor at arrival position ``p`` is node ``p``; track ``j`` is node
``N + j``; the source is ``N + M`` and the sink ``N + M + 1``. Arcs are added in arrival
order, then by track index, so the same cohort always gives the same graph.

Optimality of a pruned solution. The residual graph of an allocation has, at each
survivor, exactly one incoming arc: from the source when unassigned, else the reverse
of the arc to their track. Shortest paths therefore pass through a survivor only as
``track -> survivor -> track`` (or ``source``), and the residual graph contracts to one
on the M tracks plus source and sink, where an edge ``j -> j'`` weighs the cheapest
``c[i, j'] - c[i, j]`` over survivors ``i`` holding ``j``. Bellman-Ford on that small
graph gives node potentials; a survivor's potential follows from their in-arc. A flow
is a minimum-cost flow of its value iff some potential leaves no residual arc with a
negative reduced cost, and it is a maximum flow iff no augmenting path from source to
sink exists. Both are checked against *every* allowed pair, so a pruned optimum that
passes is an optimum of the full problem.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from matcher.allocate.types import BLOCK

# Bound on |cost| * (nodes + 1); OR-tools' cost scaling multiplies costs by the
# number of nodes in int64, and the proof adds path lengths, so keep well inside.
MAX_FLOW_COST = 2**60
_INF = 2**62


def row_candidates(
    costs: NDArray[np.int64],
    allowed: NDArray[np.bool_],
    k: int,
    prices: NDArray[np.int64] | None = None,
) -> NDArray[np.bool_]:
    """Each survivor's ``k`` most promising allowed tracks, as an (N, M) mask.

    Most promising: cheapest cost, or, once track prices are known, cheapest
    ``cost - prices[j]``, which orders a survivor's arcs by reduced cost.
    """
    n, m = costs.shape
    if k >= m:
        return allowed.copy()
    mask = np.zeros((n, m), dtype=bool)
    rows = max(1, BLOCK // max(m, 1))
    for a in range(0, n, rows):
        block = costs[a : a + rows]
        if prices is not None:
            block = block - prices[None, :]
        masked = np.where(allowed[a : a + rows], block, _INF)
        idx = np.argpartition(masked, k - 1, axis=1)[:, :k]
        np.put_along_axis(mask[a : a + rows], idx, True, axis=1)
    mask &= allowed
    return mask


def column_candidates(
    costs: NDArray[np.int64], allowed: NDArray[np.bool_], want: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Each track's ``want[j]`` cheapest survivors, as an (N, M) mask.

    With these, a popular track cannot crowd every survivor's short list.
    """
    n, m = costs.shape
    mask = np.zeros((n, m), dtype=bool)
    cols = max(1, BLOCK // max(n, 1))
    for a in range(0, m, cols):
        # Transposed copy: one contiguous row per track.
        block = np.where(allowed[:, a : a + cols], costs[:, a : a + cols], _INF).T.copy()
        for r in range(block.shape[0]):
            w = int(min(n, want[a + r]))
            if w <= 0:
                continue
            top = np.argpartition(block[r], w - 1)[:w] if w < n else np.arange(n)
            mask[top, a + r] = True
    mask &= allowed
    return mask


def build_and_solve(
    arcs: NDArray[np.bool_],
    costs: NDArray[np.int64],
    seats: NDArray[np.int64],
    order: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Solve max flow at min cost on the survivor-track pairs marked in ``arcs``.

    Returns the track index per survivor (-1 = none), in row (not arrival) order.
    """
    n, m = costs.shape
    source, sink = n + m, n + m + 1
    smcf = min_cost_flow.SimpleMinCostFlow()
    tails_all: list[NDArray[np.int32]] = []
    heads_all: list[NDArray[np.int32]] = []
    rows = max(1, BLOCK // max(m, 1))
    for a in range(0, n, rows):
        ids = order[a : a + rows]
        pp, jj = np.nonzero(arcs[ids])
        cc = costs[ids[pp], jj]
        tails = (pp + a).astype(np.int32)
        heads = (jj + n).astype(np.int32)
        smcf.add_arcs_with_capacity_and_unit_cost(
            tails, heads, np.ones(tails.shape[0], dtype=np.int64), cc.astype(np.int64)
        )
        tails_all.append(tails)
        heads_all.append(heads)
    tails = np.concatenate(tails_all) if tails_all else np.empty(0, np.int32)
    heads = np.concatenate(heads_all) if heads_all else np.empty(0, np.int32)
    del tails_all, heads_all
    n_survivor_arcs = tails.shape[0]
    has_arc = np.zeros(n, dtype=bool)
    has_arc[tails] = True
    pos = np.flatnonzero(has_arc).astype(np.int32)
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.full(pos.shape[0], source, np.int32),
        pos,
        np.ones(pos.shape[0], np.int64),
        np.zeros(pos.shape[0], np.int64),
    )
    smcf.add_arcs_with_capacity_and_unit_cost(
        (np.arange(m) + n).astype(np.int32),
        np.full(m, sink, np.int32),
        np.minimum(seats, n).astype(np.int64),
        np.zeros(m, np.int64),
    )
    supply = int(pos.shape[0])
    smcf.set_node_supply(source, supply)
    smcf.set_node_supply(sink, -supply)
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"OR-tools min-cost flow failed: {status}")
    track_of = np.full(n, -1, dtype=np.int64)
    for a in range(0, n_survivor_arcs, BLOCK):
        b = min(a + BLOCK, n_survivor_arcs)
        f = np.asarray(smcf.flows(np.arange(a, b, dtype=np.int32)))
        used = np.flatnonzero(f > 0) + a
        track_of[order[tails[used]]] = heads[used].astype(np.int64) - n
    return track_of


def _group_any(
    values: NDArray[np.bool_], groups: NDArray[np.int64], n_groups: int
) -> NDArray[np.bool_]:
    """Row-wise logical OR of ``values`` per group id (False for empty groups)."""
    out = np.zeros((n_groups, values.shape[1]), dtype=np.bool_)
    if groups.shape[0] == 0:
        return out
    srt = np.argsort(groups, kind="stable")
    g = groups[srt]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    out[g[starts]] = np.logical_or.reduceat(values[srt], starts, axis=0)
    return out


def _bellman_ford(w: NDArray[np.int64]) -> NDArray[np.int64] | None:
    """Potentials from a virtual root joined to every node; None on a negative cycle."""
    v = w.shape[0]
    d = np.zeros(v, dtype=np.int64)
    for _ in range(v + 1):
        nd = np.minimum(d, (d[:, None] + w).min(axis=0))
        if np.array_equal(nd, d):
            return d
        d = nd
    return None


@dataclass(frozen=True)
class Verdict:
    """Outcome of :func:`check_optimality`.

    ``prices`` are the track potentials of the pruned residual graph (None when it
    had a negative cycle, i.e. the pruned solve was not optimal even there).
    """

    optimal: bool
    max_flow: bool
    prices: NDArray[np.int64] | None


def check_optimality(
    track_of: NDArray[np.int64],
    arcs: NDArray[np.bool_],
    costs: NDArray[np.int64],
    allowed: NDArray[np.bool_],
    seats: NDArray[np.int64],
) -> Verdict:
    """Whether the allocation found on the ``arcs`` pairs is optimal on all ``allowed``."""
    n, m = costs.shape
    s_node, t_node = m, m + 1
    assigned = track_of >= 0
    rows = np.flatnonzero(assigned)
    own = np.zeros(n, dtype=np.int64)
    own[rows] = costs[rows, track_of[rows]]
    load = np.bincount(track_of[rows], minlength=m)
    cap = np.minimum(seats, n)
    block = max(1, BLOCK // max(m, 1))

    # The flow must be maximum: no augmenting path source -> sink in the full graph.
    reach_from = np.zeros((m + 2, m + 2), dtype=bool)
    free_rows = np.flatnonzero(~assigned & allowed.any(axis=1))
    if free_rows.shape[0]:
        reach_from[s_node, :m] = allowed[free_rows].any(axis=0)
    for a in range(0, rows.shape[0], block):
        r = rows[a : a + block]
        reach_from[:m, :m] |= _group_any(allowed[r], track_of[r], m)
    reach_from[np.flatnonzero(load < cap), t_node] = True
    seen = np.zeros(m + 2, dtype=bool)
    seen[s_node] = True
    frontier = seen.copy()
    while frontier.any():
        nxt: NDArray[np.bool_] = reach_from[frontier].any(axis=0) & ~seen
        seen |= nxt
        frontier = nxt
    is_max = not bool(seen[t_node])

    # Contracted residual graph of the pruned problem.
    w = np.full((m + 2, m + 2), _INF, dtype=np.int64)
    src = np.where(assigned, track_of, s_node)
    for a in range(0, n, block):
        ii, jj = np.nonzero(arcs[a : a + block])
        ii += a
        keep = jj != track_of[ii]
        ii, jj = ii[keep], jj[keep]
        np.minimum.at(w, (src[ii], jj), costs[ii, jj] - own[ii])
    np.minimum.at(w, (track_of[rows], s_node), -own[rows])
    w[np.flatnonzero(load < cap), t_node] = 0
    w[t_node, np.flatnonzero(load > 0)] = 0
    d = _bellman_ford(w)
    if d is None:
        return Verdict(optimal=False, max_flow=is_max, prices=None)
    prices = d[:m]
    pot = np.where(assigned, d[np.maximum(track_of, 0)] - own, d[s_node])

    # Every allowed arc of the full graph must have a non-negative reduced cost.
    for a in range(0, n, block):
        b = min(a + block, n)
        red = costs[a:b] + pot[a:b, None] - d[None, :m]
        if (red[allowed[a:b]] < 0).any():
            return Verdict(optimal=False, max_flow=is_max, prices=prices)

    return Verdict(optimal=is_max, max_flow=is_max, prices=prices)
