"""Who may take which decision: the roles, the default permissions and the two-person rule.

A school can change any line of :data:`DEFAULT_PERMISSIONS` in ``[escalation.permissions]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from workqueue.errors import NotAllowed


class Role(StrEnum):
    """A named user's role. Values are stored in the database."""

    MODERATOR = "moderator"  #: reviews the queue: confirms, dismisses, hides, invites to meet
    HEADTEACHER = "headteacher"  #: takes the rungs above a meeting for the school
    DSL = "dsl"  #: the Designated Safeguarding Lead (or a deputy): sees safeguarding flags
    ADMIN = "admin"  #: runs the system for the school; may take any decision a head may
    STAFF = "staff"  #: a member of staff: reports comments seen elsewhere, sees only those reports


#: Everyone who works the queue (a member of staff only reports: no decision is theirs).
EVERYONE = frozenset(Role) - {Role.STAFF}
#: The roles that see flags at all; a ``staff`` user sees only the reports they made.
REVIEWERS = EVERYONE

#: What each decision needs. ``police`` is the second person who confirms a referral;
#: ``propose_police`` the first; ``safeguarding`` who sees and decides flags routed to the DSL.
DEFAULT_PERMISSIONS: dict[str, frozenset[Role]] = {
    "review": EVERYONE,  # claim, release, confirm, dismiss, close, reopen, add a target
    "hide": EVERYONE,
    "meeting": EVERYONE,
    "written_warning": frozenset({Role.HEADTEACHER, Role.ADMIN}),
    "legal": frozenset({Role.HEADTEACHER, Role.ADMIN}),
    "propose_police": EVERYONE,
    "police": frozenset({Role.HEADTEACHER, Role.DSL, Role.ADMIN}),
    "safeguarding": frozenset({Role.DSL}),
    "block": frozenset({Role.HEADTEACHER, Role.ADMIN}),
    "reply": frozenset({Role.HEADTEACHER, Role.ADMIN}),
    "report": EVERYONE,
    "reopen_confirmed": frozenset({Role.HEADTEACHER, Role.ADMIN}),
}

WHAT = {
    "review": "review flags",
    "hide": "hide comments",
    "meeting": "invite a poster to a meeting",
    "written_warning": "send a written warning",
    "legal": "take legal advice",
    "propose_police": "propose a police referral",
    "police": "confirm a police referral",
    "safeguarding": "see flags routed to the Designated Safeguarding Lead",
    "block": "block or unblock a poster on the school's channels",
    "reply": "post a complaint reply in public under the comment",
    "report": "record a report to the platform or a request to the host to remove a comment",
    "reopen_confirmed": "reopen a confirmed flag",
}


@dataclass(frozen=True)
class Permissions:
    table: Mapping[str, frozenset[Role]] = field(default_factory=lambda: dict(DEFAULT_PERMISSIONS))

    def allows(self, role: Role, what: str) -> bool:
        return role in self.table[what]

    def roles(self, what: str) -> tuple[str, ...]:
        """The roles that may do ``what``, in the order of :class:`Role`."""
        return tuple(r.value for r in Role if r in self.table[what])

    def who(self, what: str) -> str:
        """The roles that may do ``what``, in words."""
        return ", ".join(self.roles(what)) or "no role"

    def check(self, username: str, role: Role, what: str) -> None:
        """Raise :class:`NotAllowed` naming who may, when ``role`` may not do ``what``."""
        if not self.allows(role, what):
            raise NotAllowed(
                f"{username} ({role.value}) may not {WHAT[what]}: that needs one of "
                f"{self.who(what)}",
                code="not_permitted",
                user=username,
                role=role.value,
                what=what,
                roles=self.roles(what),
            )

    def second_person(self, proposer: str, confirmer: str) -> None:
        """A police referral needs two people: raise unless ``confirmer`` is someone else."""
        if proposer == confirmer:
            raise NotAllowed(
                f"a police referral needs a second person: {proposer} proposed it, so someone "
                f"else ({self.who('police')}) must confirm it",
                code="second_person",
                proposer=proposer,
                roles=self.roles("police"),
            )
