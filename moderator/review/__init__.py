"""Review: the moderators' work on flags. Read models (``flags``), decisions and their state
moves (``decisions``), the per-poster ladder (``escalation``, ``cases``), letters and their templates
(``letters``), moderator accounts (``users``) and who may see what (``visibility``)."""

from __future__ import annotations
