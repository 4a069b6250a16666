"""People-you-may-know data of chapter 11: users, and a friendship graph that grows in snapshots.

Generative story (everything drawn from one seeded NumPy ``Generator``):

1. **Users.** ``n_users`` users, each with a school, a company, a city and a graduation year
   (uniform over ``n_schools``, ``n_companies``, ``n_cities`` and 1995-2020), and a hidden
   *activity* (log-normal, sigma 0.6): how much a user adds and accepts friends.
2. **The initial graph (step 0, months -36 to 0).** ``n_initial_edges`` friendships: all but
   ``burn_in_steps * new_edges_per_step`` from a block model (months -36 to ``-6 burn_in_steps``),
   the rest grown as in step 3 during the last ``burn_in_steps`` six-month periods, so that
   every snapshot has the same kind of history. Each block-model friendship is drawn from a
   user ``u`` picked in proportion to activity and a *context*: school (35%), company (30%),
   city (20%) or anywhere (15%); the friend ``v`` is drawn among the users sharing
   that context, again in proportion to activity, and kept with probability
   ``exp(-|year gap| / 4)`` (people befriend their cohort). This homophilous block model gives a
   clustered graph with a long-tailed degree distribution.
3. **Growth (steps 1 .. n_steps, six months each).** Each step adds ``new_edges_per_step``
   friendships, simulated in ``substeps`` equal parts (three months each by default), each part
   drawn from the graph at its start. A share ``closure_share`` closes triangles: every
   friends-of-friends pair ``(u, v)`` of the graph at the start of the part gets the weight

   ``sum over mutual friends w of r(u, w) r(v, w) / log(deg(w))``
   ``x exp(1.0 same school + 1.2 same company + 0.6 same city - 0.25 |year gap|)``
   ``x sqrt(activity(u) activity(v))``

   where ``r = exp(-age / 6 months)`` discounts old friendships, and the pairs are drawn without
   replacement in proportion to it (Gumbel top-k). The rest are drawn as in step 2 among pairs
   not yet friends: people who meet outside the graph (these are what friends-of-friends
   candidate generation cannot reach).

The hidden structure a link predictor can learn: the mutual-friend count matters, but a mutual
friend who is a hub counts less (Adamic-Adar), a recent mutual friendship counts more (time
discount), shared school/company/city and close years multiply the odds, and active users make
more friends (their degree is a proxy). None of it is in the mutual-friend count alone.

:func:`make_hub_campaign` adds the friendships of a growth campaign or of spam accounts: a few
*hub* users befriend many random users at once. Those edges carry no social signal (they do not
drive the next step's real friendships); chapter 11 uses them as a degree drift.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._validation import check_fraction, check_positive_int, rng_from

__all__ = ["PeopleYouMayKnowData", "make_people_you_may_know_data", "make_hub_campaign", "STEP_MONTHS"]

STEP_MONTHS = 6.0            # length of one growth step
_TAU_MONTHS = 12.0           # recency discount of a friendship in the closure weight
_CONTEXT_P = np.array([0.35, 0.30, 0.20, 0.15])   # school, company, city, anywhere
_HOMOPHILY = {"school": 0.8, "company": 1.0, "city": 0.5}
_YEAR_SLOPE = 0.18


@dataclass
class PeopleYouMayKnowData:
    """Users and time-stamped friendships of the people-you-may-know case.

    Attributes
    ----------
    users : DataFrame
        ``user`` (row number), ``school``, ``company``, ``city``, ``grad_year``: the profile.
    edges : DataFrame
        One row per friendship: ``u < v``, ``step`` (0 for the initial graph, then 1, 2, ...)
        and ``month`` (when it formed; step ``s >= 1`` covers months ``6 (s - 1)`` to ``6 s``).
    activity : ndarray
        Hidden activity of each user (not a feature: the story's ground truth).
    n_steps : int
        Number of growth steps after the initial graph.
    """

    users: pd.DataFrame
    edges: pd.DataFrame
    activity: np.ndarray
    n_steps: int

    def snapshot(self, step: int) -> pd.DataFrame:
        """Friendships formed up to and including growth step ``step`` (0 = the initial graph)."""
        step = check_positive_int(step, "step", minimum=0)
        if step > self.n_steps:
            raise ValueError(f"step must be <= n_steps = {self.n_steps}, got {step}")
        return self.edges[self.edges["step"] <= step].reset_index(drop=True)

    def new_edges(self, step: int) -> pd.DataFrame:
        """Friendships formed during growth step ``step`` (``>= 1``)."""
        step = check_positive_int(step, "step")
        if step > self.n_steps:
            raise ValueError(f"step must be <= n_steps = {self.n_steps}, got {step}")
        return self.edges[self.edges["step"] == step].reset_index(drop=True)


def _pair_key(u, v, n):
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    return lo.astype(np.int64) * n + hi


def _context_pairs(rng, attrs, year, activity, n_draw):
    """Draw ``n_draw`` candidate pairs by context (school/company/city/anywhere) and cohort."""
    n = len(activity)
    p_act = activity / activity.sum()
    u = rng.choice(n, size=n_draw, p=p_act)
    ctx = rng.choice(4, size=n_draw, p=_CONTEXT_P)
    v = rng.choice(n, size=n_draw, p=p_act)                   # "anywhere" context
    for k, values in enumerate(attrs):
        sel = np.flatnonzero(ctx == k)
        order = np.argsort(values, kind="stable")
        cum = np.cumsum(activity[order])
        sorted_vals = values[order]
        start = np.searchsorted(sorted_vals, values[u[sel]], "left")
        end = np.searchsorted(sorted_vals, values[u[sel]], "right")
        lo = np.where(start > 0, cum[np.maximum(start - 1, 0)], 0.0)
        target = lo + rng.random(sel.size) * (cum[end - 1] - lo)
        pos = np.minimum(np.searchsorted(cum, target, "right"), end - 1)
        v[sel] = order[pos]
    keep = (u != v) & (rng.random(n_draw) < np.exp(-np.abs(year[u] - year[v]) / 4.0))
    return u[keep], v[keep]


def _add_context_edges(rng, attrs, year, activity, existing, n_edges):
    """``n_edges`` new pairs (keys) drawn by context, none already in ``existing``."""
    n = len(activity)
    chosen = np.zeros(0, dtype=np.int64)
    while chosen.size < n_edges:
        u, v = _context_pairs(rng, attrs, year, activity, 3 * (n_edges - chosen.size) + 100)
        keys = _pair_key(u, v, n)
        keys = keys[~np.isin(keys, existing) & ~np.isin(keys, chosen)]
        _, first = np.unique(keys, return_index=True)
        keys = keys[np.sort(first)]
        chosen = np.concatenate([chosen, keys[: n_edges - chosen.size]])
    return chosen


def _closure_edges(rng, users, activity, keys, months, now, n_edges):
    """``n_edges`` friends-of-friends pairs drawn by the closure weight of the module story."""
    from scipy import sparse

    n = len(activity)
    u, v = keys // n, keys % n
    rec = np.exp(-(now - months) / _TAU_MONTHS)
    r = sparse.csr_array((np.concatenate([rec, rec]), (np.concatenate([u, v]), np.concatenate([v, u]))),
                         shape=(n, n))
    deg = np.diff(r.indptr)
    inv_log = np.where(deg >= 2, 1.0 / np.log(np.maximum(deg, 2)), 0.0)
    m = sparse.triu(sparse.csr_array(r @ sparse.diags_array(inv_log) @ r), k=1).tocoo()
    a, b, w = m.row.astype(np.int64), m.col.astype(np.int64), m.data
    fresh = ~np.isin(a * n + b, keys)
    a, b, w = a[fresh], b[fresh], w[fresh]
    same = {c: users[c].to_numpy() for c in _HOMOPHILY}
    logit = sum(coef * (same[c][a] == same[c][b]) for c, coef in _HOMOPHILY.items())
    year = users["grad_year"].to_numpy()
    logit = logit - _YEAR_SLOPE * np.abs(year[a] - year[b])
    weight = w * np.exp(logit) * np.sqrt(activity[a] * activity[b])
    gumbel = np.log(weight) + rng.gumbel(size=weight.size)
    top = np.argpartition(-gumbel, n_edges - 1)[:n_edges]
    return a[top] * n + b[top]


def make_people_you_may_know_data(n_users: int = 3000, *, n_initial_edges: int = 24_000,
                                  new_edges_per_step: int = 3000, n_steps: int = 3,
                                  closure_share: float = 0.85, substeps: int = 2, burn_in_steps: int = 0,
                                  n_schools: int = 40,
                                  n_companies: int = 60, n_cities: int = 12,
                                  random_state=0) -> PeopleYouMayKnowData:
    """Simulate a friendship graph and its growth over ``n_steps`` six-month snapshots.

    Parameters
    ----------
    n_users : int, default 3000
        Users, ``>= 50``.
    n_initial_edges : int, default 24000
        Friendships of the initial graph (step 0).
    new_edges_per_step : int, default 3000
        Friendships formed in each growth step.
    n_steps : int, default 3
        Growth steps after the initial graph, ``>= 1``.
    closure_share : float, default 0.85
        Share of new friendships that close a triangle (friends of friends), in (0, 1].
    substeps : int, default 2
        Each step is simulated in this many equal parts, each drawn from the graph at the start of
        its part (so a friendship made early in a step can close triangles later in the same step).
    burn_in_steps : int, default 0
        Growth steps simulated *before* step 1 and counted in the initial graph (step 0), so that
        the first snapshot already looks like a grown graph, not like the block model.
    n_schools, n_companies, n_cities : int
        Number of distinct values of each profile attribute.
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    PeopleYouMayKnowData

    Examples
    --------
    >>> d = make_people_you_may_know_data(300, n_initial_edges=1500, new_edges_per_step=200,
    ...                                   n_steps=2, random_state=0)
    >>> len(d.new_edges(1))
    200
    """
    n_users = check_positive_int(n_users, "n_users", minimum=50)
    n_initial_edges = check_positive_int(n_initial_edges, "n_initial_edges")
    new_edges_per_step = check_positive_int(new_edges_per_step, "new_edges_per_step")
    n_steps = check_positive_int(n_steps, "n_steps")
    substeps = check_positive_int(substeps, "substeps")
    burn_in_steps = check_positive_int(burn_in_steps, "burn_in_steps", minimum=0)
    if substeps > new_edges_per_step:
        raise ValueError(f"substeps must be <= new_edges_per_step = {new_edges_per_step}, got {substeps}")
    closure_share = check_fraction(closure_share, "closure_share", inclusive=True)
    if closure_share == 0:
        raise ValueError("closure_share must be > 0")
    for name, val in (("n_schools", n_schools), ("n_companies", n_companies), ("n_cities", n_cities)):
        check_positive_int(val, name)
    max_edges = n_users * (n_users - 1) // 2
    if n_initial_edges + n_steps * new_edges_per_step > max_edges // 4:
        raise ValueError("n_initial_edges + n_steps * new_edges_per_step must be at most a quarter of "
                         f"all {max_edges} pairs")
    rng = rng_from(random_state)
    users = pd.DataFrame({
        "user": np.arange(n_users),
        "school": rng.integers(0, n_schools, n_users),
        "company": rng.integers(0, n_companies, n_users),
        "city": rng.integers(0, n_cities, n_users),
        "grad_year": rng.integers(1995, 2021, n_users),
    })
    activity = rng.lognormal(0.0, 0.6, n_users)
    attrs = [users[c].to_numpy() for c in ("school", "company", "city")]
    year = users["grad_year"].to_numpy()

    # the block-model part of the initial graph, then burn-in growth steps (also part of step 0)
    n_burn = new_edges_per_step * burn_in_steps
    if n_burn >= n_initial_edges:
        raise ValueError("n_initial_edges must exceed burn_in_steps * new_edges_per_step")
    keys = _add_context_edges(rng, attrs, year, activity, np.zeros(0, dtype=np.int64),
                              n_initial_edges - n_burn)
    months = rng.uniform(-36.0, -STEP_MONTHS * burn_in_steps, keys.size)
    steps = np.zeros(keys.size, dtype=np.int64)
    sub_months = STEP_MONTHS / substeps
    for s in range(1 - burn_in_steps, n_steps + 1):
        for j in range(substeps):
            now = STEP_MONTHS * (s - 1) + j * sub_months
            n_new = new_edges_per_step * (j + 1) // substeps - new_edges_per_step * j // substeps
            n_close = int(round(closure_share * n_new))
            closed = _closure_edges(rng, users, activity, keys, months, now, n_close)
            met = _add_context_edges(rng, attrs, year, activity, np.concatenate([keys, closed]),
                                     n_new - n_close)
            new = np.concatenate([closed, met])
            keys = np.concatenate([keys, new])
            months = np.concatenate([months, now + rng.uniform(0.0, sub_months, new.size)])
            steps = np.concatenate([steps, np.full(new.size, max(s, 0))])
    order = np.lexsort((keys, months))
    keys, months, steps = keys[order], months[order], steps[order]
    edges = pd.DataFrame({"u": keys // n_users, "v": keys % n_users, "step": steps, "month": months})
    return PeopleYouMayKnowData(users=users, edges=edges, activity=activity, n_steps=n_steps)


def make_hub_campaign(n_users: int, n_hubs: int, edges_per_hub: int, *, month: float,
                      exclude=None, random_state=0) -> pd.DataFrame:
    """Friendships added by a growth campaign: ``n_hubs`` hub users each befriend random users.

    Parameters
    ----------
    n_users : int
        Users in the graph, ``>= 2``.
    n_hubs : int
        Hub users (drawn uniformly), ``1 <= n_hubs < n_users``.
    edges_per_hub : int
        Random friends added by each hub, ``< n_users``.
    month : float
        Time stamp of the campaign's friendships.
    exclude : DataFrame, optional
        Existing friendships (columns ``u``, ``v``), not added again.
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    DataFrame
        Columns ``u < v``, ``step`` (-1: not a growth step) and ``month``, one row per new
        friendship, and the attribute ``attrs["hubs"]`` holding the hub ids.
    """
    n_users = check_positive_int(n_users, "n_users", minimum=2)
    n_hubs = check_positive_int(n_hubs, "n_hubs")
    edges_per_hub = check_positive_int(edges_per_hub, "edges_per_hub")
    if n_hubs >= n_users or edges_per_hub >= n_users:
        raise ValueError("n_hubs and edges_per_hub must be smaller than n_users")
    if isinstance(month, bool) or not isinstance(month, (int, float, np.number)) or not np.isfinite(month):
        raise TypeError(f"month must be a finite number, got {month!r}")
    rng = rng_from(random_state)
    hubs = rng.choice(n_users, size=n_hubs, replace=False)
    u = np.repeat(hubs, edges_per_hub)
    v = np.concatenate([rng.choice(np.delete(np.arange(n_users), h), size=edges_per_hub, replace=False)
                        for h in hubs])
    keys = np.unique(_pair_key(u, v, n_users))
    if exclude is not None:
        keys = keys[~np.isin(keys, _pair_key(exclude["u"].to_numpy(), exclude["v"].to_numpy(), n_users))]
    out = pd.DataFrame({"u": keys // n_users, "v": keys % n_users, "step": -1, "month": float(month)})
    out.attrs["hubs"] = np.sort(hubs)
    return out
