"""Text preparation shared by training and inference of the bundled model.

The model must see text at inference exactly as it saw it in training, so this one function
is used by both ``scripts/training_data.py`` and :mod:`classifiers.bundled`.
"""

from __future__ import annotations

import html
import re

_MENTION = re.compile(r"(?<![\w@])@\w+")
_URL = re.compile(r"(?:https?://|www\.)\S+|\bURL\b")
_RT = re.compile(r"(?:(?<=\s)|^)RT\b:?")
_SPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Normalise a post the same way for training and inference.

    Unescapes HTML entities (twice, for double-escaped ``&amp;#8220;``), replaces user mentions with
    ``@user``, URLs (and OLID's ``URL`` placeholder) with ``http``, drops retweet ``RT`` markers and
    collapses whitespace.
    """
    text = html.unescape(html.unescape(text))
    text = _URL.sub("http", text)
    text = _MENTION.sub("@user", text)
    text = _RT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()
