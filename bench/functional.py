"""Functional tests of the moderator's judgement, in the spirit of CheckList and HateCheck.

    python bench/functional.py [--cases FILE] [--config TOML] [--backend NAME] [--json]
        [--show-failures] [--markdown]

Each case in ``bench/data/functional/cases.jsonl`` is one comment and what the school's policy
(``docs/labelling-guide.md``) expects of it; the cases are grouped into *functionalities*, one
ability each (praise of a named teacher stays up, a veiled threat goes to the police, ...).
The runner decides every case with the classifier and the school's policy
(``bench/data/functional/school.toml``, the fictional Kestrel Vale Academy) and prints one row
per functionality, then totals: all cases, must-hide against must-stay functionalities, and by
section. Comment text is printed only with ``--show-failures``.

The cases were written from the labelling guide, independently of the training data, and are
never tuned to the current model: a low pass rate is a finding, not a bug in the suite.
``bench/functional_cases.py`` regenerates the JSONL from its text lists and the expectations
in :data:`FUNCTIONALITIES`. :data:`CORE` names the functionalities the unit tests run on every
commit.

Expectation keys (all optional; every one given must hold):

* ``hide``: the decision's ``hide`` equals it;
* ``categories_include`` / ``categories_exclude``: every / none of the listed categories raised;
* ``flagged``: ``false`` means no category at all (``true``: at least one);
* ``step``: the recommended step equals it; ``step_at_least``: it is at least this high
  (null < review < hide < meeting < written_warning < legal < police);
* ``route``: who sees it first (``dsl``, ``complaints``, ``moderators``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from classifiers.base import Classifier

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / "data" / "functional"
CASES = DATA / "cases.jsonl"
CONFIG = DATA / "school.toml"

STEP_ORDER: tuple[str | None, ...] = (
    None,
    "review",
    "hide",
    "meeting",
    "written_warning",
    "legal",
    "police",
)
EXPECT_KEYS = frozenset(
    {
        "hide",
        "categories_include",
        "categories_exclude",
        "flagged",
        "step",
        "step_at_least",
        "route",
    }
)
ROUTES = frozenset({"dsl", "complaints", "moderators"})


@dataclass(frozen=True)
class Functionality:
    """One ability the suite measures: what every case in it expects, and why."""

    description: str
    expect: Mapping[str, Any]
    why: str
    section: str
    must_hide: bool  #: the cases should be hidden (else they must stay up)


def _f(
    description: str, expect: Mapping[str, Any], why: str, section: str, must_hide: bool
) -> Functionality:
    return Functionality(description, expect, why, section, must_hide)


_STAY = {"flagged": False}
_POLICE_THREAT = {"hide": True, "categories_include": ["threat"], "step": "police"}
_HIDE_HATE = {"hide": True, "categories_include": ["hate"]}

#: The functionality table: id -> description, expectation, why, section, must hide.
FUNCTIONALITIES: dict[str, Functionality] = {
    "F01_praise_named_staff": _f(
        "praise of named staff (names, titles, roles): 'X is a legend', 'X is the best ...'",
        _STAY,
        "a name followed by 'is a ...' is not abuse; what follows decides",
        "praise and neutral",
        False,
    ),
    "F02_praise_school_events": _f(
        "thanks and praise of the school, events and achievements, incl. 'smashed it'",
        _STAY,
        "praise is nothing to act on; sporting and stage idioms are not violence",
        "praise and neutral",
        False,
    ),
    "F03_praise_named_pupils": _f(
        "praise of named pupils with year groups, scores, grades and places",
        _STAY,
        "a pupil named with praise is not a privacy breach",
        "praise and neutral",
        False,
    ),
    "F04_questions_info": _f(
        "questions and information requests (dates, kit, clubs), incl. about staff",
        _STAY,
        "a question is not an allegation or a complaint",
        "praise and neutral",
        False,
    ),
    "F05_mild_swearing_friendly": _f(
        "mild swearing in friendly comments ('bloody brilliant')",
        _STAY,
        "'bloody', 'crap', 'damn' are not obscene; the comment is friendly",
        "praise and neutral",
        False,
    ),
    "F06_violent_idioms": _f(
        "violent idioms and hyperbole that are not threats ('I could kill for a coffee')",
        _STAY,
        "idioms are not threats; nobody is at risk",
        "praise and neutral",
        False,
    ),
    "F07_complaint_strong_words": _f(
        "complaints with strong words but no abuse ('disgraceful decision', 'shambles')",
        {"hide": False, "categories_include": ["complaint"]},
        "criticism is never hidden, however strongly felt",
        "complaints",
        False,
    ),
    "F08_complaint_staff_conduct": _f(
        "complaints about a named member of staff's conduct, without abuse or allegations",
        {
            "hide": False,
            "categories_include": ["complaint"],
            "categories_exclude": ["abuse", "defamation"],
        },
        "criticism of a member of staff's conduct is a complaint, answered not hidden",
        "complaints",
        False,
    ),
    "F09_sarcasm_decision": _f(
        "sarcasm aimed at a decision ('Oh brilliant, another inset day')",
        {"hide": False, "categories_include": ["complaint"]},
        "sarcasm at a decision is a complaint (guide, hard cases)",
        "complaints",
        False,
    ),
    "F10_safety_worry": _f(
        "safety worries that are not threats ('before a child gets hurt')",
        {"hide": False, "categories_exclude": ["threat"]},
        "worry about safety is not a threat",
        "complaints",
        False,
    ),
    "F11_insult_named_staff": _f(
        "direct insults at named staff",
        {"hide": True, "categories_include": ["abuse"]},
        "name-calling of staff is abuse",
        "abuse",
        True,
    ),
    "F12_insult_evasive_spelling": _f(
        "insults with evasive spellings (b!tch, f*cking, sh1t, spaced letters, leetspeak)",
        {"hide": True, "categories_include": ["abuse"]},
        "disguising a word does not change what it says",
        "abuse",
        True,
    ),
    "F13_sarcasm_dignity": _f(
        "sarcasm aimed at a person's dignity ('genius move, all three brain cells')",
        {"hide": True, "categories_include": ["abuse"]},
        "sarcasm at a person's dignity is abuse (guide, hard cases)",
        "abuse",
        True,
    ),
    "F14_complaint_with_abuse": _f(
        "a complaint that also insults a person",
        {"hide": True, "categories_include": ["abuse"], "categories_exclude": ["complaint"]},
        "the complaint part does not save abuse; complaint is dropped (guide, hard cases)",
        "abuse",
        True,
    ),
    "F15_obscene_swearing": _f(
        "strong swearing about the school or its decisions ('fucking ridiculous')",
        {"hide": True, "categories_include": ["obscene"]},
        "strong swearing is obscene and hidden; only mild words are not",
        "abuse",
        True,
    ),
    "F16_abuse_named_pupil": _f(
        "abuse of a named pupil",
        {"hide": True, "categories_include": ["abuse"], "route": "dsl"},
        "abuse of a named pupil is abuse + safeguarding: hidden and the DSL is told",
        "abuse",
        True,
    ),
    "F17_threat_direct": _f(
        "direct threats of violence against staff",
        _POLICE_THREAT,
        "a threat of violence recommends the police",
        "threats",
        True,
    ),
    "F18_threat_conditional": _f(
        "conditional threats ('if she ... again I'll ...')",
        _POLICE_THREAT,
        "a condition does not make a threat less of a threat",
        "threats",
        True,
    ),
    "F19_threat_veiled": _f(
        "veiled threats ('I know where she parks', 'watch your back')",
        _POLICE_THREAT,
        "veiled threats are threats; the guide names them",
        "threats",
        True,
    ),
    "F20_wish_harm": _f(
        "wishing serious harm or death, urging suicide",
        _POLICE_THREAT,
        "wishing serious harm and urging someone to kill themselves are threats",
        "threats",
        True,
    ),
    "F21_slur_people_groups": _f(
        "slurs used against people or groups (race, religion, sexuality, disability)",
        {"hide": True, "categories_include": ["hate"], "step": "police"},
        "a slur against a protected group is hate: hidden, police",
        "hate",
        True,
    ),
    "F22_slur_at_staff": _f(
        "a racist, homophobic or other slur aimed at a member of staff",
        {"hide": True, "categories_include": ["hate"], "step": "police"},
        "hate aimed at a member of staff is hate (+ abuse), police",
        "hate",
        True,
    ),
    "F23_implicit_hate": _f(
        "negative generalisations about protected groups, no slur or swearing",
        _HIDE_HATE,
        "implicit hate ('they breed like rabbits', 'they don't integrate') is hate",
        "hate",
        True,
    ),
    "F24_hate_question_opinion": _f(
        "hate phrased as a question or an opinion ('why do we let them in?')",
        _HIDE_HATE,
        "'just asking' or 'in my opinion' does not change what is said about a group",
        "hate",
        True,
    ),
    "F25_negated_positive_hate": _f(
        "hate expressed by negating a positive ('immigrants are not welcome here')",
        _HIDE_HATE,
        "a negated positive statement about a group is an exclusion",
        "hate",
        True,
    ),
    "F26_negated_hate": _f(
        "negated hate ('I'd never say immigrants are a problem')",
        _STAY,
        "denying a hateful claim is not hate (guide, negation)",
        "hate",
        False,
    ),
    "F27_identity_statements": _f(
        "positive or neutral identity statements ('Joe is a kind Japanese man')",
        _STAY,
        "naming a group or an identity is not an attack on it",
        "hate",
        False,
    ),
    "F28_reclaimed_in_group": _f(
        "reclaimed words used by the group itself ('as a queer dad ...')",
        _STAY,
        "reclaimed words by the group itself are not slurs unless aimed as an insult",
        "hate",
        False,
    ),
    "F29_counter_speech_quote": _f(
        "counter-speech quoting hate or abuse in order to condemn it",
        {"hide": False, "categories_exclude": ["hate", "abuse"]},
        "quoting abuse to condemn it is counter-speech, not abuse",
        "counter-speech and reports",
        False,
    ),
    "F30_counter_speech_reference": _f(
        "counter-speech referring to hate without quoting it",
        {"hide": False, "categories_exclude": ["hate"]},
        "condemning hate is not hate",
        "counter-speech and reports",
        False,
    ),
    "F31_report_abuse_adult": _f(
        "reports to the school of abuse of an adult ('someone called Mrs X a ...')",
        {"hide": False, "categories_exclude": ["hate", "abuse"]},
        "a report of abuse is not abuse; it is not hidden",
        "counter-speech and reports",
        False,
    ),
    "F32_report_abuse_child": _f(
        "reports to the school of abuse of a child",
        {"hide": False, "route": "dsl"},
        "a report that a child is abused is safeguarding: not hidden, the DSL deals with it",
        "counter-speech and reports",
        False,
    ),
    "F33_defamation_stated_fact": _f(
        "allegations of wrongdoing stated as fact about identifiable staff",
        {"hide": True, "categories_include": ["defamation"], "step_at_least": "legal"},
        "an allegation stated as fact about an identifiable person is possible defamation",
        "defamation",
        True,
    ),
    "F34_defamation_hearsay": _f(
        "allegations spread as rumour or 'is it true ...?' about identifiable staff",
        {"hide": True, "categories_include": ["defamation"]},
        "'I heard Mr X was drunk, is that true?' still spreads the allegation (guide)",
        "defamation",
        True,
    ),
    "F35_opinion_not_allegation": _f(
        "opinions about staff that are not allegations ('I don't think Mr X is good')",
        {"hide": False, "categories_exclude": ["defamation"]},
        "an opinion is not an allegation of fact",
        "defamation",
        False,
    ),
    "F36_question_not_allegation": _f(
        "questions about staff that carry no allegation ('Is Mr X leaving?')",
        {"hide": False, "categories_exclude": ["defamation"]},
        "a question that alleges nothing is not defamation",
        "defamation",
        False,
    ),
    "F37_privacy_pupil": _f(
        "pupils' personal details: address, health, SEN, family circumstances, exposure",
        {"hide": True, "categories_include": ["privacy"], "route": "dsl"},
        "a named pupil's private details are privacy + safeguarding",
        "privacy",
        True,
    ),
    "F38_privacy_staff": _f(
        "staff personal details: home address, personal phone or e-mail, where found",
        {"hide": True, "categories_include": ["privacy"]},
        "publishing where a member of staff lives or can be reached privately is privacy",
        "privacy",
        True,
    ),
    "F39_not_privacy_results_contacts": _f(
        "year groups, scores and results, the school's own contact details",
        {"hide": False, "categories_exclude": ["privacy"]},
        "results and the school's own details are not personal data to hide",
        "privacy",
        False,
    ),
    "F40_safeguarding_disclosure": _f(
        "safeguarding disclosures by or about a child (self-harm, abuse at home)",
        {"hide": False, "categories_include": ["safeguarding"], "route": "dsl"},
        "a disclosure is not hidden; the DSL sees it first",
        "safeguarding and sexual",
        False,
    ),
    "F41_grooming_images": _f(
        "grooming and sharing images of children",
        {"hide": True, "categories_include": ["safeguarding"], "route": "dsl", "step": "police"},
        "grooming and images of children are hidden, go to the DSL and the police",
        "safeguarding and sexual",
        True,
    ),
    "F42_sexual_remark_staff": _f(
        "sexual remarks about staff",
        {"hide": True, "categories_include": ["sexual"]},
        "sexual remarks about a person are hidden",
        "safeguarding and sexual",
        True,
    ),
    "F43_sexual_obscene_insult": _f(
        "grossly obscene sexual insults aimed at a person",
        {"hide": True, "categories_include": ["sexual"], "step": "police"},
        "grossly obscene sexual insults at a person carry the police floor",
        "safeguarding and sexual",
        True,
    ),
}

#: Functionalities the unit tests run on every commit: their cases are unambiguous.
CORE: frozenset[str] = frozenset(
    {
        "F01_praise_named_staff",
        "F07_complaint_strong_words",
        "F17_threat_direct",
        "F27_identity_statements",
    }
)


class DecisionLike(Protocol):
    """What :func:`check` reads of a decision (``moderator.policy.decide.Decision`` has it all)."""

    @property
    def categories(self) -> tuple[str, ...]: ...
    @property
    def hide(self) -> bool: ...
    @property
    def step(self) -> Any: ...
    @property
    def route(self) -> str | None: ...


@dataclass(frozen=True)
class Case:
    """One comment and what the policy should do with it."""

    functionality: str
    text: str
    expect: Mapping[str, Any]
    line: int = 0  #: where it was read, for messages


def validate_expect(expect: Mapping[str, Any], where: str) -> None:
    """Raise ``ValueError`` naming ``where`` when an expectation is malformed."""
    from moderator.policy.categories import CATEGORIES

    unknown = set(expect) - EXPECT_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown expectation keys {sorted(unknown)}")
    for key in ("hide", "flagged"):
        if key in expect and not isinstance(expect[key], bool):
            raise ValueError(f"{where}: {key!r} must be true or false")
    for key in ("categories_include", "categories_exclude"):
        bad = [c for c in expect.get(key, []) if c not in CATEGORIES]
        if not isinstance(expect.get(key, []), list) or bad:
            raise ValueError(f"{where}: {key!r} must list categories; unknown {bad}")
    for key in ("step", "step_at_least"):
        if key in expect and expect[key] not in STEP_ORDER:
            raise ValueError(f"{where}: {key!r} must be one of {STEP_ORDER}")
    if "route" in expect and expect["route"] not in ROUTES:
        raise ValueError(f"{where}: 'route' must be one of {sorted(ROUTES)}")


def load_cases(path: Path | str | None = None) -> list[Case]:
    """The cases in ``path`` (default the bundled suite), validated."""
    path = Path(path) if path is not None else CASES
    cases: list[Case] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}: line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where}: invalid JSON: {exc}") from exc
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise ValueError(f"{where}: expected an object with a 'text' string")
        functionality = row.get("functionality")
        if functionality not in FUNCTIONALITIES:
            raise ValueError(f"{where}: unknown functionality {functionality!r}")
        expect = row.get("expect", {})
        if not isinstance(expect, dict) or not expect:
            raise ValueError(f"{where}: 'expect' must be a non-empty object")
        validate_expect(expect, where)
        cases.append(Case(functionality, row["text"], expect, number))
    return cases


def _step_value(step: Any) -> str | None:
    return None if step is None else str(getattr(step, "value", step))


def failures(case: Case, decision: DecisionLike) -> list[str]:
    """The expectations of ``case`` that ``decision`` breaks (empty: it passes)."""
    expect = case.expect
    got = set(decision.categories)
    step = _step_value(decision.step)
    failed: list[str] = []
    if "hide" in expect and decision.hide != expect["hide"]:
        failed.append(f"hide={expect['hide']}")
    missing = [c for c in expect.get("categories_include", []) if c not in got]
    if missing:
        failed.append(f"categories_include={missing}")
    extra = [c for c in expect.get("categories_exclude", []) if c in got]
    if extra:
        failed.append(f"categories_exclude={extra}")
    if "flagged" in expect and bool(got) != expect["flagged"]:
        failed.append(f"flagged={expect['flagged']}")
    if "step" in expect and step != expect["step"]:
        failed.append(f"step={expect['step']}")
    if "step_at_least" in expect and STEP_ORDER.index(step) < STEP_ORDER.index(
        expect["step_at_least"]
    ):
        failed.append(f"step_at_least={expect['step_at_least']}")
    if "route" in expect and decision.route != expect["route"]:
        failed.append(f"route={expect['route']}")
    return failed


def check(case: Case, decision: DecisionLike) -> bool:
    """Whether ``decision`` meets every expectation of ``case``."""
    return not failures(case, decision)


def decide(
    cases: Sequence[Case],
    config: Path | str | None = None,
    backend: str = "bundled",
    classifier: Classifier | None = None,
) -> list[DecisionLike]:
    """Decide every case with ``classifier`` (default: ``backend`` as configured) and the
    school's policy (default: the suite's)."""
    from classifiers import registry
    from moderator.policy.decide import Policy
    from moderator.settings import config as config_mod

    cfg = config_mod.load(Path(config) if config is not None else CONFIG)
    if classifier is None:
        classifier = registry.build(backend, device=cfg.classifier.device)
    policy = Policy.for_school(cfg)
    texts = [case.text for case in cases]
    batch = max(1, cfg.classifier.batch_size)
    scores = [
        s for i in range(0, len(texts), batch) for s in classifier.score(texts[i : i + batch])
    ]
    return [policy.decide(text, score) for text, score in zip(texts, scores, strict=True)]


def _rate(passed: int, total: int) -> float:
    return round(passed / total, 4) if total else 0.0


def summarise(cases: Sequence[Case], decisions: Sequence[DecisionLike]) -> dict[str, Any]:
    """Per-functionality rows and totals; no comment text."""
    rows: dict[str, dict[str, Any]] = {}
    for case, decision in zip(cases, decisions, strict=True):
        spec = FUNCTIONALITIES[case.functionality]
        row = rows.setdefault(
            case.functionality,
            {
                "id": case.functionality,
                "description": spec.description,
                "section": spec.section,
                "must_hide": spec.must_hide,
                "core": case.functionality in CORE,
                "cases": 0,
                "passed": 0,
            },
        )
        row["cases"] += 1
        row["passed"] += check(case, decision)
    ordered = [rows[f] for f in FUNCTIONALITIES if f in rows]
    for row in ordered:
        row["pass_rate"] = _rate(row["passed"], row["cases"])

    def total(selected: Iterable[dict[str, Any]]) -> dict[str, Any]:
        chosen = list(selected)
        n = sum(r["cases"] for r in chosen)
        passed = sum(r["passed"] for r in chosen)
        return {
            "functionalities": len(chosen),
            "cases": n,
            "passed": passed,
            "pass_rate": _rate(passed, n),
            "mean_functionality_pass_rate": round(
                sum(r["pass_rate"] for r in chosen) / len(chosen), 4
            )
            if chosen
            else 0.0,
        }

    sections = dict.fromkeys(spec.section for spec in FUNCTIONALITIES.values())
    return {
        "functionalities": ordered,
        "totals": {
            "all": total(ordered),
            "must_hide": total(r for r in ordered if r["must_hide"]),
            "must_stay": total(r for r in ordered if not r["must_hide"]),
            "core": total(r for r in ordered if r["core"]),
        },
        "sections": {s: total(r for r in ordered if r["section"] == s) for s in sections},
    }


def markdown_table() -> str:
    """The functionality table for the README."""
    lines = [
        "| id | description | expectation | why | core |",
        "|---|---|---|---|---|",
    ]
    for fid, spec in FUNCTIONALITIES.items():
        expect = json.dumps(dict(spec.expect), separators=(", ", ": ")).replace("|", "\\|")
        core = "yes" if fid in CORE else ""
        lines.append(f"| `{fid}` | {spec.description} | `{expect}` | {spec.why} | {core} |")
    return "\n".join(lines)


def _print_report(summary: dict[str, Any]) -> None:
    print(f"{'functionality':<34} {'cases':>5} {'passed':>6} {'rate':>6}  description")
    for row in summary["functionalities"]:
        mark = "*" if row["core"] else " "
        print(
            f"{row['id']:<33}{mark} {row['cases']:>5} {row['passed']:>6} "
            f"{row['pass_rate']:>6.1%}  {row['description']}"
        )
    print("\n(* core: run by the unit tests on every commit)\n")
    print(f"{'totals':<34} {'cases':>5} {'passed':>6} {'rate':>6}  mean per functionality")
    groups = [*summary["totals"].items(), *summary["sections"].items()]
    for name, t in groups:
        print(
            f"{name:<34} {t['cases']:>5} {t['passed']:>6} {t['pass_rate']:>6.1%}  "
            f"{t['mean_functionality_pass_rate']:.1%} of {t['functionalities']}"
        )


def _print_failures(cases: Sequence[Case], decisions: Sequence[DecisionLike]) -> None:
    for case, decision in zip(cases, decisions, strict=True):
        failed = failures(case, decision)
        if failed:
            step = _step_value(decision.step)
            print(
                f"FAIL {case.functionality} line {case.line}: expected {', '.join(failed)}; got "
                f"categories={list(decision.categories)} hide={decision.hide} step={step} "
                f"route={decision.route}\n    {case.text}",
                file=sys.stderr,
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=Path, default=CASES, help="cases JSONL")
    parser.add_argument("--config", type=Path, default=CONFIG, help="school TOML (roster)")
    parser.add_argument("--backend", default="bundled", help="classifier backend")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--show-failures", action="store_true", help="print failing cases (with text) to stderr"
    )
    parser.add_argument("--markdown", action="store_true", help="print the functionality table")
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown_table())
        return 0
    cases = load_cases(args.cases)
    decisions = decide(cases, args.config, args.backend)
    summary = summarise(cases, decisions)
    if args.show_failures:
        _print_failures(cases, decisions)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        _print_report(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
