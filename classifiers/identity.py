"""Identity terms, for scoring a comment as if they were not there.

Toxicity models learn that words such as "gay", "Muslim" or "Black" often appear in abuse and
so score them as toxic on their own ("I am a gay Muslim woman"). The bundled classifier
therefore also scores a copy of the comment with these terms replaced by a neutral word, and
lets identity words raise nothing by themselves (see ``classifiers.bundled.classifier``).

Only neutral terms are listed: slurs are abuse in themselves and stay with the lexicon.
"""

from __future__ import annotations

import re

_TERMS = (
    # phrases first, so they are replaced whole
    r"black history month|asylum seekers?|mixed[- ]race|wheelchair users?|down'?s syndrome|"
    # sexuality and gender
    r"gay|gays|lesbians?|bisexuals?|bi|queer|lgbt\w*|trans|transgender|non[- ]?binary|"
    r"homosexuals?|women|woman|girls|men|"
    # religion and festivals
    r"muslims?|islam|islamic|mosques?|jews?|jewish|judaism|synagogues?|christians?|christianity|"
    r"church|hindus?|hinduism|sikhs?|sikhism|buddhists?|catholics?|atheists?|eid|ramadan|diwali|"
    r"hanukkah|vaisakhi|passover|pride|"
    # ethnicity and nationality
    r"black|white|brown|asians?|africans?|caribbean|indians?|pakistanis?|bangladeshis?|chinese|"
    r"polish|poles|romanians?|somalis?|arabs?|irish|scottish|welsh|english|british|mixed[- ]race|"
    r"travellers?|gypsy|gypsies|roma|romany|immigrants?|migrants?|refugees?|asylum seekers?|"
    r"windrush|"
    # disability and health
    r"disabled|disabilit\w*|autistic|autism|deaf|blind|wheelchair users?|down'?s syndrome|"
    r"adhd|dyslexic"
)
IDENTITY = re.compile(rf"\b(?:{_TERMS})\b", re.IGNORECASE)
NEUTRAL = "local"


def has_identity_terms(text: str) -> bool:
    return IDENTITY.search(text) is not None


def neutralise(text: str) -> str:
    """``text`` with every identity term replaced by a neutral word."""
    return IDENTITY.sub(NEUTRAL, text)
