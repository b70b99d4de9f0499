"""Known-flaky kinds: transient failures are labelled, deterministic ones never are."""

from __future__ import annotations

import pytest

from devops_agent.flaky import known_flaky_kind
from devops_agent.models import Evidence, Finding


def finding(rule: str, category: str, *lines: str) -> Finding:
    return Finding(rule=rule, title="t", category=category, severity="high", confidence=0.8,
                   evidence=tuple(Evidence(i + 1, t) for i, t in enumerate(lines)))


@pytest.mark.parametrize(
    ("rule", "category", "line"),
    [
        ("PY-TEST-001", "test", "E   requests.exceptions.ConnectionError: ('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))"),
        ("PY-TEST-001", "test", "E   assert elapsed < 0.5"),
        ("JS-TEST-001", "test", "thrown: \"Exceeded timeout of 5000 ms for a test.\" waited for the server timed out"),
        ("PY-TEST-001", "test", "E   hypothesis.errors.Flaky: Hypothesis test_x(x=1) produces unreliable results"),
        ("INF-NET-001", "infrastructure", "npm ERR! code ECONNREFUSED"),
    ],
)
def test_transient_kinds_are_labelled(rule: str, category: str, line: str) -> None:
    assert known_flaky_kind(finding(rule, category, line))


@pytest.mark.parametrize(
    ("rule", "category", "line"),
    [
        ("PY-TEST-001", "test", "E   assert 'Alice' == 'alice'"),
        ("JVM-JAVAC-001", "compilation", "Foo.java:[12,5] error: connection refused to compile? (a message, not a network error)"),
        ("PY-TYPE-001", "type-check", "src/x.py:3: error: Incompatible return value type (got \"str | None\", expected \"str\")"),
        ("INF-OOM-001", "resource", "Killed"),
        ("INF-DISK-001", "infrastructure", "No space left on device"),
    ],
)
def test_deterministic_failures_are_not(rule: str, category: str, line: str) -> None:
    assert known_flaky_kind(finding(rule, category, line)) is None


def _repo_with_check(tmp_path, script: str):  # type: ignore[no-untyped-def]
    import subprocess

    repo = tmp_path / "proj"
    repo.mkdir()
    (repo / "check.sh").write_text(script)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "init"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    log = tmp_path / "build.log"
    log.write_text("$ echo setup\nsetup\n$ sh check.sh\nError: the check failed (attempt 0)\n")
    return repo, log


def _diagnose(repo, log, env, *extra):  # type: ignore[no-untyped-def]
    import json
    import os
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "devops_agent", "diagnose", str(log), "--repo", str(repo), "-f", "json",
                           "--no-history", *extra], capture_output=True, text=True, env={**os.environ, **env})
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["findings"][0], proc.stderr


def test_rerun_that_passes_marks_flaky(tmp_path) -> None:  # type: ignore[no-untyped-def]
    counter = tmp_path / "counter"
    repo, log = _repo_with_check(tmp_path, 'n=$(cat "$COUNTER" 2>/dev/null || echo 0)\necho $((n+1)) > "$COUNTER"\n[ "$n" -ge 1 ]\n')
    top, err = _diagnose(repo, log, {"COUNTER": str(counter)}, "--rerun", "3")
    # the first local run fails like CI did (counter 0), the second passes
    assert "passed on local re-run 2 of 3" in top["flaky"]
    assert "passed on attempt 2" in err


def test_rerun_that_keeps_failing_is_real(tmp_path) -> None:  # type: ignore[no-untyped-def]
    repo, log = _repo_with_check(tmp_path, "echo broken >&2\nexit 3\n")
    top, err = _diagnose(repo, log, {}, "--rerun", "2")
    assert "flaky" not in top
    assert "failed every time (exit 3, 3)" in err
