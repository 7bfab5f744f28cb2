"""Throughput and memory of `moderator classify` against Detoxify `original`, on real tweets.

    python bench/throughput.py ../shared/datasets [--count 2000] [--threads 2] [--skip-detoxify]

Takes the first ``--count`` tweets of OLID's training file (real tweets; nothing is printed
from them), then in one run:

1. runs ``moderator classify`` (the CLI, a subprocess, default bundled backend, sample school
   config) on them and reports comments per second over the whole command (model loading
   included) and over scoring alone (the wall time minus the time to classify one comment),
   and its peak resident memory;
2. builds the Detoxify ``original`` architecture (bert-base-uncased, 12 layers, 6 classes)
   with random weights (the release weights cannot be downloaded here; random weights cost
   exactly the same), saves it as a Detoxify checkpoint and runs the same texts through the
   ``detoxify`` package via our Detoxify backend, in a subprocess, timing scoring only;
3. prints both and the ratio.

Both subprocesses are limited to ``--threads`` CPU threads. Figures go to stdout; record them
in the model card and README.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts import training_data as td  # noqa: E402

_DETOXIFY_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
import torch
torch.set_num_threads(int(sys.argv[4]))
from classifiers.detoxify_classifier import DetoxifyClassifier
texts = [json.loads(line)["text"] for line in Path(sys.argv[1]).read_text().splitlines()]
started = time.perf_counter()
model = DetoxifyClassifier("original", checkpoint=Path(sys.argv[2]),
                           huggingface_config_path=Path(sys.argv[3]), batch_size=32)
loaded = time.perf_counter()
model.score(texts)
done = time.perf_counter()
print(json.dumps({"load_s": loaded - started, "score_s": done - loaded,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def tweets(datasets: Path, count: int) -> list[str]:
    examples = td.load_olid(datasets)
    if len(examples) < count:
        raise SystemExit(f"only {len(examples)} OLID tweets in {datasets}, asked for {count}")
    return [example.text for example in examples[:count]]


def child_env(threads: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        OMP_NUM_THREADS=str(threads),
        MKL_NUM_THREADS=str(threads),
        TOKENIZERS_PARALLELISM="false",
        PYTHONPATH=str(ROOT),
    )
    return env


def run_classify(jsonl: Path, threads: int) -> tuple[float, float]:
    """Wall seconds of ``moderator classify`` on ``jsonl``; peak RSS (MiB) of the child."""
    command = [sys.executable, "-m", "moderator", "classify", str(jsonl)]
    started = time.perf_counter()
    result = subprocess.run(
        command, env=child_env(threads), capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"moderator classify failed: {result.stderr.strip()[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak


def build_detoxify_original(directory: Path) -> tuple[Path, Path]:
    """A random-weight Detoxify ``original`` checkpoint and its HF config/tokenizer folder."""
    import torch
    import transformers

    from classifiers.bundled.encoder import default_encoder_dir

    config_dir = directory / "bert-base-uncased"
    config_dir.mkdir()
    # all-MiniLM-L6-v2 uses bert-base-uncased's own WordPiece vocabulary
    vocab = (default_encoder_dir() / "vocab.txt").read_text(encoding="utf-8")
    (config_dir / "vocab.txt").write_text(vocab, encoding="utf-8")
    (config_dir / "tokenizer_config.json").write_text(
        json.dumps({"do_lower_case": True, "model_max_length": 512}), encoding="utf-8"
    )
    config = transformers.BertConfig(num_labels=6)  # defaults are bert-base-uncased's
    config.save_pretrained(config_dir)
    torch.manual_seed(0)
    network = transformers.BertForSequenceClassification(config)
    classes = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
    arch = {
        "model_type": "bert-base-uncased",
        "model_name": "BertForSequenceClassification",
        "tokenizer_name": "BertTokenizer",
        "num_classes": 6,
    }
    checkpoint = directory / "original.ckpt"
    torch.save(
        {
            "config": {"arch": {"args": arch}, "dataset": {"args": {"classes": classes}}},
            "state_dict": network.state_dict(),
        },
        checkpoint,
    )
    return checkpoint, config_dir


def run_detoxify(jsonl: Path, threads: int, workdir: Path) -> dict[str, float]:
    checkpoint, config_dir = build_detoxify_original(workdir)
    command = [
        sys.executable,
        "-c",
        _DETOXIFY_CHILD,
        str(jsonl),
        str(checkpoint),
        str(config_dir),
        str(threads),
    ]
    result = subprocess.run(
        command, env=child_env(threads), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"Detoxify run failed: {result.stderr.strip()[-800:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", type=Path)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-detoxify", action="store_true")
    args = parser.parse_args()
    texts = tweets(args.datasets, args.count)
    with tempfile.TemporaryDirectory(prefix="moderator-bench-") as tmp:
        workdir = Path(tmp)
        jsonl = workdir / "tweets.jsonl"
        jsonl.write_text(
            "".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(texts)),
            encoding="utf-8",
        )
        one = workdir / "one.jsonl"
        one.write_text(json.dumps({"id": "0", "text": texts[0]}) + "\n", encoding="utf-8")
        startup, _ = run_classify(one, args.threads)
        wall, peak = run_classify(jsonl, args.threads)
        scoring = max(wall - startup, 1e-9)
        print(f"texts: {len(texts)} OLID tweets, {args.threads} threads, {os.cpu_count()} CPUs")
        print(
            f"moderator classify (bundled): {wall:.1f} s wall, {len(texts) / wall:.0f} comments/s "
            f"including start-up ({startup:.1f} s), {len(texts) / scoring:.0f} comments/s "
            f"scoring; peak RSS {peak:.0f} MiB"
        )
        if args.skip_detoxify:
            return
        detox = run_detoxify(jsonl, args.threads, workdir)
        detox_rate = len(texts) / detox["score_s"]
        print(
            f"Detoxify original (random weights): {detox['score_s']:.1f} s scoring, "
            f"{detox_rate:.1f} comments/s; load {detox['load_s']:.1f} s; "
            f"peak RSS {detox['peak_rss_mib']:.0f} MiB"
        )
        print(f"speed-up, scoring only: {len(texts) / scoring / detox_rate:.1f}x")
        print(f"speed-up, whole command vs Detoxify scoring: {len(texts) / wall / detox_rate:.1f}x")


if __name__ == "__main__":
    main()
