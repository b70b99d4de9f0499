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
