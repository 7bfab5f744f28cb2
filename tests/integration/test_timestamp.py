"""RFC 3161 time-stamps against a real TSA (``openssl ts -reply`` behind tests/tsa_server.py).

The granted token is checked by ``check`` *and* by ``openssl ts -verify``, a third party's
implementation; every failure a TSA can produce raises TimestampError naming the TSA and what
was wrong.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from moderator.errors import ModeratorError
from moderator.evidence import timestamp
from moderator.evidence.timestamp import TimestampError
from tests.tsa_server import POLICY, TSA

MANIFEST = b'{"members": []}\n'
DIGEST = hashlib.sha256(MANIFEST).digest()


@pytest.fixture(scope="module")
def tsa_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TSA]:
    """One TSA (keys, certificates, server) for the module: the PKI costs ~50 ms to make."""
    with TSA(tmp_path_factory.mktemp("tsa")) as server:
        yield server


@pytest.fixture
def tsa(tsa_server: TSA) -> Iterator[TSA]:
    tsa_server.reset()
    yield tsa_server
    tsa_server.reset()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as http:
        yield http


def stamp(tsa: TSA, client: httpx.Client, **kwargs: float) -> bytes:
    return timestamp.request(tsa.url, DIGEST, client=client, **kwargs)


def failure(tsa: TSA, client: httpx.Client, mode: str) -> str:
    tsa.mode = mode
    with pytest.raises(TimestampError) as caught:
        stamp(tsa, client)
    message = str(caught.value)
    assert tsa.url in message
    assert "\n" not in message
    return message


def test_granted_round_trip_verifies_with_openssl(tsa: TSA, tmp_path: Path) -> None:
    reply = timestamp.request(tsa.url, DIGEST)  # its own client, default timeout

    info = timestamp.check(reply, DIGEST)
    assert info.imprint_ok is True
    assert info.gen_time.tzinfo is UTC
    assert abs(info.gen_time - datetime.now(UTC)) < timedelta(minutes=1)
    assert info.policy == POLICY
    assert info.serial >= 1
    assert info.tsa is not None and "Moderator test TSA" in info.tsa

    (sent,) = tsa.requests
    assert sent.content_type == "application/timestamp-query"
    assert sent.path == "/tsa"

    manifest, token = tmp_path / "manifest.json", tmp_path / "timestamp.tsr"
    manifest.write_bytes(MANIFEST)
    token.write_bytes(reply)
    verified = openssl_verify(tsa, manifest, token)
    assert verified.returncode == 0, verified.stderr
    assert "Verification: OK" in verified.stdout

    manifest.write_bytes(MANIFEST + b" ")  # and the same tool refuses another manifest
    assert openssl_verify(tsa, manifest, token).returncode != 0


def openssl_verify(tsa: TSA, data: Path, token: Path) -> subprocess.CompletedProcess[str]:
    command = ["openssl", "ts", "-verify", "-data", str(data), "-in", str(token)]
    command += ["-CAfile", str(tsa.ca_pem), "-untrusted", str(tsa.cert_pem)]
    env = {**os.environ, "OPENSSL_CONF": str(tsa.config)}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=30, check=False)


def test_check_reports_a_token_for_another_digest(tsa: TSA, client: httpx.Client) -> None:
    reply = stamp(tsa, client)
    info = timestamp.check(reply, hashlib.sha256(b"another manifest").digest())
    assert info.imprint_ok is False


def test_check_refuses_what_is_not_a_granted_response(tsa: TSA) -> None:
    with pytest.raises(TimestampError, match="not a TimeStampResp"):
        timestamp.check(b"\x30\x03garbage", DIGEST)
    rejection = tsa.reply(tsa.query(MANIFEST), section="tsa_reject")
    with pytest.raises(TimestampError, match="not granted: PKIStatus rejection; failInfo bad_alg"):
        timestamp.check(rejection, DIGEST)


def test_http_500(tsa: TSA, client: httpx.Client) -> None:
    assert "HTTP 500" in failure(tsa, client, "error_500")


def test_garbage_reply(tsa: TSA, client: httpx.Client) -> None:
    assert "not a TimeStampResp" in failure(tsa, client, "garbage")


def test_wrong_content_type(tsa: TSA, client: httpx.Client) -> None:
    message = failure(tsa, client, "wrong_type")
    assert "text/html" in message and "application/timestamp-reply" in message


def test_rejection_names_status_and_fail_info(tsa: TSA, client: httpx.Client) -> None:
    message = failure(tsa, client, "reject")
    assert "PKIStatus rejection" in message
    assert "failInfo bad_alg" in message
    assert "Message digest algorithm is not supported" in message


def test_mismatched_imprint(tsa: TSA, client: httpx.Client) -> None:
    assert "imprint mismatch" in failure(tsa, client, "other_digest")


def test_mismatched_nonce(tsa: TSA, client: httpx.Client) -> None:
    assert "nonce" in failure(tsa, client, "other_nonce")


def test_timeout(tsa: TSA, client: httpx.Client) -> None:
    tsa.mode, tsa.delay = "slow", 0.5
    with pytest.raises(TimestampError, match=r"timed out after 0\.1 s") as caught:
        stamp(tsa, client, timeout=0.1)
    assert tsa.url in str(caught.value)
    assert isinstance(caught.value.__cause__, httpx.TimeoutException)


def test_connection_refused(client: httpx.Client) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and is closed now
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/tsa"
    with pytest.raises(TimestampError, match=r"request failed \(ConnectError") as caught:
        timestamp.request(url, DIGEST, client=client, timeout=2)
    assert url in str(caught.value)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


def test_messages_leave_out_credentials_and_query(tsa: TSA, client: httpx.Client) -> None:
    tsa.mode = "error_500"
    secret_url = tsa.url.replace("http://", "http://user:s3cret@") + "?api_key=k3y"
    with pytest.raises(TimestampError) as caught:
        timestamp.request(secret_url, DIGEST, client=client)
    message = str(caught.value)
    assert tsa.url in message
    assert "s3cret" not in message and "k3y" not in message and "user" not in message


def test_error_is_a_moderator_error_with_its_cause(tsa: TSA, client: httpx.Client) -> None:
    tsa.mode = "garbage"
    with pytest.raises(ModeratorError) as caught:
        stamp(tsa, client)
    assert isinstance(caught.value, TimestampError)
    assert caught.value.__cause__ is not None
