"""Build the connector for a configured source, and put connector errors in the user's words."""

from __future__ import annotations

from connectors.base import CommentSource
from connectors.facebook_connector import FacebookPageSource
from connectors.file_connector import FileSource
from connectors.graph_client import GraphClient, HttpxGraphClient, SdkGraphClient
from connectors.graph_errors import GraphError, Kind
from connectors.graph_retry import RetryPolicy
from connectors.instagram_connector import InstagramSource
from moderator.errors import ConfigError, SourceAuthError, SourceError
from moderator.settings.config import SourceConfig


def connect(config: SourceConfig) -> CommentSource:
    """The connector for ``config``. A missing token raises :class:`SourceAuthError`."""
    if config.platform == "file":
        assert config.path is not None  # the config loader requires it
        return FileSource(config.name, config.path)
    try:
        token = config.access_token()
    except ConfigError as exc:
        raise SourceAuthError(config.name, _after_source(str(exc))) from None
    if config.platform == "facebook":
        assert config.page_id is not None
        client: GraphClient = SdkGraphClient(
            config.name, config.graph_url, config.api_version, token, policy(config)
        )
        return FacebookPageSource(config.name, config.page_id, client, config.lookback_days)
    assert config.account_id is not None
    client = HttpxGraphClient(
        config.name, config.graph_url, config.api_version, token, policy(config)
    )
    return InstagramSource(config.name, config.account_id, client, config.lookback_days)


def policy(config: SourceConfig) -> RetryPolicy:
    return RetryPolicy(
        timeout_seconds=config.timeout_seconds,
        rate_limit_backoff_seconds=config.rate_limit_backoff_seconds,
        max_wait_seconds=config.max_rate_limit_wait_seconds,
    )


def source_error(
    source: str, exc: GraphError, doing: str, token_env: str | None = None
) -> SourceError:
    """The user-facing error for a Graph failure while ``doing`` something for ``source``;
    ``token_env`` names the variable a new token goes in."""
    reference = f" ({exc.reference})" if exc.reference else ""
    text = str(exc)
    if exc.kind is Kind.TOKEN and exc.code == 190:
        text += f" and put it in {token_env or 'the variable named by access_token_env'}"
    message = f"{doing}: {text}{reference}"
    if exc.kind is Kind.TOKEN:
        return SourceAuthError(source, f"token problem while {message}")
    return SourceError(source, message)


def _after_source(message: str) -> str:
    """``source 'x': rest`` -> ``rest`` (the SourceError adds the source itself)."""
    return message.split(": ", 1)[1] if message.startswith("source ") else message
