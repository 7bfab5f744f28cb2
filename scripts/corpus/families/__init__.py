"""Template families, one module per kind of harm (importing registers them)."""

from __future__ import annotations

from scripts.corpus.families import (  # noqa: F401  (imported to register)
    abuse,
    complaint,
    defamation,
    everyday,
    hate,
    more,
    privacy,
    safeguarding,
    sexual_obscene,
    threat,
)
