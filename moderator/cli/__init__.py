"""The ``moderator`` command: the click group and its core commands (``main``), shared
context and error handling (``context``), output phrases (``words``), what the scanning
commands print (``output``) and one module per command group (``queue``, ``cases`` with
``letters``, ``users``, ``webhooks``, ``data``, ``digest``, ``evidence``, ``ops``)."""

from __future__ import annotations
