"""Settings: the school's TOML configuration, read, checked and typed (``config``), the
line-numbered TOML checks behind its one-line errors (``tomlcheck``) and the sample school."""

from __future__ import annotations
