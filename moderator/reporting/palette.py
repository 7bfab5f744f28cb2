"""The colours every chart uses, on the web dashboard and in the governors' report: the
colour-blind-safe Okabe-Ito palette, one per category or platform (kept apart from ``charts``
so the dashboard need not import matplotlib)."""

from __future__ import annotations

PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
    "#999999",
)
