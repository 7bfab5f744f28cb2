"""Threats (direct, conditional, veiled, wishing harm) beside idioms, hyperbole, safety
worries and reports of threats."""

from __future__ import annotations

from scripts.corpus import people, words
from scripts.corpus.variant import Context, Variant, cap, family, v


def _staff(ctx: Context) -> people.Person:
    return people.staff(ctx.rng, ctx.staff)


@family("threat/direct", "threat", weight=3)
def direct(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    verb = r.choice(words.VIOLENCE_VERBS)
    intent = r.choice(
        ("I'm going to", "I'll", "im gonna", "I swear I will", "I am going to", "gonna")
    )
    when = r.choice(
        (
            "",
            " after school",
            " on Monday",
            " at the gate",
            " next time I see " + s.him,
            " when " + s.he + " leaves tonight",
        )
    )
    event = r.choice(words.EVENTS)
    return [
        v("harmful", f"{intent} {verb} {s.ref}{when}", "threat"),
        v(
            "harmful",
            f"{cap(s.ref)} is going to get {r.choice(('battered', 'stabbed', 'hurt', 'done in', 'smashed'))}{when}",
            "threat",
        ),
        v(
            "idiom",
            f"{cap(s.ref)} is going to {r.choice(('kill it', 'smash it', 'nail it', 'steal the show', 'bring the house down', 'boss it', 'murder that song'))} at {event}",
        ),
        v("idiom", r.choice(words.VIOLENT_IDIOMS)),
        v(
            "report",
            f"A man at the gate said he'd {verb} {s.ref}{when}, {r.choice(('I have told the office', 'please call the police', 'the school needs to know', 'I was really shaken'))}",
            hide=False,
        ),
        v(
            "negation",
            f"Nobody is going to {verb} anyone, calm down everyone and let the school sort it",
        ),
    ]


@family("threat/conditional", "threat", weight=2)
def conditional(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    provocation = r.choice(
        (
            "puts my son in detention again",
            "touches my daughter again",
            "speaks to my kid like that again",
            "gives my lad another exclusion",
            "moves my daughter's seat again",
            "keeps my son behind again",
        )
    )
    violence = r.choice(words.VIOLENCE)
    civil = r.choice(
        (
            "I will go straight to the governors",
            "I'm taking it to Ofsted",
            "I'll be making a formal complaint",
            "I will be taking my son out of this school",
            "I'm writing to the council",
            "I'll be at the office first thing",
        )
    )
    return [
        v("harmful", f"If {s.ref} {provocation} I will {violence}", "threat"),
        v(
            "harmful",
            f"if {s.ref} {provocation} {s.he}'ll {r.choice(('regret it', 'be sorry', 'need an ambulance', 'not be walking home'))}",
            "threat",
        ),
        v("criticism", f"If {s.ref} {provocation} {civil}", "complaint"),
        v(
            "question",
            f"Can someone explain why {s.ref} {provocation.replace(' again', '')}? I'd like a meeting",
            "complaint",
        ),
    ]


@family("threat/veiled", "threat", weight=2.5)
def veiled(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    routine = r.choice(words.ROUTINES)
    out = [
        v("harmful", f"I know where {s.ref} {routine}. Just saying.", "threat"),
        v(
            "harmful",
            f"{cap(s.ref)} {r.choice(('better watch', 'wants to watch', 'should watch'))} {s.his} back",
            "threat",
        ),
        v(
            "harmful",
            f"{cap(s.ref)} wants to be careful {r.choice(('walking to the car', 'in the car park', 'on the way home', 'at night'))}",
            "threat",
        ),
        v(
            "praise",
            f"I know {s.ref} {r.choice(words.NICE_FACTS)}, what a {r.choice(words.PRAISE_NOUNS)}",
        ),
        v(
            "neutral",
            f"{cap(s.ref)} wants to be careful {r.choice(('in this heat', 'on the ice', 'with that bad back'))}, hope {s.he} is OK",
        ),
        v(
            "neutral",
            f"Does anyone know where {s.ref} {r.choice(('keeps the lost property', 'wants the cakes dropping off', 'is collecting the forms'))}?",
        ),
    ]
    return out


@family("threat/wish-harm", "threat", weight=2)
def wish_harm(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    return [
        v("harmful", f"Hope {s.ref} {r.choice(words.HARM_WISHES)}", "threat"),
        v("harmful", f"{cap(s.ref)}? I hope {s.he} {r.choice(words.HARM_WISHES)} tbh", "threat"),
        v("praise", f"Hope {s.ref} {r.choice(words.GOOD_WISHES)}"),
        v(
            "praise",
            f"{cap(s.ref)}? I hope {s.he} {r.choice(words.GOOD_WISHES)} tbh, {s.he} deserves it",
        ),
    ]


@family("threat/school", "threat", weight=1.5)
def school(ctx: Context) -> list[Variant]:
    r = ctx.rng
    return [
        v(
            "harmful",
            f"Someone should {r.choice(('burn that school down', 'put a brick through the office window', 'torch the head’s car', 'shoot up that place'))}",
            "threat",
        ),
        v(
            "harmful",
            f"Wait till {r.choice(('Monday', 'the parents evening', 'the next meeting'))}, heads are going to roll and I mean that literally",
            "threat",
        ),
        v(
            "neutral",
            f"Someone should {r.choice(('fix the roof of that school', 'paint the office window frames', 'clean the head’s car park', 'sort out that place’s heating'))}",
        ),
        v("criticism", f"{cap(r.choice(words.SAFETY_WORRIES))}", "complaint"),
        v(
            "criticism",
            f"Heads should roll over {r.choice(('the SATs fiasco', 'the trip being cancelled', 'the broken heating'))}, governors need to act",
            "complaint",
        ),
    ]


@family("threat/self-harm-urging", "threat", weight=1)
def urging(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    return [
        v(
            "harmful",
            f"{cap(s.ref)} should just {r.choice(('kill herself', 'kill himself', 'kys', 'jump off a bridge', 'do everyone a favour and end it'))}",
            "threat",
            "abuse",
        ),
        v(
            "neutral",
            f"{cap(s.ref)} should just {r.choice(('retire to Spain', 'take a holiday', 'do everyone a favour and publish the dates'))}",
        ),
        v(
            "counter",
            f"Telling {s.ref} to {r.choice(('kill herself', 'kill himself', 'kys'))} is vile, report these comments",
        ),
    ]


@family("threat/hyperbole-parent", "threat", weight=1)
def hyperbole(ctx: Context) -> list[Variant]:
    r, s = ctx.rng, _staff(ctx)
    kid = r.choice(("my son", "our lad", "my daughter", "our Jess", "the little one"))
    return [
        v(
            "idiom",
            f"I'll kill {kid} if {r.choice(('they forget their PE kit again', 'they lose another jumper', 'I find another letter in the bottom of the bag'))} 😂",
        ),
        v(
            "idiom",
            f"{cap(kid)} will murder me for posting this but {r.choice(('so proud', 'look at that smile', 'what a day'))}",
        ),
        v(
            "harmful",
            f"I'll kill {s.ref} if {s.he} {r.choice(('gives ' + kid + ' another detention', 'touches ' + kid + ' again', 'shouts at ' + kid + ' again'))}, I mean it",
            "threat",
        ),
    ]
