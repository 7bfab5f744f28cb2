"""Risks to children: disclosures, reports of a child hurt, grooming and images, beside the
same frames made harmless."""

from __future__ import annotations

from scripts.corpus import people, words
from scripts.corpus.variant import Context, Variant, family, v


@family("safeguarding/disclosure", "safeguarding", weight=2.5)
def disclosure(ctx: Context) -> list[Variant]:
    r = ctx.rng
    index = r.randrange(len(words.DISCLOSURES))
    lead = r.choice(
        (
            "",
            "sorry to put this here but ",
            "idk who else to tell but ",
            "please dont tell my mum but ",
        )
    )
    return [
        v("disclosure", f"{lead}{words.DISCLOSURES[index]}", "safeguarding", hide=False),
        v("neutral", f"{lead}{words.DISCLOSURE_HARMLESS[index]}"),
        v(
            "disclosure",
            f"{words.DISCLOSURES[r.randrange(len(words.DISCLOSURES))]} {r.choice(('can someone help', 'please', 'i cant do this', ''))}".strip(),
            "safeguarding",
            hide=False,
        ),
    ]


@family("safeguarding/child-hurt", "safeguarding", weight=2)
def child_hurt(ctx: Context) -> list[Variant]:
    r = ctx.rng
    p = people.pupil(r, ctx.pupils) if r.random() < 0.5 else None
    who, he = (
        (p.ref, p.he)
        if p
        else r.choice(
            (
                ("a boy in my son's class", "he"),
                ("a girl in Year 4", "she"),
                ("one of the reception kids", "he"),
                ("my neighbour's lad", "he"),
                ("the little girl next door", "she"),
            )
        )
    )
    index = r.randrange(len(words.CHILD_HURT_REPORTS))
    bad, good = words.CHILD_HURT_REPORTS[index], words.CHILD_GOOD_REPORTS[index]
    if he == "she":
        bad, good = bad.replace("his", "her"), good.replace("his", "her")
    return [
        v("report", f"Worried about {who}, {he} {bad}. Who do I tell?", "safeguarding", hide=False),
        v("neutral", f"Bless {who}, {he} {good}"),
        v(
            "report",
            f"My daughter is being {r.choice(('bullied', 'called names', 'pushed around', 'picked on'))} every day by girls in her class and the school does nothing",
            "safeguarding",
            "complaint",
            hide=False,
        ),
        v(
            "criticism",
            f"My daughter {r.choice(('is not being stretched', 'keeps losing her coat', 'has had three supply teachers'))} this term and the school does nothing",
            "complaint",
        ),
    ]


@family("safeguarding/grooming", "safeguarding", weight=2)
def grooming(ctx: Context) -> list[Variant]:
    r = ctx.rng
    year = r.choice(people.YEARS)
    index = r.randrange(len(words.GROOMING))
    return [
        v("harmful", words.GROOMING[index].format(year=year), "safeguarding", "sexual"),
        v("neutral", words.GROOMING_HARMLESS[index].format(year=year)),
        v(
            "report",
            f"Someone is messaging {year} girls offering them money for pics, please warn parents and call the police",
            "safeguarding",
            hide=False,
        ),
    ]


@family("safeguarding/images", "safeguarding", weight=1.5)
def images(ctx: Context) -> list[Variant]:
    r = ctx.rng
    year = r.choice(people.YEARS)
    index = r.randrange(len(words.IMAGES))
    return [
        v("harmful", words.IMAGES[index].format(year=year), "safeguarding", "sexual"),
        v("report", words.IMAGES_REPORT[index].format(year=year), "safeguarding", hide=False),
        v(
            "neutral",
            f"The photos of the {year} {r.choice(('swimming gala', 'sports day', 'nativity'))} are on the school website, lovely",
        ),
    ]
