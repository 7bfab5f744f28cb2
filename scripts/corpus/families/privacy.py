"""Personal details of pupils and staff, beside achievements, year groups, scores and the
school's own contact details."""

from __future__ import annotations

from scripts.corpus import people, words
from scripts.corpus.variant import Context, Variant, cap, family, v


def _phone(ctx: Context) -> str:
    r = ctx.rng
    return r.choice(
        (
            f"07{r.randint(100, 999)} {r.randint(100000, 999999)}",
            f"07{r.randint(100000000, 999999999)}",
            f"+44 7{r.randint(100, 999)} {r.randint(100, 999)} {r.randint(100, 999)}",
        )
    )


@family("privacy/pupil-details", "privacy", weight=3)
def pupil_details(ctx: Context) -> list[Variant]:
    r, p = ctx.rng, people.pupil(ctx.rng, ctx.pupils)
    private, public = r.choice(words.PUPIL_DETAILS)
    if p.he == "she":
        private, public = private.replace("his", "her"), public.replace("his", "her")
    tail = r.choice(("", ", that's why", ", just so everyone knows", ", poor kid", " btw"))
    return [
        v(
            "harmful",
            f"{p.ref} in {r.choice(people.FORMS)} {private}{tail}",
            "privacy",
            "safeguarding",
        ),
        v(
            "praise",
            f"{p.ref} in {r.choice(people.FORMS)} {public}{tail if tail != ', poor kid' else ''}",
        ),
        v(
            "praise",
            f"Well done {p.ref}, {r.choice(('1st place', 'grade 8 piano', 'star of the week', '100% in the spelling test', 'player of the match'))}!",
        ),
    ]


@family("privacy/expose-pupil", "privacy", weight=2)
def expose(ctx: Context) -> list[Variant]:
    r, p = ctx.rng, people.pupil(ctx.rng, ctx.pupils)
    form = r.choice(people.FORMS)
    bad = r.choice(
        (
            "started the fight",
            "smashed the window",
            "stole my son's phone",
            "was the one vaping in the toilets",
            "spread the rumour",
        )
    )
    good = r.choice(
        (
            "won the race",
            "organised the bake sale",
            "read at assembly",
            "scored the winner",
            "helped the new girl",
        )
    )
    return [
        v(
            "harmful",
            f"It was {p.ref} in {form} who {bad}, {p.his} mum {r.choice(('is a druggie', 'lives on benefits', 'is never sober', 'is in and out of prison'))}",
            "privacy",
            "safeguarding",
            "abuse",
        ),
        v(
            "harmful",
            f"It was {p.ref} in {form} who {bad}, {p.he} lives on {r.choice(words.STREETS)} if anyone wants a word",
            "privacy",
            "safeguarding",
        ),
        v(
            "praise",
            f"It was {p.ref} in {form} who {good}, {r.choice(('what a star', 'so proud', 'legend'))}",
        ),
        v("report", f"A pupil in {form} {bad}, please can the school look into it", "complaint"),
    ]


@family("privacy/staff-address", "privacy", weight=2)
def staff_address(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, people.staff(ctx.rng, ctx.staff)
    number, street, town = r.randint(1, 120), r.choice(words.STREETS), r.choice(words.TOWNS)
    return [
        v(
            "harmful",
            f"{cap(s.ref)} lives at {number} {street}, {town} if anyone wants to tell {s.him} what they think",
            "privacy",
        ),
        v(
            "harmful",
            f"{cap(s.ref)}'s mobile is {_phone(ctx)}, ring {s.him} and tell {s.him}",
            "privacy",
        ),
        v(
            "harmful",
            f"{cap(s.ref)} lives on {street}, the house with the {r.choice(('red door', 'white van', 'big hedge'))}",
            "privacy",
        ),
        v("neutral", f"The school is at {number} {street}, {town}, the entrance is round the back"),
        v(
            "neutral",
            f"If you want to tell {s.ref} what you think, {r.choice(words.SCHOOL_CONTACT)}",
        ),
        v(
            "praise",
            f"{cap(s.ref)} lives for {r.choice(('this school', 'the football club', 'the kids', 'the choir'))}, what a {r.choice(words.PRAISE_NOUNS)}",
        ),
    ]


@family("privacy/results", "privacy", weight=2)
def results(ctx: Context) -> list[Variant]:
    r = ctx.rng
    year = r.choice(("Y7", "Y8", "Y9", "Y10", "Y11", "Year 6", "6B", "5W", "Y4"))
    place = r.choice(("1st", "2nd", "3rd", "1ST", "2ND"))
    return [
        v("praise", f"Well done {year} {place} place!!"),
        v("praise", f"{year.upper()} {place} IN THE COUNTY!!! SO PROUD"),
        v("praise", f"{year} got {r.randint(60, 99)}% in the mock, brilliant"),
        v(
            "praise",
            f"Congrats {r.choice(people.FEMALE_FIRST + people.MALE_FIRST)} on {r.choice(('grade 8 piano', 'the 9s', 'the county squad', 'full marks'))}",
        ),
        v(
            "neutral",
            f"Room {r.randint(1, 30)}B, {year} parents evening starts at {r.randint(3, 6)}.{r.choice(('00', '15', '30'))}",
        ),
    ]
