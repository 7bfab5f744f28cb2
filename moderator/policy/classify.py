"""``moderator classify``: JSONL in, one verdict per line out, in order, in bounded memory.

Reads and scores ``BATCH`` lines at a time, so 10,000 lines or a 100 KB comment never hold
more than one batch in memory. Identical texts in a batch are scored once (a copied comment
posted fifty times, a spam flood) and each line still gets its own verdict. A line that is
not a JSON object with a string ``text`` (a record without ``text`` is not a clean comment:
it is not a comment at all), or that holds what JSON cannot (NaN, text that is not valid
Unicode, nesting deeper than ``connectors.records.MAX_DEPTH``), gives
``{"id": ..., "line": N, "error": "..."}`` in its place, and the command exits 1 at the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, TextIO

from classifiers import errors as classifier_errors
from classifiers import registry
from classifiers.base import LABELS, Classifier
from connectors import records
from moderator.errors import ClassifierError
from moderator.policy.decide import Decision, Policy
from moderator.settings.config import SchoolConfig

BATCH = 256


def classifier_for(config: SchoolConfig) -> Classifier:
    """The backend the config names, loaded once."""
    settings = config.classifier
    try:
        return registry.build(
            settings.backend,
            model=settings.model,
            checkpoint=settings.checkpoint,
            huggingface_config_path=settings.huggingface_config_path,
            device=settings.device,
            batch_size=settings.batch_size,
        )
    except (classifier_errors.ClassifierError, OSError, RuntimeError, ValueError) as exc:
        # the classifiers' own tree, and what a library beneath a backend raises (a file, torch)
        raise ClassifierError(
            f"{config.path}: [classifier] backend {settings.backend!r}: {exc}"
        ) from exc


def stream(lines: Iterable[str], out: TextIO, config: SchoolConfig, classifier: Classifier) -> int:
    """Classify every line of ``lines`` onto ``out``; return how many lines failed."""
    policy = Policy.for_school(config)
    failures = 0
    numbered = ((n, line) for n, line in enumerate(lines, start=1) if line.strip())
    for batch in _chunks(numbered):
        parsed = [_parse(number, line) for number, line in batch]
        unique = list(dict.fromkeys(item["text"] for item in parsed if "error" not in item))
        scores = dict(zip(unique, classifier.score(unique), strict=True))
        for item in parsed:
            if "error" in item:
                failures += 1
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
                continue
            score = scores[item["text"]]
            out.write(
                json.dumps(
                    verdict(item["id"], policy.decide(item["text"], score), score.labels),
                    ensure_ascii=False,
                )
                + "\n"
            )
        out.flush()
    return failures


def verdict(comment_id: Any, decision: Decision, labels: dict[str, float]) -> dict[str, Any]:
    """The contract's output object for one comment."""
    return {
        "id": comment_id,
        "categories": list(decision.categories),
        "scores": {label: round(labels.get(label, 0.0), 4) for label in LABELS if label in labels},
        "hide": decision.hide,
        "step": decision.step.value if decision.step else None,
        "reasons": list(decision.reasons),
        "spans": [list(span) for span in decision.spans],
        "route": decision.route,
        "targets": list(decision.targets),
    }


def _parse(number: int, line: str) -> dict[str, Any]:
    try:
        data = records.loads(line)
    except json.JSONDecodeError as exc:
        return _error(None, number, f"invalid JSON: {exc.msg}")
    except ValueError as exc:  # NaN, nesting too deep, an integer of thousands of digits
        return _error(None, number, f"invalid JSON: {str(exc).split(';')[0]}")
    if not isinstance(data, dict):
        return _error(None, number, "expected a JSON object")
    comment_id = data.get("id")
    problem = records.json_problem(comment_id)
    if problem:  # it could not be echoed
        return _error(None, number, f"'id' has {problem}")
    text = data.get("text")
    if text is None:
        return _error(comment_id, number, "no 'text': there is nothing to classify")
    if not isinstance(text, str):
        return _error(comment_id, number, "'text' must be a string")
    if not records.valid_text(text):
        return _error(comment_id, number, "'text' is not valid Unicode (a lone surrogate)")
    return {"id": comment_id, "text": text}


def _error(comment_id: Any, number: int, message: str) -> dict[str, Any]:
    return {"id": comment_id, "line": number, "error": f"line {number}: {message}"}


def _chunks(items: Iterator[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    while batch := list(islice(items, BATCH)):
        yield batch
