"""Hate (slurs, explicit and implicit generalisations, exclusion) beside identity statements,
negation, counter-speech, reports, questions and reclaimed words."""

from __future__ import annotations

from scripts.corpus import people, words
from scripts.corpus.variant import Context, Variant, cap, family, v


def _group(ctx: Context) -> tuple[str, str, str]:
    return ctx.rng.choice(words.GROUPS)


@family("hate/generalisation", "hate", weight=3)
def generalisation(ctx: Context) -> list[Variant]:
    r = ctx.rng
    plural, _adj, _ = _group(ctx)
    trait = r.choice(words.NEG_TRAITS)
    lead = r.choice(("", "Let's be honest, ", "Sorry but ", "Everyone knows ", "Facts: "))
    return [
        v("harmful", f"{lead}{plural} are {trait}", "hate"),
        v("harmful", f"{lead}all {plural} are {trait}", "hate"),
        v("identity", f"{lead}{plural} are {r.choice(words.POS_TRAITS)}"),
        v(
            "negation",
            f"It's wrong to say {plural} are {trait}, {r.choice(('that is just hate', 'my neighbours are lovely', 'grow up', 'that is not who we are'))}",
        ),
        v(
            "counter",
            f"Someone on the last post said {plural} are {trait}. {r.choice(('That is disgusting and should be reported', 'Not on this page, report it', 'Shame on them', 'The school should block them'))}",
        ),
        v("question", f"Does the school do anything for {r.choice(words.FESTIVALS)}?"),
    ]


@family("hate/implicit", "hate", weight=3)
def implicit(ctx: Context) -> list[Variant]:
    r = ctx.rng
    plural, _adj, _ = _group(ctx)
    trope = r.choice(words.IMPLICIT_TROPES)
    frame = r.choice(
        (
            "{p} {t}",
            "The problem with this school is {p}, they {t}",
            "Not being funny but {p} {t}",
            "Since the {p} came, {p} {t}",
        )
    )
    harmful = frame.format(p=plural, t=trope)
    return [
        v("harmful", cap(harmful), "hate"),
        v("identity", f"{cap(plural)} {r.choice(words.NEUTRAL_GROUP_FACTS)}"),
        v(
            "identity",
            f"Since the {plural} came, {plural} have {r.choice(('joined the PTA', 'run the best stall at the fair', 'made this school better', 'brought loads to the community'))}",
        ),
        v(
            "counter",
            f"Saying {plural} {trope} is just prejudice, {r.choice(('please stop', 'not on this page', 'the kids read this', 'report it'))}",
        ),
        v("negation", f"I don't believe {plural} {trope}, that is a stereotype"),
    ]


@family("hate/exclusion", "hate", weight=2)
def exclusion(ctx: Context) -> list[Variant]:
    r = ctx.rng
    plural, _adj, _ = _group(ctx)
    place = r.choice(
        ("our school", "this school", "our town", "this country", "the PTA", "the football team")
    )
    return [
        v("harmful", f"{cap(plural)} shouldn't be allowed in {place}", "hate"),
        v("harmful", f"Get the {plural} out of {place}", "hate"),
        v("harmful", f"Why do we let {plural} into {place}?", "hate"),
        v("identity", f"{cap(plural)} are welcome in {place}"),
        v(
            "question",
            f"Why do we have {r.choice(('sports day', 'the disco', 'parents evening'))} on a {r.choice(('Friday', 'school night', 'Monday'))}?",
        ),
        v(
            "counter",
            f"Whoever said {plural} shouldn't be allowed in {place} {r.choice(words.CONDEMN)}",
        ),
    ]


@family("hate/slur-at-staff", "hate", weight=2)
def slur_staff(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    _plural, slur, _kind = r.choice(words.SLURS)
    identity = r.choice(words.IDENTITIES)
    return [
        v("harmful", f"{cap(s.ref)} is a {slur}", "hate", "abuse"),
        v("harmful", f"That {slur} {s.ref} {r.choice(words.CONDUCT_COMPLAINTS)}", "hate", "abuse"),
        v("identity", f"{cap(s.ref)} is {identity} and the kids love {s.him}"),
        v("criticism", f"{cap(s.ref)} {r.choice(words.CONDUCT_COMPLAINTS)}", "complaint"),
        v(
            "report",
            f"Someone called {s.ref} a {slur} at {r.choice(('the gate', 'parents evening', 'the match'))}. {r.choice(('Please deal with it', 'That is a hate crime', 'I have told the police', 'Disgusting'))}",
            hide=False,
        ),
        v(
            "counter",
            f"The comment calling {s.ref} a {slur} should be taken down, {r.choice(('vile', 'not acceptable', 'racism has no place here', 'report it'))}",
        ),
    ]


@family("hate/slur-group", "hate", weight=2)
def slur_group(ctx: Context) -> list[Variant]:
    r = ctx.rng
    plural_slur, _slur, _kind = r.choice(words.SLURS)
    plural, _adj, _ = _group(ctx)
    return [
        v("harmful", f"Too many {plural_slur} at this school now", "hate"),
        v(
            "harmful",
            f"{cap(r.choice(('bloody', 'dirty', 'stinking', '')))} {plural_slur} {r.choice(('everywhere', 'ruining it', 'taking over'))}".strip(),
            "hate",
        ),
        v(
            "identity",
            f"Lots of {plural} at this school now, {r.choice(('it is lovely', 'great mix', 'the kids learn so much', 'brilliant'))}",
        ),
        v(
            "report",
            f"Someone shouted '{plural_slur}' at the mums at pick up, {r.choice(('please can the school do something', 'the police need telling', 'horrible'))}",
            hide=False,
        ),
    ]


@family("hate/madlib-identity", "hate", weight=3)
def madlib(ctx: Context) -> list[Variant]:
    r = ctx.rng
    first = r.choice(people.FEMALE_FIRST + people.MALE_FIRST)
    identity = r.choice(words.IDENTITIES)
    noun = r.choice(words.IDENTITY_NOUNS)
    kind, vile = r.choice(words.KIND_ADJS), r.choice(words.VILE_ADJS)
    art = "an" if identity[0].lower() in "aeiou" else "a"
    art_kind = "an" if kind[0] in "aeiou" else "a"
    return [
        v("identity", f"{first} is {art_kind} {kind} {identity}"),
        v("identity", f"{first} is {art} {identity} {noun}"),
        v("identity", f"{first} is {art_kind} {kind} {identity} {noun}"),
        v("identity", f"I am {art} {identity} {noun}, ask me anything"),
        v(
            "identity",
            f"Being {identity} is {r.choice(('wonderful', 'part of who I am', 'nothing to hide', 'great'))}",
        ),
        v("harmful", f"{first} is a {vile} {identity} {noun}", "hate", "abuse"),
        v("harmful", f"{identity} people are {vile}", "hate"),
    ]


@family("hate/go-back", "hate", weight=1.5)
def go_back(ctx: Context) -> list[Variant]:
    r = ctx.rng
    country = r.choice(words.COUNTRIES)
    s = people.staff(r, ctx.staff)
    return [
        v("harmful", f"{cap(s.ref)} should go back to {country}", "hate", "abuse"),
        v("harmful", f"Send them all back to {country}", "hate"),
        v(
            "neutral",
            f"{cap(s.ref)} went back to {country if ' ' not in country else 'see family'} for the holidays, lovely photos",
        ),
        v(
            "report",
            f"A woman told my daughter to go back to {country} at the bus stop. {r.choice(('She is 9', 'She was born here', 'She is in tears'))}, please do something",
            "safeguarding",
            hide=False,
        ),
        v(
            "counter",
            f"Telling people to go back to {country} is racist, {r.choice(('report it', 'not acceptable', 'shameful'))}",
        ),
    ]


@family("hate/reclaimed", "hate", weight=1)
def reclaimed(ctx: Context) -> list[Variant]:
    r = ctx.rng
    return [
        v(
            "identity",
            f"As a {r.choice(('queer', 'gay', 'bi', 'trans'))} {r.choice(('dad', 'mum', 'parent'))} I {r.choice(('loved the Pride assembly', 'felt so welcome at parents evening', 'want to thank the staff'))}",
        ),
        v(
            "identity",
            f"Us {r.choice(('Travellers', 'queers', 'Gypsy families'))} {r.choice(('have always been made welcome here', 'loved the history project', 'are proud of our kids'))}",
        ),
        v(
            "harmful",
            f"{r.choice(('Queers', 'Gyppos', 'Faggots'))} like {r.choice(('you', 'them', 'that teacher'))} {r.choice(('make me sick', 'should be kept away from kids', 'are disgusting'))}",
            "hate",
        ),
    ]


@family("hate/festival", "hate", weight=1.5)
def festival(ctx: Context) -> list[Variant]:
    r = ctx.rng
    festival = r.choice(words.FESTIVALS)
    return [
        v("identity", f"Happy {festival} to all our families!"),
        v(
            "identity",
            f"Loved the {festival} assembly, {r.choice(('thank you', 'so well done', 'the kids were buzzing'))}",
        ),
        v(
            "criticism",
            f"Why was the {festival} assembly moved to a Friday with no notice?",
            "complaint",
        ),
        v(
            "harmful",
            f"Why are we celebrating {festival if festival != 'Christmas' else 'Eid'}? {r.choice(('This is a Christian country', 'They should do that in their own country', 'Their lot are ruining everything'))}",
            "hate",
        ),
    ]
