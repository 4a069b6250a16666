"""Event recommendation data of chapter 07: users, a friend graph, events and impression logs.

Generative story (everything drawn from one seeded NumPy ``Generator``):

1. **Users.** ``n_users`` users live in ``n_cities`` cities; each has a home location (km, a
   normal scatter of 6 km around the city centre), a hidden taste over the
   ``len(CATEGORIES)`` event categories (log-Dirichlet, centred) and a ticket budget
   (log-normal, observed in the profile).
2. **Friends.** Each user befriends ``friends_per_user`` users of the same city, drawn with
   probability decaying with distance (``exp(-d / 4 km)``); the graph is made symmetric.
3. **Events.** ``n_events`` events happen on a day uniform over ``[1, n_days + lead_days)``
   and are listed ``lead_days`` days before. Each has a city, a venue near the city centre, a
   category, a price (log-normal around a per-category level), a capacity and a host (one of
   ``n_hosts`` host users of its city). From ``trend_day + supply_lag`` on, hosts follow the
   trend: a share ``trend_supply_share`` of newly listed events are ``"outdoor"``.
4. **Impressions.** Each day ``lists_per_day`` users open the app; the *event filter* keeps the
   events of their city that are listed, still in the future, not full and not already
   registered for, and a randomised exploration slot shows ``list_size`` of them at random
   (so the logs have no position bias). Each shown event is one row; the rows of one visit
   form one *impression list* (the query of the ranking metrics).
5. **Registrations.** The user registers with probability
   ``sigmoid(base + 1.5 taste[cat] - 0.9 sqrt(distance) - 1.6 |log(price / budget)|
   + 0.8 log1p(friends registered) + 0.8 host is a friend + 0.7 log1p(past registrations with
   the host) - 0.08 days to event + trend)``, where friends registered and past registrations
   are counted from the registrations of *earlier days* (the state at the start of the day).
   The trend adds ``trend_boost`` to every ``"outdoor"`` event from ``trend_day`` on: users'
   taste moves first, supply follows ``supply_lag`` days later.

The hidden structure a model can learn: distance helps but is not the whole story; the price
effect is non-monotone in the observed ratio ``price / budget`` (a linear model cannot fit it,
trees can); social proof and host loyalty live in counts that must be computed *as of* each
impression; and the outdoor trend moves both the relation (day ``trend_day``) and, later, the
category mix of what is shown.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from .._validation import check_fraction, check_positive_int, check_positive_number, rng_from

__all__ = ["CATEGORIES", "EventRecommendationData", "make_event_recommendation_data"]

CATEGORIES = ("music", "sports", "food", "arts", "tech", "outdoor")
_PRICE_LEVEL = np.array([30.0, 40.0, 25.0, 20.0, 15.0, 12.0])  # typical ticket, per category


@dataclass
class EventRecommendationData:
    """Users, friendships, events and impression logs of the event recommendation case.

    Attributes
    ----------
    users : pandas.DataFrame
        ``user_id`` (row number), ``city``, ``x_km``, ``y_km`` (home), ``budget`` (profile).
    friendships : pandas.DataFrame
        Both directions of every friendship: ``user_id``, ``friend_id``.
    events : pandas.DataFrame
        ``event_id`` (row number), ``city``, ``x_km``, ``y_km`` (venue), ``category`` (a
        categorical of ``CATEGORIES``), ``price``, ``capacity``, ``host_id`` (a user id),
        ``list_day`` and ``event_day``.
    impressions : pandas.DataFrame
        One row per shown event, sorted by time: ``list_id`` (one visit's list), ``user_id``,
        ``event_id``, ``day``, ``ts`` (days since the start, float; all rows of a list share it)
        and ``registered`` (0/1, the label).
    taste : numpy.ndarray
        The hidden taste, shape ``(n_users, len(CATEGORIES))`` (for tests, not for models).
    trend_day : int
        When the outdoor trend starts in taste.
    supply_lag : int
        How many days later it reaches supply (hosts list mostly outdoor events).
    """

    users: pd.DataFrame
    friendships: pd.DataFrame
    events: pd.DataFrame
    impressions: pd.DataFrame
    taste: np.ndarray
    trend_day: int
    supply_lag: int


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def make_event_recommendation_data(n_users: int = 2000, *, n_cities: int = 3, n_events: int = 1500,
                                   n_days: int = 60, lead_days: int = 14, n_hosts: int = 150,
                                   friends_per_user: int = 6, lists_per_day: int = 300,
                                   list_size: int = 10, base_logit: float = 1.0,
                                   trend_day: int = 40, supply_lag: int = 4, trend_boost: float = 2.0,
                                   trend_supply_share: float = 0.6,
                                   random_state=0) -> EventRecommendationData:
    """Draw the event recommendation world of chapter 07 (see the module docstring).

    Parameters
    ----------
    n_users, n_cities, n_events, n_days, lead_days, n_hosts, friends_per_user : int
        Sizes of the world.
    lists_per_day, list_size : int
        Visits per day and events shown per visit.
    base_logit : float
        Intercept of the registration model (sets the positive rate, about 6% by default).
    trend_day, supply_lag : int
        First day of the outdoor trend in taste, and its delay in supply (``trend_day`` may be
        ``>= n_days`` for no trend).
    trend_boost : float
        Logit added to outdoor events from ``trend_day`` on (``>= 0``).
    trend_supply_share : float
        Share of outdoor events among events listed from ``trend_day + supply_lag`` on.
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    EventRecommendationData
    """
    n_users = check_positive_int(n_users, "n_users", minimum=20)
    n_cities = check_positive_int(n_cities, "n_cities")
    n_events = check_positive_int(n_events, "n_events", minimum=10)
    n_days = check_positive_int(n_days, "n_days", minimum=2)
    lead_days = check_positive_int(lead_days, "lead_days")
    n_hosts = check_positive_int(n_hosts, "n_hosts", minimum=n_cities)
    friends_per_user = check_positive_int(friends_per_user, "friends_per_user")
    lists_per_day = check_positive_int(lists_per_day, "lists_per_day")
    list_size = check_positive_int(list_size, "list_size")
    trend_day = check_positive_int(trend_day, "trend_day", minimum=0)
    supply_lag = check_positive_int(supply_lag, "supply_lag", minimum=0)
    trend_boost = check_positive_number(trend_boost, "trend_boost", allow_zero=True)
    trend_supply_share = check_fraction(trend_supply_share, "trend_supply_share", inclusive=True)
    if n_hosts > n_users:
        raise ValueError(f"n_hosts ({n_hosts}) must be <= n_users ({n_users})")
    if lists_per_day > n_users:
        raise ValueError(f"lists_per_day ({lists_per_day}) must be <= n_users ({n_users})")
    if not np.isfinite(base_logit):
        raise ValueError(f"base_logit must be finite, got {base_logit}")
    rng = rng_from(random_state)
    n_cat = len(CATEGORIES)
    outdoor = CATEGORIES.index("outdoor")

    # 1. users
    centres = np.stack([np.arange(n_cities) * 100.0, np.zeros(n_cities)], axis=1)
    city = rng.integers(n_cities, size=n_users)
    home = centres[city] + rng.normal(0.0, 6.0, size=(n_users, 2))
    taste = np.log(rng.dirichlet(np.full(n_cat, 0.7), size=n_users) + 1e-3)
    taste = (taste - taste.mean(axis=1, keepdims=True)) / 2.0
    budget = np.exp(rng.normal(np.log(20.0), 0.6, size=n_users))

    # 2. friends: same city, nearer is likelier
    src, dst = [], []
    for c in range(n_cities):
        members = np.flatnonzero(city == c)
        if members.size < 2:
            continue
        d = np.linalg.norm(home[members, None, :] - home[None, members, :], axis=2)
        w = np.exp(-d / 4.0)
        np.fill_diagonal(w, 0.0)
        k = min(friends_per_user, members.size - 1)
        for i, u in enumerate(members):
            chosen = rng.choice(members, size=k, replace=False, p=w[i] / w[i].sum())
            src += [u] * k
            dst += chosen.tolist()
    adj = sparse.coo_matrix((np.ones(len(src)), (src, dst)), shape=(n_users, n_users)).tocsr()
    adj = ((adj + adj.T) > 0).astype(np.float64).tocsr()
    adj.setdiag(0)
    adj.eliminate_zeros()
    fr = adj.tocoo()
    friendships = pd.DataFrame({"user_id": fr.row.astype(np.int64), "friend_id": fr.col.astype(np.int64)})
    friendships = friendships.sort_values(["user_id", "friend_id"], ignore_index=True)

    # 3. events
    event_day = rng.integers(1, n_days + lead_days, size=n_events)
    list_day = event_day - lead_days
    e_city = rng.integers(n_cities, size=n_events)
    venue = centres[e_city] + rng.normal(0.0, 7.0, size=(n_events, 2))
    late = list_day >= trend_day + supply_lag
    base_cat = rng.integers(n_cat, size=n_events)
    trend_cat = np.where(rng.random(n_events) < trend_supply_share, outdoor,
                         rng.choice(np.delete(np.arange(n_cat), outdoor), size=n_events))
    category = np.where(late, trend_cat, base_cat)
    price = np.round(_PRICE_LEVEL[category] * np.exp(rng.normal(0.0, 0.6, size=n_events)), 0) + 1.0
    capacity = rng.integers(5, 40, size=n_events)
    hosts_by_city = []
    for c in range(n_cities):
        members = np.flatnonzero(city == c)
        k = max(1, round(n_hosts * members.size / n_users))
        hosts_by_city.append(rng.choice(members, size=min(k, members.size), replace=False))
    host = np.array([hosts_by_city[c][rng.integers(len(hosts_by_city[c]))] for c in e_city])

    # 4-5. impressions and registrations, day by day (vectorised over the day's visitors)
    reg = np.zeros((n_users, n_events), dtype=np.float64)  # registrations before the current day
    n_regs = np.zeros(n_events, dtype=np.int64)
    host_onehot = sparse.csr_matrix((np.ones(n_events), (np.arange(n_events), host)),
                                    shape=(n_events, n_users))
    rows = []
    n_lists = 0
    for day in range(n_days):
        visitors = np.sort(rng.choice(n_users, size=lists_per_day, replace=False))
        open_ = (list_day <= day) & (event_day > day) & (n_regs < capacity)
        allowed = open_[None, :] & (e_city[None, :] == city[visitors, None]) & (reg[visitors] == 0)
        keys = np.where(allowed, rng.random(allowed.shape), -1.0)
        shown = np.argsort(-keys, axis=1, kind="stable")[:, :list_size]
        ok = np.take_along_axis(allowed, shown, axis=1)
        ts = day + rng.random(lists_per_day)
        r, c = np.nonzero(ok)
        u, e, t = visitors[r], shown[r, c], ts[r]
        friends_reg = np.asarray(adj[visitors] @ reg)[r, shown[r, c]]
        host_past = (sparse.csr_matrix(reg[visitors]) @ host_onehot).toarray()[r, host[e]]
        is_friend = np.asarray(adj[u, host[e]]).ravel()
        dist = np.linalg.norm(home[u] - venue[e], axis=1)
        logit = (base_logit + 1.5 * taste[u, category[e]] - 0.9 * np.sqrt(dist)
                 - 1.6 * np.abs(np.log(price[e] / budget[u])) + 0.8 * np.log1p(friends_reg)
                 + 0.8 * is_friend + 0.7 * np.log1p(host_past) - 0.08 * (event_day[e] - t)
                 + np.where((category[e] == outdoor) & (day >= trend_day), trend_boost, 0.0))
        y = (rng.random(u.size) < _sigmoid(logit)).astype(np.int64)
        list_of_row = n_lists + np.cumsum(np.r_[0, np.diff(r) != 0]) if r.size else r
        rows.append(pd.DataFrame({"list_id": list_of_row, "user_id": u, "event_id": e, "day": day,
                                  "ts": t, "registered": y}))
        n_lists += int(np.unique(r).size)
        reg[u[y == 1], e[y == 1]] = 1.0
        np.add.at(n_regs, e[y == 1], 1)
    impressions = pd.concat(rows, ignore_index=True).sort_values(["ts", "list_id"], kind="stable",
                                                                 ignore_index=True)
    impressions["list_id"] = impressions["list_id"].astype(np.int64)
    impressions["user_id"] = impressions["user_id"].astype(np.int64)
    impressions["event_id"] = impressions["event_id"].astype(np.int64)

    users = pd.DataFrame({"user_id": np.arange(n_users), "city": city, "x_km": home[:, 0], "y_km": home[:, 1],
                          "budget": np.round(budget, 2)})
    events = pd.DataFrame({
        "event_id": np.arange(n_events), "city": e_city, "x_km": venue[:, 0], "y_km": venue[:, 1],
        "category": pd.Categorical.from_codes(category, categories=list(CATEGORIES)),
        "price": price, "capacity": capacity, "host_id": host.astype(np.int64),
        "list_day": list_day, "event_day": event_day})
    return EventRecommendationData(users=users, friendships=friendships, events=events,
                                   impressions=impressions, taste=taste, trend_day=trend_day,
                                   supply_lag=supply_lag)
