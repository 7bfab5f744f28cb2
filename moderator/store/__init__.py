"""Store: the database engine and its URL rules (``db``), the tables (``models``) and the
Alembic migrations. Everything above reads and writes through here; nothing here imports above."""

from __future__ import annotations
