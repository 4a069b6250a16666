"""News feed data of chapter 10: a social network's feed impressions with multi-task engagement.

Generative story of :func:`make_news_feed_data` (every draw from one seeded generator; time is
in hours from the start of day 0):

1. **Users** have a taste for each of ``n_topics`` topics (a normal draw plus a bonus on three
   favourite topics), a taste for each media type (text, image, video) and an activity level
   (log-normal: some users open the app several times a day). What a real system knows about
   them is their **history before day 0**: Poisson counts of past engagements per topic and
   per media type, whose rates grow with the hidden tastes (a noisy, observable proxy).
2. **Authors** write mostly about one main topic (70%), sometimes a second one (20%), have a
   popularity (log-normal; popular authors gain followers), a posting rate and a quality.
3. **Follows.** Each user follows about ``follows_per_user`` authors, drawn in proportion to
   popularity times the user's taste for the author's main topic. Each follow edge has a hidden
   **closeness** (a normal draw) and an observable count of past interactions (messages, likes,
   comments before day 0) drawn from a Poisson law whose rate grows with closeness.
4. **Posts** are written from two days before day 0 until the last day, each by an author
   (in proportion to the posting rate), on a topic, in a media type (text 50%, image 30%,
   video 20% before ``drift_day``; the video share becomes ``video_share_after`` from it on),
   with a quality (author quality plus noise).
5. **Sessions.** Each active user opens the feed ``Poisson(activity)`` times a day. The
   candidates are the posts of followed authors from the last 48 hours not yet shown to that
   user. The feed shows ``slate_size`` of them. Users are split into two logging buckets: in
   the ``"chrono"`` bucket (the incumbent reverse-chronological feed) the newest candidates are
   shown newest first; in the ``"shuffle"`` bucket (a share ``shuffle_share`` of the users, a
   randomised holdout kept for unbiased evaluation) a random subset is shown in random order.
6. **Engagement.** A latent engagement ``z = taste[user, topic] + closeness[user, author] +
   media_taste[user, media] + media_effect[media] + quality[post] - age_decay * age_days``
   drives correlated labels. A user *examines* position ``k`` (1 = top) with probability
   ``1 / (1 + 0.25 (k - 1))`` (**position bias**), and an examined post is clicked, liked,
   commented, shared or hidden with probability ``sigmoid(logit)``::

       click   = -2.2 + z
       like    = -3.2 + z + 0.5 closeness
       comment = -4.6 + 0.5 z + 1.3 closeness          (rare, social)
       share   = -4.5 + 0.4 z + 1.5 quality            (rare, viral)
       hide    = -4.0 - 1.2 z                          (rare, the negative signal)

   A click comes with a dwell time: ``log(dwell seconds) = 3 + 0.4 z + 0.5 [video] + N(0, 0.7)``.
   The reactions a post has when it is shown (a request-time counter) are a Poisson draw
   whose rate grows with its quality, its author's popularity and its age (up to a day).
7. **Drift** from ``drift_day`` on: video posts become more frequent (``video_share_after``) and
   more engaging (``video_boost`` added to the video effect: a new short-video format), and
   users lose interest in one topic (``fade_topic``: ``topic_fade`` subtracted from everyone's
   taste for it) without the topic mix of the posts changing.

Everything hidden (tastes, closeness, quality, the drift) is returned only where a chapter
needs it to explain a result; the models see the observable columns.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._validation import check_fraction, check_positive_int, check_positive_number, rng_from

__all__ = ["NewsFeedData", "make_news_feed_data", "MEDIA_TYPES", "ENGAGEMENT_TASKS"]

#: Media types, indexed by the ``media`` codes of the generator.
MEDIA_TYPES = ("text", "image", "video")
#: The binary engagement labels of every impression, in the generator's column order.
ENGAGEMENT_TASKS = ("click", "like", "comment", "share", "hide")

_MEDIA_EFFECT = np.array([0.0, 0.2, 0.3])
_MEDIA_SHARE = np.array([0.5, 0.3, 0.2])
_WINDOW_H = 48.0


@dataclass
class NewsFeedData:
    """Impressions of the simulated feed, with the tables a feed system keeps.

    Attributes
    ----------
    impressions : DataFrame
        One row per impression, sorted by session time then position: ``session``, ``user``,
        ``day``, ``t_hours``, ``bucket`` (``"chrono"`` or ``"shuffle"``), ``position`` (1 = top),
        ``post``, ``author``, ``topic``, ``media`` (code into ``MEDIA_TYPES``), ``age_h`` (post
        age when shown), ``reactions`` (its reaction count when shown), ``interactions``
        (past interactions of the user with the author), the labels ``click``, ``like``,
        ``comment``, ``share``, ``hide`` (0/1) and ``dwell_s`` (seconds, 0 without a click).
    posts : DataFrame
        One row per post: ``post``, ``author``, ``topic``, ``media``, ``created_h``.
    authors : DataFrame
        One row per author: ``author``, ``main_topic``, ``followers``.
    follows : DataFrame
        One row per follow edge: ``user``, ``author``, ``interactions``.
    topic_history : ndarray
        Past engagements of each user per topic before day 0, shape (n_users, n_topics).
    media_history : ndarray
        Past engagements of each user per media type before day 0, shape (n_users, 3).
    drift_day : int
        First day of the drift.
    fade_topic : int
        The topic users lose interest in from ``drift_day`` on.
    """

    impressions: pd.DataFrame
    posts: pd.DataFrame
    authors: pd.DataFrame
    follows: pd.DataFrame
    topic_history: np.ndarray
    media_history: np.ndarray
    drift_day: int
    fade_topic: int

    def __len__(self) -> int:
        return len(self.impressions)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def make_news_feed_data(n_users: int = 2_000, *, n_authors: int = 400, n_posts: int = 17_000,
                        n_days: int = 10, n_topics: int = 15, follows_per_user: int = 30,
                        slate_size: int = 20, sessions_per_day: float = 0.25,
                        shuffle_share: float = 0.4, age_decay: float = 0.8, drift_day: int = 7,
                        video_share_after: float = 0.45, video_boost: float = 1.0,
                        fade_topic: int = 0, topic_fade: float = 1.5,
                        random_state=0) -> NewsFeedData:
    """Simulate ``n_days`` days of a personalised news feed (see the module docstring).

    Parameters
    ----------
    n_users, n_authors, n_posts : int, default 2_000, 400 and 17_000
        Posts are spread over the ``n_days`` days and the two days before day 0.
    n_days : int, default 10
    n_topics : int, default 15
    follows_per_user : int, default 30
        Mean number of authors a user follows.
    slate_size : int, default 20
        Posts shown per session (fewer when fewer candidates are left).
    sessions_per_day : float, default 0.25
        Mean feed sessions per user and day (scaled by each user's activity).
    shuffle_share : float, default 0.4
        Share of users in the randomised ``"shuffle"`` bucket, in (0, 1).
    age_decay : float, default 0.8
        Engagement logit lost per day of post age (>= 0).
    drift_day : int, default 7
        First day of the drift; ``>= n_days`` means no drift.
    video_share_after : float, default 0.45
        Share of video among the posts written from ``drift_day`` on, in (0, 1).
    video_boost : float, default 1.0
        Logit added to the video effect from ``drift_day`` on (>= 0).
    fade_topic : int, default 0
        Topic whose taste drops from ``drift_day`` on.
    topic_fade : float, default 1.5
        Logit subtracted from every user's taste for ``fade_topic`` (>= 0).
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    NewsFeedData

    Examples
    --------
    >>> data = make_news_feed_data(200, n_authors=60, n_posts=2_000, n_days=3, random_state=0)
    >>> sorted(data.impressions["bucket"].unique().tolist())
    ['chrono', 'shuffle']
    """
    n_users = check_positive_int(n_users, "n_users", minimum=2)
    n_authors = check_positive_int(n_authors, "n_authors", minimum=2)
    n_posts = check_positive_int(n_posts, "n_posts")
    n_days = check_positive_int(n_days, "n_days")
    n_topics = check_positive_int(n_topics, "n_topics", minimum=3)
    follows_per_user = check_positive_int(follows_per_user, "follows_per_user")
    if follows_per_user > n_authors:
        raise ValueError(f"follows_per_user ({follows_per_user}) must be <= n_authors ({n_authors})")
    slate_size = check_positive_int(slate_size, "slate_size")
    sessions_per_day = check_positive_number(sessions_per_day, "sessions_per_day")
    shuffle_share = check_fraction(shuffle_share, "shuffle_share")
    age_decay = check_positive_number(age_decay, "age_decay", allow_zero=True)
    drift_day = check_positive_int(drift_day, "drift_day", minimum=0)
    video_share_after = check_fraction(video_share_after, "video_share_after")
    video_boost = check_positive_number(video_boost, "video_boost", allow_zero=True)
    fade_topic = check_positive_int(fade_topic, "fade_topic", minimum=0)
    if fade_topic >= n_topics:
        raise ValueError(f"fade_topic ({fade_topic}) must be < n_topics ({n_topics})")
    topic_fade = check_positive_number(topic_fade, "topic_fade", allow_zero=True)
    rng = rng_from(random_state)

    # 1. users: hidden tastes and the observable history before day 0
    taste = rng.normal(0.0, 0.7, (n_users, n_topics))
    favourites = np.argsort(rng.random((n_users, n_topics)), axis=1)[:, :3]
    np.put_along_axis(taste, favourites, np.take_along_axis(taste, favourites, 1) + 1.2, axis=1)
    media_taste = rng.normal(0.0, 0.4, (n_users, len(MEDIA_TYPES)))
    activity = rng.lognormal(0.0, 0.5, n_users) * sessions_per_day
    topic_history = rng.poisson(2.0 * np.exp(taste))
    media_history = rng.poisson(6.0 * np.exp(media_taste + _MEDIA_EFFECT))
    shuffled_user = rng.random(n_users) < shuffle_share

    # 2. authors
    main_topic = rng.integers(0, n_topics, n_authors)
    second_topic = (main_topic + rng.integers(1, n_topics, n_authors)) % n_topics
    popularity = rng.lognormal(0.0, 1.0, n_authors)
    post_rate = rng.lognormal(0.0, 0.5, n_authors)
    author_quality = rng.normal(0.0, 0.3, n_authors)

    # 3. follows: popularity x topic taste; a hidden closeness and observable past interactions
    n_follow = np.clip(rng.poisson(follows_per_user, n_users), 5, n_authors)
    # weighted sampling without replacement for every user at once (Gumbel top-k)
    keys = np.log(popularity)[None, :] + taste[:, main_topic] + rng.gumbel(size=(n_users, n_authors))
    ranked = np.argsort(-keys, axis=1)
    follow_mask = np.zeros((n_users, n_authors), dtype=bool)
    np.put_along_axis(follow_mask, ranked, np.arange(n_authors)[None, :] < n_follow[:, None], axis=1)
    f_user, f_author = np.nonzero(follow_mask)                 # sorted by user, then author
    closeness_edge = rng.normal(0.0, 1.0, f_user.size)
    interactions_edge = rng.poisson(np.exp(closeness_edge + 0.5))
    edge_key = f_user.astype(np.int64) * n_authors + f_author
    followers = np.bincount(f_author, minlength=n_authors)

    # 4. posts over [-48 h, n_days * 24 h)
    created = np.sort(rng.uniform(-_WINDOW_H, 24.0 * n_days, n_posts))
    p_author = rng.choice(n_authors, n_posts, p=post_rate / post_rate.sum())
    r = rng.random(n_posts)
    p_topic = np.where(r < 0.7, main_topic[p_author],
                       np.where(r < 0.9, second_topic[p_author], rng.integers(0, n_topics, n_posts)))
    after = created >= 24.0 * drift_day
    rest = (1 - video_share_after) / (1 - _MEDIA_SHARE[2])
    share_after = np.array([_MEDIA_SHARE[0] * rest, _MEDIA_SHARE[1] * rest, video_share_after])
    u_media = rng.random(n_posts)
    p_media = np.where(after, np.searchsorted(np.cumsum(share_after), u_media, side="right"),
                       np.searchsorted(np.cumsum(_MEDIA_SHARE), u_media, side="right"))
    p_media = np.minimum(p_media, len(MEDIA_TYPES) - 1)
    p_quality = author_quality[p_author] + rng.normal(0.0, 0.5, n_posts)

    # posts of each author, sorted by creation time (created is sorted)
    order_by_author = np.argsort(p_author, kind="stable")
    author_start = np.searchsorted(p_author[order_by_author], np.arange(n_authors + 1))
    user_edges = np.searchsorted(f_user, np.arange(n_users + 1))

    # 5. sessions, in time order across users
    n_sessions = rng.poisson(activity[:, None] * np.ones(n_days))  # (user, day)
    s_user = np.repeat(np.repeat(np.arange(n_users), n_days), n_sessions.ravel())
    s_day = np.repeat(np.tile(np.arange(n_days), n_users), n_sessions.ravel())
    s_time = s_day * 24.0 + rng.uniform(0.0, 24.0, s_user.size)
    s_order = np.argsort(s_time, kind="stable")
    s_user, s_day, s_time = s_user[s_order], s_day[s_order], s_time[s_order]

    user_posts, user_seen = {}, {}
    rows_session, rows_pos, rows_post = [], [], []
    for s, (u, t) in enumerate(zip(s_user, s_time, strict=True)):
        if u not in user_posts:
            authors_u = f_author[user_edges[u]:user_edges[u + 1]]
            posts_u = np.sort(np.concatenate([order_by_author[author_start[a]:author_start[a + 1]]
                                              for a in authors_u]))
            user_posts[u], user_seen[u] = posts_u, np.zeros(posts_u.size, dtype=bool)
        posts_u, seen_u = user_posts[u], user_seen[u]
        lo = np.searchsorted(created[posts_u], t - _WINDOW_H, side="right")
        hi = np.searchsorted(created[posts_u], t, side="right")
        idx = lo + np.flatnonzero(~seen_u[lo:hi])
        if idx.size == 0:
            continue
        if shuffled_user[u]:
            shown = rng.permutation(idx)[:slate_size]
        else:
            shown = idx[::-1][:slate_size]              # newest first
        seen_u[shown] = True
        rows_session.append(np.full(shown.size, s))
        rows_pos.append(np.arange(1, shown.size + 1))
        rows_post.append(posts_u[shown])
    sess = np.concatenate(rows_session)
    position = np.concatenate(rows_pos)
    post = np.concatenate(rows_post)
    user, t_hours, day = s_user[sess], s_time[sess], s_day[sess]
    author, topic, media = p_author[post], p_topic[post], p_media[post]
    age_h = t_hours - created[post]
    key = user.astype(np.int64) * n_authors + author
    edge = np.searchsorted(edge_key, key)
    closeness = closeness_edge[edge]
    interactions = interactions_edge[edge]

    # 6. engagement
    drifted = day >= drift_day
    media_effect = _MEDIA_EFFECT[media] + np.where(drifted & (media == 2), video_boost, 0.0)
    topic_taste = taste[user, topic] - np.where(drifted & (topic == fade_topic), topic_fade, 0.0)
    quality = p_quality[post]
    z = topic_taste + closeness + media_taste[user, media] + media_effect + quality - age_decay * age_h / 24.0
    logits = np.column_stack([-2.2 + z, -3.2 + z + 0.5 * closeness, -4.6 + 0.5 * z + 1.3 * closeness,
                              -4.5 + 0.4 * z + 1.5 * quality, -4.0 - 1.2 * z])
    examined = rng.random(post.size) < 1.0 / (1.0 + 0.25 * (position - 1))
    labels = (rng.random(logits.shape) < _sigmoid(logits)) & examined[:, None]
    dwell = np.exp(3.0 + 0.4 * z + 0.5 * (media == 2) + rng.normal(0.0, 0.7, post.size))
    dwell = np.where(labels[:, 0], np.round(dwell, 1), 0.0)
    rate = 0.5 * np.sqrt(popularity[author]) * np.exp(quality + media_effect) * np.minimum(age_h, 24.0)
    reactions = rng.poisson(np.maximum(rate, 0.0))

    impressions = pd.DataFrame({
        "session": sess, "user": user, "day": day, "t_hours": t_hours,
        "bucket": np.where(shuffled_user[user], "shuffle", "chrono"), "position": position,
        "post": post, "author": author, "topic": topic, "media": media, "age_h": age_h,
        "reactions": reactions, "interactions": interactions,
        **{task: labels[:, i].astype(np.int8) for i, task in enumerate(ENGAGEMENT_TASKS)},
        "dwell_s": dwell})
    posts = pd.DataFrame({"post": np.arange(n_posts), "author": p_author, "topic": p_topic,
                          "media": p_media, "created_h": created})
    authors = pd.DataFrame({"author": np.arange(n_authors), "main_topic": main_topic, "followers": followers})
    follows = pd.DataFrame({"user": f_user, "author": f_author, "interactions": interactions_edge})
    return NewsFeedData(impressions, posts, authors, follows, topic_history, media_history,
                        drift_day, fade_topic)
