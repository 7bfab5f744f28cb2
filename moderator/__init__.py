"""Moderation worker for UK schools' Facebook Pages and Instagram accounts.

Connectors fetch comments, classifiers score them, the policy decides categories, hiding and
the recommended rung of the escalation ladder, and the queue keeps flags with evidence.
"""

from __future__ import annotations

__version__ = "0.1.0"
