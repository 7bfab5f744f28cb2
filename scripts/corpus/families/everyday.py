"""The ordinary comments a school page gets most: praise, thanks, questions, news, idioms."""

from __future__ import annotations

from scripts.corpus import people, words
from scripts.corpus.variant import Context, Variant, cap, family, v


@family("everyday/praise-staff", "none", weight=3)
def praise_staff(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    return [
        v("praise", f"{cap(s.ref)} {r.choice(words.PRAISE_DEEDS)}"),
        v(
            "praise",
            f"Thank you {s.ref}, {r.choice(('you are a star', 'we will miss you', 'what a year', 'our kids adore you'))}",
        ),
        v(
            "praise",
            f"{cap(s.ref)} is the best {r.choice(('teacher', 'head', 'TA', 'coach'))} {r.choice(('ever', 'this school has had', 'my son has had', 'in the county'))}",
        ),
        v(
            "praise",
            f"{cap(s.ref)} is a {r.choice(words.PRAISE_ADJS)} {r.choice(('man', 'woman', 'person', 'teacher', 'human being'))}"
            if s.ref
            else "",
        ),
    ]


@family("everyday/events", "none", weight=3)
def events(ctx: Context) -> list[Variant]:
    r = ctx.rng
    event = r.choice(words.EVENTS)
    who = r.choice(
        ("Year 6", "the choir", "the kids", "the under 11s", "Year 2", "the staff", "everyone")
    )
    return [
        v("idiom", f"{cap(who)} {r.choice(words.IDIOM_SUCCESS)} at {event}"),
        v(
            "praise",
            f"What a {r.choice(('day', 'night', 'show', 'turnout'))}! {cap(event)} was {r.choice(('amazing', 'brilliant', 'so much fun', 'a triumph'))}",
        ),
        v(
            "question",
            f"What time does {event} {r.choice(('start', 'finish'))}? {r.choice(('', 'Do we need tickets?', 'Can grandparents come?'))}".strip(),
        ),
        v(
            "neutral",
            f"{cap(event)} is on {r.choice(('Friday', 'the 12th', 'Thursday after school', 'next week'))}, {r.choice(('bring a coat', 'doors open at 6', 'tickets from the office'))}",
        ),
    ]


@family("everyday/questions", "none", weight=2)
def questions(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    return [
        v("question", f"Is {s.ref} {r.choice(words.NEUTRAL_QUESTIONS)}?"),
        v(
            "question",
            f"Does anyone know if {r.choice(('PE kit', 'swimming', 'the book fair', 'after school club'))} is {r.choice(('on tomorrow', 'this week', 'cancelled'))}?",
        ),
        v(
            "question",
            f"@{s.first} {r.choice(('what do they need for the trip', 'is it wellies tomorrow', 'can I drop the form in the morning'))}?",
        ),
    ]


@family("everyday/mild-swearing", "none", weight=1.5)
def mild_swearing(ctx: Context) -> list[Variant]:
    r = ctx.rng
    return [
        v("idiom", r.choice(words.MILD_SWEARING_FRIENDLY)),
        v("idiom", r.choice(words.MILD_SWEARING_FRIENDLY)),
    ]


@family("everyday/admin-questions", "none", weight=2)
def admin_questions(ctx: Context) -> list[Variant]:
    r = ctx.rng
    things = r.sample(words.ADMIN_THINGS, 3)
    return [v("question", r.choice(words.ADMIN_QUESTIONS).format(thing=t)) for t in things]
