"""RFC 3161 time-stamps over an export's manifest hash: ask a TSA for one, and read one.

``request`` POSTs a TimeStampReq (SHA-256 imprint, random 64-bit nonce, certificate
requested) to the configured ``[evidence] tsa_url`` and returns the whole TimeStampResp DER,
stored in the bundle as ``timestamp.tsr``. ``check`` reads such a response: granted, the time,
policy, serial and TSA name, and whether it stamps the given SHA-256 digest.

The token's CMS signature is *not* checked here. Recipients check it with OpenSSL::

    openssl ts -verify -data manifest.json -in timestamp.tsr -CAfile tsa-ca.pem

The bundle's verifier imports this module lazily and copes without asn1crypto.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from asn1crypto import cms, core, tsp

from moderator.errors import ModeratorError

__all__ = ["TimestampError", "TokenInfo", "check", "request"]

logger = logging.getLogger(__name__)

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
GRANTED = frozenset({"granted", "granted_with_mods"})


class TimestampError(ModeratorError):
    """A time-stamp could not be obtained or the response is not a usable token."""


@dataclass(frozen=True)
class TokenInfo:
    """What a granted response's TSTInfo says (the signature is not checked)."""

    gen_time: datetime  # aware, UTC
    policy: str  # dotted OID
    serial: int
    imprint_ok: bool  # the imprint is SHA-256 and equals the digest given to check()
    tsa: str | None  # the TSA's name, when the token carries one


class _TimeStampResp(core.Sequence):
    """TimeStampResp with timeStampToken OPTIONAL, as in RFC 3161 (asn1crypto 1.5 requires it,
    so it cannot load a rejection)."""

    _fields = [  # noqa: RUF012 - asn1crypto's class-level schema
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


class _Invalid(Exception):
    """A response that is not a granted, well-formed time-stamp (message: what is wrong)."""


def request(
    url: str, digest: bytes, *, timeout: float = 15.0, client: httpx.Client | None = None
) -> bytes:
    """Ask the TSA at ``url`` to stamp the SHA-256 ``digest``; return the TimeStampResp DER."""
    where = _safe_url(url)
    if len(digest) != 32:
        raise TimestampError(
            f"time-stamping authority {where}: a SHA-256 digest is 32 bytes, not {len(digest)}"
        )
    nonce = secrets.randbits(64)
    logger.info("requesting a time-stamp from %s", _host(url))
    reply = _post(url, where, _query(digest, nonce), timeout, client)
    try:
        tst_info = _tst_info(reply)
    except _Invalid as exc:
        raise TimestampError(f"time-stamping authority {where}: {exc}") from exc
    if not _imprint_ok(tst_info, digest):
        raise TimestampError(
            f"time-stamping authority {where}: the token stamps a different digest "
            "(message imprint mismatch)"
        )
    if tst_info["nonce"].native != nonce:
        raise TimestampError(
            f"time-stamping authority {where}: the token's nonce is not the one sent "
            "(replayed or misdirected response)"
        )
    return reply


def check(response: bytes, digest: bytes) -> TokenInfo:
    """Read a granted TimeStampResp and compare its imprint with the SHA-256 ``digest``."""
    try:
        tst_info = _tst_info(response)
        return _token_info(tst_info, digest)
    except _Invalid as exc:
        raise TimestampError(f"time-stamp response: {exc}") from exc


def _query(digest: bytes, nonce: int) -> bytes:
    query = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    )
    return bytes(query.dump())


def _post(url: str, where: str, body: bytes, timeout: float, client: httpx.Client | None) -> bytes:
    headers = {"Content-Type": QUERY_TYPE, "Accept": REPLY_TYPE}
    try:
        if client is None:
            with httpx.Client(timeout=timeout) as own:
                response = own.post(url, content=body, headers=headers)
        else:
            response = client.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.TimeoutException as exc:
        raise TimestampError(
            f"time-stamping authority {where}: timed out after {timeout:g} s"
        ) from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise TimestampError(
            f"time-stamping authority {where}: request failed "
            f"({type(exc).__name__}: {_one_line(str(exc))})"
        ) from exc
    return _reply_body(response, where)


def _reply_body(response: httpx.Response, where: str) -> bytes:
    if response.status_code != 200:
        raise TimestampError(
            f"time-stamping authority {where}: HTTP {response.status_code} "
            f"{_one_line(response.reason_phrase)}".rstrip()
        )
    content_type = response.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != REPLY_TYPE:
        raise TimestampError(
            f"time-stamping authority {where}: content type {content_type or 'missing'!r}, "
            f"expected {REPLY_TYPE!r}"
        )
    return response.content


def _tst_info(response: bytes) -> Any:
    """The TSTInfo of a granted response; raises _Invalid naming what is wrong."""
    try:
        resp = _TimeStampResp.load(response, strict=True)
        status_info = resp["status"]
        status_info.native  # noqa: B018 - parse it now, so a bad field fails here
    except (ValueError, TypeError, KeyError) as exc:
        raise _Invalid(
            f"not a TimeStampResp ({type(exc).__name__}: {_one_line(str(exc))})"
        ) from exc
    _require_granted(status_info)
    try:
        return _encapsulated_tst_info(resp["time_stamp_token"])
    except (ValueError, TypeError, KeyError) as exc:
        raise _Invalid(f"malformed time-stamp token ({type(exc).__name__})") from exc


def _encapsulated_tst_info(token: Any) -> Any:
    if isinstance(token, core.Void) or token["content_type"].native != "signed_data":
        raise _Invalid("granted, but no time-stamp token (SignedData) is included")
    encap = token["content"]["encap_content_info"]
    if encap["content_type"].native != "tst_info" or isinstance(encap["content"], core.Void):
        raise _Invalid("the token's content is not a TSTInfo")
    tst_info = encap["content"].parsed
    tst_info.native  # noqa: B018 - parse every field now, so a bad one fails here
    return tst_info


def _require_granted(status_info: Any) -> None:
    status = status_info["status"].native
    if status in GRANTED:
        return
    fail_info = status_info["fail_info"].native
    text = status_info["status_string"].native
    details = [f"PKIStatus {status}"]
    if fail_info:
        details.append("failInfo " + ", ".join(sorted(fail_info)))
    if text:
        details.append("statusString " + repr(_one_line(" ".join(text))))
    raise _Invalid("not granted: " + "; ".join(details))


def _token_info(tst_info: Any, digest: bytes) -> TokenInfo:
    gen_time = tst_info["gen_time"].native
    if not isinstance(gen_time, datetime):
        raise _Invalid(f"genTime {gen_time!r} is not a usable time")
    return TokenInfo(
        gen_time=gen_time.astimezone(UTC),
        policy=tst_info["policy"].dotted,
        serial=tst_info["serial_number"].native,
        imprint_ok=_imprint_ok(tst_info, digest),
        tsa=_tsa_name(tst_info["tsa"]),
    )


def _imprint_ok(tst_info: Any, digest: bytes) -> bool:
    imprint = tst_info["message_imprint"]
    return bool(
        imprint["hash_algorithm"]["algorithm"].native == "sha256"
        and imprint["hashed_message"].native == digest
    )


def _tsa_name(general_name: Any) -> str | None:
    if general_name.native is None:
        return None
    chosen = general_name.chosen
    if general_name.name == "directory_name":
        return str(chosen.human_friendly)
    return _one_line(str(chosen.native))


def _safe_url(url: str) -> str:
    """The URL without credentials, query string or fragment, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparseable URL)"
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or "(no host)"
    except ValueError:
        return "(unparseable URL)"


def _one_line(text: str) -> str:
    return " ".join(text.split())
