"""Hostile input never produces a traceback: random bytes, huge lines, NULs, CRLF, ANSI storms."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_agent.diagnose import diagnose_path
from devops_agent.errors import InputError

PIECES = st.sampled_from([
    b"\x1b[31m", b"\x1b[0K", b"\x1b]8;;http://x\x07", b"\r", b"\r\n", b"\n", b"\x00", b"\xff\xfe",
    b"##[group]Run make", b"##[endgroup]", b"##[error]Process completed with exit code 2.",
    b"section_start:1:step_script\r\x1b[0K", b"ERROR: Job failed: exit code 1", b"Finished: FAILURE",
    b"E   ModuleNotFoundError: No module named 'yaml'", b"error[E0425]: x", b" --> src/lib.rs:8:27",
    b"Traceback (most recent call last):", b'  File "/app/x.py", line 3, in <module>', b"$ pytest",
    b"2026-01-01T00:00:00.0000000Z ", b"x" * 3000, "\u00e9\u2028\u0085".encode(), b"\t", b"::error::",
    b"##[section]Starting: Build", b"##[section]Finishing: Build", b"##[error]Bash exited with code '1'.",
    b"Script contents:", b"web:build: ", b"apps/web build$ ", b"+ echo 'x'", b"+ exit 1", b"fatal: [h]: FAILED! => {",
    b'"msg": "', b"  1) Cart total", b"     Failure/Error: x", b"1) CartTest::testTotal", b"There was 1 failure:",
    b"The above exception was the direct cause of the following exception:", b">>> Lint for a.py:",
    b"  Error (RUFF) F401", b"Segmentation fault (core dumped)", "\U0001f6a8 Error: The command exited with status 1".encode(),
])


def _check(tmp_path: Path, data: bytes) -> None:
    log = tmp_path / "fuzz.log"
    log.write_bytes(data)
    try:
        diag = diagnose_path(str(log))
    except InputError:
        return  # empty or binary: a clear usage error is the right answer
    out = diag.to_json()
    json.dumps(out)
    for f in out["findings"]:
        for ev in f["evidence"]:
            assert 1 <= ev["line"] <= out["source"]["lines"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(PIECES, max_size=60))
def test_structured_garbage(tmp_path: Path, pieces: list[bytes]) -> None:
    _check(tmp_path, b"".join(pieces))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=4000))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    _check(tmp_path, data)


def test_one_huge_line(tmp_path: Path) -> None:
    _check(tmp_path, b"error: " + b"y" * (3 << 20) + b"\nE   AssertionError\n")
