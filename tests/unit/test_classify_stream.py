"""``moderator classify``'s streaming: one verdict per line, identical texts scored once."""

from __future__ import annotations

import io
import json

from classifiers.fake import FixedScoreClassifier
from moderator.policy import classify
from moderator.settings import config as config_mod


def test_identical_texts_in_a_batch_are_scored_once_and_each_line_gets_its_verdict() -> None:
    config = config_mod.load(config_mod.SAMPLE_CONFIG)
    fake = FixedScoreClassifier(by_text={"you idiot": {"insult": 0.95, "toxicity": 0.95}})
    lines = [{"id": i, "text": "you idiot" if i % 3 else "lovely fair"} for i in range(300)]
    lines.insert(5, {"id": "bad", "text": 7})
    out = io.StringIO()
    failures = classify.stream(
        io.StringIO("".join(json.dumps(line) + "\n" for line in lines)), out, config, fake
    )
    verdicts = [json.loads(line) for line in out.getvalue().splitlines()]
    assert failures == 1 and [v["id"] for v in verdicts] == [line["id"] for line in lines]
    by_id = {v["id"]: v for v in verdicts}
    assert by_id[1]["categories"] == ["abuse"] and by_id[0]["categories"] == []
    assert "error" in by_id["bad"]
    # two batches of at most 256 lines, two distinct texts in each
    assert sorted(fake.seen) == ["lovely fair", "lovely fair", "you idiot", "you idiot"]
