"""Evidence figures: what capturing costs a scan, and how long bundles take to write and check.

    python bench/evidence_bench.py [--repeat 20]

On a temporary SQLite database the sample school is scanned (``moderator demo``'s data). Then:

1. capture image: ``capture_png.render`` on every snapshot's content, ``--repeat`` times;
2. capture: the scan's time with evidence capture as it is, against the same scan with the
   capture image switched off (the rest of a snapshot is a JSON dump and a hash);
3. export: a one-flag bundle for each threat flag, and the whole case with the most flags;
4. verify: ``verify.verify`` on each bundle.

Figures (median milliseconds, bundle sizes) go to stdout; nothing is asserted about speed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from unittest import mock

from sqlalchemy import func, select

from moderator.evidence import bundle, capture_png, verify
from moderator.ingest import scanning
from moderator.policy.classify import classifier_for
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import EvidenceSnapshot, Flag


def timed(work: object) -> float:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def scan_once(
    folder: Path, name: str, config: config_mod.SchoolConfig, draw: bool
) -> tuple[float, int]:
    engine = db.connect(f"sqlite:///{folder / name}")
    classifier = classifier_for(config)
    classifier.score(["warm up"])
    with mock.patch.object(capture_png, "render", return_value=b"") if not draw else _nothing():
        elapsed = timed(lambda: scanning.scan(engine, config, classifier, full=True))
    with db.session_scope(engine) as session:
        flagged = session.scalar(select(func.count(Flag.id))) or 0
    return elapsed, flagged


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    config = config_mod.load(config_mod.SAMPLE_CONFIG)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        without, flagged = scan_once(folder, "plain.db", config, draw=False)
        with_images, _ = scan_once(folder, "m.db", config, draw=True)
        print(
            f"scan of the sample school: {flagged} flagged; {with_images:.0f} ms with capture "
            f"images, {without:.0f} ms without: {(with_images - without) / flagged:.1f} ms per flag"
        )
        engine = db.connect(f"sqlite:///{folder / 'm.db'}")
        with db.session_scope(engine) as session:
            shots = [
                (json.loads(s.content), s.sha256) for s in session.scalars(select(EvidenceSnapshot))
            ]
            flags = [(f.id, f.categories, f.poster_id) for f in session.scalars(select(Flag))]
        renders = [
            timed(lambda c=c, h=h: capture_png.render(c, h))
            for _ in range(args.repeat)
            for c, h in shots
        ]
        sizes = [len(capture_png.render(c, h)) for c, h in shots]
        print(
            f"capture image: median {statistics.median(renders):.1f} ms, max {max(renders):.1f} ms, "
            f"median {statistics.median(sizes) / 1024:.0f} KB over {len(shots)} snapshots"
        )
        threat = [fid for fid, cats, _ in flags if "threat" in cats]
        exports, checks, sizes = [], [], []
        for n, fid in enumerate(threat):
            out = folder / f"flag-{n}.zip"
            exports.append(
                timed(lambda f=fid, o=out: bundle.export(engine, config, str(f), o, actor="bench"))
            )
            checks.append(timed(lambda o=out: verify.verify(str(o))))
            sizes.append(out.stat().st_size)
        print(
            f"one-flag bundle ({len(threat)} threat flags): export median {statistics.median(exports):.0f} ms, "
            f"verify median {statistics.median(checks):.1f} ms, size median {statistics.median(sizes) / 1024:.0f} KB"
        )
        counts: dict[int, int] = {}
        for _, _, poster in flags:
            if poster:
                counts[poster] = counts.get(poster, 0) + 1
        poster, many = max(counts.items(), key=lambda pair: pair[1])
        out = folder / "case.zip"
        made = timed(
            lambda: bundle.export(engine, config, str(poster), out, actor="bench", case=True)
        )
        checked = timed(lambda: verify.verify(str(out)))
        print(
            f"case bundle ({many} flags): export {made:.0f} ms, verify {checked:.1f} ms, "
            f"{out.stat().st_size / 1024:.0f} KB"
        )


if __name__ == "__main__":
    main()
