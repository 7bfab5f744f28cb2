"""The bundled model on ONNX Runtime: the CPU path of ``moderator classify``, without torch.

One session over the cached ONNX file (:mod:`classifiers.bundled.onnx_cache`), one ONNX
Runtime thread per call, and the calls spread over worker threads (ONNX Runtime releases the
GIL): on 2 cores that beat ONNX Runtime's own intra-operator threads, since a comment's
matrices are too small to split well. With float32 weights (the default) windows go in batches
of 8 of similar length (measured on 500 tweets, one thread: 1 window a call 4.6 s of CPU, 4 3.4 s,
8 3.1 s, 16 3.1 s, 32 3.5 s). With int8 weights each window runs on its own: dynamic
quantisation scales activations over the whole batch, so batching would let one comment's score
depend on the others in its batch. Threads: ``OMP_NUM_THREADS`` when it is set (as for torch),
otherwise the CPUs this process may use.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from classifiers.bundled.tokens import length_batches

#: Windows per ONNX Runtime call, per precision (see the module docstring).
BATCH_SIZE = {"int8": 1, "fp32": 8}


def thread_count() -> int:
    """``OMP_NUM_THREADS`` when set to a positive number, else the CPUs available to us."""
    value = os.environ.get("OMP_NUM_THREADS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class OnnxModel:
    """A loaded ONNX file; :meth:`rows` gives the head's probabilities per window."""

    def __init__(self, path: Path, outputs: int, precision: str) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # notes about unused initialisers are not ours to act on
        self.session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        self.outputs = outputs
        self.batch_size = BATCH_SIZE[precision]
        self.threads = thread_count()
        self.path = path

    def rows(self, windows: Sequence[Sequence[int]], pad_id: int) -> np.ndarray:
        """Probabilities (float32, windows x outputs) for token-id windows."""
        out = np.zeros((len(windows), self.outputs), dtype=np.float32)
        batches = list(length_batches(windows, self.batch_size, pad_id))
        if self.threads > 1 and len(batches) > 1:
            with ThreadPoolExecutor(self.threads) as pool:  # onnxruntime releases the GIL
                results = list(pool.map(self._run, batches))
        else:
            results = [self._run(batch) for batch in batches]
        for (indices, _, _), probabilities in zip(batches, results, strict=True):
            out[indices] = probabilities
        return out

    def _run(self, batch: tuple[list[int], np.ndarray, np.ndarray]) -> np.ndarray:
        _, ids, mask = batch
        result = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return np.asarray(result, dtype=np.float32)
