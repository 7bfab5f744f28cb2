"""A small hyper-parameter sweep of the bundled model, for a machine with a GPU.

    python scripts/sweep_bundled.py ../shared/datasets --out sweep/ [--device cuda]
        [--lr 2e-4 4e-4 8e-4] [--rank 8 16 32] [--epochs 2 4]

Each combination is trained by ``scripts/train_bundled.py`` into its own folder under
``--out``; ``sweep.json`` collects each run's settings and held-out figures (the public split
and the school blind split's model-level figures; never the policy's blind sets), so the runs
can be compared without reading any blind school comment. On 2 CPU cores one run takes about
75 minutes; on a GPU a few.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts import train_bundled  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--lr", type=float, nargs="+", default=[train_bundled.Settings.lr])
    parser.add_argument("--rank", type=int, nargs="+", default=[train_bundled.Settings.rank])
    parser.add_argument("--epochs", type=int, nargs="+", default=[train_bundled.Settings.epochs])
    parser.add_argument(
        "--extra",
        nargs=argparse.REMAINDER,
        default=[],
        help="further train_bundled.py options for every run",
    )
    args = parser.parse_args(argv)
    results = []
    for lr, rank, epochs in itertools.product(args.lr, args.rank, args.epochs):
        name = f"lr{lr:g}-r{rank}-e{epochs}"
        out = args.out / name
        code = train_bundled.main(
            [
                str(args.datasets),
                "--out",
                str(out),
                "--device",
                args.device,
                "--lr",
                str(lr),
                "--rank",
                str(rank),
                "--epochs",
                str(epochs),
                *args.extra,
            ]
        )
        manifest = json.loads((out / "model.json").read_text(encoding="utf-8"))
        results.append(
            {
                "run": name,
                "exit": code,
                "lr": lr,
                "rank": rank,
                "epochs": epochs,
                "held_out": manifest.get("held_out"),
            }
        )
        (args.out / "sweep.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
