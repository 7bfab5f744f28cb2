"""Evidence as a user drives it: ``scan``, ``evidence export`` for a flag and a case, ``evidence
verify`` (with no database), tampering caught by name, ``evidence show`` logged, the PDF and the
capture image read back by pdftoppm/pdftotext and OCR, and an RFC 3161 time-stamp checked with
OpenSSL. A real process each time, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import cli_school, run
from tests.tsa_server import TSA

THREAT = "I will smash the head's face in at the gate, watch your back"


def words(text: str) -> str:
    return " ".join(text.lower().split())


@pytest.fixture
def school(tmp_path: Path, database_url: str) -> tuple[Path, dict[str, str]]:
    rows = [
        {
            "id": "t1",
            "text": THREAT,
            "author": "Dave Parent",
            "created_time": "2026-10-01T09:00:00+00:00",
        },
        {
            "id": "t2",
            "text": "Mrs Holloway is a useless idiot",
            "author": "Dave Parent",
            "created_time": "2026-10-02T09:00:00+00:00",
        },
    ]
    return cli_school(tmp_path, database_url, rows)


def threat_flag(folder: Path, env: dict[str, str]) -> int:
    listed = run("queue", "list", "--json", cwd=folder, env=env)
    return next(f["id"] for f in json.loads(listed.stdout) if "threat" in f["categories"])


def test_export_verify_and_tampering_from_the_command_line(
    school: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder, env = school
    flag = threat_flag(folder, env)
    out = folder / "flag.zip"
    exported = run("evidence", "export", str(flag), "--out", str(out), cwd=folder, env=env)
    assert exported.returncode == 0, exported.stderr
    assert "Fingerprint" in exported.stdout
    elsewhere = tmp_path_factory.mktemp("recipient")  # no config, no database, only the zip
    checked = run("evidence", "verify", str(out), cwd=elsewhere)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "intact" in checked.stdout and not (elsewhere / "moderator.db").exists()
    with zipfile.ZipFile(out) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    standalone = subprocess.run(
        ["python3", "-I", "-c", members["verify_bundle.py"].decode(), str(out)],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        check=False,
    )
    assert standalone.returncode == 0 and "intact" in standalone.stdout, standalone.stderr
    target = "exhibits/EX-001/capture.png"
    changed = bytearray(members[target])
    changed[len(changed) // 2] ^= 0xFF
    broken = elsewhere / "broken.zip"
    with zipfile.ZipFile(broken, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, bytes(changed) if name == target else body)
    refused = run("evidence", "verify", str(broken), cwd=elsewhere)
    assert refused.returncode == 1 and target in refused.stderr


def test_the_report_and_capture_image_read_back(
    school: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    folder, env = school
    flag = threat_flag(folder, env)
    out = folder / "flag.zip"
    assert (
        run("evidence", "export", str(flag), "--out", str(out), cwd=folder, env=env).returncode == 0
    )
    with zipfile.ZipFile(out) as archive:
        archive.extractall(tmp_path / "bundle")
    pdf = tmp_path / "bundle" / "report.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = words(text)
    for expected in (
        "evidence bundle for flag",
        "watch your back",
        "online safety act 2023",
        "s181",
        "malicious communications act 1988",
    ):
        assert expected in flat, expected
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    page = next(tmp_path.glob("page*.png"))
    seen = words(
        subprocess.run(
            ["tesseract", str(page), "stdout"], capture_output=True, text=True, check=True
        ).stdout
    )
    assert "evidence bundle" in seen and "flag" in seen
    png = tmp_path / "bundle" / "exhibits" / "EX-001" / "capture.png"
    seen = words(
        subprocess.run(
            ["tesseract", str(png), "stdout"], capture_output=True, text=True, check=True
        ).stdout
    )
    assert "recorded" in seen and "watch your back" in seen and "dave parent" in seen
    assert "01 oct 2026" in seen  # the date printed on the capture


def test_showing_evidence_is_recorded_in_the_custody_log(
    school: tuple[Path, dict[str, str]],
) -> None:
    folder, env = school
    flag = threat_flag(folder, env)
    shown = run("evidence", "show", str(flag), "--json", cwd=folder, env=env)
    assert shown.returncode == 0, shown.stderr
    chain = json.loads(shown.stdout)["snapshots"][0]["custody"]
    assert [e["action"] for e in chain] == ["captured", "viewed"]
    assert "(command line)" in chain[1]["actor"]


def test_a_case_is_exported_with_every_flag(school: tuple[Path, dict[str, str]]) -> None:
    folder, env = school
    out = folder / "case.zip"
    done = run(
        "evidence", "export", "case:Dave Parent", "--out", str(out), "--json", cwd=folder, env=env
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["exhibits"] == 2
    assert run("evidence", "verify", str(out), cwd=folder).returncode == 0


def test_a_missing_flag_or_bad_path_is_one_clear_line(school: tuple[Path, dict[str, str]]) -> None:
    folder, env = school
    missing = run("evidence", "export", "999", "--out", str(folder / "x.zip"), cwd=folder, env=env)
    assert missing.returncode == 1 and "there is no flag 999" in missing.stderr
    assert "Traceback" not in missing.stderr
    nowhere = run(
        "evidence", "export", "1", "--out", str(folder / "no" / "x.zip"), cwd=folder, env=env
    )
    assert nowhere.returncode == 1 and "no such folder" in nowhere.stderr
    garbage = folder / "garbage.zip"
    garbage.write_bytes(b"not a zip")
    bad = run("evidence", "verify", str(garbage), cwd=folder)
    assert bad.returncode == 1 and "not a readable zip" in bad.stderr


@pytest.fixture
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TSA]:
    with TSA(tmp_path_factory.mktemp("tsa")) as server:
        yield server


def test_a_configured_time_stamping_authority_signs_the_manifest(
    school: tuple[Path, dict[str, str]], tsa: TSA, tmp_path: Path
) -> None:
    folder, env = school
    config = folder / "moderator.toml"
    config.write_text(
        config.read_text() + f'\n[evidence]\ntsa_url = "{tsa.url}"\n', encoding="utf-8"
    )
    flag = threat_flag(folder, env)
    out = folder / "stamped.zip"
    done = run("evidence", "export", str(flag), "--out", str(out), cwd=folder, env=env)
    assert done.returncode == 0, done.stderr
    checked = run("evidence", "verify", str(out), cwd=folder)
    assert checked.returncode == 0 and "time-stamped" in checked.stdout
    with zipfile.ZipFile(out) as archive:
        archive.extractall(tmp_path / "b")
        members = {name: archive.read(name) for name in archive.namelist()}
    imprint = json.loads(members["manifest.json"])["timestamp"]["imprint"]
    openssl = subprocess.run(
        [
            "openssl",
            "ts",
            "-verify",
            "-digest",
            imprint,
            "-in",
            str(tmp_path / "b" / "timestamp.tsr"),
            "-CAfile",
            str(tsa.ca_pem),
            "-untrusted",
            str(tsa.cert_pem),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"OPENSSL_CONF": str(tsa.config), "PATH": "/usr/bin:/bin"},
    )
    assert openssl.returncode == 0, openssl.stdout + openssl.stderr
    token = bytearray(members["timestamp.tsr"])
    token[len(token) // 2] ^= 0x01
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, bytes(token) if name == "timestamp.tsr" else body)
    refused = run("evidence", "verify", str(forged), cwd=folder)
    assert refused.returncode == 1 and "timestamp.tsr" in refused.stderr
    tsa.mode = "error_500"
    failed = run(
        "evidence", "export", str(flag), "--out", str(folder / "not.zip"), cwd=folder, env=env
    )
    assert failed.returncode == 1 and "time-stamping authority" in failed.stderr
    assert not (folder / "not.zip").exists()
    shown = json.loads(run("evidence", "show", str(flag), "--json", cwd=folder, env=env).stdout)
    actions = [e["action"] for e in shown["snapshots"][0]["custody"]]
    assert actions.count("exported") == 1  # the failed export left no trace of an export
