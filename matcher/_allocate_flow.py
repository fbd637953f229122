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

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

# Bound on |cost| * (nodes + 1); OR-tools' cost scaling multiplies costs by the
# number of nodes in int64, and the proof adds path lengths, so keep well inside.
MAX_FLOW_COST = 2**60
_INF = 2**62
_CHUNK = 1 << 21  # arcs (or matrix cells) handled per block, to bound temporary memory


def candidate_tracks(
    costs: NDArray[np.int64], allowed: NDArray[np.bool_], k: int
) -> NDArray[np.int64]:
    """Each survivor's ``k`` cheapest allowed tracks, sorted by index; -1 pads."""
    n, m = costs.shape
    k = min(k, m)
    out = np.empty((n, k), dtype=np.int64)
    rows = max(1, _CHUNK // max(m, 1))
    for a in range(0, n, rows):
        masked = np.where(allowed[a : a + rows], costs[a : a + rows], _INF)
        idx = np.argpartition(masked, k - 1, axis=1)[:, :k] if k < m else np.tile(
            np.arange(m), (masked.shape[0], 1)
        )
        ok = np.take_along_axis(masked, idx, axis=1) < _INF
        idx = np.where(ok, idx, m)  # m sorts after every real track
        idx.sort(axis=1)
        out[a : a + rows] = np.where(idx < m, idx, -1)
    return out


def build_and_solve(
    cand: NDArray[np.int64] | None,
    costs: NDArray[np.int64],
    seats: NDArray[np.int64],
    order: NDArray[np.int64],
    m: int,
    *,
    allowed: NDArray[np.bool_] | None = None,
) -> NDArray[np.int64]:
    """Solve max flow at min cost on the candidate arcs (or all ``allowed`` arcs).

    Returns the track index per survivor (-1 = none), in row (not arrival) order.
    """
    n = costs.shape[0]
    source, sink = n + m, n + m + 1
    smcf = min_cost_flow.SimpleMinCostFlow()
    tails_all: list[NDArray[np.int32]] = []
    heads_all: list[NDArray[np.int32]] = []
    rows = max(1, _CHUNK // max(m if cand is None else cand.shape[1], 1))
    for a in range(0, n, rows):
        ids = order[a : a + rows]
        if cand is None:
            assert allowed is not None
            pp, jj = np.nonzero(allowed[ids])
        else:
            sub = cand[ids]
            pp, kk = np.nonzero(sub >= 0)
            jj = sub[pp, kk]
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
    for a in range(0, n_survivor_arcs, _CHUNK):
        b = min(a + _CHUNK, n_survivor_arcs)
        f = np.asarray(smcf.flows(np.arange(a, b, dtype=np.int32)))
        used = np.flatnonzero(f > 0) + a
        track_of[order[tails[used]]] = heads[used].astype(np.int64) - n
    return track_of


def _group_reduce(
    values: NDArray[np.int64] | NDArray[np.bool_],
    groups: NDArray[np.int64],
    ufunc: np.ufunc,
    n_groups: int,
    fill: object,
) -> NDArray[np.int64] | NDArray[np.bool_]:
    """Row-wise ``ufunc`` reduction of ``values`` per group id; ``fill`` for empty groups."""
    out = np.full((n_groups, values.shape[1]), fill, dtype=values.dtype)
    if groups.shape[0] == 0:
        return out
    srt = np.argsort(groups, kind="stable")
    g = groups[srt]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    out[g[starts]] = ufunc.reduceat(values[srt], starts, axis=0)
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


def is_optimal_in_full_graph(
    track_of: NDArray[np.int64],
    cand: NDArray[np.int64],
    costs: NDArray[np.int64],
    allowed: NDArray[np.bool_],
    seats: NDArray[np.int64],
) -> bool:
    """True when the allocation found on the ``cand`` arcs is optimal for all arcs."""
    n, m = costs.shape
    s_node, t_node = m, m + 1
    assigned = track_of >= 0
    rows = np.flatnonzero(assigned)
    own = np.zeros(n, dtype=np.int64)
    own[rows] = costs[rows, track_of[rows]]
    load = np.bincount(track_of[rows], minlength=m)
    cap = np.minimum(seats, n)
    has_arc = (cand >= 0).any(axis=1)

    # Contracted residual graph of the pruned problem.
    w = np.full((m + 2, m + 2), _INF, dtype=np.int64)
    valid = (cand >= 0) & (cand != track_of[:, None]) & has_arc[:, None]
    src = np.where(assigned, track_of, s_node)[:, None]
    val = costs[np.arange(n)[:, None], np.maximum(cand, 0)] - own[:, None]
    ii, kk = np.nonzero(valid)
    np.minimum.at(w, (src[ii, 0], cand[ii, kk]), val[ii, kk])
    np.minimum.at(w, (track_of[rows], s_node), -own[rows])
    w[np.flatnonzero(load < cap), t_node] = 0
    w[t_node, np.flatnonzero(load > 0)] = 0
    d = _bellman_ford(w)
    if d is None:
        return False
    pot = np.where(assigned, d[np.maximum(track_of, 0)] - own, d[s_node])

    # Every allowed arc of the full graph must have a non-negative reduced cost.
    block = max(1, _CHUNK // max(m, 1))
    for a in range(0, n, block):
        b = min(a + block, n)
        red = costs[a:b] + pot[a:b, None] - d[None, :m]
        if (red[allowed[a:b]] < 0).any():
            return False

    # And the flow must be maximum: no augmenting path source -> sink in the full graph.
    reach_from = np.zeros((m + 2, m + 2), dtype=bool)
    free_rows = np.flatnonzero(~assigned & allowed.any(axis=1))
    if free_rows.shape[0]:
        reach_from[s_node, :m] = allowed[free_rows].any(axis=0)
    for a in range(0, rows.shape[0], block):
        r = rows[a : a + block]
        reach_from[:m, :m] |= _group_reduce(allowed[r], track_of[r], np.logical_or, m, False)
    reach_from[np.flatnonzero(load < cap), t_node] = True
    seen = np.zeros(m + 2, dtype=bool)
    seen[s_node] = True
    frontier = seen.copy()
    while frontier.any():
        nxt = reach_from[frontier].any(axis=0) & ~seen
        seen |= nxt
        frontier = nxt
    return not bool(seen[t_node])
