"""Unit tests of ``utils.plotting``: every plot returns labelled axes and rejects bad input."""
import io

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from IPython.core.pylabtools import print_figure
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from PIL import Image

from utils.plotting import (
    PALETTE,
    plot_image_grid,
    plot_metric_bars,
    plot_metric_vs_cost,
    plot_psi,
    plot_recall_vs_qps,
    plot_shift,
    use_book_style,
)


@pytest.fixture()
def metric_table():
    return pd.DataFrame({"recall@10": [0.4, 0.7], "mrr": [0.3, 0.5], "ndcg@10": [0.35, 0.6]},
                        index=["baseline", "model"])


@pytest.fixture()
def sweep_table():
    return pd.DataFrame({
        "index": ["flat", "ivf", "ivf", "ivf", "hnsw", "hnsw"],
        "param": ["-", "nprobe", "nprobe", "nprobe", "ef_search", "ef_search"],
        "value": [0, 1, 4, 16, 16, 64],
        "recall_at_k": [1.0, 0.4, 0.8, 1.0, 0.9, 0.99],
        "qps": [1e4, 2e5, 8e4, 1e4, 9e4, 3e4],
    })


@pytest.fixture()
def psi_report():
    return pd.DataFrame({"feature": [f"f{i}" for i in range(15)],
                         "psi": np.linspace(0.5, 0.01, 15)})


def _labelled(ax):
    return bool(ax.get_xlabel()) and bool(ax.get_ylabel())


def test_palette_is_eight_hex_colours():
    assert len(PALETTE) == 8 and all(c.startswith("#") and len(c) == 7 for c in PALETTE)
    assert all(mpl.colors.is_color_like(c) for c in PALETTE)


def test_use_book_style_sets_rcparams():
    with mpl.rc_context():
        use_book_style()
        assert mpl.rcParams["axes.grid"] is True
        assert mpl.rcParams["figure.dpi"] == 110
        assert mpl.rcParams["axes.spines.top"] is False
        colours = [c["color"] for c in mpl.rcParams["axes.prop_cycle"]]
        assert [mpl.colors.to_hex(c) for c in colours] == [c.lower() for c in PALETTE]


# What matplotlib-inline < 0.1.4 put into rcParams (InlineBackend.rc), and what a user's
# matplotlibrc may still set: a transparent figure, i.e. black ink on a dark page in dark mode.
TRANSPARENT_RC = {"figure.facecolor": (1, 1, 1, 0), "figure.edgecolor": (1, 1, 1, 0),
                  "axes.facecolor": "none", "savefig.facecolor": "none", "savefig.transparent": True}


def _inline_png_corners(metric_table):
    """Draw a book figure and render it as the inline backend does; the RGBA of its 4 corners."""
    ax = plot_metric_bars(metric_table, ["mrr"])
    fig = ax.figure
    png = print_figure(fig, "png")  # facecolor=fig.get_facecolor(), bbox_inches="tight"
    plt.close(fig)
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    w, h = image.size
    return fig, [image.getpixel(xy) for xy in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1))]


def test_use_book_style_draws_opaque_white_figures_even_over_a_transparent_rc(metric_table):
    with mpl.rc_context(TRANSPARENT_RC):
        _, before = _inline_png_corners(metric_table)
        use_book_style()
        fig, after = _inline_png_corners(metric_table)
        saved = io.BytesIO()
        fig.savefig(saved, format="png")
    assert all(px[3] == 0 for px in before), f"the transparent rc should give alpha 0: {before}"
    assert mpl.colors.to_rgba(fig.get_facecolor()) == (1.0, 1.0, 1.0, 1.0)
    assert after == [(255, 255, 255, 255)] * 4, f"inline PNG corners are not opaque white: {after}"
    assert Image.open(io.BytesIO(saved.getvalue())).convert("RGBA").getpixel((0, 0)) == (255, 255, 255, 255)


# --------------------------------------------------------------------------------------------
# plot_metric_bars
# --------------------------------------------------------------------------------------------

def test_plot_metric_bars(metric_table):
    ax = plot_metric_bars(metric_table, ["recall@10", "mrr"], title="T", ylabel="value")
    assert isinstance(ax, Axes)
    assert ax.get_ylabel() == "value" and ax.get_title() == "T"
    assert len(ax.patches) == 2 * 2  # 2 systems x 2 metrics
    heights = sorted(p.get_height() for p in ax.patches)
    assert heights == pytest.approx(sorted([0.4, 0.7, 0.3, 0.5]))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["recall@10", "mrr"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["baseline", "model"]


def test_plot_metric_bars_draws_on_given_axes(metric_table):
    fig, ax = plt.subplots()
    assert plot_metric_bars(metric_table, ["mrr"], ax=ax) is ax
    assert ax.get_ylabel() == "score"


def test_plot_metric_bars_labels_both_axes(metric_table):
    assert _labelled(plot_metric_bars(metric_table, ["mrr"]))


@pytest.mark.parametrize(("table", "metrics", "exc", "match"), [
    ("not a table", ["mrr"], TypeError, "table"),
    (pd.DataFrame(), ["mrr"], TypeError, "table"),
    (None, ["nope"], ValueError, "metrics"),
    (None, [], ValueError, "metrics"),
])
def test_plot_metric_bars_bad_input(metric_table, table, metrics, exc, match):
    with pytest.raises(exc, match=match):
        plot_metric_bars(metric_table if table is None else table, metrics)


# --------------------------------------------------------------------------------------------
# plot_recall_vs_qps
# --------------------------------------------------------------------------------------------

def test_plot_recall_vs_qps(sweep_table):
    ax = plot_recall_vs_qps(sweep_table, target_recall=0.95)
    assert isinstance(ax, Axes) and _labelled(ax) and ax.get_title()
    assert ax.get_yscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:3] == ["flat", "ivf", "hnsw"] and "recall target 0.95" in labels
    assert len(ax.texts) == 5  # one annotation per grid point of the two multi-point indexes


def test_plot_recall_vs_qps_on_given_axes(sweep_table):
    _, ax = plt.subplots()
    assert plot_recall_vs_qps(sweep_table, ax=ax) is ax


@pytest.mark.parametrize("sweep", ["table", pd.DataFrame({"index": ["a"], "qps": [1.0]})])
def test_plot_recall_vs_qps_bad_input(sweep):
    with pytest.raises(TypeError, match="sweep"):
        plot_recall_vs_qps(sweep)


# --------------------------------------------------------------------------------------------
# plot_shift
# --------------------------------------------------------------------------------------------

def test_plot_shift():
    rng = np.random.default_rng(0)
    ax = plot_shift(rng.normal(size=500), rng.normal(1, 1, size=400), name="amount", bins=20,
                    labels=("train", "serving"))
    assert isinstance(ax, Axes) and _labelled(ax)
    assert ax.get_xlabel() == "amount" and "amount" in ax.get_title()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "serving"]
    assert len(ax.patches) == 2 * 20  # two histograms on shared bins


@pytest.mark.parametrize(("reference", "current", "match"), [
    ([], [1.0], "reference"),
    ([1.0, np.nan], [1.0], "reference"),
    ([1.0, 2.0], [], "current"),
    ([1.0, 2.0], [[1.0, 2.0]], "current"),
])
def test_plot_shift_bad_input(reference, current, match):
    with pytest.raises(ValueError, match=match):
        plot_shift(reference, current)


# --------------------------------------------------------------------------------------------
# plot_psi
# --------------------------------------------------------------------------------------------

def test_plot_psi(psi_report):
    ax = plot_psi(psi_report, 0.25, noise_floor=0.05, top=10)
    assert isinstance(ax, Axes) and ax.get_xlabel() and ax.get_title()
    assert len(ax.patches) == 10
    widths = [p.get_width() for p in ax.patches]
    assert widths == sorted(widths)  # largest PSI at the top of the chart
    red = mpl.colors.to_rgba(PALETTE[3])
    assert all((p.get_facecolor() == red) == (p.get_width() > 0.25) for p in ax.patches)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["alert threshold 0.25", "noise floor 0.05"]


def test_plot_psi_labels_both_axes(psi_report):
    assert _labelled(plot_psi(psi_report, 0.25))


@pytest.mark.parametrize(("report", "threshold", "exc", "match"), [
    ("report", 0.25, TypeError, "report"),
    (pd.DataFrame({"feature": ["a"]}), 0.25, TypeError, "report"),
    (None, 0.0, ValueError, "alert_threshold"),
    (None, np.nan, ValueError, "alert_threshold"),
    (None, "0.2", TypeError, "alert_threshold"),
])
def test_plot_psi_bad_input(psi_report, report, threshold, exc, match):
    with pytest.raises(exc, match=match):
        plot_psi(psi_report if report is None else report, threshold)


# --------------------------------------------------------------------------------------------
# plot_image_grid
# --------------------------------------------------------------------------------------------

def test_plot_image_grid():
    images = np.random.default_rng(0).uniform(0, 16, size=(7, 8, 8))
    fig = plot_image_grid(images, titles=[f"#{i}" for i in range(7)], ncols=3)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 9  # 3 rows of 3
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 7
    assert [ax.get_title() for ax in shown] == [f"#{i}" for i in range(7)]
    np.testing.assert_array_equal(shown[2].images[0].get_array(), images[2])
    assert all(not ax.axison for ax in fig.axes)


@pytest.mark.parametrize(("images", "titles", "match"), [
    (np.zeros((8, 8)), None, "images"),
    (np.zeros((0, 8, 8)), None, "images"),
    (np.zeros((2, 8, 8, 3, 1)), None, "images"),
    (np.zeros((2, 8, 8)), ["only one"], "titles"),
])
def test_plot_image_grid_bad_input(images, titles, match):
    with pytest.raises(ValueError, match=match):
        plot_image_grid(images, titles=titles)


# --------------------------------------------------------------------------------------------
# confidence intervals, the real cut-off and font sizes (review lesson 8)
# --------------------------------------------------------------------------------------------

def test_plot_metric_bars_draws_confidence_intervals(metric_table):
    low, high = metric_table - 0.05, metric_table + 0.1
    ax = plot_metric_bars(metric_table, ["recall@10", "mrr"], ci_low=low, ci_high=high)
    assert len(ax.patches) == 4
    caps = [line for line in ax.lines if len(line.get_xdata()) > 0]
    assert caps  # error-bar caps are drawn
    segments = [c for c in ax.collections if len(c.get_segments())]
    spans = sorted(round(seg[1][1] - seg[0][1], 6) for c in segments for seg in c.get_segments())
    assert spans == pytest.approx([0.15] * 4)


@pytest.mark.parametrize(("low", "high", "exc", "match"), [
    ("table", None, ValueError, "both"),
    ([0.1], "table", TypeError, "ci_low"),
    ("shifted_up", "table", ValueError, "ci_low"),
    ("missing_row", "table", ValueError, "ci_low"),
])
def test_plot_metric_bars_bad_intervals(metric_table, low, high, exc, match):
    frames = {"table": metric_table, "shifted_up": metric_table + 0.5, "missing_row": metric_table.iloc[:1]}
    low = frames.get(low, low) if isinstance(low, str) else low
    high = frames.get(high, high) if isinstance(high, str) else high
    with pytest.raises(exc, match=match):
        plot_metric_bars(metric_table, ["mrr"], ci_low=low, ci_high=high)


def test_plot_recall_vs_qps_names_the_cut_off(sweep_table):
    assert plot_recall_vs_qps(sweep_table, k=10).get_xlabel() == "recall@10 against exact search"
    assert "recall@k" in plot_recall_vs_qps(sweep_table).get_xlabel()
    with pytest.raises(ValueError, match="k"):
        plot_recall_vs_qps(sweep_table, k=0)


def test_figure_text_is_at_least_8_pt(sweep_table):
    ax = plot_recall_vs_qps(sweep_table, k=10)
    assert min(t.get_fontsize() for t in ax.texts) >= 8
    fig = plot_image_grid(np.zeros((3, 8, 8)), titles=["a", "b", "c"], ncols=3)
    assert min(a.title.get_fontsize() for a in fig.axes if a.get_title()) >= 8


def test_plot_metric_vs_cost():
    table = pd.DataFrame({"bytes": [256, 2304, 64], "MRR": [0.55, 0.97, 0.45],
                          "low": [0.52, 0.95, 0.42], "high": [0.58, 0.98, 0.48]},
                         index=["raw", "raw x9", "nca"])
    ax = plot_metric_vs_cost(table, cost="bytes", metric="MRR", low="low", high="high",
                             xlabel="bytes per item", ylabel="MRR")
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "bytes per item" and ax.get_ylabel() == "MRR"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["raw", "raw x9", "nca"]
    assert plot_metric_vs_cost(table, cost="bytes", metric="MRR", low="low", high="high",
                               log_cost=False).get_xscale() == "linear"


@pytest.mark.parametrize(("change", "exc", "match"), [
    ("empty", TypeError, "table"),
    ("no_column", ValueError, "column"),
    ("low_above", ValueError, "low"),
    ("zero_cost", ValueError, "bytes"),
])
def test_plot_metric_vs_cost_bad_input(change, exc, match):
    table = pd.DataFrame({"bytes": [256.0, 64.0], "MRR": [0.5, 0.4], "low": [0.45, 0.35],
                          "high": [0.55, 0.45]})
    if change == "empty":
        table = table.iloc[:0]
    elif change == "no_column":
        table = table.drop(columns="high")
    elif change == "low_above":
        table["low"] = 0.9
    else:
        table.loc[0, "bytes"] = 0.0
    with pytest.raises(exc, match=match):
        plot_metric_vs_cost(table, cost="bytes", metric="MRR", low="low", high="high")
