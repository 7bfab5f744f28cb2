"""Errors the moderator raises on purpose.

Every error a user can cause (a bad config, a malformed input line, a database that is
down) is one of these, and its ``str()`` is one line naming *where* (file, line, key,
source) and *what* was expected. The CLI prints that line and exits non-zero; nobody sees
a traceback for these. Driver errors are kept as ``__cause__`` (``raise ... from exc``).

Messages never contain comment text: it is personal data and may be evidence.

An error a person can meet in the web interface as well as at the command line also carries a
``code`` and its ``fields`` (a structured refusal): ``str()`` is the command line's wording, and
the web words the code for its own readers (``moderator.web.words``).

ModeratorError                     the moderator failed (``code`` and ``fields`` when structured)
 ├── ConfigError                   the school config (TOML) is missing, unreadable or invalid
 ├── InputError                    a JSONL line (file source, ``classify``) is malformed
 ├── DatabaseError                 the database cannot be reached or migrated
 ├── SourceError                   a source failed, named by source
 │    └── SourceAuthError          its token is expired, revoked or lacks permission
 ├── ClassifierError               a classifier backend could not be loaded or run
 ├── CaseError                     a case cannot be found or changed (review.cases)
 ├── LetterError                   a letter template cannot be read or rendered (review.letters)
 ├── UserError                     an account cannot be created, found or used (review.users)
 │    └── Throttled                too many failed sign-ins from one address
 ├── EvidenceError                 evidence cannot be exported or checked (evidence.dossier)
 ├── TimestampError                no usable time-stamp token (evidence.timestamp)
 ├── SarError                      a subject access export cannot be made (privacy.sar)
 ├── MailError                     an email could not be handed to the SMTP server (ops.mail)
 ├── DigestError                   the daily digest could not be sent (ops.digest)
 └── WindowError                   a --since value is not a duration or a date (ops.timewindow)

The leaf packages cannot import this module, so each has its own root, mapped here where the
application calls it:

* ``classifiers.errors.ClassifierError`` -> :class:`ClassifierError`
  (``moderator.policy.classify.classifier_for``);
* ``connectors.graph_errors.ConnectorError`` -> :class:`SourceError` /
  :class:`SourceAuthError` (``moderator.ingest.sources.source_error``);
* ``workqueue.errors.QueueError`` (``IllegalTransition``, ``NotAllowed``, ``NotFound``) is the
  queue's structured refusal: the review modules raise it as it is and the two front doors
  (``moderator.cli.context.friendly_errors``, ``moderator.web.pages``) catch it beside
  :class:`ModeratorError`, wording it by its ``code``.
"""

from __future__ import annotations

from typing import Any


class ModeratorError(Exception):
    """The moderator failed."""

    def __init__(self, message: str | None = None, *, code: str = "", **fields: Any) -> None:
        super().__init__(message or (self.__doc__ or "").strip())
        self.code = code  #: what kind of refusal, for wording it elsewhere ("" when not one)
        self.fields = fields  #: what the wording may name (never comment text)


class ConfigError(ModeratorError):
    """The school configuration is invalid."""


class InputError(ModeratorError):
    """An input line is malformed."""


class DatabaseError(ModeratorError):
    """The database cannot be used."""


class SourceError(ModeratorError):
    """A comment source failed."""

    def __init__(self, source: str, message: str) -> None:
        self.source = source
        super().__init__(f"source {source!r}: {message}")


class SourceAuthError(SourceError):
    """A source's access token cannot be used."""


class ClassifierError(ModeratorError):
    """A classifier backend failed."""
