"""``python -m scripts.corpus [--out FILE] [--roster FILE] [--groups N]``: write the corpus."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from scripts.corpus import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--roster", type=Path)
    parser.add_argument("--groups", type=int, default=build.DEFAULT_GROUPS)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    comments = build.generate(args.groups, args.seed)
    for line in build.summary(comments):
        print(line)
    if args.out:
        with args.out.open("w", encoding="utf-8") as out:
            for c in comments:
                row = {
                    "id": c.id,
                    "group": c.group,
                    "family": c.family,
                    "edit": c.edit,
                    "style": c.style,
                    "split": c.split,
                    "text": c.text,
                    "labels": sorted(c.labels),
                    "hide": c.hide,
                }
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.roster:
        args.roster.write_text(build.roster_toml(), encoding="utf-8")


if __name__ == "__main__":
    main()
