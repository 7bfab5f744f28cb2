"""Evidence: snapshots taken before any hide, their custody log, export bundles and their check.

The design is in docs/evidence.md. Import the modules (``from moderator.evidence import
snapshot``); this package exports nothing itself.
"""
