"""Payment fraud data of chapter 12: card transactions with rare, structured fraud.

Generative story of :func:`make_fraud_data` (every draw from one seeded generator):

1. **Cards** (``n_cards``) each have a home IP among ``n_ips`` household IPs (about
   ``n_cards / n_ips`` cards share one), a typical amount (log-normal, median about $30, so
   "large" means different things for different cards), an activity level (gamma: a few cards pay
   often) and a favourite merchant category.
2. **Legitimate transactions** happen over ``n_days`` days with a daily traffic profile (busy
   afternoons and evenings, quiet nights). 90% come from the card's home IP, 10% from a random
   household IP (travel, a friend's wifi). The amount is the card's typical amount times a
   log-normal factor (sd 0.5); the merchant is the favourite one 60% of the time.
3. **Fraud** has two patterns, which together make about ``fraud_rate`` of the transactions:

   * **IP rings** (card testing with a stolen card dump): a fraud IP (never used by a
     household) runs 4-12 *different* stolen cards within minutes (gaps ~ exponential, mean
     ``ring_gap_minutes``). Amounts look like ordinary purchases, so neither the amount nor the
     card reveals them: only the IP's recent velocity and its distinct cards do.
   * **Account takeover**: one transaction on a real card, at 4-15 times the card's typical
     amount, from a random IP, mostly at a "digital goods" merchant (category 0). A
     large amount is normal for some cards, so the amount *relative to the card's own history*
     is what reveals it.

   Fraud is spread evenly over the hours of the day, so night-time is mildly riskier; that and
   the merchant category are the only signals a model without history features can use.
4. **Production changes** from ``shift_day`` on (the days a chapter keeps for monitoring):

   * a mobile wallet routes ``gateway_share`` of legitimate transactions through a handful of
     shared gateway IPs (carrier-grade NAT), so legitimate IPs suddenly look busy;
   * fraud rings adapt to velocity rules ("low and slow"): their gaps grow to
     ``slow_gap_minutes`` on average.

The label ``is_fraud`` is known here at once; in reality it arrives weeks later (chargebacks).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._validation import check_fraction, check_positive_int, check_positive_number, rng_from

__all__ = ["FraudData", "make_fraud_data", "N_MERCHANTS"]

#: Number of merchant categories; category 0 is "digital goods".
N_MERCHANTS = 8

_HOUR_PROFILE = np.array([1, 1, 1, 1, 1, 1, 2, 4, 6, 7, 7, 8, 9, 8, 8, 8, 8, 9, 10, 10, 9, 7, 4, 2],
                         dtype=float)


@dataclass
class FraudData:
    """The transaction log of the synthetic payment platform.

    Attributes
    ----------
    transactions : DataFrame
        One row per transaction, sorted by time: ``ts`` (datetime64), ``day``, ``hour``,
        ``card``, ``ip``, ``amount``, ``merchant``, ``is_fraud`` (0/1), ``fraud_type``
        (``"none"``, ``"ring"`` or ``"takeover"``) and ``via_gateway`` (bool, routed through a
        shared gateway IP).
    gateway_ips : ndarray
        The shared gateway IPs used from ``shift_day`` on.
    shift_day : int
        First day of the production changes.
    """

    transactions: pd.DataFrame
    gateway_ips: np.ndarray
    shift_day: int


def _times(rng, n, n_days, profile):
    """``n`` event times in seconds over ``n_days`` days, following an hourly profile."""
    day = rng.integers(0, n_days, n)
    hour = rng.choice(24, n, p=profile / profile.sum())
    return day * 86_400 + hour * 3_600 + rng.uniform(0, 3_600, n)


def make_fraud_data(n_legit: int = 100_000, *, n_cards: int = 5_000, n_ips: int = 2_000,
                    n_days: int = 37, fraud_rate: float = 0.008, ring_share: float = 0.5,
                    ring_gap_minutes: float = 1.0, shift_day: int = 30, gateway_share: float = 0.15,
                    n_gateways: int = 4, slow_gap_minutes: float = 40.0,
                    random_state=0) -> FraudData:
    """Simulate card transactions with IP-ring and account-takeover fraud.

    Parameters
    ----------
    n_legit : int, default 100_000
        Legitimate transactions.
    n_cards, n_ips : int
        Cards and household IPs.
    n_days : int, default 37
        Days simulated.
    fraud_rate : float, default 0.008
        Approximate share of fraudulent transactions, in (0, 0.5).
    ring_share : float, default 0.5
        Share of the fraudulent transactions that come from IP rings (the rest are takeovers).
    ring_gap_minutes : float, default 1.0
        Mean gap between two cards of a ring before ``shift_day``.
    shift_day : int, default 30
        First day of the production changes (gateway IPs, slow rings); ``>= n_days`` for none.
    gateway_share : float, default 0.15
        Share of legitimate transactions routed through a gateway IP from ``shift_day`` on.
    n_gateways : int, default 4
        Number of shared gateway IPs.
    slow_gap_minutes : float, default 40.0
        Mean gap between two cards of a ring from ``shift_day`` on.
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    FraudData

    Examples
    --------
    >>> data = make_fraud_data(5_000, n_cards=300, n_ips=120, n_days=10, shift_day=8)
    >>> sorted(data.transactions["fraud_type"].unique())
    ['none', 'ring', 'takeover']
    """
    n_legit = check_positive_int(n_legit, "n_legit", minimum=100)
    n_cards = check_positive_int(n_cards, "n_cards", minimum=10)
    n_ips = check_positive_int(n_ips, "n_ips", minimum=2)
    n_days = check_positive_int(n_days, "n_days", minimum=2)
    fraud_rate = check_fraction(fraud_rate, "fraud_rate", high=0.5)
    ring_share = check_fraction(ring_share, "ring_share", inclusive=True)
    ring_gap = check_positive_number(ring_gap_minutes, "ring_gap_minutes")
    shift_day = check_positive_int(shift_day, "shift_day")
    gateway_share = check_fraction(gateway_share, "gateway_share", inclusive=True)
    n_gateways = check_positive_int(n_gateways, "n_gateways")
    slow_gap = check_positive_number(slow_gap_minutes, "slow_gap_minutes")
    rng = rng_from(random_state)

    # 1. cards
    home_ip = rng.integers(0, n_ips, n_cards)
    typical = np.exp(rng.normal(np.log(30), 0.8, n_cards))
    activity = rng.gamma(2.0, 1.0, n_cards)
    favourite = rng.integers(0, N_MERCHANTS, n_cards)

    # 2. legitimate transactions
    card = rng.choice(n_cards, n_legit, p=activity / activity.sum())
    t = _times(rng, n_legit, n_days, _HOUR_PROFILE)
    ip = np.where(rng.random(n_legit) < 0.9, home_ip[card], rng.integers(0, n_ips, n_legit))
    amount = typical[card] * np.exp(rng.normal(0, 0.5, n_legit))
    merchant = np.where(rng.random(n_legit) < 0.6, favourite[card], rng.integers(0, N_MERCHANTS, n_legit))
    gateway_ips = np.arange(n_ips, n_ips + n_gateways)
    via_gateway = (t >= shift_day * 86_400) & (rng.random(n_legit) < gateway_share)
    ip = np.where(via_gateway, rng.choice(gateway_ips, n_legit), ip)
    parts = [pd.DataFrame({"t": t, "card": card, "ip": ip, "amount": amount, "merchant": merchant,
                           "fraud_type": "none", "via_gateway": via_gateway})]

    # 3a. IP rings: one fraud IP, several different stolen cards within minutes
    n_fraud = fraud_rate * n_legit / (1 - fraud_rate)
    n_rings = max(1, int(round(ring_share * n_fraud / 8.0)))
    ring_sizes = rng.integers(4, 13, n_rings)
    starts = rng.uniform(0, n_days * 86_400, n_rings)
    next_ip = n_ips + n_gateways
    rows = []
    for k, (size, start) in enumerate(zip(ring_sizes, starts, strict=True)):
        gap = slow_gap if start >= shift_day * 86_400 else ring_gap
        times = start + np.cumsum(np.r_[0.0, rng.exponential(gap * 60, size - 1)])
        cards = rng.choice(n_cards, size, replace=False)
        rows.append(pd.DataFrame({"t": times, "card": cards, "ip": next_ip + k,
                                  "amount": np.exp(rng.normal(np.log(30), 0.8, size)),
                                  "merchant": rng.integers(0, N_MERCHANTS, size),
                                  "fraud_type": "ring", "via_gateway": False}))
    # 3b. account takeover: one large transaction on a real card
    n_ato = max(1, int(round((1 - ring_share) * n_fraud)))
    ato_card = rng.choice(n_cards, n_ato, p=activity / activity.sum())
    rows.append(pd.DataFrame({
        "t": rng.uniform(0, n_days * 86_400, n_ato), "card": ato_card,
        "ip": np.where(rng.random(n_ato) < 0.5, rng.integers(0, n_ips, n_ato),
                       next_ip + n_rings + rng.integers(0, 50, n_ato)),
        "amount": typical[ato_card] * rng.uniform(4, 15, n_ato),
        "merchant": np.where(rng.random(n_ato) < 0.6, 0, rng.integers(0, N_MERCHANTS, n_ato)),
        "fraud_type": "takeover", "via_gateway": False}))

    df = pd.concat(parts + rows, ignore_index=True)
    df = df[df["t"] < n_days * 86_400].sort_values("t", kind="stable").reset_index(drop=True)
    seconds = np.floor(df["t"].to_numpy()).astype("int64")
    ts = pd.Timestamp("2026-01-01") + pd.to_timedelta(seconds, unit="s")
    out = pd.DataFrame({
        "ts": ts, "day": (seconds // 86_400).astype("int64"),
        "hour": ((seconds % 86_400) // 3_600).astype("int64"),
        "card": df["card"].to_numpy().astype("int64"), "ip": df["ip"].to_numpy().astype("int64"),
        "amount": np.round(df["amount"].to_numpy(), 2).clip(0.5),
        "merchant": df["merchant"].to_numpy().astype("int64"),
        "is_fraud": (df["fraud_type"] != "none").to_numpy().astype("int64"),
        "fraud_type": df["fraud_type"].to_numpy(dtype=object).astype(str),
        "via_gateway": df["via_gateway"].to_numpy().astype(bool)})
    return FraudData(out, gateway_ips, shift_day)
