"""Ingest: comments coming in. Sources built from config (``sources``), polling scans
(``scanning``), recording a comment with its classification, flag and evidence (``recording``),
records that could not be read (``quarantine``), webhook events (``webhooks``), re-reading with a new
model (``reclassify``) and the outbox that carries hide actions to the platforms (``outbox``)."""

from __future__ import annotations
