"""Policy: what a comment is and what to do about it. Categories and routes
(``categories``), the school's roster (``roster``), pattern rules (``rules``), the pure decision
over model scores (``decide``) and the ``moderator classify`` pipeline (``classify``)."""

from __future__ import annotations
