"""Privacy: UK GDPR duties. Retention and purging (``retention``) and subject access
exports (``sar``)."""

from __future__ import annotations
