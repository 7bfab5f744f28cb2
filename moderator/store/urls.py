"""The database URL a command uses when none is given, kept apart from the engine code so the
command line can show it in ``--help`` without importing SQLAlchemy."""

from __future__ import annotations

DEFAULT_URL = "sqlite:///./moderator.db"
