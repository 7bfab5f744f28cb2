"""Build the connector for a configured source."""

from __future__ import annotations

from connectors.base import CommentSource
from connectors.file_connector import FileSource
from moderator.config import SourceConfig
from moderator.exceptions import SourceError


def connect(config: SourceConfig) -> CommentSource:
    """The connector for ``config``; platform connectors arrive with the connectors release."""
    if config.platform == "file":
        assert config.path is not None  # the config loader requires it
        return FileSource(config.name, config.path)
    raise SourceError(
        config.name,
        f"the {config.platform} connector is not in this release yet; "
        'scan a file source (platform = "file") meanwhile',
    )
