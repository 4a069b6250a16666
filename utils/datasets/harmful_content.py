"""Harmful content data of chapter 05: multi-label posts with text, an image vector and author history.

Nothing is downloaded: :func:`make_harmful_content_data` draws every post from a seeded NumPy
``Generator``; :func:`obfuscate_text` rewrites words in "leetspeak" (``hate`` -> ``h4te``), the
evasion the chapter's monitor must catch.

Generative story
----------------
*Authors.* Each of ``n_authors`` authors has a latent propensity to post harm, drawn from
Beta(1, 20) (mean about 5 %, a long tail of bad actors), and a *specialty*: Dirichlet(0.5) weights
over the four classes, so a bad actor tends to post one kind of harm. The author's history before
the data window depends on the propensity: prior violations ~ Poisson(30 p), prior reports ~
Poisson(2 + 60 p), account age ~ LogNormal(log 700 - 12 p - 4 w_spam [p > 0.08], 0.8) days (bad
actors specialised in spam open fresh accounts), followers ~ LogNormal(log 150, 1.2). These are
*upload-time* features. An author's activity is LogNormal(0, 0.7) x (1 + 10 p w_spam): spammers
post more.

*Ordinary posts* (``n_posts``). A post picks an author (in proportion to activity), a day in
``[0, n_days)`` and, for each class ``c`` of violence, hate, nudity, spam, is positive with
probability ``min(1, 2.4 p w_c f_c)`` with class factors ``f`` = (1.0, 1.0, 0.8, 1.1); a hate post is
also violent with probability 0.25 (correlated labels). Its text holds 6-20 benign pseudo-words
drawn by a Zipf law from ``n_vocab`` words. A positive post of class ``c`` carries, with probability
(0.65, 0.75, 0.35, 0.6) for the four classes, one to three *cue words* of its class; benign posts
use the first four ("ambiguous") cue words of each class at a rate of 0.4 % each (``kill`` in "this
workout will kill you", ``free`` in "free shipping") and the others at 0.05 %. The 16-d image
vector (a stand-in for a frozen image encoder) is N(0, I) plus, for each positive class, a shift
of (1.6, 0.8, 2.8, 1.2) along a class direction: nudity is mostly visible in the image, hate
mostly in the text, spam in the author's history.

*Memes* (``n_memes``). A meme pairs a caption about one of ``n_meme_topics`` topics (three to five
of the topic's six caption pseudo-words plus two to four benign words) with an image of one of
``n_meme_topics`` templates (a template vector, scale 3, plus N(0, 0.6^2) noise). A meme is hateful
exactly when caption topic == image template: each modality alone is benign and uniformly
distributed over topics, so neither carries any signal on its own (base rate
``1 / n_meme_topics``); only their interaction does. Memes are posted by random authors, so the
author's history carries no signal either.

*Exposure.* A post's views are LogNormal(4 + 0.3 log(1 + followers), 1.0); user reports arrive
only after the first hour (a fifth of the views): Poisson(0.2 views r) with r = 2 % for a harmful
post and 0.05 % for a benign one. Reports are therefore *not* available to an upload-time model
(using them would leak the label into a proactive classifier).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._validation import check_fraction, check_positive_int, rng_from

__all__ = [
    "HARM_CLASSES",
    "CUE_WORDS",
    "HarmfulContentData",
    "make_harmful_content_data",
    "obfuscate_text",
]

#: The four harm classes, in column order.
HARM_CLASSES = ("violence", "hate", "nudity", "spam")

#: Cue words of each class; the first four of each list are ambiguous (also used in benign posts).
CUE_WORDS = {
    "violence": ("kill", "fight", "shoot", "destroy", "attack", "stab", "murder", "assault",
                 "weapon", "bloodbath", "massacre", "execute"),
    "hate": ("trash", "disgusting", "plague", "invaders", "vermin", "scum", "filth", "inferior",
             "parasites", "savages", "degenerates", "subhuman"),
    "nudity": ("hot", "sexy", "naked", "adult", "nude", "nsfw", "topless", "explicit", "xxx",
               "uncensored", "lewd", "onlyfans"),
    "spam": ("free", "offer", "click", "winner", "giveaway", "crypto", "bitcoin", "promo",
             "discount", "followers", "cashout", "airdrop"),
}
N_AMBIGUOUS = 4
_CLASS_FACTOR = np.array([1.0, 1.0, 0.8, 1.1])
_CUE_RATE = np.array([0.65, 0.75, 0.35, 0.6])
_IMAGE_SHIFT = np.array([1.6, 0.8, 2.8, 1.2])
_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
_CONSONANTS = "bdfgklmnprtvz"
_VOWELS = "aeiou"


@dataclass
class HarmfulContentData:
    """Posts with text, an image vector, author history, exposure and four binary labels.

    Attributes
    ----------
    posts : pandas.DataFrame
        One row per post, sorted by ``day``: ``post_id``, ``day``, ``author_id``, ``text``,
        ``is_meme``, ``meme_text_topic`` and ``meme_image_topic`` (-1 for ordinary posts), the
        author features ``author_prior_violations``, ``author_prior_reports``,
        ``author_account_age_days``, ``author_followers``, the exposure ``views`` and
        ``reports`` (after the first hour), and one 0/1 column per class in ``HARM_CLASSES``.
    images : numpy.ndarray
        Image vectors, shape ``(n_posts + n_memes, image_dim)``, row ``i`` belongs to ``posts``
        row ``i``.
    vocabulary : list of str
        The benign pseudo-words.
    caption_words : list of list of str
        The caption pseudo-words of each meme topic.
    """

    posts: pd.DataFrame
    images: np.ndarray
    vocabulary: list = field(default_factory=list)
    caption_words: list = field(default_factory=list)

    @property
    def labels(self) -> np.ndarray:
        """The label matrix, shape ``(n, 4)``, columns in ``HARM_CLASSES`` order."""
        return self.posts[list(HARM_CLASSES)].to_numpy()

    @property
    def author_features(self) -> list[str]:
        """Names of the upload-time author-history columns."""
        return [c for c in self.posts.columns if c.startswith("author_") and c != "author_id"]


def _pseudo_words(rng, n, banned):
    words, seen = [], set(banned)
    while len(words) < n:
        k = int(rng.integers(2, 4))
        w = "".join(rng.choice(list(_CONSONANTS)) + rng.choice(list(_VOWELS)) for _ in range(k))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def make_harmful_content_data(n_posts: int = 24_000, n_memes: int = 3_000, *, n_authors: int = 4_000,
                              n_days: int = 28, n_vocab: int = 3_000, n_meme_topics: int = 5,
                              image_dim: int = 16, random_state=0) -> HarmfulContentData:
    """Draw ordinary posts and memes following the generative story of this module.

    Parameters
    ----------
    n_posts : int, default 24,000
        Ordinary posts, ``>= 100``.
    n_memes : int, default 3,000
        Memes (caption + template image), ``>= 0``.
    n_authors : int, default 4,000
    n_days : int, default 28
        Days the posts are spread over (``day`` column, for a time-based split).
    n_vocab : int, default 3,000
        Benign pseudo-words.
    n_meme_topics : int, default 5
        Caption topics and image templates; a meme is hateful when they match, so the meme
        slice's base rate is ``1 / n_meme_topics``.
    image_dim : int, default 16
        Dimension of the image vector, ``>= 8``.
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    HarmfulContentData

    Examples
    --------
    >>> data = make_harmful_content_data(2_000, 300, random_state=0)
    >>> data.posts.shape[0], data.images.shape
    (2300, (2300, 16))
    """
    n_posts = check_positive_int(n_posts, "n_posts", minimum=100)
    n_memes = check_positive_int(n_memes, "n_memes", minimum=0)
    n_authors = check_positive_int(n_authors, "n_authors", minimum=10)
    n_days = check_positive_int(n_days, "n_days")
    n_vocab = check_positive_int(n_vocab, "n_vocab", minimum=50)
    n_meme_topics = check_positive_int(n_meme_topics, "n_meme_topics", minimum=2)
    image_dim = check_positive_int(image_dim, "image_dim", minimum=8)
    rng = rng_from(random_state)
    n_classes = len(HARM_CLASSES)
    cue_all = [w for ws in CUE_WORDS.values() for w in ws]

    # authors
    propensity = rng.beta(1.0, 20.0, n_authors)
    specialty = rng.dirichlet(np.full(n_classes, 0.5), n_authors)
    activity = rng.lognormal(0.0, 0.7, n_authors) * (1 + 10 * specialty[:, 3] * propensity)
    prior_violations = rng.poisson(30 * propensity)
    prior_reports = rng.poisson(2 + 60 * propensity)
    age = np.round(rng.lognormal(np.log(700) - 12 * propensity - 4 * specialty[:, 3] * (propensity > 0.08),
                                 0.8)).astype(int) + 1
    followers = np.round(rng.lognormal(np.log(150), 1.2, n_authors)).astype(int)

    # vocabularies and directions
    vocab = _pseudo_words(rng, n_vocab, cue_all)
    captions = _pseudo_words(rng, 6 * n_meme_topics, cue_all + vocab)
    caption_words = [captions[6 * t: 6 * t + 6] for t in range(n_meme_topics)]
    zipf = 1.0 / (np.arange(n_vocab) + 10.0)
    zipf /= zipf.sum()
    class_dirs = rng.normal(size=(n_classes, image_dim))
    class_dirs /= np.linalg.norm(class_dirs, axis=1, keepdims=True)
    templates = rng.normal(size=(n_meme_topics, image_dim))
    templates /= np.linalg.norm(templates, axis=1, keepdims=True)

    # ordinary posts
    author = rng.choice(n_authors, n_posts, p=activity / activity.sum())
    p_pos = np.minimum(1.0, 2.4 * propensity[author, None] * specialty[author] * _CLASS_FACTOR)
    y = (rng.random((n_posts, n_classes)) < p_pos).astype(int)
    y[:, 0] |= (y[:, 1] == 1) & (rng.random(n_posts) < 0.25)
    # all tokens as (post, word id) pairs over one lexicon: vocab, then cue words, then captions
    lexicon = np.array(vocab + cue_all + captions, dtype=object)
    lengths = rng.integers(6, 21, n_posts)
    post_of = [np.repeat(np.arange(n_posts), lengths)]
    word_of = [rng.choice(n_vocab, int(lengths.sum()), p=zipf)]
    cue_weights = np.linspace(1.5, 0.5, 12)
    carries = y.astype(bool) & (rng.random((n_posts, n_classes)) < _CUE_RATE)
    rows, cls = np.nonzero(carries)
    n_cues = 1 + rng.binomial(2, 0.3, rows.size)
    order = np.argsort(-(np.log(cue_weights) + rng.gumbel(size=(rows.size, 12))), axis=1)
    pick = np.arange(12) < n_cues[:, None]       # the n_cues first words of a weighted shuffle
    post_of.append(np.repeat(rows, n_cues))
    word_of.append(n_vocab + 12 * np.repeat(cls, n_cues) + order[pick])
    amb_rate = np.where(np.arange(12) < N_AMBIGUOUS, 0.004, 0.0005)
    b_post, b_cls, b_word = np.nonzero(rng.random((n_posts, n_classes, 12)) < amb_rate)
    post_of.append(b_post)
    word_of.append(n_vocab + 12 * b_cls + b_word)
    texts = _join(np.concatenate(post_of), np.concatenate(word_of), lexicon, n_posts, rng)
    images = rng.normal(size=(n_posts, image_dim)) + (y * _IMAGE_SHIFT) @ class_dirs

    # memes
    m_author = rng.integers(0, n_authors, n_memes)
    t_topic = rng.integers(0, n_meme_topics, n_memes)
    i_topic = rng.integers(0, n_meme_topics, n_memes)
    n_cap = rng.integers(3, 6, n_memes)
    cap_order = np.argsort(rng.random((n_memes, 6)), axis=1)
    cap_pick = np.arange(6) < n_cap[:, None]
    n_fill = rng.integers(2, 5, n_memes)
    m_post = np.concatenate([np.repeat(np.arange(n_memes), n_cap), np.repeat(np.arange(n_memes), n_fill)])
    m_word = np.concatenate([n_vocab + len(cue_all) + 6 * np.repeat(t_topic, n_cap) + cap_order[cap_pick],
                             rng.choice(n_vocab, int(n_fill.sum()), p=zipf)])
    m_texts = _join(m_post, m_word, lexicon, n_memes, rng)
    m_images = 3.0 * templates[i_topic] + rng.normal(0.0, 0.6, (n_memes, image_dim))
    m_y = np.zeros((n_memes, n_classes), dtype=int)
    m_y[:, 1] = (t_topic == i_topic).astype(int)

    all_author = np.concatenate([author, m_author])
    all_y = np.vstack([y, m_y])
    n = n_posts + n_memes
    views = np.round(rng.lognormal(4.0 + 0.3 * np.log1p(followers[all_author]), 1.0)).astype(int) + 1
    harmful = all_y.max(axis=1)
    reports = rng.poisson(0.2 * views * np.where(harmful == 1, 0.02, 0.0005))
    posts = pd.DataFrame({
        "day": rng.integers(0, n_days, n),
        "author_id": all_author,
        "text": texts + m_texts,
        "is_meme": np.r_[np.zeros(n_posts, bool), np.ones(n_memes, bool)],
        "meme_text_topic": np.r_[np.full(n_posts, -1), t_topic],
        "meme_image_topic": np.r_[np.full(n_posts, -1), i_topic],
        "author_prior_violations": prior_violations[all_author],
        "author_prior_reports": prior_reports[all_author],
        "author_account_age_days": age[all_author],
        "author_followers": followers[all_author],
        "views": views,
        "reports": reports,
    })
    for c, name in enumerate(HARM_CLASSES):
        posts[name] = all_y[:, c]
    order = np.argsort(posts["day"].to_numpy(), kind="stable")
    posts = posts.iloc[order].reset_index(drop=True)
    posts.insert(0, "post_id", np.arange(n))
    all_images = np.vstack([images, m_images])[order].astype(np.float32)
    return HarmfulContentData(posts, all_images, vocab, caption_words)


def _join(post_of, word_of, lexicon, n, rng) -> list[str]:
    """Texts of ``n`` posts from (post, word id) pairs, words in random order within a post."""
    order = np.lexsort((rng.random(post_of.size), post_of))
    words = lexicon[word_of[order]]
    bounds = np.searchsorted(post_of[order], np.arange(n + 1))
    return [" ".join(words[bounds[i]:bounds[i + 1]]) for i in range(n)]


def obfuscate_text(texts, words, *, share: float = 1.0, random_state=0) -> list[str]:
    """Rewrite ``words`` in leetspeak in a ``share`` of ``texts``: ``attack`` -> ``4ttack``, ``at7ack``.

    In each selected text, every occurrence of a listed word has one of its letters a, e, i, o,
    s, t (chosen at random, per occurrence) replaced by 4, 3, 1, 0, 5, 7: one word becomes several
    spellings, each still readable to a human and unknown to a word vocabulary.

    Parameters
    ----------
    texts : sequence of str
        Space-separated tokens.
    words : collection of str
        Words to rewrite (e.g. the cue words of ``CUE_WORDS``).
    share : float, default 1.0
        Share of texts rewritten, in ``(0, 1]``.
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    list of str
        The texts, rewritten where selected.

    Examples
    --------
    >>> obfuscate_text(["we attack now"], ["attack"], random_state=0)[0] != "we attack now"
    True
    """
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must be a sequence of str")
    if isinstance(words, str):
        raise TypeError("words must be a collection of str, not one str")
    targets = set(words)
    share = check_fraction(share, "share", inclusive=True)
    if share == 0:
        raise ValueError("share must be > 0")
    rng = rng_from(random_state)
    selected = rng.random(len(texts)) < share
    out = []
    for text, sel in zip(texts, selected, strict=True):
        if not sel:
            out.append(text)
            continue
        tokens = text.split(" ")
        for k, tok in enumerate(tokens):
            if tok in targets:
                tokens[k] = _leet(tok, rng)
        out.append(" ".join(tokens))
    return out


def _leet(word, rng):
    pos = [i for i, ch in enumerate(word) if ch in _LEET]
    if not pos:
        return word
    i = pos[int(rng.integers(len(pos)))]
    return word[:i] + _LEET[word[i]] + word[i + 1:]
