"""Print where the policy disagrees with labelled school comments.

    python bench/policy_report.py FILE.jsonl [--config school.toml]

FILE lines carry ``text``, ``labels`` (expected categories) and ``hide``. Prints each
disagreement (no text is logged anywhere else) and the headline figures: hide recall, wrongful
hide rate, complaints hidden, and per-category recall.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from moderator.policy.classify import classifier_for
from moderator.policy.decide import Policy
from moderator.settings import config as config_mod


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--config", type=Path, default=config_mod.SAMPLE_CONFIG)
    parser.add_argument("--quiet", action="store_true", help="figures only")
    args = parser.parse_args()
    config = config_mod.load(args.config)
    rows = [
        json.loads(line)
        for line in args.file.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    policy = Policy.for_school(config)
    scores = classifier_for(config).score([row["text"] for row in rows])
    hits, totals, wrong = Counter(), Counter(), Counter()
    for row, score in zip(rows, scores, strict=True):
        decision = policy.decide(row["text"], score)
        expected, got = set(row["labels"]), set(decision.categories)
        for label in expected:
            totals[label] += 1
            hits[label] += label in got
        wrong["hide_missed"] += row["hide"] and not decision.hide
        wrong["hide_wrong"] += (not row["hide"]) and decision.hide
        wrong["complaint_hidden"] += "complaint" in expected and decision.hide
        if (expected != got or row["hide"] != decision.hide) and not args.quiet:
            print(
                f"{row['id']}: want {sorted(expected)} hide={row['hide']} got {sorted(got)} "
                f"hide={decision.hide} | {row['text'][:90]}"
            )
    must_hide = sum(row["hide"] for row in rows)
    must_stay = len(rows) - must_hide
    print(
        f"\nhidden of must-hide: {1 - wrong['hide_missed'] / max(must_hide, 1):.3f} ({must_hide})"
    )
    print(f"hidden of must-stay: {wrong['hide_wrong'] / max(must_stay, 1):.3f} ({must_stay})")
    print(f"complaints hidden:   {wrong['complaint_hidden']}")
    for label in sorted(totals):
        print(f"recall {label:<13} {hits[label] / totals[label]:.2f} ({totals[label]})")


if __name__ == "__main__":
    main()
