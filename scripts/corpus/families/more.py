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


def _fill(text: str, person: people.Person) -> str:
    return text.format(name=person.ref, he=person.he, him=person.him, his=person.his)


@family("threat/veiled-idioms", "threat", weight=3)
def veiled_idioms(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    index = r.randrange(len(words.VEILED_THREATS))
    harmful = _fill(words.VEILED_THREATS[index], s)
    harmless = _fill(words.VEILED_HARMLESS[index], s)
    lead = r.choice(("", f"{cap(s.ref)}. ", f"About {s.ref}: ", ""))
    return [
        v("harmful", cap(lead + harmful), "threat"),
        v(
            "neutral",
            cap(lead + harmless) if "{name}" in words.VEILED_HARMLESS[index] else cap(harmless),
        ),
    ]


@family("threat/safety-worry", "threat", weight=2.5)
def safety_worry(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    worry = r.choice(words.MORE_SAFETY_WORRIES + words.SAFETY_WORRIES)
    return [
        v("criticism", cap(worry), "complaint"),
        v(
            "criticism",
            f"{cap(worry)}. {r.choice(('Please sort it', 'I have emailed twice', 'Governors take note', 'How many times'))}",
            "complaint",
        ),
        v(
            "harmful",
            f"{cap(worry.split(',')[0])}, and if {s.ref} ignores it again I'll {r.choice(words.VIOLENCE)}",
            "threat",
        ),
    ]


@family("threat/wish-more", "threat", weight=2)
def wish_more(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    wish = r.choice(words.MORE_HARM_WISHES)
    return [
        v("harmful", f"{cap(s.ref)} {wish}", "threat"),
        v(
            "harmful",
            f"I'd {r.choice(('pop the champagne', 'cheer', 'buy a round'))} if {s.ref} {r.choice(('ended up in intensive care', 'never walked again', 'fell down the stairs', 'got beaten up'))}",
            "threat",
        ),
        v(
            "praise",
            f"I'd {r.choice(('pop the champagne', 'cheer', 'buy a round'))} if {s.ref} {r.choice(('won teacher of the year', 'came back next year', 'ran the fair again', 'got the headship'))}",
        ),
        v(
            "praise",
            f"{cap(s.ref)} {r.choice(('deserves a medal', 'needs a holiday', 'should be on the telly', 'deserves a pay rise'))}",
        ),
    ]


@family("abuse/sarcasm-more", "abuse", weight=1.5)
def sarcasm_more(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    return [
        v("harmful", f"{cap(s.ref)}? {cap(r.choice(words.MORE_SARCASM_DIGNITY))}", "abuse"),
        v(
            "sarcasm",
            f"{cap(r.choice(words.SARCASM_DECISION))}, {r.choice(('cheers', 'nice one', 'genius planning', 'top work'))}",
            "complaint",
        ),
        v(
            "praise",
            f"{cap(s.ref)}? {r.choice(('Takes real talent to be that patient', 'Must be exhausting being that organised', 'Living proof good teachers exist'))}",
        ),
    ]


@family("sexual/innuendo", "sexual", weight=2.5)
def innuendo(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    bad, good = r.choice(words.SEXUAL_INNUENDO)
    return [
        v("harmful", cap(f"{s.ref} {_fill(bad, s)}"), "sexual", unknown=("obscene",)),
        v("praise", cap(f"{s.ref} {_fill(good, s)}")),
    ]


@family("sexual/gross-more", "sexual", weight=1.5)
def gross_more(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    insult = r.choice(words.MORE_GROSS_SEXUAL_INSULTS)
    if s.he == "he":
        insult = insult.replace(" her ", " his ").replace("her knickers", "his trousers")
    return [
        v("harmful", f"{cap(s.ref)} {insult}", "sexual", "abuse", "obscene"),
        v("counter", f"Saying {s.ref} {insult} is disgusting, report it"),
        v("praise", f"{cap(s.ref)} {r.choice(words.PRAISE_DEEDS)}"),
    ]


@family("hate/more-slurs", "hate", weight=2)
def more_slurs(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    plural, slur, _ = r.choice(words.MORE_SLURS + words.SLURS)
    return [
        v(
            "harmful",
            f"{cap(s.ref)} is a {r.choice(('', 'thick ', 'dirty ', 'useless ', 'filthy '))}{slur}",
            "hate",
            "abuse",
        ),
        v("harmful", f"Get the {plural} out of our school", "hate"),
        v(
            "identity",
            f"{cap(s.ref)} is {r.choice(words.IDENTITIES)} and a {r.choice(words.PRAISE_NOUNS)}",
        ),
        v("counter", f"Calling {s.ref} a {slur} is a hate crime. Reported."),
    ]


@family("hate/negated", "hate", weight=2.5)
def negated(ctx: Context) -> list[Variant]:
    r = ctx.rng
    plural, adj, _ = r.choice(words.GROUPS)
    trait = r.choice(
        (*words.NEG_TRAITS, "a problem", "dangerous", "bad parents", "a bad influence")
    )
    frame = r.choice(words.NEGATED_HATE)
    return [
        v("negation", cap(frame.format(plural=plural, trait=trait, adj=adj))),
        v(
            "harmful",
            cap(
                f"{plural} are {trait}, {r.choice(('simple as', 'everyone knows it', 'no matter what the school says', 'facts'))}"
            ),
            "hate",
        ),
        v(
            "harmful",
            cap(
                f"{plural} are not {r.choice(('normal', 'welcome', 'fit to be around kids', 'real parents'))}"
            ),
            "hate",
        ),
    ]


@family("hate/self-identity", "hate", weight=2.5)
def self_identity(ctx: Context) -> list[Variant]:
    r = ctx.rng
    identity = r.choice(words.IDENTITIES)
    article = "an" if identity[0].lower() in "aeiou" else "a"
    _plural, adj, _ = r.choice(words.GROUPS)
    return [
        v("identity", cap(r.choice(words.SELF_IDENTITY).format(adj=identity, a=article))),
        v(
            "identity",
            cap(
                r.choice(words.SELF_IDENTITY).format(
                    adj=adj, a="an" if adj[0].lower() in "aeiou" else "a"
                )
            ),
        ),
        v(
            "harmful",
            f"Being {adj} is {r.choice(('disgusting', 'a disease', 'unnatural and wrong', 'something kids should be protected from'))}",
            "hate",
        ),
    ]


@family("safeguarding/reported-abuse", "safeguarding", weight=3)
def reported_abuse(ctx: Context) -> list[Variant]:
    r = ctx.rng
    child = r.choice(words.CHILD_VICTIM)
    female = any(w in child for w in ("daughter", "girl", "Jess"))
    he, him, himself = ("she", "her", "herself") if female else ("he", "him", "himself")
    _plural, slur, _ = r.choice(words.MORE_SLURS + words.SLURS)
    who = r.choice(
        (
            "A man at the gate",
            "An older boy",
            "A parent",
            "Some kids on the bus",
            "A Year 10",
            "Someone in the group chat",
            "A woman outside the shop",
            "Two lads from the academy",
        )
    )
    what = r.choice(words.REPORTED_ABUSE).format(
        child=child,
        slur=slur,
        country=r.choice(words.COUNTRIES),
        insult=r.choice(words.INSULT_NOUNS + words.KID_INSULTS),
        violence=r.choice(("stab", "batter", "kill", "smash")),
        he=he,
        him=him,
        himself=himself,
    )
    tail = r.choice(words.REPORT_TAILS)
    adult = r.choice(
        ("my wife", "my husband", "the lollipop lady", "Mrs Green at the office", "my mum")
    )
    what_adult = r.choice(words.REPORTED_ABUSE).format(
        child=adult,
        slur=slur,
        country=r.choice(words.COUNTRIES),
        insult=r.choice(words.INSULT_NOUNS),
        violence=r.choice(("stab", "batter", "kill", "smash")),
        he="she",
        him="her",
        himself="herself",
    )
    return [
        v("report", f"{who} {what}. {tail}", "safeguarding", hide=False),
        v("report", f"{who} {what_adult}. {tail}", hide=False, unknown=("complaint",)),
        v(
            "harmful",
            f"{cap(child)}? {cap(r.choice(words.KID_INSULTS))}, {r.choice(('everyone says so', 'keep them away from mine', 'no wonder'))}",
            "abuse",
            unknown=("safeguarding",),
        ),
    ]


@family("threat/slang", "threat", weight=2)
def slang_threat(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff) if r.random() < 0.6 else people.pupil(r, ctx.pupils)
    act = r.choice(words.SLANG_VIOLENCE).format(him=s.him)
    if "{" not in act and " " not in act:
        act = f"{act} {s.him}"
    child = s.kind == "pupil"
    labels = ("threat", "safeguarding") if child else ("threat",)
    return [
        v(
            "harmful",
            f"{cap(s.ref)} {r.choice(('is getting', 'is gonna get', 'wants'))} {r.choice(('merked', 'shanked', 'done in', 'rushed', 'jumped', 'banged out'))}, {r.choice(('on my life', 'watch', 'trust me', 'mark my words'))}",
            *labels,
        ),
        v(
            "harmful",
            f"{r.choice(('Gonna', 'Me and the lads will', 'Going to'))} {act} {r.choice(('after school', 'at the gates', 'this weekend', 'next time'))}, see who's laughing then",
            *labels,
        ),
        v("idiom", cap(r.choice(words.EVERYDAY_HYPERBOLE))),
        v(
            "idiom",
            f"{cap(s.ref)} {r.choice(('is dead chuffed', 'is killing it', 'slayed the assembly', 'is a killer at the quiz', 'smashed the 100m'))}",
        ),
    ]


@family("complaint/sarcasm-devices", "complaint", weight=3)
def sarcasm_devices(ctx: Context) -> list[Variant]:
    r = ctx.rng
    device = r.choice(words.SARCASM_DEVICES)
    decision = r.choice(words.SARCASM_DECISIONS)
    s = people.staff(r, ctx.staff)
    insult = r.choice(
        (
            "being that thick",
            "having one brain cell",
            "not knowing what day it is",
            "being a total waste of space",
        )
    )
    return [
        v(
            "sarcasm",
            cap(device.format(decision=decision)),
            "complaint",
        ),
        v("harmful", cap(device.format(decision=f"{s.ref} {insult}")), "abuse"),
        v(
            "praise",
            cap(
                f"{decision.split(' the ')[0]} aside, {r.choice(('thanks for the lovely fair', 'the teachers are brilliant', 'the kids love it here'))}"
            ),
        ),
    ]


@family("hate/identity-warm", "hate", weight=2)
def identity_warm(ctx: Context) -> list[Variant]:
    r = ctx.rng
    identity = r.choice(words.IDENTITIES)
    person = r.choice(
        (
            ("We", "are", "us", "our"),
            ("My wife and I", "are", "us", "our"),
            ("My husband and I", "are", "us", "our"),
            ("I", "am", "me", "my"),
        )
    )
    we, are, us, our = person
    frame = r.choice(words.IDENTITY_WARM)
    plural, _adj, _ = r.choice(words.GROUPS)
    return [
        v("identity", cap(frame.format(we=we, are=are, us=us, our=our, adj=identity))),
        v(
            "harmful",
            f"{cap(plural)} are nothing but {r.choice(('trouble', 'parasites', 'a burden', 'criminals'))}",
            "hate",
        ),
    ]


@family("threat/weapons", "threat", weight=2)
def weapons(ctx: Context) -> list[Variant]:
    r = ctx.rng
    s = people.staff(r, ctx.staff)
    index = r.randrange(len(words.WEAPON_THREATS))
    event = r.choice(words.EVENTS)
    return [
        v(
            "harmful",
            cap(
                words.WEAPON_THREATS[index].format(
                    weapon=r.choice(words.WEAPONS), event=event, name=s.ref
                )
            ),
            "threat",
        ),
        v(
            "neutral",
            cap(
                words.WEAPON_HARMLESS[index].format(
                    thing=r.choice(words.HARMLESS_THINGS), event=event, name=s.ref
                )
            ),
        ),
    ]


@family("privacy/family-circumstances", "privacy", weight=2.5)
def family_circumstances(ctx: Context) -> list[Variant]:
    r = ctx.rng
    p = people.pupil(r, ctx.pupils)
    bad, good = r.choice(words.MORE_PUPIL_DETAILS)
    if p.he == "she":
        bad, good = (
            bad.replace("his", "her").replace(" he ", " she "),
            good.replace("his", "her").replace(" he ", " she "),
        )
    where = r.choice(("", f" in {r.choice(people.FORMS)}"))
    return [
        v("harmful", f"{p.ref}{where}{bad}", "privacy", "safeguarding"),
        v("praise", f"{p.ref}{where}{good}"),
    ]


@family("complaint/blunt", "complaint", weight=2)
def blunt(ctx: Context) -> list[Variant]:
    r = ctx.rng
    topic, problem = r.choice(words.COMPLAINT_TOPICS)
    s = people.staff(r, ctx.staff)
    frame = r.choice(words.COMPLAINT_BLUNT)
    return [
        v("criticism", cap(frame.format(topic=topic, problem=problem)), "complaint"),
        v(
            "harmful",
            cap(frame.format(topic=topic, problem=problem))
            + f", and {s.ref} is a {r.choice(words.INSULT_NOUNS)}",
            "abuse",
        ),
    ]
