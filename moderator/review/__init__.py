"""Review: the moderators' work on flags. Typed read models (``flags``, ``cases``, on
``records``), decisions and their state moves (``decisions``), what they did (``outcomes``)
and how both front doors word it (``wording``), claims (``claims``), hide and unhide requests
(``hiding``), the per-poster ladder (``escalation``, ``cases``), letters and their templates
(``letters``), moderator accounts (``users``) and who may see what (``visibility``)."""

from __future__ import annotations
