"""Similar-listings data of chapter 09: a vacation-rental platform's listings and search sessions.

Generative story of :func:`make_similar_listings_data` (every draw from one seeded generator):

1. **Cities.** ``n_cities`` markets with unequal sizes (weights proportional to
   ``1 / sqrt(rank)``) and a typical log price each (~ N(4.6, 0.3)). With ``new_city_day`` set,
   one more city (the last id) launches on that day: its listings and sessions exist only from
   then on (the "new city launch" of step 7).
2. **Listings** belong to a city, have one of three room types (entire home, private room,
   shared room; 50/40/10%), a nightly price (log-normal around the city's price, cheaper for
   rooms), a small quality term (~ N(0, ``quality_sigma``)) and a **hidden style**: a unit vector
   in ``style_dim`` dimensions (beach house, design loft, family cottage...). Style is not in the
   listing table a model sees; it is revealed only by what users click together. A share
   ``new_share`` of the listings launch during the last ``n_test_days`` days (cold start).
3. **Sessions.** A user searches one city on one day. Their intent is an *anchor* listing of
   that city (uniform among the launched ones): target style = the anchor's style, target log
   price = the anchor's plus N(0, 0.2), preferred room type = the anchor's (80%) or a random one.
   The **search page** shows the ``n_results`` launched listings with the best
   ``static = - price_weight * |log price - target| / 0.35 + room_weight * [room type ==
   preferred] + quality`` plus a Gumbel noise: the search engine matches price and room type,
   not style, which it does not know. The user clicks 5-10 distinct listings of the page, each
   drawn with probability proportional to ``exp(style_weight * style . u_t + static)`` (or
   uniformly, with probability ``explore_share``), where the intent ``u_t`` starts at the target
   style and drifts towards the style of each click (``intent_drift``), so adjacent clicks are
   more alike than distant ones: a co-click window has something to find.
4. **Booking.** With probability ``p_book`` the session ends with a booking of the *best* clicked
   listing for the user's original intent (the highest utility above, with a small Gumbel noise);
   the booked listing is moved to the end of the click sequence, as on the real site where the
   booking ends the session.

Everything needed to evaluate is returned: ``style`` (the ground truth a real system never has)
lets a chapter check what its embeddings recovered.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._validation import check_fraction, check_positive_int, check_positive_number, rng_from

__all__ = ["SimilarListingsData", "make_similar_listings_data", "ROOM_TYPES"]

#: Room type names, indexed by the ``room_type`` codes of the generator.
ROOM_TYPES = ("entire home", "private room", "shared room")

_ROOM_PROBS = np.array([0.5, 0.4, 0.1])
_ROOM_PRICE = np.array([0.0, -0.6, -1.1])
_PRICE_SD = 0.35


@dataclass
class SimilarListingsData:
    """Listings, sessions and clicks of the synthetic rental platform.

    Attributes
    ----------
    listings : DataFrame
        One row per listing: ``listing``, ``city``, ``room_type`` (code), ``price``,
        ``log_price``, ``quality``, ``launch_day``.
    clicks : DataFrame
        One row per click, sorted by session then position: ``session``, ``day``, ``city``,
        ``position``, ``listing``, ``booked`` (1 for the booked listing, the session's last click).
    sessions : DataFrame
        One row per session: ``session``, ``day``, ``city``, ``n_clicks``, ``booked_listing``
        (-1 without a booking).
    style : ndarray
        Hidden style vectors, shape (n_listings, style_dim), unit norm.
    new_city : int
        Id of the city launched on ``new_city_day`` (-1 when none).
    new_city_day : int
        Launch day of the new city (``n_days`` when none).
    """

    listings: pd.DataFrame
    clicks: pd.DataFrame
    sessions: pd.DataFrame
    style: np.ndarray
    new_city: int
    new_city_day: int

    def __len__(self) -> int:
        return len(self.sessions)


def _sample_rows(rng, logits):
    """One index per row, drawn with probability proportional to ``exp(logits)`` (inverse CDF)."""
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    cdf = np.cumsum(p, axis=1)
    r = rng.random(len(p)) * cdf[:, -1]
    return np.minimum((cdf < r[:, None]).sum(axis=1), p.shape[1] - 1)


def _unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def make_similar_listings_data(n_listings: int = 4_000, n_sessions: int = 30_000, *, n_cities: int = 8,
                               style_dim: int = 8, n_days: int = 30, n_test_days: int = 4,
                               new_share: float = 0.04, style_weight: float = 4.0,
                               price_weight: float = 1.0, room_weight: float = 1.0,
                               quality_sigma: float = 0.3, intent_drift: float = 1.0,
                               p_book: float = 0.6, n_results: int = 50,
                               explore_share: float = 0.0, new_city_day: int | None = None,
                               new_city_listings: int = 400, new_city_sessions: int = 3_000,
                               random_state=0) -> SimilarListingsData:
    """Simulate listings and ``n_sessions`` search sessions (see the module docstring).

    Parameters
    ----------
    n_listings : int, default 4_000
        Listings of the ``n_cities`` original cities.
    n_sessions : int, default 30_000
        Sessions over days ``0 .. n_days - 1`` in the original cities.
    n_cities : int, default 8
    style_dim : int, default 8
        Dimension of the hidden style.
    n_days : int, default 30
    n_test_days : int, default 4
        The last days; new listings launch during them.
    new_share : float, default 0.04
        Share of listings launching during the test days (cold start), in [0, 1).
    style_weight, price_weight, room_weight : float, default 4.0, 1.0, 1.0
        Weights of style match, price gap (in price standard deviations) and room-type match in
        the click utility (>= 0).
    quality_sigma : float, default 0.3
        Standard deviation of the listing quality term (>= 0).
    intent_drift : float, default 1.0
        How far the intent moves towards each clicked listing's style (>= 0).
    p_book : float, default 0.6
        Probability that a session ends with a booking, in (0, 1].
    n_results : int, default 50
        Listings on the search page a session clicks from (>= 10).
    explore_share : float, default 0.0
        Share of clicks that ignore the intent (uniform over the page): curiosity clicks, in [0, 1).
    new_city_day : int, optional
        If given (``>= 1``), a new city with ``new_city_listings`` listings launches that day
        and ``new_city_sessions`` sessions in it (and as many again elsewhere, in proportion)
        happen on days ``new_city_day .. new_city_day + 1``.
    new_city_listings, new_city_sessions : int, default 400 and 3_000
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    SimilarListingsData

    Examples
    --------
    >>> data = make_similar_listings_data(400, 1_000, n_cities=2, random_state=0)
    >>> len(data), int(data.clicks.groupby("session").size().min()) >= 5
    (1000, True)
    """
    n_listings = check_positive_int(n_listings, "n_listings", minimum=20)
    n_sessions = check_positive_int(n_sessions, "n_sessions")
    n_cities = check_positive_int(n_cities, "n_cities")
    style_dim = check_positive_int(style_dim, "style_dim", minimum=2)
    n_days = check_positive_int(n_days, "n_days", minimum=2)
    n_test_days = check_positive_int(n_test_days, "n_test_days")
    if n_test_days >= n_days:
        raise ValueError(f"n_test_days ({n_test_days}) must be < n_days ({n_days})")
    new_share = check_fraction(new_share, "new_share", low=0.0, high=0.5, inclusive=True)
    style_weight = check_positive_number(style_weight, "style_weight", allow_zero=True)
    price_weight = check_positive_number(price_weight, "price_weight", allow_zero=True)
    room_weight = check_positive_number(room_weight, "room_weight", allow_zero=True)
    quality_sigma = check_positive_number(quality_sigma, "quality_sigma", allow_zero=True)
    intent_drift = check_positive_number(intent_drift, "intent_drift", allow_zero=True)
    p_book = check_fraction(p_book, "p_book", low=0.0, high=1.0, inclusive=True)
    if p_book == 0:
        raise ValueError("p_book must be > 0")
    if new_city_day is not None:
        new_city_day = check_positive_int(new_city_day, "new_city_day")
        new_city_listings = check_positive_int(new_city_listings, "new_city_listings", minimum=20)
        new_city_sessions = check_positive_int(new_city_sessions, "new_city_sessions")
    n_results = check_positive_int(n_results, "n_results", minimum=10)
    explore_share = check_fraction(explore_share, "explore_share", low=0.0, high=0.99, inclusive=True)
    rng = rng_from(random_state)

    # 1. cities
    weights = 1 / np.sqrt(np.arange(1, n_cities + 1))
    weights /= weights.sum()
    city_mu = rng.normal(4.6, 0.3, n_cities + 1)

    # 2. listings (the new city's, if any, come last)
    city = rng.choice(n_cities, n_listings, p=weights)
    launch = np.zeros(n_listings, dtype=int)
    new = rng.random(n_listings) < new_share
    launch[new] = rng.integers(n_days - n_test_days, n_days, int(new.sum()))
    if new_city_day is not None:
        city = np.concatenate([city, np.full(new_city_listings, n_cities)])
        launch = np.concatenate([launch, np.full(new_city_listings, new_city_day)])
    n_all = len(city)
    room = rng.choice(3, n_all, p=_ROOM_PROBS)
    log_price = city_mu[city] + _ROOM_PRICE[room] + rng.normal(0, _PRICE_SD, n_all)
    quality = rng.normal(0, quality_sigma, n_all) if quality_sigma > 0 else np.zeros(n_all)
    style = _unit(rng.normal(size=(n_all, style_dim)))

    # 3. sessions: (day, city); the new city's sessions and an equal share elsewhere at the end
    s_day = rng.integers(0, n_days, n_sessions)
    s_city = rng.choice(n_cities, n_sessions, p=weights)
    if new_city_day is not None:
        n_other = new_city_sessions
        s_day = np.concatenate([s_day, rng.integers(new_city_day, new_city_day + 2, 2 * new_city_sessions)])
        s_city = np.concatenate([s_city, np.full(new_city_sessions, n_cities),
                                 rng.choice(n_cities, n_other, p=weights)])
    order = np.lexsort((s_city, s_day))
    s_day, s_city = s_day[order], s_city[order]
    n_total = len(s_day)
    n_clicks = rng.integers(5, 11, n_total)

    # clicks, vectorised over the sessions of one city: Gumbel-max sampling without replacement,
    # one click step at a time (the intent drifts after each click)
    max_clicks = int(n_clicks.max())
    chosen_all = np.full((n_total, max_clicks), -1)
    base_best = np.zeros((n_total, max_clicks))
    for c in np.unique(s_city):
        rows = np.flatnonzero(s_city == c)
        pool = np.flatnonzero(city == c)
        launched = launch[pool][None, :] <= s_day[rows][:, None]            # (sessions, pool)
        anchors = rng.integers(0, len(pool), len(rows))
        for _ in range(100):                       # redraw anchors not launched yet on the session's day
            bad = ~launched[np.arange(len(rows)), anchors]
            if not bad.any():
                break
            anchors[bad] = rng.integers(0, len(pool), int(bad.sum()))
        anchors = pool[anchors]
        u = style[anchors].copy()
        target = log_price[anchors] + rng.normal(0, 0.2, len(rows))
        pref = np.where(rng.random(len(rows)) < 0.8, room[anchors], rng.integers(0, 3, len(rows)))
        lp32 = log_price[pool].astype(np.float32)
        static = np.abs(lp32[None, :] - target.astype(np.float32)[:, None])
        static *= np.float32(-price_weight / _PRICE_SD)
        static += np.float32(room_weight) * (room[pool][None, :] == pref[:, None])
        static += quality[pool].astype(np.float32)[None, :]
        # the search page: the n_results best launched listings by price, room type and quality
        # (with noise), not by style, which the search engine does not know
        shown_score = rng.gumbel(size=static.shape).astype(np.float32)
        shown_score += static
        shown_score[~launched] = -np.inf
        n_res = min(n_results, len(pool))
        shown = np.argpartition(-shown_score, n_res - 1, axis=1)[:, :n_res]          # (sessions, n_res)
        ok_shown = np.take_along_axis(launched, shown, axis=1)
        st_shown = np.take_along_axis(static, shown, axis=1)
        sty = style[pool][shown]                                                     # (sessions, n_res, d)
        base_util = style_weight * np.einsum("snd,sd->sn", sty, u) + st_shown       # the original intent
        available = ok_shown.copy()
        r_idx = np.arange(len(rows))
        for t in range(max_clicks):
            logit = style_weight * np.einsum("snd,sd->sn", sty, u) + st_shown
            logit[rng.random(len(rows)) < explore_share] = 0.0          # an exploratory click
            logit[~available] = -np.inf
            j = _sample_rows(rng, logit)
            ok = available[r_idx, j]                                                 # page not exhausted
            available[r_idx, j] = False
            chosen_all[rows, t] = np.where(ok, pool[shown[r_idx, j]], -1)
            base_best[rows, t] = np.where(ok, base_util[r_idx, j], -np.inf)
            u = _unit(u + intent_drift * sty[r_idx, j])
    steps = np.arange(max_clicks)[None, :]
    valid = (steps < n_clicks[:, None]) & (chosen_all >= 0)
    n_clicks = valid.sum(axis=1)
    book = rng.random(n_total) < p_book
    noisy = np.where(valid, base_best + rng.gumbel(0, 0.1, base_best.shape), -np.inf)
    best = np.argmax(noisy, axis=1)
    booked_listing = np.where(book, chosen_all[np.arange(n_total), best], -1)
    # the booked listing ends the session: move it to the last valid position
    order_key = np.where(valid, steps, max_clicks + 1).astype(float)
    is_booked = book[:, None] & (chosen_all == booked_listing[:, None]) & valid
    order_key[is_booked] = max_clicks
    seq_order = np.argsort(order_key, axis=1, kind="stable")
    seq = np.take_along_axis(chosen_all, seq_order, axis=1)
    flags = np.take_along_axis(is_booked, seq_order, axis=1).astype(int)
    keep = steps < n_clicks[:, None]
    session_ids = np.repeat(np.arange(n_total), n_clicks)
    clicks = pd.DataFrame({"session": session_ids, "day": s_day[session_ids], "city": s_city[session_ids],
                           "position": np.broadcast_to(steps, seq.shape)[keep], "listing": seq[keep],
                           "booked": flags[keep]})
    sessions = pd.DataFrame({"session": np.arange(n_total), "day": s_day, "city": s_city,
                             "n_clicks": n_clicks, "booked_listing": booked_listing})
    listings = pd.DataFrame({"listing": np.arange(n_all), "city": city, "room_type": room,
                             "price": np.round(np.exp(log_price), 2), "log_price": log_price,
                             "quality": quality, "launch_day": launch})
    return SimilarListingsData(listings, clicks, sessions, style,
                               n_cities if new_city_day is not None else -1,
                               new_city_day if new_city_day is not None else n_days)
