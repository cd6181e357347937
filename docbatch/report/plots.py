"""The report's plots as inline SVG, drawn with matplotlib's SVG backend.

matplotlib is imported here only (an optional dependency: ``pip install 'docbatch[report]'``),
through its object API (no pyplot state, nothing shown).  Text stays text in the SVG
(``svg.fonttype = none``): a reader can select it, the browser draws it with the page's
font, and the file stays small.  Each function returns one ``<svg>`` element, without
the XML prolog, ready to sit in the page.
"""

from __future__ import annotations

import io
import re
from typing import Any, Mapping, Sequence

from ..errors import ConfigError

OK, THROTTLED, FAILED, NEUTRAL = "#2e7d32", "#ef6c00", "#c62828", "#1565c0"
_RC = {"svg.fonttype": "none", "font.family": "sans-serif", "font.size": 9, "axes.spines.top": False,
       "axes.spines.right": False, "axes.titlesize": 10, "axes.titleweight": "bold"}


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:  # the report extra is not installed
        raise ConfigError("docbatch report draws its plots with matplotlib, which is not installed: "
                          "pip install 'docbatch[report]'") from exc
    return Figure(figsize=(width, height), layout="constrained")


def _svg(fig: Any, label: str) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    text = buf.getvalue()
    svg = text[text.index("<svg"):]
    return re.sub(r"<svg\b", f'<svg role="img" aria-label="{_attr(label)}"', svg, count=1)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def bars(counts: Mapping[str, float], *, title: str, xlabel: str, color: str = NEUTRAL,
         colors: Mapping[str, str] | None = None, percent: bool = False) -> str:
    """Horizontal bars, largest first, each with its value written at its end."""
    import matplotlib

    items = list(counts.items())
    with matplotlib.rc_context(_RC):
        fig = _figure(6.4, 0.6 + 0.28 * max(len(items), 1))
        ax = fig.subplots()
        labels = [k for k, _ in items][::-1]
        values = [v for _, v in items][::-1]
        ax.barh(labels, values, color=[(colors or {}).get(k, color) for k in labels])
        for y, v in enumerate(values):
            ax.annotate(f"{v:.0%}" if percent else f"{v:,.0f}", (v, y), xytext=(3, 0), textcoords="offset points",
                        va="center")
        ax.set_title(title, loc="left")
        ax.set_xlabel(xlabel)
        ax.margins(x=0.12)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=not percent))
        if percent:
            ax.set_xlim(0, 1.12)
            ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
            ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        return _svg(fig, title)


def stacked_series(interval: float, series: Mapping[str, Sequence[int]], *, title: str, ylabel: str,
                   colors: Mapping[str, str]) -> str:
    """Counts per interval stacked by outcome, as rates (count / interval) over time."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure(7.2, 2.6)
        ax = fig.subplots()
        n = max((len(v) for v in series.values()), default=0)
        xs = [i * interval for i in range(n)]
        bottom = [0.0] * n
        for name, values in series.items():
            rates = [v / interval for v in list(values) + [0] * (n - len(values))]
            ax.bar(xs, rates, width=interval, bottom=bottom, align="edge", color=colors.get(name, NEUTRAL),
                   label=name, linewidth=0)
            bottom = [b + r for b, r in zip(bottom, rates)]
        ax.set_title(title, loc="left")
        ax.set_xlabel("seconds since the first answer" if "call" in ylabel else "seconds since the first document")
        ax.set_ylabel(ylabel)
        ax.legend(loc="upper right", frameon=False, ncols=len(series))
        return _svg(fig, title)


def histogram(edges: Sequence[float], counts: Sequence[int], *, title: str, xlabel: str,
              marks: Mapping[str, float | None] | None = None) -> str:
    """Bars between ``edges`` on a logarithmic axis, with vertical lines at ``marks`` (p50, p95)."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure(7.2, 2.4)
        ax = fig.subplots()
        widths = [b - a for a, b in zip(edges, edges[1:])]
        ax.bar(edges[:-1], counts, width=widths, align="edge", color=NEUTRAL, linewidth=0)
        ax.set_xscale("log")
        for i, ((label, value), style) in enumerate(zip((marks or {}).items(), ("--", ":"))):
            if value:
                ax.axvline(value, color=THROTTLED, linestyle=style, linewidth=1.2)
                ax.annotate(f"{label} {value:,.0f}", (value, 1), xycoords=("data", "axes fraction"),
                            xytext=(-3, -10 - 12 * i), textcoords="offset points", color=THROTTLED, ha="right")
        ax.set_title(title, loc="left")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("count")
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        return _svg(fig, title)


def confidence_boxes(confidences: Mapping[str, Sequence[float]], *, title: str) -> str:
    """One box per field: the spread of its confidences 0..100, the review level marked."""
    import matplotlib

    names = [k for k, v in confidences.items() if v]
    with matplotlib.rc_context(_RC):
        fig = _figure(7.2, 0.7 + 0.26 * max(len(names), 1))
        ax = fig.subplots()
        if names:
            ax.boxplot([list(confidences[n]) for n in names][::-1], orientation="horizontal",
                       tick_labels=names[::-1], widths=0.6, flierprops={"markersize": 3})
        ax.axvline(50, color=FAILED, linestyle=":", linewidth=1)
        ax.set_xlim(0, 101)
        ax.set_title(title, loc="left")
        ax.set_xlabel("confidence (dotted: the review level, 50)")
        return _svg(fig, title)
