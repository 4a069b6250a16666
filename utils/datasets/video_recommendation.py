"""Video recommendation data of chapter 06: users, videos and popularity-biased impression logs.

Generative story (everything drawn from one seeded NumPy ``Generator``):

1. **Genres and videos.** There are ``n_genres`` genres whose centres are standard normal
   vectors of ``dim`` components. A video belongs to one genre (uniform); its latent *taste
   vector* is its genre's centre plus normal noise of scale ``video_spread``. Its popularity is
   Zipfian: the videos are ranked in a random order and rank ``r`` gets weight ``r ** -zipf``.
   A video also has a ``duration`` (log-normal minutes) and an ``upload_day``.
2. **Users.** A user has an age band (``n_ages``) and a country (``n_countries``). Every band
   and country owns a random offset vector; a user's latent vector is the sum of their band's
   and country's offsets (scaled by ``demographic_strength``) plus personal normal noise, so
   demographics predict part of a user's taste: cold start is learnable, not hopeless.
3. **True preference.** The affinity of user ``u`` for video ``v`` is
   ``s(u, v) = (u . v) / sqrt(dim) + pop_strength * log(popularity share * n_videos)
   - duration_strength * z(log duration) + intercept`` and ``P(engaged) = sigmoid(s)``.
   Engaged means *liked or watched at least half*: the chapter's label. The **true relevant
   set** of a user is the ``n_relevant`` videos of highest affinity among those they have not
   been shown (:meth:`VideoRecommendationData.true_relevant`).
4. **Impressions (the log).** Each user is shown ``impressions_per_user`` distinct videos,
   drawn *in proportion to popularity ** exposure_power* (the current system pushes popular
   videos: exposure bias), on days uniform in ``0 .. n_days - 1``. Each impression is engaged
   with probability ``sigmoid(s)``; an engaged impression has a watch fraction in [0.5, 1] and
   is liked with probability 0.4, a non-engaged one a watch fraction in [0, 0.5).

The hidden structure a model can learn: engagement depends on a low-rank user-video product
plus popularity and duration; which videos were *logged* depends on popularity alone. Logged
positives therefore over-represent popular videos, and a metric computed on them rewards
popularity; the truth over the whole catalogue does not. :func:`simulate_impressions` draws
more logs (e.g. after a change of taste, for drift).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._validation import check_positive_int, check_positive_number, rng_from

__all__ = ["VideoRecommendationData", "make_video_recommendation_data", "simulate_impressions"]

LIKE_GIVEN_ENGAGED = 0.4


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class VideoRecommendationData:
    """Users, videos, impression logs, and the latent world that generated them.

    Attributes
    ----------
    users : pandas.DataFrame
        ``user_id`` (row number), ``age_band``, ``country``.
    videos : pandas.DataFrame
        ``video_id`` (row number), ``genre``, ``popularity`` (share of exposure weight, sums
        to 1), ``duration_min``, ``upload_day``.
    impressions : pandas.DataFrame
        ``user_id``, ``video_id``, ``day``, ``watch_fraction``, ``liked``, ``engaged`` (the
        label: liked or watch fraction >= 0.5), sorted by day then user.
    user_factors : numpy.ndarray
        Hidden latent vectors of the users, ``(n_users, dim)``.
    video_factors : numpy.ndarray
        Hidden latent vectors of the videos, ``(n_videos, dim)``.
    video_bias : numpy.ndarray
        Hidden per-video term of the affinity (popularity, duration, intercept).
    genre_centres : numpy.ndarray
        ``(n_genres, dim)``.
    n_days : int
        Days of logged impressions.
    n_relevant : int
        Size of each user's true top list (the ground truth of recall@k).
    """

    users: pd.DataFrame
    videos: pd.DataFrame
    impressions: pd.DataFrame
    user_factors: np.ndarray
    video_factors: np.ndarray
    video_bias: np.ndarray
    genre_centres: np.ndarray
    n_days: int
    n_relevant: int
    exposure_power: float

    def affinity(self, user_ids, user_factors=None) -> np.ndarray:
        """True affinity ``s(u, v)`` of the given users for every video, ``(len(user_ids), n_videos)``.

        ``user_factors`` replaces the users' latent vectors (a change of taste).
        """
        ids = np.asarray(user_ids, dtype=int)
        uf = self.user_factors if user_factors is None else np.asarray(user_factors, dtype=float)
        dim = self.video_factors.shape[1]
        return uf[ids] @ self.video_factors.T / np.sqrt(dim) + self.video_bias

    def true_relevant(self, user_ids, seen=None, *, user_factors=None, n: int | None = None) -> list:
        """The ``n`` (default ``n_relevant``) videos of highest true affinity per user, excluding ``seen``.

        Parameters
        ----------
        user_ids : array-like of int
        seen : sequence of collections, optional
            Videos already shown to each user (excluded from the truth).
        user_factors : numpy.ndarray, optional
            Replacement latent vectors (after a change of taste).
        n : int, optional

        Returns
        -------
        list of numpy.ndarray
            One array of video ids per user.
        """
        n = self.n_relevant if n is None else check_positive_int(n, "n")
        aff = self.affinity(user_ids, user_factors)
        if seen is not None:
            if len(seen) != len(aff):
                raise ValueError("seen must have one collection per user in user_ids")
            for i, s in enumerate(seen):
                aff[i, np.fromiter(s, dtype=int)] = -np.inf
        top = np.argpartition(-aff, n, axis=1)[:, :n]
        return [row for row in top]


def simulate_impressions(data: VideoRecommendationData, user_ids, days, n_per_user: int, *,
                         user_factors=None, random_state=0) -> pd.DataFrame:
    """Draw popularity-biased impressions and their engagement for ``user_ids`` on ``days``.

    Parameters
    ----------
    data : VideoRecommendationData
    user_ids : array-like of int
    days : tuple of (first, last)
        Days drawn uniformly in ``first .. last`` (inclusive).
    n_per_user : int
        Distinct videos shown to each user.
    user_factors : numpy.ndarray, optional
        Replacement latent vectors (a change of taste).
    random_state : int or numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        Columns as ``VideoRecommendationData.impressions``.
    """
    if not isinstance(data, VideoRecommendationData):
        raise TypeError("data must be a VideoRecommendationData")
    rng = rng_from(random_state)
    ids = np.asarray(user_ids, dtype=int)
    n_videos = len(data.videos)
    n_per_user = check_positive_int(n_per_user, "n_per_user")
    if n_per_user > n_videos:
        raise ValueError(f"n_per_user={n_per_user} exceeds the {n_videos} videos")
    first, last = days
    if not 0 <= first <= last:
        raise ValueError("days must be (first, last) with 0 <= first <= last")
    logw = data.exposure_power * np.log(data.videos["popularity"].to_numpy())
    keys = logw + rng.gumbel(size=(len(ids), n_videos))  # Gumbel top-k: sampling without replacement
    shown = np.argpartition(-keys, n_per_user - 1, axis=1)[:, :n_per_user]
    aff = data.affinity(ids, user_factors)
    p = _sigmoid(np.take_along_axis(aff, shown, axis=1)).ravel()
    engaged = rng.random(p.size) < p
    watch = np.where(engaged, 0.5 + 0.5 * rng.random(p.size), 0.5 * rng.random(p.size))
    liked = engaged & (rng.random(p.size) < LIKE_GIVEN_ENGAGED)
    log = pd.DataFrame({
        "user_id": np.repeat(ids, n_per_user),
        "video_id": shown.ravel(),
        "day": rng.integers(first, last + 1, size=p.size),
        "watch_fraction": watch,
        "liked": liked,
        "engaged": liked | (watch >= 0.5),
    })
    return log.sort_values(["day", "user_id", "video_id"], kind="stable").reset_index(drop=True)


def make_video_recommendation_data(n_users: int = 3000, n_videos: int = 2000, *, dim: int = 8,
                                   n_genres: int = 10, n_ages: int = 4, n_countries: int = 5,
                                   impressions_per_user: int = 60, n_days: int = 30,
                                   n_relevant: int = 50, video_spread: float = 0.6,
                                   demographic_strength: float = 0.9, zipf: float = 1.0,
                                   exposure_power: float = 1.0, pop_strength: float = 0.15,
                                   duration_strength: float = 0.3, intercept: float = -1.0,
                                   random_state=0) -> VideoRecommendationData:
    """Users, videos and impression logs following the module's generative story.

    Parameters
    ----------
    n_users, n_videos : int, default 3000, 2000
    dim : int, default 8
        Latent dimension.
    n_genres, n_ages, n_countries : int, default 10, 4, 5
    impressions_per_user : int, default 60
    n_days : int, default 30
    n_relevant : int, default 50
        Size of each user's true relevant set.
    video_spread : float, default 0.6
        Scale of a video's deviation from its genre centre.
    demographic_strength : float, default 0.9
        Scale of the age-band and country offsets relative to the personal noise (scale 1).
    zipf : float, default 1.0
        Exponent of the popularity law.
    exposure_power : float, default 1.0
        Impressions are drawn in proportion to ``popularity ** exposure_power``.
    pop_strength, duration_strength, intercept : float
        Weights of the non-personal terms of the affinity.
    random_state : int or numpy.random.Generator, default 0

    Returns
    -------
    VideoRecommendationData
    """
    n_users = check_positive_int(n_users, "n_users", minimum=2)
    n_videos = check_positive_int(n_videos, "n_videos", minimum=2)
    dim = check_positive_int(dim, "dim")
    n_genres = check_positive_int(n_genres, "n_genres")
    n_ages = check_positive_int(n_ages, "n_ages")
    n_countries = check_positive_int(n_countries, "n_countries")
    impressions_per_user = check_positive_int(impressions_per_user, "impressions_per_user")
    n_days = check_positive_int(n_days, "n_days")
    n_relevant = check_positive_int(n_relevant, "n_relevant")
    if impressions_per_user + n_relevant > n_videos:
        raise ValueError("impressions_per_user + n_relevant must not exceed n_videos")
    for name, value in [("video_spread", video_spread), ("demographic_strength", demographic_strength),
                        ("zipf", zipf), ("exposure_power", exposure_power), ("pop_strength", pop_strength),
                        ("duration_strength", duration_strength)]:
        check_positive_number(value, name, allow_zero=True)
    rng = rng_from(random_state)

    centres = rng.normal(size=(n_genres, dim))
    genre = rng.integers(n_genres, size=n_videos)
    video_factors = centres[genre] + video_spread * rng.normal(size=(n_videos, dim))
    weight = np.arange(1, n_videos + 1, dtype=float)[rng.permutation(n_videos)] ** -zipf
    popularity = weight / weight.sum()
    duration = np.exp(rng.normal(np.log(8.0), 0.8, size=n_videos))
    log_dur = np.log(duration)
    video_bias = (pop_strength * np.log(popularity * n_videos)
                  - duration_strength * (log_dur - log_dur.mean()) / log_dur.std() + intercept)
    videos = pd.DataFrame({
        "video_id": np.arange(n_videos), "genre": genre, "popularity": popularity,
        "duration_min": duration.round(1), "upload_day": rng.integers(-365, n_days, size=n_videos),
    })

    age_offsets = demographic_strength * rng.normal(size=(n_ages, dim))
    country_offsets = demographic_strength * rng.normal(size=(n_countries, dim))
    age = rng.integers(n_ages, size=n_users)
    country = rng.integers(n_countries, size=n_users)
    user_factors = age_offsets[age] + country_offsets[country] + rng.normal(size=(n_users, dim))
    users = pd.DataFrame({"user_id": np.arange(n_users), "age_band": age, "country": country})

    data = VideoRecommendationData(users, videos, pd.DataFrame(), user_factors, video_factors,
                                   video_bias, centres, n_days, n_relevant, float(exposure_power))
    data.impressions = simulate_impressions(data, np.arange(n_users), (0, n_days - 1),
                                            impressions_per_user, random_state=rng)
    return data
