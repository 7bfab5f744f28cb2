"""Abuse of staff, parents, pupils and the school, with praise, criticism, questions,
negation, counter-speech and reports in the same frames."""

from __future__ import annotations

from scripts.corpus import people, words
from scripts.corpus.variant import Context, Variant, cap, family, v


def _staff(ctx: Context) -> people.Person:
    return people.staff(ctx.rng, ctx.staff)


@family("abuse/is-a-noun", "abuse", weight=3)
def is_a_noun(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    insult, praise = r.choice(words.INSULT_NOUNS), r.choice(words.PRAISE_NOUNS)
    tail = r.choice(("", "", " tbh", ", end of", " and everyone knows it", " fr"))
    out = [
        v("harmful", f"{cap(s.ref)} is a {insult}{tail}", "abuse"),
        v("praise", f"{cap(s.ref)} is a {praise}{tail}"),
        v(
            "praise",
            f"{cap(s.ref)} is a {r.choice(words.PRAISE_ADJS)} {r.choice(('teacher', 'person', 'man' if s.he == 'he' else 'woman'))}",
        ),
        v("negation", f"{cap(s.ref)} is not a {insult}, {s.he} {r.choice(words.PRAISE_DEEDS)}"),
        v("counter", f"Whoever called {s.ref} a {insult} on here {r.choice(words.CONDEMN)}"),
        v("question", f"Is {s.ref} {r.choice(words.NEUTRAL_QUESTIONS)}?"),
        v(
            "criticism",
            f"{cap(s.ref)} {r.choice(words.CONDUCT_COMPLAINTS)}, {r.choice(('not happy at all', 'I want a meeting', 'this needs sorting', 'I have complained to the head'))}",
            "complaint",
        ),
    ]
    if r.random() < 0.5:
        where = r.choice(
            ("at pick up", "at the gate", "in the car park", "at the match", "in the playground")
        )
        out.append(
            v(
                "report",
                f"A dad called {s.ref} a {insult} {where} today, {r.choice(('please can the school deal with it', 'I hope the head is dealing with it', 'not on', 'I have reported it to the office'))}",
            )
        )
    return out


@family("abuse/adjectives", "abuse", weight=2)
def adjectives(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    bad = r.sample(words.INSULT_ADJS, 2)
    good = r.sample(words.PRAISE_ADJS, 2)
    verb = r.choice(("is", "is so", "is honestly", "has always been", "is just"))
    return [
        v("harmful", f"{cap(s.ref)} {verb} {bad[0]} and {bad[1]}", "abuse"),
        v("praise", f"{cap(s.ref)} {verb} {good[0]} and {good[1]}"),
        v(
            "criticism",
            f"{cap(s.ref)}'s new {r.choice(('homework', 'behaviour', 'seating', 'reading'))} policy {verb} {r.choice(('unfair', 'too strict', 'confusing', 'badly explained'))}",
            "complaint",
        ),
        v(
            "negation",
            f"I don't agree that {s.ref} is {bad[0]}, {s.he} has been {good[0]} with our kids",
        ),
    ]


@family("abuse/you-are", "abuse", weight=2)
def you_are(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    at = f"@{s.first}" if s.name else cap(s.ref)
    insult, adj = r.choice(words.INSULT_NOUNS), r.choice(words.INSULT_ADJS)
    return [
        v(
            "harmful",
            f"{at} you {adj} {insult}, {r.choice(('get a grip', 'do one', 'nobody likes you', 'just quit', 'go away'))}",
            "abuse",
        ),
        v(
            "praise",
            f"{at} you {r.choice(words.PRAISE_ADJS)} {r.choice(words.PRAISE_NOUNS)}, {r.choice(('thank you', 'we love you', 'never change', 'enjoy your break'))}",
        ),
        v(
            "criticism",
            f"{at} you said you'd ring me back on Monday and you didn't, {r.choice(('please call', 'I am still waiting', 'not good enough'))}",
            "complaint",
        ),
        v(
            "question",
            f"{at} are you {r.choice(('doing the after school club', 'on the trip', 'coming to the fair', 'still taking the register'))} this week?",
        ),
    ]


@family("abuse/obscene-noun", "abuse", weight=2)
def obscene_noun(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    word = r.choice(words.OBSCENE_NOUNS)
    praise = r.choice(words.PRAISE_NOUNS)
    return [
        v("harmful", f"{cap(s.ref)} is a {word}", "abuse", "obscene"),
        v(
            "harmful",
            f"that {word} {s.ref} {r.choice(words.CONDUCT_COMPLAINTS)}",
            "abuse",
            "obscene",
        ),
        v("criticism", f"{cap(s.ref)} {r.choice(words.CONDUCT_COMPLAINTS)}", "complaint"),
        v("praise", f"{cap(s.ref)} is a {praise}"),
        v(
            "counter",
            f"Calling {s.ref} a {word} is out of order, whatever you think of the decision",
        ),
    ]


@family("abuse/school", "abuse", weight=1.5)
def school(ctx: Context) -> list[Variant]:
    r = ctx.rng
    place = r.choice(("this school", "this place", "the school", ctx.school, "this academy"))
    run = r.choice(("run by", "full of", "staffed by", "managed by"))
    plural = r.choice(
        (
            "idiots",
            "clowns",
            "morons",
            "useless jobsworths",
            "incompetent fools",
            "muppets",
            "absolute wasters",
        )
    )
    topic, problem = r.choice(words.COMPLAINT_TOPICS)
    return [
        v("harmful", f"{cap(place)} is {run} {plural}", "abuse"),
        v(
            "praise",
            f"{cap(place)} is {run} {r.choice(('legends', 'lovely people', 'brilliant staff', 'people who really care', 'superstars'))}",
        ),
        v("criticism", f"{cap(place)} needs to sort out {topic}, {problem}", "complaint"),
        v("criticism", f"{cap(problem)}. {cap(r.choice(words.COMPLAINT_STRONG))}.", "complaint"),
        v("harmful", f"{cap(problem)}. {cap(place)} is {run} {plural}.", "abuse"),
    ]


@family("abuse/sarcasm", "abuse", weight=1.5)
def sarcasm(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    return [
        v("harmful", f"Well done {s.ref}, {r.choice(words.SARCASM_DIGNITY)}", "abuse"),
        v("sarcasm", f"Well done {ctx.school}, {r.choice(words.SARCASM_DECISION)}", "complaint"),
        v("praise", f"Well done {s.ref}, {r.choice(words.PRAISE_DEEDS)}"),
        v(
            "sarcasm",
            f"Oh {r.choice(('great', 'brilliant', 'fab', 'wonderful'))}, {r.choice(words.SARCASM_DECISION).split(', ', 1)[-1]}. Thanks for nothing.",
            "complaint",
        ),
    ]


@family("abuse/other-parent", "abuse", weight=1)
def other_parent(ctx: Context) -> list[Variant]:
    r, p = ctx.rng, people.parent(ctx.rng)
    insult = r.choice(words.INSULT_NOUNS)
    return [
        v("harmful", f"{p.ref} you're a {insult}, no wonder your kid is the way they are", "abuse"),
        v(
            "harmful",
            f"@{p.ref} shut your mouth you {r.choice(words.INSULT_ADJS)} {insult}",
            "abuse",
        ),
        v(
            "praise",
            f"{p.ref} you're a {r.choice(words.PRAISE_NOUNS)} for organising the class collection",
        ),
        v("neutral", f"@{p.ref} I don't agree, the trip was worth the money in my opinion"),
        v("counter", f"@{p.ref} ignore whoever called you a {insult}, you were right to ask"),
    ]


@family("abuse/named-pupil", "abuse", weight=2)
def named_pupil(ctx: Context) -> list[Variant]:
    r, p = ctx.rng, people.pupil(ctx.rng, ctx.pupils)
    insult = r.choice(words.KID_INSULTS)
    praise = r.choice(words.KID_PRAISE)
    return [
        v(
            "harmful",
            f"{p.ref} is {insult}, keep {p.him} away from my kids",
            "abuse",
            "safeguarding",
        ),
        v(
            "harmful",
            f"that {p.ref} in {r.choice(people.FORMS)} is {insult}",
            "abuse",
            "safeguarding",
        ),
        v("praise", f"{p.ref} is {praise}, well done {p.him}"),
        v("praise", f"that {p.ref} in {r.choice(people.FORMS)} is {praise}"),
        v(
            "report",
            f"Some kids have been calling {p.ref} {insult} every day, {r.choice(('please can someone help', 'the school needs to step in', 'it has to stop'))}",
            "safeguarding",
            hide=False,
        ),
    ]


@family("abuse/appearance", "abuse", weight=1)
def appearance(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    return [
        v(
            "harmful",
            f"{cap(s.ref)} is a {r.choice(('fat', 'ugly', 'greasy', 'smelly', 'hideous'))} {r.choice(('cow', 'pig', 'old witch', 'slob', 'troll'))}, {r.choice(('no wonder', 'can see why'))} {s.he} {r.choice(('is single', 'is so bitter', 'hates kids'))}",
            "abuse",
        ),
        v(
            "praise",
            f"{cap(s.ref)} looked {r.choice(('lovely', 'amazing', 'so smart', 'fab'))} at {r.choice(words.EVENTS)}, {r.choice(('what a star', 'the kids loved it', 'great night'))}",
        ),
        v(
            "neutral",
            f"{cap(s.ref)} {r.choice(('dressed up as a pirate', 'did the face painting', 'ran the tombola'))} at {r.choice(words.EVENTS)}",
        ),
    ]


@family("abuse/should-be-sacked", "abuse", weight=1.5)
def sacked(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    adj = r.choice(words.INSULT_ADJS)
    insult = r.choice(words.INSULT_NOUNS)
    return [
        v("harmful", f"{cap(s.ref)} should be sacked, {adj} {insult}", "abuse"),
        v(
            "criticism",
            f"I think {s.ref} should be moved off Year {r.randint(1, 11)}, {s.he} {r.choice(words.OPINIONS)}",
            "complaint",
        ),
        v(
            "praise",
            f"{cap(s.ref)} should be promoted, {r.choice(words.PRAISE_ADJS)} and {r.choice(words.PRAISE_ADJS)}",
        ),
        v(
            "question",
            f"Why was {s.ref} moved off Year {r.randint(1, 11)}? Nobody told parents",
            "complaint",
        ),
    ]
