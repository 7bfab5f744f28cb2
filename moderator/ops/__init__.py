"""Ops: running the service. The worker loop (``worker``), the daily digest email
(``digest``) and the SMTP delivery it uses (``mail``), ``moderator status`` (``status``),
binding listeners (``listening``) and the time windows they share (``timewindow``)."""

from __future__ import annotations
