"""Video search data of chapter 04: videos with titles and frame embeddings, and text queries.

Generative story (everything drawn from one seeded NumPy ``Generator``):

1. **Topics and words.** There are ``n_topics`` topics with ``n_subtopics`` subtopics each
   (100 subtopics by default). Every topic owns ``topic_words`` general words and a pool of
   ``pool_size`` specific words; each subtopic picks ``subtopic_words`` words from its topic's
   pool, so sibling subtopics share some words (a word alone is ambiguous, a pair of words
   much less). A list of ``n_filler`` filler words ("official", "part") is shared by all.
   Words are pronounceable random strings.
2. **Synonyms.** Every topic and pool word has a *synonym*, another string, that users type
   but uploaders never write: synonyms never appear in titles, only in queries. Every pool word
   also has a *slang* form that appears in no query at all unless ``slang_share > 0`` is asked
   for (a vocabulary wave, for drift).
3. **Videos.** Each video belongs to one subtopic, drawn uniformly. Its title holds
   ``title_subtopic_words`` words of its subtopic's list, ``title_topic_words`` topic words and
   ``title_filler_words`` filler words, shuffled; a share ``no_text_share`` of videos has no
   title or description at all (lexical search cannot find them). Popularity is log-normal.
4. **Frames.** Topic centres are standard normal vectors of ``dim`` components; a subtopic's
   centre is its topic's centre plus normal noise of scale ``subtopic_spread``; each video's
   content is its subtopic centre plus noise of scale ``video_spread``; ``n_frames`` frame
   vectors scatter around it with ``frame_noise`` and are mean-pooled into the video's
   *visual embedding* (what a frozen frame encoder plus pooling would produce).
5. **Queries.** A query has an intent subtopic (uniform) and three words: two distinct words
   of the subtopic's list and one of its topic's words. With probability ``synonym_share`` the
   query is a *synonym query*: both specific words are replaced by their synonyms, and the
   topic word too with probability ``synonym_topic_rate``, so it shares at most the general
   topic word with any title. With
   ``slang_share`` the specific words are replaced by their slang forms instead. Every query
   logs one click, on a video of the intent subtopic drawn in proportion to popularity; the
   relevant videos of a query are all the videos of its intent subtopic.

The hidden structure a model can learn: a query's words, synonyms included, point to one
region of the visual space (its subtopic's centre); the click logs reveal that mapping, since
synonyms co-occur with clicked videos. Titles reveal only the written words.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._validation import check_fraction, check_positive_int, check_positive_number, rng_from

__all__ = ["VideoSearchData", "make_video_search_data"]

_CONSONANTS = list("bdfgklmnprstvz")
_VOWELS = list("aeiou")


def _make_words(rng: np.random.Generator, n: int, taken: set) -> list[str]:
    """``n`` new pronounceable strings of 2-3 consonant-vowel syllables, none in ``taken``."""
    out: list[str] = []
    while len(out) < n:
        n_syl = int(rng.integers(2, 4))
        word = "".join(_CONSONANTS[rng.integers(len(_CONSONANTS))] + _VOWELS[rng.integers(len(_VOWELS))]
                       for _ in range(n_syl))
        if word not in taken:
            taken.add(word)
            out.append(word)
    return out


@dataclass
class VideoSearchData:
    """A video catalogue, its visual embeddings, query logs, and the world that generated them.

    Attributes
    ----------
    videos : pandas.DataFrame
        One row per video: ``video_id`` (0..n-1, the row number), ``topic``, ``subtopic``,
        ``title`` (space-separated words, ``""`` for a video without text), ``has_text`` and
        ``popularity`` (a positive weight of how often it is clicked).
    visual : numpy.ndarray
        Mean-pooled frame embeddings, shape ``(n_videos, dim)``, float32, row ``i`` for
        ``video_id`` ``i``.
    queries : pandas.DataFrame
        One row per query: ``text``, ``topic``, ``subtopic`` (the intent), ``kind``
        (``"exact"``, ``"synonym"`` or ``"slang"``), ``clicked_video`` and ``split``
        (``"train"``, ``"valid"`` or ``"test"``).
    topic_words : list of list of str
        The general words of each topic.
    subtopic_words : list of list of str
        The specific words of each subtopic (global subtopic index ``topic * n_subtopics + k``).
    synonym : dict
        Maps each word that has a synonym to it (str to str).
    slang : dict
        Maps each word that has a slang form to it (str to str).
    filler_words : list of str
    """

    videos: pd.DataFrame
    visual: np.ndarray
    queries: pd.DataFrame
    topic_words: list
    subtopic_words: list
    synonym: dict
    slang: dict
    filler_words: list
    _params: dict = field(repr=False)

    @property
    def n_subtopics_total(self) -> int:
        """Number of subtopics over all topics."""
        return len(self.subtopic_words)

    def relevant(self, subtopics) -> list[np.ndarray]:
        """The relevant ``video_id`` values (every video of the subtopic) for each intent."""
        by_sub = self.videos.groupby("subtopic")["video_id"].apply(np.asarray)
        return [by_sub.get(int(s), np.array([], dtype=int)) for s in np.asarray(subtopics)]

    def sample_queries(self, n: int, *, synonym_share: float | None = None, slang_share: float = 0.0,
                       remap: dict | None = None, random_state=0) -> pd.DataFrame:
        """Draw ``n`` new queries (with their logged clicks) from the same world.

        Parameters
        ----------
        n : int
        synonym_share : float, optional
            Share of synonym queries; by default the value the data set was made with.
        slang_share : float, default 0.0
            Share of queries whose specific words are replaced by their slang forms (a new
            vocabulary wave). Drawn before the synonym choice: a slang query is never a synonym
            query.
        remap : dict of int to int, optional
            A shift of meaning: queries whose intent is subtopic ``a`` use the words of subtopic
            ``remap[a]`` (a word now means something else), while the relevant videos and the
            click stay in ``a``.
        random_state : int, numpy.random.Generator or None, default 0

        Returns
        -------
        pandas.DataFrame
            Columns ``text``, ``topic``, ``subtopic``, ``kind``, ``clicked_video``.
        """
        n = check_positive_int(n, "n")
        share = self._params["synonym_share"] if synonym_share is None else synonym_share
        share = check_fraction(share, "synonym_share", inclusive=True)
        slang_share = check_fraction(slang_share, "slang_share", inclusive=True)
        if share + slang_share > 1:
            raise ValueError(f"synonym_share + slang_share must be <= 1, got {share + slang_share}")
        remap = {} if remap is None else dict(remap)
        n_sub = self.n_subtopics_total
        for a, b in remap.items():
            if not (0 <= int(a) < n_sub and 0 <= int(b) < n_sub):
                raise ValueError(f"remap must map subtopics in [0, {n_sub}), got {a} -> {b}")
        rng = rng_from(random_state)
        return _draw_queries(rng, n, self.videos, self.topic_words, self.subtopic_words, self.synonym,
                             self.slang, self._params["n_subtopics"], share, slang_share, remap,
                             self._params["synonym_topic_rate"])

    def new_videos(self, n: int, *, random_state=0) -> tuple[pd.DataFrame, np.ndarray]:
        """``n`` new uploads from the same world, with ids following the catalogue's.

        Returns
        -------
        videos : pandas.DataFrame
            Same columns as ``videos``.
        visual : numpy.ndarray of shape (n, dim), float32
        """
        n = check_positive_int(n, "n")
        rng = rng_from(random_state)
        videos, visual = _draw_videos(rng, n, self._params, self._params["centres"], self.topic_words,
                                      self.subtopic_words, self.filler_words)
        videos["video_id"] += len(self.videos)
        return videos, visual


def _pick(rng, n_rows: int, n_options: int, k: int) -> np.ndarray:
    """``k`` distinct column indices out of ``n_options`` for each of ``n_rows`` rows."""
    return np.argsort(rng.random((n_rows, n_options)), axis=1)[:, :k]


def _draw_videos(rng, n, p, centres, topic_words, subtopic_words, filler_words):
    n_sub_total = len(subtopic_words)
    subtopic = rng.integers(0, n_sub_total, size=n)
    topic = subtopic // p["n_subtopics"]
    has_text = rng.random(n) >= p["no_text_share"]
    s_words, t_words = np.array(subtopic_words), np.array(topic_words)
    fillers = np.array(filler_words)
    words = np.concatenate([
        np.take_along_axis(s_words[subtopic], _pick(rng, n, s_words.shape[1], p["title_subtopic_words"]),
                           axis=1),
        np.take_along_axis(t_words[topic], _pick(rng, n, t_words.shape[1], p["title_topic_words"]), axis=1),
        fillers[_pick(rng, n, len(fillers), p["title_filler_words"])],
    ], axis=1)
    words = np.take_along_axis(words, _pick(rng, n, words.shape[1], words.shape[1]), axis=1)  # shuffle
    titles = [" ".join(row) if text else "" for row, text in zip(words.tolist(), has_text, strict=True)]
    popularity = rng.lognormal(0.0, 1.0, size=n)
    content = centres[subtopic] + rng.normal(0.0, p["video_spread"], size=(n, p["dim"]))
    frames = content[:, None, :] + rng.normal(0.0, p["frame_noise"], size=(n, p["n_frames"], p["dim"]))
    visual = frames.mean(axis=1).astype(np.float32)
    videos = pd.DataFrame({"video_id": np.arange(n), "topic": topic, "subtopic": subtopic,
                           "title": titles, "has_text": has_text, "popularity": popularity})
    return videos, visual


def _draw_queries(rng, n, videos, topic_words, subtopic_words, synonym, slang, n_subtopics,
                  synonym_share, slang_share, remap, synonym_topic_rate):
    n_sub_total = len(subtopic_words)
    subtopic = rng.integers(0, n_sub_total, size=n)
    u = rng.random(n)
    kind = np.where(u < slang_share, "slang", np.where(u < slang_share + synonym_share, "synonym", "exact"))
    word_source = np.array([remap.get(int(s), int(s)) for s in subtopic], dtype=int)
    s_words, t_words = np.array(subtopic_words), np.array(topic_words)
    specific = np.take_along_axis(s_words[word_source], _pick(rng, n, s_words.shape[1], 2), axis=1)
    general = t_words[word_source // n_subtopics, rng.integers(0, t_words.shape[1], size=n)]
    topic_synonym = rng.random(n) < synonym_topic_rate
    texts = []
    for (a, b), g, k, ts in zip(specific.tolist(), general.tolist(), kind, topic_synonym, strict=True):
        if k == "synonym":
            a, b = synonym[a], synonym[b]
            g = synonym[g] if ts else g
        elif k == "slang":
            a, b = slang[a], slang[b]
        texts.append(f"{a} {b} {g}")
    # the click: a video of the intent subtopic, drawn in proportion to popularity
    clicks = np.full(n, -1, dtype=int)
    draw = rng.random(n)
    for s, group in videos.groupby("subtopic"):
        rows = np.flatnonzero(subtopic == s)
        if rows.size:
            cum = np.cumsum(group["popularity"].to_numpy())
            pos = np.searchsorted(cum, draw[rows] * cum[-1], side="right")
            clicks[rows] = group["video_id"].to_numpy()[np.minimum(pos, len(cum) - 1)]
    return pd.DataFrame({"text": texts, "topic": subtopic // n_subtopics, "subtopic": subtopic,
                         "kind": kind, "clicked_video": clicks})


def make_video_search_data(n_videos: int = 5000, *, n_topics: int = 20, n_subtopics: int = 5,
                           n_train: int = 5000, n_valid: int = 1000, n_test: int = 2000,
                           synonym_share: float = 0.3, synonym_topic_rate: float = 0.5,
                           no_text_share: float = 0.15,
                           topic_words: int = 4, pool_size: int = 12, subtopic_words: int = 6,
                           n_filler: int = 100, title_subtopic_words: int = 4,
                           title_topic_words: int = 2, title_filler_words: int = 2, dim: int = 32,
                           subtopic_spread: float = 0.7, video_spread: float = 0.6,
                           n_frames: int = 10, frame_noise: float = 1.0,
                           random_state=0) -> VideoSearchData:
    """Draw a video catalogue, its frame embeddings and train/validation/test query logs.

    The generative story is in the module docstring. Defaults follow the chapter: 5,000 videos
    in 20 topics of 5 subtopics, 5,000 training queries with clicks, 1,000 validation and
    2,000 test queries, 30 % of them synonym queries, 15 % of videos without text.

    Parameters
    ----------
    n_videos : int, default 5000
    n_topics, n_subtopics : int, default 20, 5
    n_train, n_valid, n_test : int, default 5000, 1000, 2000
        Queries in each split, each with one logged click.
    synonym_share : float, default 0.3
        Share of queries whose specific words are synonyms never written in titles.
    synonym_topic_rate : float, default 0.5
        In a synonym query, the probability that the topic word is a synonym too.
    no_text_share : float, default 0.15
        Share of videos without any title or description.
    topic_words, pool_size, subtopic_words : int, default 4, 12, 6
        General words per topic, specific words per topic pool, and per subtopic (drawn from its
        topic's pool, ``subtopic_words <= pool_size``).
    n_filler : int, default 100
    title_subtopic_words, title_topic_words, title_filler_words : int, default 4, 2, 2
        Words of each kind in a title.
    dim : int, default 32
        Dimension of the visual embedding.
    subtopic_spread, video_spread, frame_noise : float, default 0.7, 0.6, 1.0
        Scales of the subtopic centres around their topic, of a video's content around its
        subtopic, and of a frame around its video.
    n_frames : int, default 10
        Frames mean-pooled into one visual embedding.
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    VideoSearchData
    """
    n_videos = check_positive_int(n_videos, "n_videos")
    n_topics = check_positive_int(n_topics, "n_topics")
    n_subtopics = check_positive_int(n_subtopics, "n_subtopics")
    n_train = check_positive_int(n_train, "n_train")
    n_valid = check_positive_int(n_valid, "n_valid")
    n_test = check_positive_int(n_test, "n_test")
    synonym_share = check_fraction(synonym_share, "synonym_share", inclusive=True)
    synonym_topic_rate = check_fraction(synonym_topic_rate, "synonym_topic_rate", inclusive=True)
    no_text_share = check_fraction(no_text_share, "no_text_share", low=0.0, high=1.0)
    topic_words = check_positive_int(topic_words, "topic_words")
    pool_size = check_positive_int(pool_size, "pool_size", minimum=2)
    subtopic_words = check_positive_int(subtopic_words, "subtopic_words", minimum=2)
    if subtopic_words > pool_size:
        raise ValueError(f"subtopic_words ({subtopic_words}) must be <= pool_size ({pool_size})")
    n_filler = check_positive_int(n_filler, "n_filler")
    title_subtopic_words = check_positive_int(title_subtopic_words, "title_subtopic_words")
    title_topic_words = check_positive_int(title_topic_words, "title_topic_words", minimum=0)
    title_filler_words = check_positive_int(title_filler_words, "title_filler_words", minimum=0)
    if (title_subtopic_words > subtopic_words or title_topic_words > topic_words
            or title_filler_words > n_filler):
        raise ValueError("a title cannot hold more words of a kind than the vocabulary has "
                         "(title_subtopic_words, title_topic_words, title_filler_words)")
    dim = check_positive_int(dim, "dim")
    subtopic_spread = check_positive_number(subtopic_spread, "subtopic_spread", allow_zero=True)
    video_spread = check_positive_number(video_spread, "video_spread", allow_zero=True)
    frame_noise = check_positive_number(frame_noise, "frame_noise", allow_zero=True)
    n_frames = check_positive_int(n_frames, "n_frames")
    rng = rng_from(random_state)

    taken: set = set()
    t_words = [_make_words(rng, topic_words, taken) for _ in range(n_topics)]
    pools = [_make_words(rng, pool_size, taken) for _ in range(n_topics)]
    s_words = [list(rng.choice(pools[t], subtopic_words, replace=False))
               for t in range(n_topics) for _ in range(n_subtopics)]
    fillers = _make_words(rng, n_filler, taken)
    base = [w for words in t_words for w in words] + [w for pool in pools for w in pool]
    synonym = dict(zip(base, _make_words(rng, len(base), taken), strict=True))
    pool_all = [w for pool in pools for w in pool]
    slang = dict(zip(pool_all, _make_words(rng, len(pool_all), taken), strict=True))

    topic_centres = rng.normal(0.0, 1.0, size=(n_topics, dim))
    centres = (np.repeat(topic_centres, n_subtopics, axis=0)
               + rng.normal(0.0, subtopic_spread, size=(n_topics * n_subtopics, dim)))
    params = {"n_subtopics": n_subtopics, "no_text_share": no_text_share,
              "title_subtopic_words": title_subtopic_words, "title_topic_words": title_topic_words,
              "title_filler_words": title_filler_words, "dim": dim, "video_spread": video_spread,
              "frame_noise": frame_noise, "n_frames": n_frames, "synonym_share": synonym_share,
              "synonym_topic_rate": synonym_topic_rate,
              "centres": centres}
    videos, visual = _draw_videos(rng, n_videos, params, centres, t_words, s_words, fillers)
    queries = _draw_queries(rng, n_train + n_valid + n_test, videos, t_words, s_words, synonym, slang,
                            n_subtopics, synonym_share, 0.0, {}, synonym_topic_rate)
    queries["split"] = np.repeat(["train", "valid", "test"], [n_train, n_valid, n_test])
    queries.insert(0, "query_id", np.arange(len(queries)))
    return VideoSearchData(videos, visual, queries, t_words, s_words, synonym, slang, fillers, params)
