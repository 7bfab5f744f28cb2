"""The school policy: scores plus rules plus the roster become a decision.

``decide`` applies these conditions, in order:

* a model label above its category threshold raises that category (insult/toxicity -> abuse,
  threat -> threat, identity_attack -> hate, obscene -> obscene, sexual_explicit -> sexual);
  evidence with a word or rule to point at needs :data:`PINNED_DISCOUNT` less;
* so does a backend's own category probability (the bundled model's category head), except
  that defamation needs an identifiable person, as for the rules;
* a rule (``moderator.rules``) raises its category; allegation rules count only when an
  identifiable person is named (the roster, a title and surname, or a role such as "the PE
  teacher"), which is what makes an allegation possibly defamatory;
* a pupil from the roster named together with personal details (health, special needs, care
  or family circumstances, where they live) is a privacy breach;
* obscene language aimed at a person or the school is also abuse;
* a sexual remark or grooming that involves children (or names a pupil) is also safeguarding;
* complaint stands only when nothing harmful was raised: criticism is never hidden; when a
  comment reads as a complaint, a harmful category raised by a model alone (no rule match,
  no lexicon span) needs :data:`COMPLAINT_OVERRIDE` to count;
* hide when any hiding category is raised, or safeguarding involves grooming or images of
  children; a plea for help or a disclosure is not hidden, it goes to the DSL;
* the recommended step is the highest rung any raised category recommends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from classifiers.base import Scores
from classifiers.normalise import Normalised, normalise
from moderator import categories as cat
from moderator.config import SchoolConfig
from moderator.roster import Roster
from moderator.rules import PERSON_REF, PUPIL_DETAILS, RULES
from workqueue.ladder import Step, highest

#: Model label -> the category it raises, and how strongly it counts.
_LABEL_CATEGORY: tuple[tuple[str, str, float], ...] = (
    ("insult", "abuse", 1.0),
    ("severe_toxicity", "abuse", 1.0),
    ("toxicity", "abuse", 0.75),
    ("threat", "threat", 1.0),
    ("identity_attack", "hate", 1.0),
    ("obscene", "obscene", 1.0),
    ("sexual_explicit", "sexual", 1.0),
)
_EXPLOITATION = {"grooming", "sharing images of children"}


@dataclass(frozen=True)
class Decision:
    """What the policy says about one comment (the ``classify`` output, minus scores)."""

    categories: tuple[str, ...]
    hide: bool
    step: Step | None
    reasons: tuple[str, ...]
    spans: tuple[tuple[int, int, str], ...]
    route: str | None
    targets: tuple[str, ...] = field(default_factory=tuple)
    confidence: dict[str, float] = field(default_factory=dict)


#: Evidence a moderator can point at (a lexicon word, a rule match) needs this much less
#: confidence than a model's score alone: the thresholds are calibrated for model scores.
PINNED_DISCOUNT = 0.2
#: When a comment reads as a complaint, a harmful category that only a model raised (no rule,
#: no lexicon span) must be at least this confident to override it: criticism is not abuse,
#: and a wrongly hidden complaint does more harm than a borderline comment left for review.
COMPLAINT_OVERRIDE = 0.9


@dataclass
class _Evidence:
    confidence: dict[str, float] = field(default_factory=dict)
    kinds: dict[str, list[str]] = field(default_factory=dict)
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    #: categories with evidence a person can point at: a rule match or a lexicon span
    pinned: set[str] = field(default_factory=set)

    def unsure_model_guess(self, category: str) -> bool:
        """Raised by a model alone (no word or rule to point at) below COMPLAINT_OVERRIDE."""
        return (
            category not in self.pinned and self.confidence.get(category, 0.0) < COMPLAINT_OVERRIDE
        )

    def add(
        self, category: str, confidence: float, kind: str = "", span: tuple[int, int] | None = None
    ) -> None:
        self.confidence[category] = max(self.confidence.get(category, 0.0), confidence)
        if kind or span:
            self.pinned.add(category)
        if kind and kind not in self.kinds.setdefault(category, []):
            self.kinds[category].append(kind)
        if span and span[1] > span[0]:
            self.spans.append((span[0], span[1], category))


class Policy:
    """A school's policy: its roster and thresholds. Build once, call :meth:`decide` often."""

    def __init__(
        self,
        roster: Roster,
        thresholds: Mapping[str, float] | None = None,
        floors: Mapping[str, Step] | None = None,
    ) -> None:
        self.roster = roster
        self.school = ""  #: the school's name, printed on evidence
        self.thresholds = {**cat.DEFAULT_THRESHOLDS, **(thresholds or {})}
        self.floors = {**cat.STEP, **(floors or {})}

    @classmethod
    def for_school(cls, config: SchoolConfig) -> Policy:
        """The policy a school's config describes: roster, thresholds, severity floors."""
        policy = cls(Roster(config.people), config.thresholds, config.escalation.floors)
        policy.school = config.name
        return policy

    def decide(self, text: str, scores: Scores) -> Decision:
        evidence = _Evidence()
        normalised = normalise(text)
        people = self.roster.people(text)
        identifiable = bool(people) or bool(PERSON_REF.search(normalised.text))
        self._from_scores(scores, evidence, identifiable)
        self._from_rules(text, normalised, identifiable, evidence)
        if any(person.kind == "pupil" for person in people):
            for match in PUPIL_DETAILS.finditer(text):
                evidence.add("privacy", 0.9, "a pupil's personal details", match.span())
        raised = self._raise(evidence, targeted=bool(people) or identifiable)
        if "sexual" in raised and any(person.kind == "pupil" for person in people):
            raised.add("safeguarding")  # sexual content about a named pupil: the DSL at once
            evidence.kinds.setdefault("safeguarding", []).append("a sexual remark about a pupil")
        _give_every_category_a_span(raised, evidence, len(text))
        return self._decision(raised, evidence, [p.name for p in people])

    def _from_scores(self, scores: Scores, evidence: _Evidence, identifiable: bool) -> None:
        for label, category, weight in _LABEL_CATEGORY:
            evidence.add(category, weight * scores.labels.get(label, 0.0))
        for category, probability in scores.categories.items():
            if category not in cat.CATEGORIES or (category == "defamation" and not identifiable):
                continue
            evidence.add(category, probability)
        for span in scores.spans:
            mapped = next((c for lbl, c, _ in _LABEL_CATEGORY if lbl == span.label), None)
            if mapped:
                evidence.spans.append((span.start, span.end, mapped))
                evidence.pinned.add(mapped)

    def _from_rules(
        self, text: str, normalised: Normalised, identifiable: bool, evidence: _Evidence
    ) -> None:
        for rule in RULES:
            haystack = text if rule.on_original else normalised.text
            for match in rule.pattern.finditer(haystack):
                if rule.needs_person and not identifiable:
                    continue
                span = (
                    (match.start(), match.end())
                    if rule.on_original
                    else normalised.span_to_original(match.start(), match.end())
                )
                evidence.add(rule.category, rule.confidence, rule.kind, span)

    def _raise(self, evidence: _Evidence, *, targeted: bool) -> set[str]:
        raised = {
            c
            for c, v in evidence.confidence.items()
            if v >= self.thresholds[c] - (PINNED_DISCOUNT if c in evidence.pinned else 0.0)
        }
        if evidence.unsure_model_guess("obscene"):
            raised.discard("obscene")  # swearing is words: without a word to point at, not sure
        if "complaint" in raised:
            raised -= {c for c in raised & cat.HIDING if evidence.unsure_model_guess(c)}
        if "obscene" in raised and (targeted or evidence.confidence.get("abuse", 0) >= 0.3):
            raised.add("abuse")
        kinds = set(evidence.kinds.get("safeguarding", []))
        if "grooming" in kinds:
            raised.add("sexual")
        if raised & (cat.HIDING - {"obscene"}) or "abuse" in raised:
            raised.discard("complaint")
        return raised

    def _decision(self, raised: set[str], evidence: _Evidence, targets: list[str]) -> Decision:
        kinds = evidence.kinds
        exploitation = bool(set(kinds.get("safeguarding", [])) & _EXPLOITATION)
        hide = bool(raised & cat.HIDING) or ("safeguarding" in raised and exploitation)
        step = highest(self.floors[c] for c in raised)
        if "safeguarding" in raised and exploitation:
            step = Step.POLICE
        ordered = tuple(c for c in cat.CATEGORIES if c in raised)
        return Decision(
            categories=ordered,
            hide=hide,
            step=step,
            reasons=tuple(_reason(c, kinds.get(c, []), targets) for c in ordered),
            spans=tuple(sorted({s for s in evidence.spans if s[2] in raised})),
            route=_route(raised),
            targets=tuple(targets),
            confidence={c: round(evidence.confidence.get(c, 0.0), 4) for c in ordered},
        )


#: Where a category raised by another's evidence borrows its spans from.
_BORROW = {"abuse": ("obscene", "threat", "hate"), "sexual": ("safeguarding",)}


def _give_every_category_a_span(raised: set[str], evidence: _Evidence, length: int) -> None:
    """Every raised category gets at least one span: its own, a related category's (abuse
    raised by aimed swearing points at the swearing), or the whole comment."""
    covered = {span[2] for span in evidence.spans}
    for category in raised - covered:
        borrowed = [
            (start, end, category)
            for start, end, other in evidence.spans
            if other in _BORROW.get(category, ()) and other in raised
        ]
        evidence.spans.extend(borrowed or [(0, length, category)])


def _route(raised: set[str]) -> str | None:
    if "safeguarding" in raised:
        return cat.ROUTE_DSL
    if raised == {"complaint"}:
        return cat.ROUTE_COMPLAINTS
    return cat.ROUTE_MODERATORS if raised else None


def _reason(category: str, kinds: list[str], targets: list[str]) -> str:
    about = f" about {', '.join(targets)}" if targets else ""
    against = f" against {', '.join(targets)}" if targets else ""
    detail = ", ".join(kinds)
    texts = {
        "abuse": f"abusive or insulting language{about}",
        "threat": f"{'threat of violence' if not kinds or kinds == ['violence'] else detail}{against}",
        "hate": "hateful generalisation or slur about a protected group (race, religion, sexuality, "
        "ethnicity or disability)",
        "defamation": f"allegation of {detail or 'wrongdoing'}{about}, stated as fact: possible defamation",
        "obscene": "obscene or offensive swearing",
        "sexual": f"sexual content{about}",
        "privacy": f"shares personal details ({detail or 'personal information'})",
        "safeguarding": f"possible risk to a child ({detail or 'concern'}): refer to the Designated "
        "Safeguarding Lead",
        "complaint": "criticism of the school or its decisions: answer through the complaints "
        "procedure, do not hide",
    }
    return texts[category]
