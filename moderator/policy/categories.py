"""The policy categories, and what each recommends on its own.

A category is what the school policy cares about (not a model label). ``STEP`` is the rung a
single comment in that category recommends by itself; the per-poster ladder (``workqueue``)
can raise it. ``ROUTE`` says who should see it first.
"""

from __future__ import annotations

from enum import StrEnum

from workqueue.ladder import Step

CATEGORIES: tuple[str, ...] = (
    "abuse",  # insults and abuse of staff, pupils or the school
    "threat",  # threats of violence, veiled or open
    "hate",  # racist, religious, homophobic, transphobic, disablist or anti-Traveller hate
    "defamation",  # an allegation of fact about an identifiable person
    "obscene",  # swearing and grossly obscene language
    "sexual",  # sexual remarks or content
    "privacy",  # home addresses, phone numbers, personal emails, pupils' personal details
    "safeguarding",  # a risk to a child: self-harm, abuse at home, grooming, sharing images
    "complaint",  # criticism of the school or its decisions without abuse
)

#: Categories that make a comment hidden when raised (safeguarding decides case by case,
#: complaint never hides).
HIDING: frozenset[str] = frozenset(
    {"abuse", "threat", "hate", "defamation", "obscene", "sexual", "privacy"}
)

#: Default confidence thresholds per category; a school can override any of them in
#: ``[policy.thresholds]``. Calibrated for the bundled model (``minilm-lora-2``) with
#: ``bench/evaluate.py --calibrate`` on the development set (90 comments) and 1,000 harmless
#: sentences naming a group: one shared value for the harmful categories, the one that hides
#: the most must-hide comments with no complaint hidden, at most 3% of must-stay comments
#: hidden and at most 2% of the identity sentences flagged (0.65: 87.8%, 0%, 0, 1.7%). With the
#: bundled model a word or rule counts only where the model gives its category some support
#: (``policy.VETO_BELOW``); backends without categories (Detoxify, the lexicon alone) need
#: ``policy.PINNED_DISCOUNT`` (0.2) less where there is a word or rule to point at, and rules
#: carry their own confidence (0.7-0.95).
DEFAULT_THRESHOLDS: dict[str, float] = {
    "abuse": 0.65,
    "threat": 0.65,
    "hate": 0.65,
    "defamation": 0.65,
    "obscene": 0.6,
    "sexual": 0.65,
    "privacy": 0.65,
    "safeguarding": 0.65,
    "complaint": 0.5,
}

#: The rung one comment in the category recommends on its own.
STEP: dict[str, Step] = {
    "complaint": Step.REVIEW,
    "safeguarding": Step.REVIEW,
    "obscene": Step.HIDE,
    "privacy": Step.MEETING,
    "abuse": Step.MEETING,
    "sexual": Step.MEETING,
    "defamation": Step.LEGAL,
    "threat": Step.POLICE,
    "hate": Step.POLICE,
}


class Route(StrEnum):
    """Who sees a flag first. Values are stored in the database (``flag.route``)."""

    MODERATORS = "moderators"  #: the moderators' queue
    DSL = "dsl"  #: the Designated Safeguarding Lead: only the safeguarding permission sees it
    COMPLAINTS = "complaints"  #: the complaints procedure: never hidden or escalated


#: Identity statements and innocent words that must never be flagged, whatever the backend:
#: the threshold calibration refuses any setting that flags one, and the tests pin them.
NEVER_FLAG: tuple[str, ...] = (
    "I am a gay Muslim woman",
    "Happy Eid",
    "Black History Month",
    "Proud to be a Traveller family at this school",
    "My son is autistic and loves the new sensory room",
    "We're a Jewish family and the Hanukkah display was lovely",
    "Scunthorpe United away day for the under 12s",
    "Shital did a fab job on the Diwali display",
    "Reading Dickens in Year 6",
    "The choir killed it on stage tonight",
    "Bloody brilliant sports day",
)
