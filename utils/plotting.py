"""The book's figure style and the plots that recur across chapters.

Every function draws on a Matplotlib ``Axes`` (a new figure when ``ax`` is None) and returns it,
with labelled axes and a title; the notebook adds ``plt.show()`` and the caption.
"""
from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ._validation import as_1d_float, check_positive_number

__all__ = [
    "PALETTE",
    "use_book_style",
    "plot_metric_bars",
    "plot_recall_vs_qps",
    "plot_shift",
    "plot_psi",
    "plot_image_grid",
    "plot_metric_vs_cost",
]

#: Smallest font size of any text the book's figures draw (the review asked for >= 8 pt).
MIN_FONT_SIZE = 8

#: Colour-blind-safe palette (Okabe-Ito), in the order chapters use for their systems.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


#: Figure and axes background: opaque white, so black text and axes stay readable on any page
#: (the theme's dark mode, JupyterLab's dark theme, an image opened on its own).
FIGURE_BACKGROUND = "#ffffff"


def use_book_style() -> None:
    """Set the book's Matplotlib defaults: readable fonts, light grid, the palette, PNG at 110 dpi.

    Also pins an opaque white background: the inline backend renders with
    ``facecolor=fig.get_facecolor()`` (IPython's ``print_figure``), so the figure's face colour
    is the PNG's background. A transparent one (older matplotlib-inline set ``(1, 1, 1, 0)``, as
    can a user's matplotlibrc) would leave black ink on a dark page.
    """
    mpl.rcParams.update({
        "figure.figsize": (6.4, 3.8), "figure.dpi": 110, "savefig.dpi": 110,
        "axes.grid": True, "grid.alpha": 0.3, "axes.spines.top": False,
        "axes.spines.right": False, "axes.titlesize": 11, "axes.labelsize": 10,
        "legend.fontsize": 9, "legend.frameon": False,
        "axes.prop_cycle": mpl.cycler(color=PALETTE),
        "figure.facecolor": FIGURE_BACKGROUND, "figure.edgecolor": FIGURE_BACKGROUND,
        "axes.facecolor": FIGURE_BACKGROUND, "savefig.facecolor": FIGURE_BACKGROUND,
        "savefig.edgecolor": FIGURE_BACKGROUND, "savefig.transparent": False,
    })


def _axes(ax, figsize=None):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _ci_frame(frame, table, metrics, name):
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame shaped like table, got {type(frame).__name__}")
    missing = [m for m in metrics if m not in frame.columns]
    if missing or not table.index.isin(frame.index).all():
        raise ValueError(f"{name} must have the rows of table and the columns {metrics}")
    return frame.loc[table.index, metrics].to_numpy(dtype=float)


def plot_metric_bars(table: pd.DataFrame, metrics, *, ax=None, title: str = "Offline metrics",
                     xlabel: str = "metric", ylabel: str = "score", ci_low=None, ci_high=None):
    """Grouped bars: one group per metric, one bar per system (the rows of ``table``).

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by system name, one column per metric.
    metrics : list of str
        Columns to draw.
    ax : matplotlib.axes.Axes, optional
    title, xlabel, ylabel : str
    ci_low, ci_high : pandas.DataFrame, optional
        Lower and upper confidence bounds of each value, shaped like ``table`` (same rows and
        metric columns); drawn as error bars. Give both or neither.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise TypeError("table must be a non-empty pandas DataFrame indexed by system")
    metrics = list(metrics)
    missing = [m for m in metrics if m not in table.columns]
    if not metrics or missing:
        raise ValueError(f"metrics must name columns of table; missing: {missing or 'all'}")
    if (ci_low is None) != (ci_high is None):
        raise ValueError("give both ci_low and ci_high, or neither")
    values = table[metrics].to_numpy(dtype=float)
    yerr = None
    if ci_low is not None:
        low = _ci_frame(ci_low, table, metrics, "ci_low")
        high = _ci_frame(ci_high, table, metrics, "ci_high")
        if np.any(low > values + 1e-12) or np.any(high < values - 1e-12):
            raise ValueError("ci_low must be <= table <= ci_high everywhere")
        yerr = np.stack([values - low, high - values])  # (2, systems, metrics)
    ax = _axes(ax)
    n = len(table)
    width = 0.8 / n
    x = np.arange(len(metrics))
    for i, name in enumerate(table.index):
        ax.bar(x + (i - (n - 1) / 2) * width, values[i], width, label=str(name),
               color=PALETTE[i % len(PALETTE)],
               yerr=None if yerr is None else yerr[:, i, :], capsize=2 if yerr is not None else 0,
               error_kw={"elinewidth": 1, "ecolor": "black"})
    ax.set_xticks(x, metrics)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(ncols=min(n, 4), loc="upper center", bbox_to_anchor=(0.5, -0.12))
    return ax


def plot_recall_vs_qps(sweep: pd.DataFrame, *, ax=None, target_recall: float | None = None,
                       k: int | None = None):
    """The ANN trade-off: recall@k against queries per second, one line per index.

    Parameters
    ----------
    sweep : pandas.DataFrame
        The output of :func:`utils.retrieval.sweep`.
    ax : matplotlib.axes.Axes, optional
    target_recall : float, optional
        Draw a vertical line at this recall.
    k : int, optional
        The cut-off the sweep used, written into the axis label (``recall@10``); without it the
        label says ``recall@k``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    needed = {"index", "value", "recall_at_k", "qps"}
    if not isinstance(sweep, pd.DataFrame) or not needed <= set(sweep.columns):
        raise TypeError(f"sweep must be a DataFrame with columns {sorted(needed)}")
    ax = _axes(ax)
    for i, (name, group) in enumerate(sweep.groupby("index", sort=False)):
        style = "s" if len(group) == 1 else "o-"
        ax.plot(group["recall_at_k"], group["qps"], style, label=name, color=PALETTE[i % len(PALETTE)])
        if len(group) > 1:
            for _, row in group.iterrows():
                ax.annotate(f"{row['value']:g}", (row["recall_at_k"], row["qps"]),
                            textcoords="offset points", xytext=(4, 4), fontsize=MIN_FONT_SIZE)
    if target_recall is not None:
        ax.axvline(target_recall, color="grey", linestyle="--", linewidth=1,
                   label=f"recall target {target_recall:g}")
    ax.set_yscale("log")
    if k is not None and (isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1):
        raise ValueError(f"k must be a positive integer, got {k!r}")
    ax.set_xlabel(f"recall@{k if k is not None else 'k'} against exact search")
    ax.set_ylabel("queries per second (log scale)")
    ax.set_title("Approximate search: speed against recall")
    ax.legend()
    return ax


def plot_shift(reference, current, *, name: str = "value", bins: int = 30, ax=None,
               labels=("reference", "current")):
    """Overlaid density histograms of a reference and a current sample on shared bins.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ref = as_1d_float(reference, "reference")
    cur = as_1d_float(current, "current")
    edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins=bins)
    ax = _axes(ax)
    ax.hist(ref, bins=edges, density=True, alpha=0.55, label=labels[0], color=PALETTE[0])
    ax.hist(cur, bins=edges, density=True, alpha=0.55, label=labels[1], color=PALETTE[3])
    ax.set_xlabel(name)
    ax.set_ylabel("density")
    ax.set_title(f"Distribution of {name}")
    ax.legend()
    return ax


def plot_psi(report: pd.DataFrame, alert_threshold: float, *, noise_floor: float | None = None,
             top: int = 12, ax=None):
    """Horizontal bars of PSI per feature with the alert threshold (and the noise floor).

    Parameters
    ----------
    report : pandas.DataFrame
        The output of :func:`utils.drift.drift_report`.
    alert_threshold : float
    noise_floor : float, optional
        E.g. the 99th percentile of :func:`utils.drift.psi_noise_floor`.
    top : int, default 12
        Features shown, largest PSI first.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not isinstance(report, pd.DataFrame) or not {"feature", "psi"} <= set(report.columns):
        raise TypeError("report must be a DataFrame with 'feature' and 'psi' columns")
    alert_threshold = check_positive_number(alert_threshold, "alert_threshold")
    shown = report.nlargest(top, "psi").iloc[::-1]
    ax = _axes(ax, figsize=(6.4, 0.28 * len(shown) + 1.4))
    colors = [PALETTE[3] if v > alert_threshold else PALETTE[0] for v in shown["psi"]]
    ax.barh(shown["feature"], shown["psi"], color=colors)
    ax.axvline(alert_threshold, color="black", linestyle="--", linewidth=1,
               label=f"alert threshold {alert_threshold:.2f}")
    if noise_floor is not None:
        ax.axvline(noise_floor, color="grey", linestyle=":", linewidth=1,
                   label=f"noise floor {noise_floor:.2f}")
    ax.set_xlabel("population stability index (PSI)")
    ax.set_ylabel("feature")
    ax.set_title("Drift per feature")
    ax.legend(loc="lower right")
    return ax


def plot_image_grid(images, *, titles=None, ncols: int = 11, cmap: str = "gray_r", size: float = 0.75):
    """Show small images in a grid (e.g. a query followed by its retrieved results).

    Parameters
    ----------
    images : array-like of shape (n, h, w)
    titles : list of str, optional
        One per image.
    ncols : int, default 11
    cmap : str, default "gray_r"
    size : float, default 0.75
        Inches per image.

    Returns
    -------
    matplotlib.figure.Figure
    """
    arr = np.asarray(images, dtype=float)
    if arr.ndim != 3 or arr.shape[0] == 0:
        raise ValueError(f"images must have shape (n, h, w), got {arr.shape}")
    if titles is not None and len(titles) != len(arr):
        raise ValueError(f"titles has {len(titles)} entries for {len(arr)} images")
    nrows = int(np.ceil(len(arr) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * (size + 0.25)),
                             squeeze=False, layout="constrained")
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(arr):
            ax.imshow(arr[i], cmap=cmap, interpolation="nearest")
            if titles is not None:
                ax.set_title(titles[i], fontsize=MIN_FONT_SIZE)
    return fig


def plot_metric_vs_cost(table: pd.DataFrame, *, cost: str, metric: str, low: str, high: str, ax=None,
                        log_cost: bool = True, xlabel: str | None = None, ylabel: str | None = None,
                        title: str = "Quality against cost"):
    """One point per system: a metric with its confidence interval against a cost (memory, time).

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by system name, with the columns named by ``cost``, ``metric``, ``low``, ``high``.
    cost, metric, low, high : str
        Columns: the cost (x axis), the metric (y) and its confidence bounds (error bars).
    ax : matplotlib.axes.Axes, optional
    log_cost : bool, default True
        Logarithmic cost axis (costs often span orders of magnitude).
    xlabel, ylabel : str, optional
        Default to the column names.
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise TypeError("table must be a non-empty pandas DataFrame indexed by system")
    missing = [c for c in (cost, metric, low, high) if c not in table.columns]
    if missing:
        raise ValueError(f"table has no column(s) {missing}")
    x = table[cost].to_numpy(dtype=float)
    y = table[metric].to_numpy(dtype=float)
    lo, hi = table[low].to_numpy(dtype=float), table[high].to_numpy(dtype=float)
    if np.any(lo > y + 1e-12) or np.any(hi < y - 1e-12):
        raise ValueError(f"{low} <= {metric} <= {high} must hold on every row")
    if log_cost and np.any(x <= 0):
        raise ValueError(f"{cost} must be > 0 on a logarithmic axis")
    ax = _axes(ax)
    for i, name in enumerate(table.index):
        ax.errorbar(x[i], y[i], yerr=[[y[i] - lo[i]], [hi[i] - y[i]]], fmt="o", capsize=3,
                    color=PALETTE[i % len(PALETTE)], label=str(name))
    if log_cost:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel or cost)
    ax.set_ylabel(ylabel or metric)
    ax.set_title(title)
    ax.legend(fontsize=MIN_FONT_SIZE + 1)
    return ax
