"""Compare two ``bench/evaluate.py --json`` reports figure by figure (no comment text).

    python bench/compare_figures.py bench/results/minilm-lora-2.json new.json [--tolerance 0.005]

Prints every figure (a share, a rate, a macro-F1, an AUC) that moved by more than the
tolerance, and how many were compared; exits 1 when any did. Counts (how many comments) are
not figures and must match exactly. Used to check that a new runtime (ONNX Runtime, int8)
keeps the model card's held-out figures.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def figures(report: Any, path: str = "") -> Iterator[tuple[str, float, bool]]:
    """(where, value, is a count) for every number in ``report``."""
    if isinstance(report, dict):
        for key, value in report.items():
            yield from figures(value, f"{path}/{key}")
    elif isinstance(report, list):
        for index, value in enumerate(report):
            yield from figures(value, f"{path}[{index}]")
    elif isinstance(report, bool):
        return
    elif isinstance(report, int):
        yield path, float(report), True
    elif isinstance(report, float):
        yield path, report, False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--tolerance", type=float, default=0.005)
    args = parser.parse_args(argv)
    before = {w: (v, c) for w, v, c in figures(json.loads(args.before.read_text()))}
    after = {w: (v, c) for w, v, c in figures(json.loads(args.after.read_text()))}
    compared = moved = 0
    for where in sorted(before.keys() & after.keys()):
        (old, count), (new, _) = before[where], after[where]
        if count:
            continue  # a count of comments, or of comments decided one way: shares carry them
        compared += 1
        if abs(new - old) > args.tolerance:
            moved += 1
            print(f"{where}: {old:.4f} -> {new:.4f} ({new - old:+.4f})")
    print(f"{moved} of {compared} figures moved by more than {args.tolerance}")
    return 1 if moved else 0


if __name__ == "__main__":
    raise SystemExit(main())
