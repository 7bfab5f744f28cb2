"""People the generated comments name: staff (roster and not), pupils, other parents.

Names come from many backgrounds on purpose: a model that learnt "an unusual surname is
abuse" or "a Polish name is hate" must be caught by the data, not taught by it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SURNAMES = (
    "Okafor Nowak Byrne Kaur Hughes Reilly Patel Campbell Pritchard O'Neill Mensah Rahman "
    "Khan Kowalski Wright Adeyemi Chen Nguyen Evans Jones Murphy Doherty MacLeod Fraser "
    "Ahmed Hussain Begum Singh Sharma Gill Walsh Kelly Lewis Morgan Price Thomas Davies "
    "Okonkwo Mbeki Boateng Asante Osei Mahmoud Haddad Yilmaz Demir Popescu Ionescu Novak "
    "Horvath Papadopoulos Rossi Silva Santos Garcia Lopez Kim Wong Li Zhang Tanaka Ali "
    "Abdi Farah Warsame Hassan Cohen Levy Friedman Goldberg Stewart Robertson Baxter "
    "Fletcher Turner Clarke Ellis Barker Holt Sutton Ashworth Greenwood Pickering Tremayne "
    "Penrose Griffiths Jenkins Llewellyn Rees MacDonald Sinclair Gallagher Quinn Brennan"
).split()

FEMALE_FIRST = (
    "Sarah Aisha Priya Zofia Chloe Grace Amira Fatima Nia Siobhan Mei Olivia Emma Jess "
    "Kerry Leanne Shanice Chantelle Ayesha Hannah Ruth Bronwen Morag Eilidh Agnieszka "
    "Ioana Precious Blessing Ngozi Yasmin Farah Sadia Leah Rachel Naomi Jade Demi Tia "
    "Rosie Megan Ffion Catrin Aoife Niamh Lucy Maya Sofia Hui Lin Anjali Deepa Kiran"
).split()
MALE_FIRST = (
    "James Tom Kwame Imran Ravi Owen Peter Liam Connor Tyler Jayden Kacper Piotr Andrei "
    "Mohammed Yusuf Omar Hamza Bilal Chidi Tunde Kofi Kwesi Dylan Rhys Gareth Callum Euan "
    "Hamish Declan Ciaran Wei Jun Minh Arjun Rohan Sanjay Daniel Ben Josh Harry Alfie "
    "Reuben Eli Samuel Luca Marco Tariq Dev Rory Finlay Lewis Jamal Marcus Leon"
).split()

#: Roles people use for staff they do not name.
ROLES = (
    "the head",
    "the headteacher",
    "the head teacher",
    "the deputy head",
    "the PE teacher",
    "the cook",
    "the dinner lady",
    "the caretaker",
    "the receptionist",
    "the SENCo",
    "the TA",
    "the music teacher",
    "the Year 6 teacher",
    "the head of year 9",
    "the lollipop lady",
    "the business manager",
    "the chair of governors",
    "the school nurse",
    "the maths teacher",
    "the science teacher",
    "the new teacher",
    "the drama teacher",
    "the office manager",
    "the minibus driver",
    "the reception teacher",
    "the art teacher",
)
FORMS = ("7R", "8B", "9S", "10H", "11K", "6M", "5W", "4P", "Year 3", "Year 8", "Y9", "yr 10")
YEARS = (
    "Year 3",
    "Year 4",
    "Year 5",
    "Year 6",
    "Year 7",
    "Year 8",
    "Year 9",
    "Year 10",
    "Year 11",
    "Y6",
    "Y7",
    "yr 8",
    "yr 9",
    "year 10",
    "reception",
)


@dataclass(frozen=True)
class Person:
    """How a comment names someone, and the pronouns it uses for them."""

    ref: str  #: as written in the comment: "Mrs Kaur", "the PE teacher", "Jayden"
    name: str  #: full name (for the roster), "" for a role
    kind: str  #: "staff", "pupil", "parent"
    he: str
    him: str
    his: str
    on_roster: bool

    @property
    def first(self) -> str:
        return self.name.split()[0] if self.name else self.ref


def _pronouns(female: bool) -> tuple[str, str, str]:
    return ("she", "her", "her") if female else ("he", "him", "his")


def staff(rng: random.Random, roster: list[Person] | None = None) -> Person:
    """A member of staff: from the roster (by title or alias), by title only, or by role."""
    roll = rng.random()
    if roster and roll < 0.5:
        return rng.choice(roster)
    female = rng.random() < 0.6
    if roll < 0.8:
        surname = rng.choice(SURNAMES)
        title = rng.choice(("Mrs", "Miss", "Ms")) if female else rng.choice(("Mr", "Mr", "Sir"))
        if title == "Sir":
            title = "Mr"
        first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
        return Person(
            f"{title} {surname}", f"{first} {surname}", "staff", *_pronouns(female), on_roster=False
        )
    return Person(rng.choice(ROLES), "", "staff", *_pronouns(female), on_roster=False)


def pupil(rng: random.Random, roster: list[Person] | None = None) -> Person:
    if roster and rng.random() < 0.6:
        return rng.choice(roster)
    female = rng.random() < 0.5
    first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
    ref = first if rng.random() < 0.6 else f"{first} {rng.choice(SURNAMES)[0]}"
    return Person(ref, first, "pupil", *_pronouns(female), on_roster=False)


def parent(rng: random.Random) -> Person:
    female = rng.random() < 0.6
    first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
    ref = first if rng.random() < 0.5 else f"{first} {rng.choice(SURNAMES)}"
    return Person(ref, ref, "parent", *_pronouns(female), on_roster=False)


def make_roster(
    rng: random.Random, staff_count: int = 24, pupil_count: int = 10
) -> tuple[list[Person], list[Person]]:
    """A fictional school's staff (named by title and surname) and pupils (first names)."""
    staff_rows: list[Person] = []
    surnames = rng.sample(SURNAMES, staff_count)
    for surname in surnames:
        female = rng.random() < 0.6
        first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
        title = rng.choice(("Mrs", "Miss", "Ms")) if female else "Mr"
        staff_rows.append(
            Person(
                f"{title} {surname}",
                f"{first} {surname}",
                "staff",
                *_pronouns(female),
                on_roster=True,
            )
        )
    pupils: list[Person] = []
    for _ in range(pupil_count):
        female = rng.random() < 0.5
        first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
        surname = rng.choice(SURNAMES)
        pupils.append(
            Person(first, f"{first} {surname}", "pupil", *_pronouns(female), on_roster=True)
        )
    return staff_rows, pupils


def roster_toml(school: str, staff_rows: list[Person], pupils: list[Person]) -> str:
    """The roster as a school config (for evaluating the generated comments with the policy)."""
    lines = [f'[school]\nname = "{school}"\n']
    for person in staff_rows:
        lines.append(f'[[staff]]\nname = "{person.name}"\naliases = ["{person.ref}"]\n')
    for person in pupils:
        lines.append(f'[[pupils]]\nname = "{person.name}"\n')
    return "\n".join(lines)
