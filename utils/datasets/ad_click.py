"""Ad click data of chapter 08: two weeks of ad impressions with clicks.

Generative story of :func:`make_ad_click_data` (every draw from one seeded generator):

1. **Users** belong to one of ``n_segments`` audience segments, have a personal click
   propensity (bias ~ N(0, 0.3)), an activity level (log-normal: a few users see many ads) and a
   main device (mobile, desktop or tablet, used for 70% of their impressions).
2. **Ads** belong to an advertiser; each advertiser sells in one of ``n_categories``
   categories. Ads and advertisers have a creative quality (biases ~ N(0, 0.5) and
   N(0, ``advertiser_sigma``)) and a cost-per-click bid (log-normal, mean about 1). 70% of the
   other ads run from day 0; the rest launch on a later day (ad churn: new ids appear every day).
3. **Impressions** happen at a time drawn over ``n_days`` days with a daily traffic profile
   (busy evenings). Each shows an ad to a user: half the time an ad from the user's small
   re-targeting pool (so the same user sees the same ad again), otherwise an ad drawn by its
   advertiser's budget weight; only launched ads are shown.
4. **Click.** ``P(click) = sigmoid(logit)`` with::

       logit = base_logit + user bias + ad bias + advertiser bias
               + affinity[segment, category]          (the cross a linear model needs)
               + context[hour, device]                (a second cross)
               - fatigue * (views of this ad by this user in the previous 24 h)
               + trend_boost * [ad in the new trending category]

   The affinity table (~ N(0, ``affinity_sigma``)) is the hidden structure that rewards a
   segment x category feature cross; fatigue rewards a point-in-time window counter.
5. **Trend.** A new category (the last one; its advertisers and ads exist only from ``trend_day``
   on) launches and trends: it takes ``trend_share`` of the impressions not drawn from a
   re-targeting pool (so somewhat less of all impressions) and is clicked more
   (``trend_boost`` on the logit). A model frozen on week 1 has never seen its ids or crosses;
   one updated daily catches up.

The true click probability of every impression is returned (``p_click``), so a chapter can tell
model error from label noise. Fatigue counts are computed with
:func:`utils.features.window_aggregate`, the same point-in-time definition a chapter uses.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._validation import check_fraction, check_positive_int, check_positive_number, rng_from
from ..features import window_aggregate

__all__ = ["AdClickData", "make_ad_click_data", "AD_DEVICES"]

#: Device names, indexed by the ``device`` codes of the generator.
AD_DEVICES = ("mobile", "desktop", "tablet")

_HOUR_PROFILE = np.array([2, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 6, 7, 6, 6, 6, 6, 7, 8, 9, 10, 9, 7, 4],
                         dtype=float)


@dataclass
class AdClickData:
    """Impressions log and the ad and user tables of the synthetic ad platform.

    Attributes
    ----------
    impressions : pandas.DataFrame
        One row per impression, sorted by time: ``ts`` (datetime64), ``day``, ``hour``, ``user``,
        ``segment``, ``device`` (str), ``ad``, ``advertiser``, ``category``, ``bid``, ``clicked``
        (0/1) and ``p_click`` (the true click probability, unknown to a real system).
    ads : pandas.DataFrame
        One row per ad: ``ad``, ``advertiser``, ``category``, ``bid``, ``launch_day``.
    users : pandas.DataFrame
        One row per user: ``user``, ``segment``, ``device`` (main device).
    trend_category : int
        The category that trends from ``trend_day`` on.
    trend_day : int
        The day the trending category launches.
    """

    impressions: pd.DataFrame
    ads: pd.DataFrame
    users: pd.DataFrame
    trend_category: int
    trend_day: int

    def __len__(self) -> int:
        return len(self.impressions)


def make_ad_click_data(n_impressions: int = 150_000, *, n_days: int = 14, n_users: int = 20_000,
                       n_segments: int = 50, n_ads: int = 3_000, n_advertisers: int = 300,
                       n_categories: int = 25, base_logit: float = -4.0,
                       advertiser_sigma: float = 0.6, affinity_sigma: float = 0.8,
                       fatigue: float = 0.4, trend_day: int = 9, trend_boost: float = 0.8,
                       trend_share: float = 0.12, random_state=0) -> AdClickData:
    """Simulate ``n_impressions`` ad impressions over ``n_days`` days (see the module docstring).

    Parameters
    ----------
    n_impressions : int, default 150_000
    n_days : int, default 14
    n_users, n_segments : int, default 20_000 and 50
    n_ads, n_advertisers, n_categories : int, default 3_000, 300 and 25
    base_logit : float, default -4.0
        Intercept of the click logit (before the other terms; the overall CTR is about 3%).
    advertiser_sigma : float, default 0.6
        Standard deviation of the advertiser quality on the logit scale.
    affinity_sigma : float, default 0.8
        Standard deviation of the segment x category affinity table (the feature cross).
    fatigue : float, default 0.4
        Logit penalty per earlier view of the same ad by the same user in the last 24 h (>= 0).
    trend_day : int, default 9
        Launch day of the new trending category; ``>= n_days`` means no trend.
    trend_boost : float, default 0.8
        Logit boost of the trending category's ads (>= 0).
    trend_share : float, default 0.12
        Share of the non-re-targeting impressions that go to the trending category from
        ``trend_day`` on, in (0, 1).
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    AdClickData

    Examples
    --------
    >>> data = make_ad_click_data(5_000, n_users=500, n_ads=200, n_advertisers=40, random_state=0)
    >>> len(data), sorted(data.impressions["clicked"].unique().tolist())
    (5000, [0, 1])
    """
    n = check_positive_int(n_impressions, "n_impressions")
    n_days = check_positive_int(n_days, "n_days")
    n_users = check_positive_int(n_users, "n_users")
    n_segments = check_positive_int(n_segments, "n_segments")
    n_ads = check_positive_int(n_ads, "n_ads")
    n_advertisers = check_positive_int(n_advertisers, "n_advertisers")
    n_categories = check_positive_int(n_categories, "n_categories", minimum=2)
    if n_advertisers > n_ads:
        raise ValueError(f"n_advertisers ({n_advertisers}) must be <= n_ads ({n_ads})")
    if (isinstance(base_logit, bool) or not isinstance(base_logit, (int, float))
            or not np.isfinite(base_logit)):
        raise TypeError(f"base_logit must be a finite number, got {base_logit!r}")
    advertiser_sigma = check_positive_number(advertiser_sigma, "advertiser_sigma", allow_zero=True)
    affinity_sigma = check_positive_number(affinity_sigma, "affinity_sigma", allow_zero=True)
    fatigue = check_positive_number(fatigue, "fatigue", allow_zero=True)
    trend_day = check_positive_int(trend_day, "trend_day", minimum=0)
    trend_boost = check_positive_number(trend_boost, "trend_boost", allow_zero=True)
    trend_share = check_fraction(trend_share, "trend_share")
    rng = rng_from(random_state)

    # 1. users
    segment = rng.integers(0, n_segments, n_users)
    user_bias = rng.normal(0, 0.3, n_users)
    activity = rng.lognormal(0, 1.0, n_users)
    main_device = rng.choice(len(AD_DEVICES), n_users, p=[0.6, 0.3, 0.1])
    # 2. advertisers and ads
    trend_category = n_categories - 1
    adv_category = rng.integers(0, n_categories - 1, n_advertisers)
    n_trend_adv = max(1, n_advertisers // n_categories)
    adv_category[-n_trend_adv:] = trend_category        # the new category's advertisers
    adv_bias = rng.normal(0, advertiser_sigma, n_advertisers)
    adv_weight = rng.lognormal(0, 0.8, n_advertisers)
    ad_advertiser = np.concatenate([np.arange(n_advertisers),
                                    rng.integers(0, n_advertisers, n_ads - n_advertisers)])
    rng.shuffle(ad_advertiser)
    ad_category = adv_category[ad_advertiser]
    ad_bias = rng.normal(0, 0.5, n_ads)
    bid = np.round(rng.lognormal(-0.1, 0.5, n_ads), 2)
    launch_day = np.where(rng.random(n_ads) < 0.7, 0, rng.integers(1, max(n_days, 2), n_ads))
    launch_day[ad_category == trend_category] = trend_day
    affinity = rng.normal(0, affinity_sigma, (n_segments, n_categories))
    context = rng.normal(0, 0.3, (24, len(AD_DEVICES)))
    pool = rng.integers(0, n_ads, (n_users, 4))  # re-targeting pool of each user

    # 3. impressions
    user = rng.choice(n_users, n, p=activity / activity.sum())
    day = rng.integers(0, n_days, n)
    hour = rng.choice(24, n, p=_HOUR_PROFILE / _HOUR_PROFILE.sum())
    seconds = rng.integers(0, 3600, n)
    device = np.where(rng.random(n) < 0.7, main_device[user], rng.integers(0, len(AD_DEVICES), n))
    ad = pool[user, rng.integers(0, pool.shape[1], n)]
    from_pool = rng.random(n) < 0.5
    base_weight = adv_weight[ad_advertiser]
    for d in range(n_days):
        on_day = day == d
        weight = base_weight * (launch_day <= d)
        is_trend = ad_category == trend_category
        if weight[is_trend].sum() > 0:  # the trending category gets trend_share of the draws
            weight = np.where(is_trend, trend_share * weight / weight[is_trend].sum(),
                              (1 - trend_share) * weight / weight[~is_trend].sum())
        redraw = on_day & (~from_pool | (launch_day[ad] > d))
        ad[redraw] = rng.choice(n_ads, int(redraw.sum()), p=weight / weight.sum())
    ts = (pd.Timestamp("2024-03-04") + pd.to_timedelta(day, unit="D") + pd.to_timedelta(hour, unit="h")
          + pd.to_timedelta(seconds, unit="s"))
    order = np.argsort(ts.to_numpy(), kind="stable")
    user, day, hour, device, ad = user[order], day[order], hour[order], device[order], ad[order]
    ts = ts[order]
    views = window_aggregate(ts, pd.DataFrame({"user": user, "ad": ad}), "24h")

    # 4. clicks
    category = ad_category[ad]
    trending = category == trend_category
    logit = (base_logit + user_bias[user] + ad_bias[ad] + adv_bias[ad_advertiser[ad]]
             + affinity[segment[user], category] + context[hour, device]
             - fatigue * views + trend_boost * trending)
    p_click = 1.0 / (1.0 + np.exp(-logit))
    clicked = (rng.random(n) < p_click).astype(np.int64)

    impressions = pd.DataFrame({
        "ts": ts, "day": day, "hour": hour, "user": user, "segment": segment[user],
        "device": np.asarray(AD_DEVICES)[device], "ad": ad, "advertiser": ad_advertiser[ad],
        "category": category, "bid": bid[ad], "clicked": clicked, "p_click": p_click,
    })
    ads = pd.DataFrame({"ad": np.arange(n_ads), "advertiser": ad_advertiser, "category": ad_category,
                        "bid": bid, "launch_day": launch_day})
    users = pd.DataFrame({"user": np.arange(n_users), "segment": segment,
                          "device": np.asarray(AD_DEVICES)[main_device]})
    return AdClickData(impressions, ads, users, trend_category, trend_day)
