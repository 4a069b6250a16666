"""utils.datasets.fraud: the seeded payment-fraud generator of chapter 12."""
import numpy as np
import pytest

from utils.datasets.fraud import N_MERCHANTS, make_fraud_data

SMALL = dict(n_cards=300, n_ips=120, n_days=10, shift_day=7)


@pytest.fixture(scope="module")
def data():
    return make_fraud_data(8_000, random_state=3, **SMALL)


def test_schema_and_sorting(data):
    tx = data.transactions
    assert list(tx.columns) == ["ts", "day", "hour", "card", "ip", "amount", "merchant", "is_fraud",
                                "fraud_type", "via_gateway"]
    assert tx["ts"].is_monotonic_increasing
    assert tx["day"].between(0, 9).all() and tx["hour"].between(0, 23).all()
    assert (tx["amount"] > 0).all() and tx["merchant"].between(0, N_MERCHANTS - 1).all()
    assert set(tx["fraud_type"]) == {"none", "ring", "takeover"}
    assert (tx["is_fraud"] == (tx["fraud_type"] != "none")).all()


def test_seeded_and_deterministic():
    a = make_fraud_data(3_000, random_state=1, **SMALL).transactions
    b = make_fraud_data(3_000, random_state=1, **SMALL).transactions
    c = make_fraud_data(3_000, random_state=2, **SMALL).transactions
    assert a.equals(b)
    assert not a.equals(c)


def test_fraud_rate_close_to_requested():
    tx = make_fraud_data(40_000, random_state=0, fraud_rate=0.01, n_cards=2_000, n_ips=800, n_days=20,
                         shift_day=30).transactions
    assert 0.006 < tx["is_fraud"].mean() < 0.014


def test_rings_use_one_ip_many_cards_within_minutes(data):
    tx = data.transactions
    rings = tx[(tx["fraud_type"] == "ring") & (tx["day"] < data.shift_day)]
    for _, g in rings.groupby("ip"):
        assert g["card"].nunique() == len(g) >= 2 or len(g) == 1   # distinct stolen cards
    spans = rings.groupby("ip")["ts"].agg(lambda s: (s.max() - s.min()).total_seconds())
    assert spans.median() < 30 * 60


def test_takeovers_are_large_for_their_card(data):
    tx = data.transactions
    legit_median = tx[tx["is_fraud"] == 0].groupby("card")["amount"].median()
    ato = tx[tx["fraud_type"] == "takeover"]
    ratio = ato["amount"].to_numpy() / legit_median.reindex(ato["card"]).to_numpy()
    assert np.nanmedian(ratio) > 3


def test_gateways_only_after_shift_day(data):
    tx = data.transactions
    assert not tx.loc[tx["day"] < data.shift_day, "via_gateway"].any()
    after = tx[(tx["day"] >= data.shift_day) & (tx["is_fraud"] == 0)]
    assert 0.05 < after["via_gateway"].mean() < 0.3
    assert tx.loc[tx["via_gateway"], "ip"].isin(data.gateway_ips).all()


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"n_legit": 10}, ValueError), ({"n_legit": 1.5}, TypeError), ({"fraud_rate": 0.0}, ValueError),
    ({"fraud_rate": 0.7}, ValueError), ({"ring_gap_minutes": -1}, ValueError), ({"n_days": 1}, ValueError),
    ({"random_state": "x"}, TypeError),
])
def test_bad_input(kwargs, error):
    args = {"n_legit": 1_000} | kwargs
    with pytest.raises(error):
        make_fraud_data(**args)
