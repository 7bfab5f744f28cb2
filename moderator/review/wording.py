"""What a decision did, in plain words both front doors use: the command line prints them as
they are and the web puts them in its sentences. They name no option or command, so they can
be shared; each interface words the rest (notes, refusals) for its own readers
(``moderator.cli.words``, ``moderator.web.words``)."""

from __future__ import annotations

#: What a decision did (``Outcome.did``), as both interfaces say it. ``{step}`` is the rung in
#: words; ``{proposed_by}`` who proposed a police referral.
DID = {
    "confirmed": "confirmed",
    "complaint_confirmed": "confirmed as a complaint",
    "hidden": "confirmed for hiding",
    "dismissed": "dismissed",
    "closed": "closed",
    "reopened": "reopened",
    "escalated": "escalated to {step}",
    "police_proposed": "police referral proposed",
    "police_confirmed": "police referral proposed by {proposed_by}, confirmed",
}
