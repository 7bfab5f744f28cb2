"""Sexual remarks, grossly obscene insults and swearing, beside innocent versions."""

from __future__ import annotations

from scripts.corpus import people, words
from scripts.corpus.variant import Context, Variant, cap, family, v


@family("sexual/remark", "sexual", weight=2)
def remark(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    index = r.randrange(len(words.SEXUAL_REMARKS))
    bad = words.SEXUAL_REMARKS[index]
    good = words.SEXUAL_HARMLESS[index % len(words.SEXUAL_HARMLESS)]
    if s.he == "he":
        bad = bad.replace(" her", " him").replace("she'd", "he'd")
        good = good.replace("she'd", "he'd")
    return [
        v("harmful", f"{cap(s.ref)} {bad}", "sexual", unknown=("obscene", "abuse")),
        v("praise", f"{cap(s.ref)} {good}"),
    ]


@family("sexual/gross-insult", "sexual", weight=1.5)
def gross(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    return [
        v(
            "harmful",
            f"{cap(s.ref)} {r.choice(words.GROSS_SEXUAL_INSULTS)}",
            "sexual",
            "abuse",
            "obscene",
        ),
        v("criticism", f"{cap(s.ref)} {r.choice(words.CONDUCT_COMPLAINTS)}", "complaint"),
        v("praise", f"{cap(s.ref)} {r.choice(words.PRAISE_DEEDS)}"),
    ]


@family("obscene/swearing", "obscene", weight=2)
def swearing(ctx: Context) -> list[Variant]:
    r = ctx.rng
    event = r.choice(words.EVENTS)
    _topic, problem = r.choice(words.COMPLAINT_TOPICS)
    return [
        v(
            "harmful",
            f"{cap(event)} was fucking shit, {r.choice(('what a waste of time', 'never again', 'total joke'))}",
            "obscene",
            unknown=("complaint", "abuse"),
        ),
        v(
            "harmful",
            f"{cap(problem)}, fuck this school",
            "obscene",
            "abuse",
            unknown=("complaint",),
        ),
        v(
            "harmful",
            f"sort your shit out {r.choice(('ffs', 'you fucking clowns', 'for fucks sake'))}, {problem}",
            "obscene",
            "abuse",
        ),
        v(
            "idiom",
            f"Bloody brilliant {event}, {r.choice(('well done all', 'the kids loved it', 'so proud'))}",
        ),
        v(
            "criticism",
            f"{cap(problem)}, {r.choice(('bloody ridiculous', 'what a load of rubbish', 'crap organisation', 'sort it out please'))}",
            "complaint",
        ),
        v(
            "praise",
            f"{cap(event)} was {r.choice(('fab', 'brilliant', 'amazing'))}, {r.choice(words.IDIOM_SUCCESS)}",
        ),
    ]
