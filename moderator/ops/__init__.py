"""Ops: running the service. The worker loop (``worker``), the daily digest email
(``digest``), ``moderator status`` (``status``), binding listeners (``listening``) and the time
windows they share (``timewindow``)."""

from __future__ import annotations
