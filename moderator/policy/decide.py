"""The school policy: scores plus rules plus the roster become a decision.

Evidence comes from three places, and the policy weighs them (``docs/judgement.md``):

* **the model's judgement**: a backend trained on school comments (the bundled model) gives a
  probability per policy category, read in context (praise, a question, counter-speech), and
  signals such as ``counter_speech``; a category it gives at least its threshold is raised.
  Backends that only know Detoxify's labels (Detoxify itself, the lexicon alone) have their
  labels mapped to categories instead (insult -> abuse, identity_attack -> hate, ...);
* **words** (the lexicon's spans: swearing, insults, slurs, threat phrases) and **rules**
  (``moderator.policy.rules``: allegations, veiled threats, personal details, safeguarding, complaints)
  that a moderator can point at. With a model that reads context, a word or a rule counts only
  when the model gives its category at least :data:`VETO_BELOW` and the comment is not
  counter-speech (it quotes, reports or condemns the words; the model's ``counter_speech``
  signal): "whoever called Mr Hughes an idiot should be ashamed" points at "idiot" but is not
  abuse. A slur or strong swearing that is not quoted needs no model support at all. Without
  such a model, words and rules count as they are;
* **the roster**: allegation rules and model defamation count only when an identifiable person
  is named (the roster, a title and surname, or a role), which is what makes an allegation
  possibly defamatory; a roster pupil named with personal details is a privacy breach.

Then, in order:

* obscene language aimed at a person or the school is also abuse; a slur is hate as well;
* a sexual remark or grooming that involves children (or names a pupil) is also safeguarding,
  and so is abuse, exposure, a threat or hate aimed at a named pupil (the DSL sees it), and
  counter-speech or a report that quotes abuse of a child ("a man called my son a ...");
* complaint stands only when nothing harmful was raised: criticism is never hidden; when a
  comment reads as a complaint, a harmful category raised by a model alone (no rule match,
  no lexicon span) needs :data:`COMPLAINT_OVERRIDE` to count;
* hide when any hiding category is raised, or safeguarding involves grooming or images of
  children; a plea for help, a disclosure or a report is not hidden, it goes to the DSL;
* the recommended step is the highest rung any raised category recommends; grooming, images of
  children and grossly obscene sexual abuse aimed at a person recommend the police.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from classifiers.base import Scores
from classifiers.normalise import Normalised, normalise
from moderator.policy import categories as cat
from moderator.policy.roster import Roster
from moderator.policy.rules import (
    CHILD_MENTION,
    PERSON_REF,
    PUPIL_DETAILS,
    PUPIL_IN_FORM,
    RULES,
    SAFETY_WORRY,
)
from moderator.policy.school_words import REASON as ON_SCHOOL_LIST
from moderator.policy.school_words import SchoolWords
from moderator.settings.config import SchoolConfig
from workqueue.ladder import Step, highest

#: Model label -> the category it raises, and how strongly it counts (backends without
#: category outputs: Detoxify, the lexicon alone).
_LABEL_CATEGORY: tuple[tuple[str, str, float], ...] = (
    ("insult", "abuse", 1.0),
    ("severe_toxicity", "abuse", 1.0),
    ("toxicity", "abuse", 0.75),
    ("threat", "threat", 1.0),
    ("identity_attack", "hate", 1.0),
    ("obscene", "obscene", 1.0),
    ("sexual_explicit", "sexual", 1.0),
)
_SPAN_CATEGORY = {label: category for label, category, _ in _LABEL_CATEGORY}
_EXPLOITATION = {"grooming", "sharing images of children", "criminal exploitation"}
#: Categories whose words counter-speech quotes ("someone called him a ...").
_QUOTABLE = frozenset({"abuse", "threat", "hate", "obscene", "sexual", "defamation"})


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
#: confidence than a model's score alone, for backends without category outputs.
PINNED_DISCOUNT = 0.2
#: When a comment reads as a complaint, a harmful category that only a model raised (no rule,
#: no lexicon span) must be at least this confident to override it: criticism is not abuse,
#: and a wrongly hidden complaint does more harm than a borderline comment left for review.
COMPLAINT_OVERRIDE = 0.9
#: With a context-reading model, a word or rule counts only if the model gives its category at
#: least this much: the model may veto a match it reads as praise, a question or an idiom.
VETO_BELOW: dict[str, float] = {
    "abuse": 0.15,
    "threat": 0.15,
    "hate": 0.15,
    "defamation": 0.2,
    "obscene": 0.1,
    "sexual": 0.15,
    "privacy": 0.15,
    "safeguarding": 0.15,
    "complaint": 0.2,
}
#: A comment the model reads as counter-speech or a report at least this confidently has its
#: quoted words ignored (the model's own categories still count).
COUNTER_SPEECH = 0.5
#: Lexicon weights at which a word counts with no model support at all, when it is not quoted:
#: slurs (hate), the strongest swear words (obscene).
SELF_EVIDENT = {"hate": 0.8, "obscene": 0.85, "sexual": 0.85}


@dataclass
class _Evidence:
    confidence: dict[str, float] = field(default_factory=dict)
    kinds: dict[str, list[str]] = field(default_factory=dict)
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    #: categories with evidence a person can point at: a rule match or a lexicon span
    pinned: set[str] = field(default_factory=set)
    #: the strongest lexicon weight per category (slurs, swearing)
    lexicon: dict[str, float] = field(default_factory=dict)
    #: harmful words or rule matches left out because the comment quotes or reports them
    quoted: bool = False
    #: categories the school's blocked words list raised
    listed: set[str] = field(default_factory=set)

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


@dataclass(frozen=True)
class _Judge:
    """The model's context judgement, when the backend has one."""

    categories: Mapping[str, float]
    counter_speech: float

    @classmethod
    def of(cls, scores: Scores) -> _Judge | None:
        if not scores.categories:
            return None
        return cls(scores.categories, scores.signals.get("counter_speech", 0.0))

    def quotes(self, category: str) -> bool:
        """Whether words of ``category`` in this comment are quoted or reported, not dealt out."""
        return category in _QUOTABLE and self.counter_speech >= COUNTER_SPEECH

    def allows(self, category: str, *, quoted_words: bool = False) -> bool:
        """Whether a word or rule for ``category`` may count."""
        if quoted_words and self.quotes(category):
            return False
        return self.categories.get(category, 0.0) >= VETO_BELOW.get(category, 0.15)


class Policy:
    """A school's policy: its roster and thresholds. Build once, call :meth:`decide` often."""

    def __init__(
        self,
        roster: Roster,
        thresholds: Mapping[str, float] | None = None,
        floors: Mapping[str, Step] | None = None,
        words: SchoolWords | None = None,
    ) -> None:
        self.roster = roster
        self.words = words or SchoolWords()  #: the school's own blocked and allowed words
        self.school = ""  #: the school's name, printed on evidence
        self.thresholds = {**cat.DEFAULT_THRESHOLDS, **(thresholds or {})}
        self.floors = {**cat.STEP, **(floors or {})}

    @classmethod
    def for_school(cls, config: SchoolConfig, words: SchoolWords | None = None) -> Policy:
        """The policy a school's config describes: roster, thresholds, severity floors, its
        word lists (the config's, and ``words``: those saved in the web interface)."""
        listed = config.words.merged(words) if words else config.words
        policy = cls(Roster(config.people), config.thresholds, config.escalation.floors, listed)
        policy.school = config.name
        return policy

    def decide(self, text: str, scores: Scores) -> Decision:
        evidence = _Evidence()
        normalised = normalise(text)
        scores = self.words.allow(normalised, scores)
        people = self.roster.people(text)
        identifiable = bool(people) or bool(PERSON_REF.search(normalised.text))
        judge = _Judge.of(scores)
        self._from_scores(scores, evidence, identifiable, judge)
        self._from_rules(text, normalised, identifiable, evidence, judge)
        pupils = [person for person in people if person.kind == "pupil"]
        if pupils:  # a roster pupil named with a sensitive detail needs no model to agree
            for match in PUPIL_DETAILS.finditer(text):
                evidence.add("privacy", 0.9, "a pupil's personal details", match.span())
        raised = self._raise(evidence, targeted=identifiable, judge=judge)
        for start, end, category in self.words.blocked_in(normalised):
            evidence.add(category, 1.0, span=(start, end))
            evidence.listed.add(category)
            raised.add(category)
            raised.discard("complaint")  # the school's list says it breaks the policy
        self._safeguard_pupils(raised, evidence, bool(pupils) or bool(PUPIL_IN_FORM.search(text)))
        if evidence.quoted and not raised & cat.HIDING and CHILD_MENTION.search(normalised.text):
            raised.add("safeguarding")  # a report of abuse aimed at a child: the DSL deals with it
            evidence.kinds.setdefault("safeguarding", []).append("abuse of a child reported")
        _give_every_category_a_span(raised, evidence, len(text))
        return self._decision(raised, evidence, [p.name for p in people], targeted=identifiable)

    def _from_scores(
        self, scores: Scores, evidence: _Evidence, identifiable: bool, judge: _Judge | None
    ) -> None:
        if judge is None:
            for label, category, weight in _LABEL_CATEGORY:
                evidence.add(category, weight * scores.labels.get(label, 0.0))
        for category, probability in scores.categories.items():
            if category not in cat.CATEGORIES or (category == "defamation" and not identifiable):
                continue
            evidence.add(category, probability)
        for span in scores.spans:
            mapped = _SPAN_CATEGORY.get(span.label)
            if mapped is None:
                continue
            if judge is not None and not (
                judge.allows(mapped, quoted_words=True)
                or self._self_evident(mapped, span.weight, judge)
            ):
                continue
            evidence.spans.append((span.start, span.end, mapped))
            evidence.pinned.add(mapped)
            evidence.lexicon[mapped] = max(evidence.lexicon.get(mapped, 0.0), span.weight)
            if judge is not None:
                # a word the model does not veto counts for its category as a rule would
                evidence.add(mapped, span.weight)

    @staticmethod
    def _self_evident(category: str, weight: float, judge: _Judge) -> bool:
        """A slur or the strongest swearing counts on its own unless it is quoted."""
        return weight >= SELF_EVIDENT.get(category, 2.0) and judge.counter_speech < COUNTER_SPEECH

    def _from_rules(
        self,
        text: str,
        normalised: Normalised,
        identifiable: bool,
        evidence: _Evidence,
        judge: _Judge | None,
    ) -> None:
        worries = [m.span() for m in SAFETY_WORRY.finditer(normalised.text)]
        for rule in RULES:
            if (
                judge is not None
                and not judge.allows(rule.category, quoted_words=True)
                and not (rule.plain and not judge.quotes(rule.category))
            ):
                if judge.quotes(rule.category) and rule.pattern.search(
                    text if rule.on_original else normalised.text
                ):
                    evidence.quoted = True
                continue
            haystack = text if rule.on_original else normalised.text
            for match in rule.pattern.finditer(haystack):
                if rule.needs_person and not identifiable:
                    continue
                if (
                    rule.category == "threat"
                    and not rule.on_original
                    and _inside(match.span(), worries)
                ):
                    continue  # "before a child gets hurt" is a worry, not a threat
                span = (
                    (match.start(), match.end())
                    if rule.on_original
                    else normalised.span_to_original(match.start(), match.end())
                )
                evidence.add(rule.category, rule.confidence, rule.kind, span)

    def _raise(self, evidence: _Evidence, *, targeted: bool, judge: _Judge | None) -> set[str]:
        discount = PINNED_DISCOUNT if judge is None else 0.0
        raised = {
            c
            for c, v in evidence.confidence.items()
            if v >= self.thresholds[c] - (discount if c in evidence.pinned else 0.0)
        }
        # swearing is words: with no word to point at ("damn", "hell") a context-reading model's
        # obscenity does not count; a backend without one must be sure
        if "obscene" not in evidence.pinned and (
            judge is not None or evidence.confidence.get("obscene", 0.0) < COMPLAINT_OVERRIDE
        ):
            raised.discard("obscene")
        if "complaint" in raised:
            raised -= {c for c in raised & cat.HIDING if evidence.unsure_model_guess(c)}
        if "obscene" in raised and (targeted or evidence.confidence.get("abuse", 0) >= 0.3):
            raised.add("abuse")
        if (
            targeted
            and "hate" in raised
            and evidence.lexicon.get("hate", 0.0) >= SELF_EVIDENT["hate"]
        ):
            raised.add("abuse")  # a slur at a person is abuse as well
        kinds = set(evidence.kinds.get("safeguarding", []))
        if "grooming" in kinds:
            raised.add("sexual")
        if raised & (cat.HIDING - {"obscene"}) or "abuse" in raised:
            raised.discard("complaint")
        return raised

    @staticmethod
    def _safeguard_pupils(raised: set[str], evidence: _Evidence, pupil_named: bool) -> None:
        """Harm aimed at a named pupil (on the roster, or named with a year or form: "Dylan in
        9F") goes to the DSL as well."""
        if not pupil_named:
            return
        if "sexual" in raised:
            raised.add("safeguarding")  # sexual content about a named pupil: the DSL at once
            evidence.kinds.setdefault("safeguarding", []).append("a sexual remark about a pupil")
        elif raised & {"abuse", "privacy", "threat", "hate"}:
            raised.add("safeguarding")
            evidence.kinds.setdefault("safeguarding", []).append("harm aimed at a named pupil")

    def _decision(
        self, raised: set[str], evidence: _Evidence, targets: list[str], *, targeted: bool
    ) -> Decision:
        kinds = evidence.kinds
        exploitation = bool(set(kinds.get("safeguarding", [])) & _EXPLOITATION) or (
            {"safeguarding", "sexual"} <= raised
        )
        hide = bool(raised & cat.HIDING) or ("safeguarding" in raised and exploitation)
        step = highest(self.floors[c] for c in raised)
        if "safeguarding" in raised and exploitation:
            step = Step.POLICE
        if (
            {"sexual", "abuse"} <= raised
            and targeted
            and ("obscene" in raised or evidence.lexicon.get("sexual", 0.0) >= 0.8)
        ):
            step = Step.POLICE  # grossly obscene sexual abuse aimed at a person
            kinds.setdefault("sexual", []).append("grossly obscene")
        ordered = tuple(c for c in cat.CATEGORIES if c in raised)
        return Decision(
            categories=ordered,
            hide=hide,
            step=step,
            reasons=tuple(
                _reason(c, kinds.get(c, []), targets)
                + (f"; {ON_SCHOOL_LIST}" if c in evidence.listed else "")
                for c in ordered
            ),
            spans=tuple(sorted({s for s in evidence.spans if s[2] in raised})),
            route=_route(raised),
            targets=tuple(targets),
            confidence={c: round(evidence.confidence.get(c, 0.0), 4) for c in ordered},
        )


def _inside(span: tuple[int, int], regions: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in regions)


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
        return cat.Route.DSL
    if raised == {"complaint"}:
        return cat.Route.COMPLAINTS
    return cat.Route.MODERATORS if raised else None


def _reason(category: str, kinds: list[str], targets: list[str]) -> str:
    about = f" about {', '.join(targets)}" if targets else ""
    against = f" against {', '.join(targets)}" if targets else ""
    detail = ", ".join(kinds)
    sexual_kind = "grossly obscene sexual abuse" if "grossly obscene" in kinds else "sexual content"
    texts = {
        "abuse": f"abusive or insulting language{about}",
        "threat": f"{'threat of violence' if not kinds or kinds == ['violence'] else detail}{against}",
        "hate": "hateful generalisation or slur about a protected group (race, religion, sexuality, "
        "ethnicity or disability)",
        "defamation": f"allegation of {detail or 'wrongdoing'}{about}, stated as fact: possible defamation",
        "obscene": "obscene or offensive swearing",
        "sexual": f"{sexual_kind}{about}",
        "privacy": f"shares personal details ({detail or 'personal information'})",
        "safeguarding": f"possible risk to a child ({detail or 'concern'}): refer to the Designated "
        "Safeguarding Lead",
        "complaint": "criticism of the school or its decisions: answer through the complaints "
        "procedure, do not hide",
    }
    return texts[category]
