"""The ``moderator`` command: the click group and its core commands (``main``), shared
context and error handling (``context``), output phrases (``words``) and one module per command
group (``data``, ``digest``, ``evidence``, ``ops``)."""

from __future__ import annotations
