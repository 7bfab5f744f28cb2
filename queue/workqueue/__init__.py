"""The flag queue's domain: flag states and their transitions, and the escalation ladder.

Pure logic with no database or I/O, so the application (``moderator``) and the tests share one
definition. Import modules, not names: ``from workqueue import ladder, states``.
"""
