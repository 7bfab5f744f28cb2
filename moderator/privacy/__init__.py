"""Privacy: UK GDPR duties. Retention and purging (``retention``) and subject access
exports (``sar``, with the typed records it writes in ``subject_records``)."""

from __future__ import annotations
