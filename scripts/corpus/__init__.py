"""The generated school corpus: contrast sets of school comments from templates.

``python -m scripts.corpus --out corpus.jsonl`` writes it out; the training script builds it in
memory (deterministic for a seed). See ``docs/judgement.md`` for the design and
``docs/labelling-guide.md`` for what each label means.
"""
