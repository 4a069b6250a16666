"""Unit tests of ``utils.datasets.people_you_may_know``: shapes, the story, determinism, validation."""
import numpy as np
import pandas as pd
import pytest

from utils import graph
from utils.datasets.people_you_may_know import (
    STEP_MONTHS,
    PeopleYouMayKnowData,
    make_hub_campaign,
    make_people_you_may_know_data,
)


def small(**kw):
    kw.setdefault("random_state", 0)
    return make_people_you_may_know_data(600, n_initial_edges=3000, new_edges_per_step=400, n_steps=2, **kw)


@pytest.fixture(scope="module")
def data():
    return small()


def test_shapes_and_columns(data):
    assert isinstance(data, PeopleYouMayKnowData)
    assert list(data.users.columns) == ["user", "school", "company", "city", "grad_year"]
    assert list(data.edges.columns) == ["u", "v", "step", "month"]
    np.testing.assert_array_equal(data.users["user"], np.arange(600))
    assert len(data.edges) == 3000 + 2 * 400
    assert data.activity.shape == (600,) and np.all(data.activity > 0)
    assert data.users["grad_year"].between(1995, 2020).all()


def test_edges_are_simple_and_time_ordered_by_step(data):
    e = data.edges
    assert (e["u"] < e["v"]).all()
    assert not e.duplicated(["u", "v"]).any()
    assert (e.loc[e["step"] == 0, "month"] < 0).all()
    for s in (1, 2):
        m = e.loc[e["step"] == s, "month"]
        assert m.between(STEP_MONTHS * (s - 1), STEP_MONTHS * s).all()
        assert len(data.new_edges(s)) == 400
    assert len(data.snapshot(1)) == 3400


def test_growth_mostly_closes_triangles(data):
    before = data.snapshot(0)
    a = graph.adjacency_matrix(before[["u", "v"]].to_numpy(), 600)
    new = data.new_edges(1)
    mutual = graph.common_neighbors(a, new["u"].to_numpy(), new["v"].to_numpy())
    # closure_share = 0.85 of new edges close a triangle at the start of a sub-step; part of the
    # second sub-step's are closed through first sub-step edges, so coverage at the step start is lower
    assert 0.5 < (mutual > 0).mean() <= 1.0
    # and friends of friends with many mutual friends connect far more often than random pairs would
    assert mutual.mean() > 1.0


def test_homophily(data):
    e, u = data.edges, data.users
    same_company = (u["company"].to_numpy()[e["u"]] == u["company"].to_numpy()[e["v"]]).mean()
    assert same_company > 5 / 60          # far above the 1/60 of random pairs


def test_burn_in_is_part_of_the_initial_graph():
    d = small(burn_in_steps=1)
    step0 = d.edges[d.edges["step"] == 0]
    assert len(step0) == 3000
    assert (step0["month"].between(-STEP_MONTHS, 0)).sum() == 400     # the grown part, last six months
    none = small(burn_in_steps=0)
    assert (none.edges.loc[none.edges["step"] == 0, "month"] < 0).all()


def test_deterministic_and_seed_dependent():
    a, b, c = small(), small(), small(random_state=1)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    assert not a.edges.equals(c.edges)


def test_hub_campaign():
    d = small()
    hub = make_hub_campaign(600, 5, 50, month=11.5, exclude=d.snapshot(2), random_state=3)
    hubs = hub.attrs["hubs"]
    assert len(hubs) == 5
    assert (hub["u"] < hub["v"]).all() and (hub["step"] == -1).all() and (hub["month"] == 11.5).all()
    touches = np.isin(hub["u"], hubs) | np.isin(hub["v"], hubs)
    assert touches.all()
    keys = set(zip(d.snapshot(2)["u"], d.snapshot(2)["v"], strict=True))
    assert not any((x, y) in keys for x, y in zip(hub["u"], hub["v"], strict=True))
    assert 200 < len(hub) <= 250


@pytest.mark.parametrize("kw, exc", [
    ({"n_users": 10}, ValueError),
    ({"n_users": 600.0}, TypeError),
    ({"n_steps": 0}, ValueError),
    ({"closure_share": 0.0}, ValueError),
    ({"closure_share": 1.5}, ValueError),
    ({"substeps": 0}, ValueError),
    ({"n_initial_edges": 100_000}, ValueError),
    ({"n_initial_edges": 700, "burn_in_steps": 2}, ValueError),   # not more than the burn-in's 800 edges
    ({"burn_in_steps": -1}, ValueError),
])
def test_validation(kw, exc):
    args = {"n_users": 600, "n_initial_edges": 3000, "new_edges_per_step": 400, "n_steps": 1}
    args.update(kw)
    with pytest.raises(exc):
        make_people_you_may_know_data(args.pop("n_users"), **args)


def test_snapshot_validation(data):
    with pytest.raises(ValueError):
        data.snapshot(3)
    with pytest.raises(ValueError):
        data.new_edges(0)
    with pytest.raises(ValueError):
        make_hub_campaign(100, 100, 5, month=1.0)
    with pytest.raises(TypeError):
        make_hub_campaign(100, 2, 5, month="x")
