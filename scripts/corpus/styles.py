"""Registers: the same comment as people actually type it.

A style rewrites the words around the meaning (never the labels): txt-speak, British slang,
shouting, a formal note, a long rant that buries the comment in the middle. One style is
kept out of training altogether for the blind split (``build.BLIND_STYLE``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

Style = Callable[[str, random.Random], str]

_TXT = (
    (r"\byou\b", "u"),
    (r"\byour\b", "ur"),
    (r"\byou're\b", "ur"),
    (r"\bare\b", "r"),
    (r"\bbecause\b", "cos"),
    (r"\bplease\b", "pls"),
    (r"\bthanks\b", "thx"),
    (r"\bto\b", "2"),
    (r"\btonight\b", "2nite"),
    (r"\bthough\b", "tho"),
    (r"\bsomeone\b", "some1"),
    (r"\bgoing to\b", "gonna"),
    (r"\bwant to\b", "wanna"),
    (r"\bI'm\b", "im"),
    (r"\bdon't\b", "dont"),
    (r"\bcan't\b", "cant"),
    (r"\bshould\b", "shud"),
    (r"\bpeople\b", "ppl"),
    (r"\bwith\b", "wiv"),
    (r"\bthe\b", "da"),
    (r"\bwhat\b", "wot"),
    (r"\bknow\b", "no"),
)
_EMOJI_END = ("", "", "", " x", " !!", " lol", " tbh", " 😂", " xx")


def plain(text: str, rng: random.Random) -> str:
    return text


def txt(text: str, rng: random.Random) -> str:
    """Lower case, txt-speak swaps (each with some chance), little punctuation, an emoji."""
    out = text.lower()
    for pattern, replacement in _TXT:
        if rng.random() < 0.6:
            out = re.sub(pattern, replacement, out)
    out = re.sub(r"[.,;:](?=\s|$)", "" if rng.random() < 0.7 else " ", out)
    out = re.sub(r"'", "" if rng.random() < 0.5 else "'", out)
    return out.strip() + rng.choice(_EMOJI_END)


_SLANG_LEADS = (
    "Honestly ",
    "Not gonna lie ",
    "Mate, ",
    "Tbf ",
    "Listen, ",
    "Swear down ",
    "Our kid says ",
    "Right, ",
    "Ngl ",
    "Oi, ",
)
_SLANG_TAILS = (
    " innit",
    " mate",
    " tbh",
    " like",
    " fr",
    " to be fair",
    " end of",
    " and that",
    " no joke",
    " init",
)


def slang(text: str, rng: random.Random) -> str:
    """British slang around the comment: a lead-in, a tag, "well"/"proper" for "very"."""
    out = re.sub(
        r"\b(?:very|really|so)\b", lambda _: rng.choice(("well", "proper", "dead", "bare")), text
    )
    if rng.random() < 0.6:
        out = rng.choice(_SLANG_LEADS) + out[:1].lower() + out[1:]
    if rng.random() < 0.6:
        out = out.rstrip(".!?") + rng.choice(_SLANG_TAILS)
    return out


def shout(text: str, rng: random.Random) -> str:
    """Capitals (all of it or the back half) and exclamation marks."""
    if rng.random() < 0.5:
        out = text.upper()
    else:
        words = text.split()
        half = len(words) // 2
        out = " ".join(words[:half] + [w.upper() for w in words[half:]])
    return out.rstrip(".!?") + rng.choice(("!!!", "!!", "!!!!!", "!?!", "!!! 😡"))


_FORMAL_OPEN = (
    "Dear Governors, ",
    "To whom it may concern, ",
    "I write as a parent of two children at the school. ",
    "With respect, ",
    "I feel I must comment. ",
    "As a grandparent of a pupil, ",
)
_FORMAL_CLOSE = (
    " Yours faithfully.",
    " I await a response.",
    " Kind regards.",
    " I trust this will be addressed.",
    " Thank you for reading.",
    "",
)


def formal(text: str, rng: random.Random) -> str:
    """A letter's opening and closing around the comment, in full sentences."""
    body = text.rstrip(".!? ") + "."
    return rng.choice(_FORMAL_OPEN) + body[:1].upper() + body[1:] + rng.choice(_FORMAL_CLOSE)


_RANT_BEFORE = (
    "I've had three kids go through this school and never posted on here before.",
    "Right I'm just going to say it because nobody else will.",
    "We moved here for the school and I was so excited at first.",
    "Had a long chat with the other mums at pick up today.",
    "I know a lot of people will disagree with me but here goes.",
    "So the trip letter came home last night, two days before the deposit is due.",
    "My daughter came home upset again today.",
)
_RANT_AFTER = (
    "Anyway rant over, hope everyone has a good half term.",
    "I'm sure the Christmas fair will be lovely as always.",
    "Not sure what else to say really.",
    "Sorry for the long post.",
    "The new playground does look good though.",
    "Let's see if anyone from the school actually reads this.",
    "Other parents please share if you agree.",
)


def rant(text: str, rng: random.Random) -> str:
    """The comment buried in a long post: civil sentences before and after it."""
    before = " ".join(rng.sample(_RANT_BEFORE, rng.randint(1, 3)))
    after = " ".join(rng.sample(_RANT_AFTER, rng.randint(1, 2)))
    body = text.rstrip(" ") + ("" if text.rstrip()[-1:] in ".!?" else ".")
    return f"{before} {body} {after}"


_LEET = {
    "a": ("4", "@", "*"),
    "e": ("3", "*"),
    "i": ("1", "!", "*"),
    "o": ("0", "*"),
    "s": ("$", "5"),
}


def leet(text: str, rng: random.Random) -> str:
    """Evasive spelling of a word or two (``sc*m``, ``1mmigrants``, ``m u s l i m s``), as
    people dodge word filters; harmless comments get it too, so spelling is no signal."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    for index in rng.sample(candidates, min(len(candidates), rng.randint(1, 2))):
        word = words[index]
        if rng.random() < 0.2:
            words[index] = " ".join(word)
            continue
        positions = [i for i, c in enumerate(word) if c.lower() in _LEET]
        if positions:
            at = rng.choice(positions)
            word = word[:at] + rng.choice(_LEET[word[at].lower()]) + word[at + 1 :]
        words[index] = word
    return " ".join(words)


STYLES: dict[str, Style] = {
    "plain": plain,
    "txt": txt,
    "slang": slang,
    "shout": shout,
    "formal": formal,
    "rant": rant,
    "leet": leet,
}
