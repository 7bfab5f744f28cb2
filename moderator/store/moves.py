"""The one way a flag's or a platform action's status changes: ``workqueue.store`` bound to
this application's tables. A flag moves with its audit event (``FLAGS.move``); an action in
the outbox moves only along ``workqueue.states.ACTION_TRANSITIONS`` (``ACTIONS.move``)."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table

from moderator.store.models import Action, AuditEvent, Flag
from workqueue.store import ActionStore, FlagStore

FLAGS = FlagStore(cast(Table, Flag.__table__), cast(Table, AuditEvent.__table__))
ACTIONS = ActionStore(cast(Table, Action.__table__))
