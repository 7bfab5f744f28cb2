"""Further families for the thin spots: sexual remarks, obscene abuse, staff contact details,
threats to pupils, hate put as a question or an opinion, counter-speech about allegations,
and long posts where one clause decides."""

from __future__ import annotations

from scripts.corpus import people, words
from scripts.corpus.variant import Context, Variant, cap, family, v


@family("sexual/would", "sexual", weight=1.5)
def would(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    act = r.choice(("shag", "bang", "smash", "do", "ruin", "get on top of"))
    good = r.choice(("vote for", "hire", "trust", "follow", "back"))
    return [
        v(
            "harmful",
            f"I'd {act} {s.ref} {r.choice(('any day', 'in a heartbeat', 'given half a chance', 'over the desk'))} 😏",
            "sexual",
            unknown=("obscene", "abuse"),
        ),
        v(
            "praise",
            f"I'd {good} {s.ref} {r.choice(('any day', 'in a heartbeat', 'for head', 'every time'))}",
        ),
        v(
            "harmful",
            f"{cap(s.ref)} in that {r.choice(('tight skirt', 'PE kit', 'swimsuit'))} at {r.choice(words.EVENTS)} 🥵 {r.choice(('phwoar', 'would', 'filthy'))}",
            "sexual",
        ),
        v(
            "neutral",
            f"{cap(s.ref)} in that {r.choice(('elf costume', 'pirate hat', 'onesie'))} at {r.choice(words.EVENTS)} 😂 {r.choice(('legend', 'brilliant', 'what a sport'))}",
        ),
    ]


@family("sexual/body", "sexual", weight=1.5)
def body(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    part = r.choice(("arse", "tits", "legs", "body", "bum", "rack"))
    return [
        v(
            "harmful",
            f"Nice {part} on {s.ref} at parents evening 😍",
            "sexual",
            unknown=("obscene",),
        ),
        v(
            "harmful",
            f"Only go to parents evening to stare at {s.ref}'s {part}",
            "sexual",
            unknown=("obscene",),
        ),
        v(
            "praise",
            f"Nice {r.choice(('speech', 'display', 'smile', 'singing'))} from {s.ref} at parents evening 😍",
        ),
        v(
            "praise",
            f"Only go to parents evening to hear {s.ref}'s {r.choice(('jokes', 'reports', 'stories', 'news'))}",
        ),
    ]


@family("obscene/aimed", "obscene", weight=2)
def aimed(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    swear = r.choice(("fucking", "fuckin", "f*cking", "fkn", "bloody fucking", "shitty"))
    noun = r.choice(("waste of space", "joke", "clown", "idiot", "disgrace", "jobsworth"))
    return [
        v("harmful", f"{cap(s.ref)} is a {swear} {noun}", "abuse", "obscene"),
        v(
            "harmful",
            f"fuck off {s.ref}, {r.choice(('nobody wants you', 'you are a joke', 'do one', 'go back to your last school'))}",
            "abuse",
            "obscene",
        ),
        v(
            "harmful",
            f"{cap(s.ref)} can shove {s.his} {r.choice(('detentions', 'uniform policy', 'letters'))} up {s.his} arse",
            "abuse",
            "obscene",
        ),
        v(
            "criticism",
            f"{cap(s.ref)}'s {r.choice(('detentions', 'uniform policy', 'letters'))} are a {r.choice(('joke', 'nonsense', 'waste of time'))}",
            "complaint",
        ),
        v(
            "praise",
            f"{cap(s.ref)} is a {r.choice(('bloody', 'absolute', 'total'))} {r.choice(('legend', 'star', 'hero', 'gem'))}",
        ),
    ]


@family("obscene/evasive", "obscene", weight=1.5)
def evasive(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    word = r.choice(
        (
            "b!tch",
            "c*nt",
            "tw@t",
            "sh1t",
            "f u c k i n g",
            "b1tch",
            "c u n t",
            "pr1ck",
            "d1ckhead",
            "wank3r",
        )
    )
    return [
        v("harmful", f"{cap(s.ref)} is a {word}", "abuse", "obscene"),
        v("harmful", f"what a {word} {s.ref} is", "abuse", "obscene"),
        v("praise", f"what a {r.choice(('star', 'gem', 'g!ant', 'l3gend', 'diamond'))} {s.ref} is"),
    ]


@family("privacy/staff-online", "privacy", weight=1.5)
def staff_online(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    handle = f"{(s.name or 'teacher').split()[-1].lower()}{r.randint(1, 99)}"
    return [
        v(
            "harmful",
            f"{cap(s.ref)}'s personal email is {handle}@gmail.com, fill {s.his} inbox",
            "privacy",
        ),
        v(
            "harmful",
            f"{cap(s.ref)}'s insta is @{handle}, everyone go and tell {s.him} what you think",
            "privacy",
            unknown=("abuse",),
        ),
        v(
            "neutral",
            f"{cap(s.ref)}'s {r.choice(('class blog', 'reading list', 'club timetable'))} is on the school website under {r.choice(('Year 5', 'clubs', 'news'))}",
        ),
        v("neutral", f"To contact {s.ref} {r.choice(words.SCHOOL_CONTACT)}"),
    ]


@family("privacy/staff-family", "privacy", weight=1)
def staff_family(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    return [
        v(
            "harmful",
            f"{cap(s.ref)}'s kids go to {r.choice(('St Mary’s', 'Oakfield Primary', 'the grammar'))} and {s.his} {r.choice(('husband', 'wife', 'partner'))} works at {r.choice(('Tesco on the ring road', 'the hospital', 'the garage on Mill Lane'))}, just saying",
            "privacy",
            unknown=("threat",),
        ),
        v(
            "neutral",
            f"{cap(s.ref)}'s {r.choice(('class', 'team', 'choir'))} {r.choice(('won the county cup', 'raised £400', 'sang at the hospital'))}, just saying",
        ),
    ]


@family("threat/pupil", "threat", weight=1.5)
def at_pupil(ctx: Context) -> list[Variant]:
    r = ctx.rng
    p = people.pupil(r, ctx.pupils)
    return [
        v(
            "harmful",
            f"If {p.ref} touches my son again I'll {r.choice(('break his legs', 'batter him', 'sort him out myself', 'wait for him outside'))}".replace(
                "him", p.him
            ).replace("his", p.his),
            "threat",
            "safeguarding",
        ),
        v(
            "criticism",
            f"If {p.ref} touches my son again I'm going straight to the head",
            "complaint",
            unknown=("safeguarding",),
        ),
        v(
            "praise",
            f"{p.ref} {r.choice(('scored a hat trick', 'looked after my son on the trip', 'won the spelling bee'))}, {r.choice(('legend', 'what a kid', 'so proud'))}",
        ),
    ]


@family("hate/opinion-question", "hate", weight=2)
def opinion(ctx: Context) -> list[Variant]:
    r = ctx.rng
    plural, _adj, _ = r.choice(words.GROUPS)
    return [
        v(
            "harmful",
            f"I just think {plural} {r.choice(('don’t belong in a school like this', 'shouldn’t be teaching our kids', 'are the reason this school has gone downhill'))}, that's my opinion",
            "hate",
        ),
        v(
            "harmful",
            f"Why do {plural} {r.choice(('always cause trouble', 'get everything handed to them', 'never learn English', 'think the rules don’t apply to them'))}?",
            "hate",
        ),
        v(
            "question",
            f"Why do {r.choice(('Year 6', 'the juniors', 'the infants'))} {r.choice(('always get the hall', 'finish early on Fridays', 'have a different trip'))}?",
        ),
        v(
            "identity",
            f"I just think {plural} {r.choice(('have made this school better', 'are brilliant for the PTA', 'should be on the governors'))}, that's my opinion",
        ),
        v(
            "counter",
            f"'{cap(plural)} {r.choice(('always cause trouble', 'don’t belong here'))}'? {r.choice(('Seriously?', 'Really?', 'In 2026?'))} {r.choice(('That’s racism and it has no place here', 'Report and move on', 'Ashamed to share a school with people like you'))}",
        ),
    ]


@family("defamation/counter", "defamation", weight=1)
def allegation_counter(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    alleged, _innocent = r.choice(words.ALLEGATIONS)
    return [
        v("harmful", f"{cap(s.ref)} {alleged}, look it up", "defamation"),
        v(
            "counter",
            f"Stop spreading rumours that {s.ref} {alleged}, it's not true and it's cruel",
        ),
        v(
            "question",
            f"Can the school confirm who is {r.choice(('taking Year 6', 'running the trip', 'on the governors'))} next year?",
        ),
    ]


@family("mixed/long-civil-clause", "abuse", weight=2)
def long_clause(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    _topic, problem = r.choice(words.COMPLAINT_TOPICS)
    alleged, _innocent = r.choice(words.ALLEGATIONS)
    start = (
        f"I have been a parent at {ctx.school} for {r.randint(3, 9)} years and I have always supported the school. "
        f"However, {problem}. "
    )
    end = f" I would appreciate a reply from the governors before {r.choice(('half term', 'Friday', 'the next meeting'))}."
    return [
        v(
            "criticism",
            start
            + f"I raised this with {s.ref} in {r.choice(('September', 'March', 'the spring'))} and heard nothing."
            + end,
            "complaint",
        ),
        v(
            "harmful",
            start
            + f"I raised this with {s.ref}, who is a {r.choice(words.INSULT_ADJS)} {r.choice(words.INSULT_NOUNS)}, and heard nothing."
            + end,
            "abuse",
        ),
        v(
            "harmful",
            start + f"I raised this with {s.ref}, who {alleged}, and heard nothing." + end,
            "defamation",
        ),
        v(
            "harmful",
            start + f"If I hear nothing from {s.ref} I will {r.choice(words.VIOLENCE)}." + end,
            "threat",
        ),
    ]


@family("hate/plain-statements", "hate", weight=2.5)
def plain_statements(ctx: Context) -> list[Variant]:
    r = ctx.rng
    plural, _adj, _ = r.choice(words.GROUPS)
    trait = r.choice(words.NEG_TRAITS)
    return [
        v(
            "harmful",
            f"I {r.choice(('hate', 'despise', 'cannot stand', 'am sick of'))} {plural}",
            "hate",
        ),
        v(
            "harmful",
            f"{cap(plural)} are not {r.choice(('human', 'welcome here', 'real British people', 'fit to raise kids', 'normal'))}",
            "hate",
        ),
        v("harmful", f"You {plural} are all {trait}", "hate", "abuse"),
        v(
            "harmful",
            f"{cap(plural)} should all be {r.choice(('shot', 'gassed', 'locked up', 'wiped out', 'hanged'))}",
            "hate",
            "threat",
        ),
        v("identity", f"I {r.choice(('love', 'admire', 'respect', 'really like'))} {plural}"),
        v(
            "negation",
            f"{cap(plural)} are not {r.choice(('a threat to anyone', 'the problem here', 'to blame', 'any different from us'))}",
        ),
        v(
            "negation",
            f"No {r.choice(('one', 'family', 'child'))} deserves to be treated like that because they are {_adj}",
        ),
        v(
            "counter",
            f"Statements like '{plural} are {trait}' are {r.choice(('deeply hurtful', 'just hate', 'not welcome on this page', 'why kids get bullied'))}",
        ),
        v("counter", f"You can't say {plural} are {trait} and expect nobody to call it out"),
    ]
