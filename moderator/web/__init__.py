"""The moderators' web interface (``moderator serve``); the design is in docs/web.md."""
