"""The report's charts, drawn with matplotlib (the Agg backend, no pyplot, no display).

One function draws a :class:`~moderator.reporting.governors.Breakdown` as stacked bars; it is
written as SVG for the web page and as PNG for the PDF. The same figures always give the same
bytes (no dates in the metadata, a fixed hash salt for the SVG's ids). Colours are the
Okabe-Ito palette, safe for colour-blind readers, and each chart has its table beside it.
"""

from __future__ import annotations

import io
import threading
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from moderator.reporting.governors import Breakdown
from moderator.reporting.palette import PALETTE

matplotlib.use("Agg")  # no display; pyplot is never imported

#: rcParams are global: one drawing at a time (the web draws in a thread pool).
_LOCK = threading.Lock()
STYLE: Any = {"svg.hashsalt": "school-moderator", "font.family": "DejaVu Sans", "font.size": 9}


def _figure(chart: Breakdown) -> Figure:
    figure = Figure(figsize=(7.0, 3.2), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(chart.periods)))
    bottom = [0] * len(chart.periods)
    for i, name in enumerate(chart.series):
        heights = [row[i] for row in chart.counts]
        axes.bar(
            positions,
            heights,
            bottom=bottom,
            label=name,
            color=PALETTE[i % len(PALETTE)],
            width=0.7,
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_title(chart.title)
    axes.set_ylabel("breaches")
    step = max(1, len(positions) // 12)
    axes.set_xticks(positions[::step], chart.periods[::step], rotation=45, ha="right")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    if chart.series:
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    else:
        axes.text(0.5, 0.5, "none in this period", transform=axes.transAxes, ha="center")
    return figure


def svg(chart: Breakdown) -> str:
    """The chart as an SVG document (text drawn as paths)."""
    buffer = io.StringIO()
    with _LOCK, matplotlib.rc_context(STYLE):
        _figure(chart).savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def png(chart: Breakdown, dpi: int = 200) -> bytes:
    buffer = io.BytesIO()
    with _LOCK, matplotlib.rc_context(STYLE):
        _figure(chart).savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
