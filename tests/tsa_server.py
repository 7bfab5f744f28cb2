"""A real RFC 3161 time-stamping authority on 127.0.0.1 for tests, built on ``openssl ts``.

On ``start()`` it makes, with the ``openssl`` CLI, a CA (EC P-256 key and self-signed
certificate) and a TSA certificate signed by it (``extendedKeyUsage = critical, timeStamping``),
writes an OpenSSL config with ``[tsa]`` sections, and serves HTTP POSTs on an ephemeral port:
each query is answered by ``openssl ts -reply`` (one at a time: the serial file is shared).
Tokens verify with ``openssl ts -verify -data FILE -in RESP -CAfile tsa.ca_pem``.

Usage::

    with TSA(tmp_path) as tsa:
        reply = timestamp.request(tsa.url, hashlib.sha256(b"manifest").digest())
        tsa.mode = "garbage"  # misbehave from the next request on

Modes (``tsa.mode``; ``reset()`` goes back to ``"ok"`` and forgets recorded requests):

- ``ok``            a granted reply, ``Content-Type: application/timestamp-reply``
- ``error_500``     HTTP 500 with a text body
- ``garbage``       HTTP 200, the right content type, bytes that are not DER
- ``wrong_type``    a granted reply served as ``text/html``
- ``other_digest``  a granted reply to the same query with a different imprint (nonce kept)
- ``other_nonce``   a granted reply to the same query with a different nonce (imprint kept)
- ``reject``        OpenSSL's own rejection: the TSA is configured for SHA-512 only, so a SHA-256
                    query gets PKIStatus rejection, failInfo badAlg
- ``slow``          waits ``tsa.delay`` seconds (or until ``stop()``), then answers as ``ok``

Each received request is recorded in ``tsa.requests`` (path, content type, body).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from asn1crypto import tsp

__all__ = ["MODES", "POLICY", "TSA", "Recorded"]

POLICY = "1.2.3.4.1"
REPLY_TYPE = "application/timestamp-reply"
MODES = frozenset(
    {"ok", "error_500", "garbage", "wrong_type", "other_digest", "other_nonce", "reject", "slow"}
)

CONFIG = """\
[ req ]
distinguished_name = req_dn
[ req_dn ]
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ tsa_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tsa ]
default_tsa = tsa_ok
[ tsa_ok ]
{common}
digests = sha256, sha384, sha512
[ tsa_reject ]
{common}
digests = sha512
"""

COMMON = """\
serial = {dir}/serial
crypto_device = builtin
signer_cert = {dir}/tsa.pem
signer_key = {dir}/tsa.key
certs = {dir}/ca.pem
signer_digest = sha256
default_policy = {policy}
other_policies = 1.2.3.4.5
accuracy = secs:1, millisecs:500, microsecs:100
clock_precision_digits = 0
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256"""


@dataclass(frozen=True)
class Recorded:
    """One request the TSA received."""

    path: str
    content_type: str
    body: bytes


class TSA:
    """An RFC 3161 TSA over HTTP on 127.0.0.1 (``openssl ts -reply``); see the module doc."""

    def __init__(self, directory: Path, *, policy: str = POLICY) -> None:
        self.directory = Path(directory)
        self.policy = policy
        self.config = self.directory / "tsa.cnf"
        self.ca_pem = self.directory / "ca.pem"
        self.cert_pem = self.directory / "tsa.pem"
        self.mode = "ok"
        self.delay = 1.0
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._count = 0
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the TSA is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}/tsa"

    def start(self) -> Self:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._make_pki()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True
        self._server = server
        self._stopping.clear()
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="tsa", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes a "slow" answer
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(self) -> None:
        """Back to granting every query; forget the recorded requests."""
        self.mode = "ok"
        self.delay = 1.0
        self.requests.clear()

    def reply(self, query: bytes, *, section: str = "tsa_ok") -> bytes:
        """Answer a DER TimeStampReq with ``openssl ts -reply`` (usable without HTTP)."""
        with self._lock:
            self._count += 1
            query_file = self.directory / f"q{self._count}.tsq"
            reply_file = self.directory / f"r{self._count}.tsr"
            query_file.write_bytes(query)
            self._openssl(
                "ts", "-reply", "-config", str(self.config), "-section", section,
                "-queryfile", str(query_file), "-out", str(reply_file),
            )  # fmt: skip
            return reply_file.read_bytes()

    def query(self, data: bytes) -> bytes:
        """A TimeStampReq over SHA-256(data) made by ``openssl ts -query`` (nonce, cert)."""
        with self._lock:
            self._count += 1
            data_file = self.directory / f"d{self._count}.bin"
            query_file = self.directory / f"q{self._count}.tsq"
            data_file.write_bytes(data)
            self._openssl(
                "ts", "-query", "-data", str(data_file), "-sha256", "-cert",
                "-out", str(query_file),
            )  # fmt: skip
            return query_file.read_bytes()

    def answer(self, query: bytes) -> tuple[int, str, bytes]:
        """Status, content type and body for a POSTed query, according to ``mode``."""
        mode = self.mode
        if mode == "error_500":
            return 500, "text/plain", b"internal error\n"
        if mode == "garbage":
            return 200, REPLY_TYPE, b"\x00not a time-stamp response\xff"
        if mode == "slow":
            self._stopping.wait(self.delay)
        if mode == "reject":
            return 200, REPLY_TYPE, self.reply(query, section="tsa_reject")
        if mode in {"other_digest", "other_nonce"}:
            query = _altered(query, mode)
        content_type = "text/html; charset=utf-8" if mode == "wrong_type" else REPLY_TYPE
        return 200, content_type, self.reply(query)

    def _make_pki(self) -> None:
        if self.cert_pem.exists():
            return
        self.config.write_text(
            CONFIG.format(common=COMMON.format(dir=self.directory, policy=self.policy)),
            encoding="utf-8",
        )
        (self.directory / "serial").write_text("01\n", encoding="ascii")
        d = self.directory
        ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes")
        self._openssl(
            "req", "-config", str(self.config), "-x509", *ec, "-keyout", str(d / "ca.key"),
            "-out", str(self.ca_pem), "-subj", "/CN=Moderator test TSA CA", "-days", "2",
            "-extensions", "ca_ext",
        )  # fmt: skip
        self._openssl(
            "req", "-config", str(self.config), "-new", *ec, "-keyout", str(d / "tsa.key"),
            "-out", str(d / "tsa.csr"), "-subj", "/O=Moderator tests/CN=Moderator test TSA",
        )  # fmt: skip
        self._openssl(
            "x509", "-req", "-in", str(d / "tsa.csr"), "-CA", str(self.ca_pem),
            "-CAkey", str(d / "ca.key"), "-set_serial", "2", "-days", "2",
            "-extfile", str(self.config), "-extensions", "tsa_ext", "-out", str(self.cert_pem),
        )  # fmt: skip

    def _openssl(self, *args: str) -> None:
        env = {**os.environ, "OPENSSL_CONF": str(self.config)}
        done = subprocess.run(
            ["openssl", *args], capture_output=True, env=env, timeout=30, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"openssl {args[0]} {args[1]} failed ({done.returncode}): "
                f"{done.stderr.decode(errors='replace')}"
            )


def _altered(query: bytes, mode: str) -> bytes:
    """The query with another imprint (``other_digest``) or another nonce (``other_nonce``)."""
    req: Any = tsp.TimeStampReq.load(query)
    imprint = req["message_imprint"]
    if mode == "other_digest":
        other = hashlib.sha256(b"something else" + imprint["hashed_message"].native).digest()
        new_imprint = {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": other}
        nonce = req["nonce"].native
    else:
        new_imprint = imprint.native
        nonce = (req["nonce"].native or 0) + 1
    altered = tsp.TimeStampReq(
        {"version": "v1", "message_imprint": new_imprint, "nonce": nonce, "cert_req": True}
    )
    return bytes(altered.dump())


def _handler(tsa: TSA) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            content_type = self.headers.get("Content-Type", "")
            tsa.requests.append(Recorded(self.path, content_type, body))
            try:
                status, reply_type, reply = tsa.answer(body)
            except Exception as exc:  # noqa: BLE001 - a broken query: answer 400, like a TSA
                status, reply_type, reply = 400, "text/plain", f"{exc}\n".encode()
            self.send_response(status)
            self.send_header("Content-Type", reply_type)
            self.send_header("Content-Length", str(len(reply)))
            try:
                self.end_headers()
                self.wfile.write(reply)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nobody to answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
