"""Allegations stated as fact about identifiable people, beside the same frame as praise,
opinion, a question or a concern raised properly."""

from __future__ import annotations

from scripts.corpus import people, words
from scripts.corpus.variant import Context, Variant, cap, family, v


def _staff(ctx: Context) -> people.Person:
    return people.staff(ctx.rng, ctx.staff)


def _fit(text: str, person: people.Person) -> str:
    """Make the allegation's pronouns agree with the person."""
    if person.he == "he":
        return text.replace(" her ", " his ").replace("herself", "himself")
    return text.replace(" his ", " her ").replace("himself", "herself")


@family("defamation/stated", "defamation", weight=4)
def stated(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    alleged, innocent = r.choice(words.ALLEGATIONS)
    alleged, innocent = _fit(alleged, s), _fit(innocent, s)
    lead = r.choice(
        (
            "",
            "Everyone knows ",
            "Fact: ",
            "Just so you all know, ",
            "I can tell you that ",
            "Parents should know ",
        )
    )
    return [
        v(
            "harmful",
            f"{lead}{s.ref} {alleged}" if lead else f"{cap(s.ref)} {alleged}",
            "defamation",
        ),
        v("praise", f"{lead}{s.ref} {innocent}" if lead else f"{cap(s.ref)} {innocent}"),
        v(
            "criticism",
            f"{r.choice(('I think', 'In my opinion', 'I feel', 'Personally I think'))} {s.ref} {r.choice(words.OPINIONS)}",
            "complaint",
        ),
        v("question", f"Is {s.ref} {r.choice(words.NEUTRAL_QUESTIONS)}?"),
        v(
            "report",
            f"I have raised a concern about {s.ref} with the governors through the proper channels and I'm waiting to hear back",
            "complaint",
        ),
    ]


@family("defamation/hearsay", "defamation", weight=1.5)
def hearsay(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    alleged, _ = r.choice(words.ALLEGATIONS)
    alleged = _fit(alleged, s)
    return [
        v("harmful", f"I heard {s.ref} {alleged}, is that true?", "defamation"),
        v("harmful", f"Apparently {s.ref} {alleged}. Not surprised.", "defamation"),
        v("question", f"I heard {s.ref} is {r.choice(words.NEUTRAL_QUESTIONS)}, is that true?"),
        v("neutral", f"Apparently {s.ref} is {r.choice(words.NEUTRAL_QUESTIONS)}. Good news."),
    ]


@family("defamation/money", "defamation", weight=2)
def money(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    fund = r.choice(
        (
            "PTA money",
            "trip money",
            "summer fair takings",
            "uniform fund",
            "Christmas raffle money",
            "sports premium",
        )
    )
    bad = r.choice(
        (
            "helping herself to the",
            "pocketing the",
            "fiddling the",
            "stealing the",
            "skimming off the",
        )
    )
    good = r.choice(
        (
            "counting the",
            "organising the",
            "looking after the",
            "publishing the accounts for the",
            "banking the",
        )
    )
    bad, good = _fit(" " + bad + " ", s).strip(), _fit(" " + good + " ", s).strip()
    return [
        v("harmful", f"{cap(s.ref)} has been {bad} {fund} for years", "defamation"),
        v("praise", f"{cap(s.ref)} has been {good} {fund} for years, thank you"),
        v("question", f"When will we see the accounts for the {fund}?"),
        v(
            "criticism",
            f"Parents deserve to know how the {fund} is spent, it's not clear at all",
            "complaint",
        ),
        v("harmful", f"Ask where the {fund} actually went. {cap(s.ref)} knows.", "defamation"),
    ]


@family("defamation/hurt-child", "defamation", weight=2)
def hurt_child(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    kid = r.choice(
        (
            "my son",
            "my daughter",
            "our lad",
            "a boy in Year 3",
            "my little girl",
            "a reception child",
        )
    )
    hurt = r.choice(("hit", "slapped", "grabbed", "dragged", "shoved", "kicked", "shook"))
    helped = r.choice(
        ("helped", "comforted", "praised", "walked", "looked after", "calmed down", "sat with")
    )
    return [
        v(
            "harmful",
            f"{cap(s.ref)} {hurt} {kid} {r.choice(('in the corridor', 'at lunch', 'in class', 'on the field'))}",
            "defamation",
        ),
        v(
            "praise",
            f"{cap(s.ref)} {helped} {kid} {r.choice(('in the corridor', 'at lunch', 'in class', 'on the field'))}",
        ),
        v(
            "criticism",
            f"{cap(s.ref)} raised {s.his} voice at {kid} and I'm not happy about it, I want a meeting",
            "complaint",
        ),
        v(
            "question",
            f"Why was {kid} kept in at lunch by {s.ref}? Nobody has explained",
            "complaint",
        ),
    ]


@family("defamation/misconduct", "defamation", weight=1.5)
def misconduct(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    return [
        v(
            "harmful",
            f"{cap(s.ref)} {r.choice(('lied to Ofsted', 'covered up the bullying', 'hushed up the incident on the trip', 'fixed the exam results', 'was suspended for fiddling the registers'))}",
            "defamation",
        ),
        v(
            "neutral",
            f"{cap(s.ref)} {r.choice(('spoke to Ofsted', 'dealt with the bullying', 'wrote to us about the incident on the trip', 'explained the exam results', 'took the registers'))}",
        ),
        v(
            "criticism",
            f"I don't think {s.ref} {r.choice(('was open enough with parents about the inspection', 'handled the bullying well', 'told us enough about the trip'))}",
            "complaint",
        ),
    ]


@family("defamation/drink-drugs", "defamation", weight=1.5)
def drink(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    return [
        v(
            "harmful",
            _fit(
                f"{cap(s.ref)} {r.choice(('is always hungover', 'stinks of booze at drop off', 'was off her face at the disco ', 'is a cokehead', 'drinks in the staff room'))}",
                s,
            ).strip(),
            "defamation",
        ),
        v(
            "neutral",
            f"{cap(s.ref)} {r.choice(('is always cheerful', 'smells of coffee at drop off', 'was dancing at the disco', 'is a fitness fanatic', 'eats in the staff room'))}",
        ),
        v(
            "question",
            f"Was {s.ref} at the disco? {r.choice(('My daughter said she was', 'Just wondering', 'Did she do the raffle'))}",
        ),
    ]
