"""Complaints (never hidden) beside the abusive, threatening and defamatory versions of the
same grievance, and praise and questions about the same topic."""

from __future__ import annotations

from scripts.corpus import people, words
from scripts.corpus.variant import Context, Variant, cap, family, v


@family("complaint/topic", "complaint", weight=3)
def topic(ctx: Context) -> list[Variant]:
    r = ctx.rng
    subject, problem = r.choice(words.COMPLAINT_TOPICS)
    strong = r.choice(words.COMPLAINT_STRONG)
    s = people.staff(r, ctx.staff)
    return [
        v("criticism", f"{cap(problem)}. {cap(strong)}.", "complaint"),
        v(
            "criticism",
            f"{cap(subject)}: {problem}. {r.choice(('I have emailed twice', 'Please sort it', 'Parents deserve better', 'The governors need to look at this'))}",
            "complaint",
        ),
        v("harmful", f"{cap(problem)}. {cap(s.ref)} is a {r.choice(words.INSULT_NOUNS)}.", "abuse"),
        v("question", f"Is anything changing with {subject} next term?"),
        v(
            "praise",
            f"Really pleased with {subject} this year, {r.choice(('thank you', 'big improvement', 'well done'))}",
        ),
    ]


@family("complaint/rant", "complaint", weight=2)
def rant(ctx: Context) -> list[Variant]:
    r = ctx.rng
    picks = r.sample(words.COMPLAINT_TOPICS, 3)
    s = people.staff(r, ctx.staff)
    body = " ".join(f"{cap(p)}." for _, p in picks)
    return [
        v(
            "criticism",
            f"Where do I start. {body} {cap(r.choice(words.COMPLAINT_STRONG))}. I've had enough.",
            "complaint",
        ),
        v(
            "harmful",
            f"Where do I start. {body} And {s.ref} is a {r.choice(words.INSULT_ADJS)} {r.choice(words.INSULT_NOUNS)}. I've had enough.",
            "abuse",
        ),
        v(
            "harmful",
            f"Where do I start. {body} I'm going to {r.choice(words.VIOLENCE_VERBS)} {s.ref} if nothing changes.",
            "threat",
        ),
    ]


@family("complaint/conduct", "complaint", weight=2)
def conduct(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    return [
        v(
            "criticism",
            f"{cap(s.ref)} {r.choice(words.CONDUCT_COMPLAINTS)}. I want this looked into.",
            "complaint",
        ),
        v(
            "criticism",
            f"Not happy with {s.ref} at all, {s.he} {r.choice(words.CONDUCT_COMPLAINTS)}",
            "complaint",
        ),
        v(
            "harmful",
            f"Not happy with {s.ref} at all, {s.he} is a {r.choice(words.INSULT_ADJS)} {r.choice(words.INSULT_NOUNS)}",
            "abuse",
        ),
        v("praise", f"Really happy with {s.ref}, {s.he} {r.choice(words.PRAISE_DEEDS)}"),
    ]


@family("complaint/sarcasm", "complaint", weight=1.5)
def sarcasm(ctx: Context) -> list[Variant]:
    r = ctx.rng
    return [
        v("sarcasm", f"{cap(r.choice(words.SARCASM_DECISION))} 🙄", "complaint"),
        v(
            "sarcasm",
            f"Thanks for the {r.choice(('two hours', 'one day', 'zero'))} notice about {r.choice(('the inset day', 'the trip', 'non uniform', 'the strike'))}, really helpful for working parents",
            "complaint",
        ),
        v(
            "praise",
            f"Thanks for the {r.choice(('two weeks', 'early', 'clear'))} notice about {r.choice(('the inset day', 'the trip', 'non uniform'))}, really helpful for working parents",
        ),
    ]
