"""Throughput, start-up and memory of `moderator classify` against Detoxify `original`, on real
tweets, at two sizes.

    python bench/throughput.py ../shared/datasets [--counts 500 2000] [--threads 2]
        [--skip-detoxify]

Takes the first tweets of OLID's training file (real tweets; nothing is printed from them),
then in one run:

1. runs ``moderator classify`` (the CLI, a subprocess, default bundled backend, sample school
   config) on one tweet (its start-up: Python, imports, the model's load) and on each count of
   tweets, and reports comments per second over the whole command (start-up included) and
   over scoring alone (the wall time minus the one-tweet run's), and each run's peak resident
   memory; the bundled model's ONNX file is built (and cached) before anything is timed;
2. builds the Detoxify ``original`` architecture (bert-base-uncased, 12 layers, 6 classes)
   with random weights (the release weights cannot be downloaded here; random weights cost
   exactly the same), saves it as a Detoxify checkpoint and runs the same texts through the
   ``detoxify`` package via our Detoxify backend, in a subprocess, timing scoring only;
3. prints, per count, both ratios: our scoring against Detoxify's scoring, and our whole
   command against Detoxify's scoring alone.

Both subprocesses are limited to ``--threads`` CPU threads (``OMP_NUM_THREADS``, which the
ONNX Runtime path reads too). Figures go to stdout; record them in the model card and README.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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
score_s = {}
for count in json.loads(sys.argv[5]):
    began = time.perf_counter()
    model.score(texts[:count])
    score_s[count] = time.perf_counter() - began
print(json.dumps({"load_s": loaded - started, "score_s": score_s,
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


def run_child(command: list[str], threads: int) -> tuple[float, float, str, str]:
    """Wall seconds, peak resident memory (MiB), stdout and stderr of one child process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, env=child_env(threads), stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if child.returncode != 0:
        raise SystemExit(f"{command[1:3]} failed: {stderr.strip()[-800:]}")
    return wall, usage.ru_maxrss / 1024, stdout, stderr


def run_classify(jsonl: Path, threads: int) -> tuple[float, float]:
    """Wall seconds of ``moderator classify`` on ``jsonl``; its peak RSS (MiB)."""
    wall, peak, _, _ = run_child(
        [sys.executable, "-m", "moderator", "classify", str(jsonl)], threads
    )
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


def run_detoxify(jsonl: Path, counts: list[int], threads: int, workdir: Path) -> dict[str, Any]:
    checkpoint, config_dir = build_detoxify_original(workdir)
    command = [sys.executable, "-c", _DETOXIFY_CHILD, str(jsonl), str(checkpoint)]
    command += [str(config_dir), str(threads), json.dumps(counts)]
    _, _, stdout, _ = run_child(command, threads)
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    return result


def write_jsonl(path: Path, texts: list[str]) -> Path:
    path.write_text(
        "".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(texts)),
        encoding="utf-8",
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", type=Path)
    parser.add_argument("--counts", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-detoxify", action="store_true")
    args = parser.parse_args()
    counts = sorted(set(args.counts))
    texts = tweets(args.datasets, counts[-1])
    with tempfile.TemporaryDirectory(prefix="moderator-bench-") as tmp:
        workdir = Path(tmp)
        one = write_jsonl(workdir / "one.jsonl", texts[:1])
        run_classify(one, args.threads)  # builds the ONNX file if the cache lacks it; untimed
        startup, startup_peak = min(run_classify(one, args.threads) for _ in range(3))
        print(f"texts: OLID tweets, {args.threads} threads, {os.cpu_count()} CPUs")
        print(
            f"moderator classify start-up (one comment, best of 3): {startup:.2f} s, "
            f"peak RSS {startup_peak:.0f} MiB"
        )
        ours: dict[int, tuple[float, float]] = {}
        for count in counts:
            jsonl = write_jsonl(workdir / f"tweets-{count}.jsonl", texts[:count])
            wall, peak = run_classify(jsonl, args.threads)
            ours[count] = (wall, max(wall - startup, 1e-9))
            print(
                f"moderator classify, {count} tweets: {wall:.1f} s wall, {count / wall:.0f} "
                f"comments/s whole command, {count / ours[count][1]:.0f} comments/s scoring; "
                f"peak RSS {peak:.0f} MiB"
            )
        if args.skip_detoxify:
            return
        detox = run_detoxify(workdir / f"tweets-{counts[-1]}.jsonl", counts, args.threads, workdir)
        print(
            f"Detoxify original (random weights): load {detox['load_s']:.1f} s, "
            f"peak RSS {detox['peak_rss_mib']:.0f} MiB"
        )
        for count in counts:
            rate = count / detox["score_s"][str(count)]
            wall, scoring = ours[count]
            print(
                f"{count} tweets: Detoxify {rate:.1f} comments/s scoring; speed-up, scoring "
                f"only: {count / scoring / rate:.1f}x; whole command against Detoxify's "
                f"scoring: {count / wall / rate:.1f}x"
            )


if __name__ == "__main__":
    main()
