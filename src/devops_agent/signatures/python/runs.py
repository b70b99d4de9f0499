"""Test-run outcomes beside pytest's failure sections: unittest failures and summaries, pytest's
own summary line, pytest-cov's gate, interruptions (SIGINT) and pytest-timeout.

unittest prints ``FAIL: test_x (mod.Class.test_x)`` (``(mod.Class)`` before Python 3.11) and a
CPython traceback, then ``FAILED (failures=1)``; pytest ends with ``==== 1 failed, 3 passed in
0.31s ====``; pytest-cov with ``FAIL Required test coverage of 90% not reached. Total coverage:
66.67%``; an interrupted pytest prints ``!!!! KeyboardInterrupt !!!!`` and where it stopped.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.python.common import ECO as _ECO
from devops_agent.signatures.python.common import EXC_LINE, PT_FINAL, is_project, project_frame
from devops_agent.signatures.python.common import doc as _doc

_UNITTEST = rx(r"^(?P<kind>FAIL|ERROR): (?P<test>\w{1,200}) \((?P<cls>[\w.]{1,400})\)")
_SUMMARY = rx(
    r"^(?:={2,} )?(?:\d+ [a-z]+, ){0,8}\d+ (?:failed|errors?)(?:, \d+ [a-z]+){0,8} in [\d.]+s(?: \([\d:]+\))?(?: ={2,})?\s*$"
    r"|^!{3,} Interrupted: \d+ errors? during collection !{3,}"
)
_COVERAGE = rx(r"(?:^|\s)FAIL Required test coverage of (?P<required>[\d.]+)% not reached\. Total coverage: (?P<total>[\d.]+)%")
_INTERRUPTED = rx(r"^!{3,} (?P<what>KeyboardInterrupt) !{3,}\s*$")
_PT_TIMEOUT = rx(r"^(?:E\s+)?Failed: Timeout \(?>(?P<seconds>[\d.]+)s\)?")
_UNITTEST_SUM = rx(r"^FAILED \((?:failures|errors)=\d+[^\n]{0,100}\)\s*$")


def _unittest_extract(m: re.Match[str], win: Window) -> Extract | None:
    cls, test = m["cls"], m["test"]  # `(mod.Class)` before Python 3.11, `(mod.Class.test_x)` since
    data: dict[str, object] = {"test": cls if cls.endswith("." + test) else f"{cls}.{test}"}
    started = False
    for n, text in win.after(400):
        if text.startswith(("=====", "-----")) and started and not text.startswith("Traceback"):
            if text.startswith("-----"):
                break
            continue
        if text.startswith("Traceback"):
            started = True
            continue
        if started and not text.startswith((" ", "\t")) and EXC_LINE.match(text):
            file, line = project_frame(win, start=n)
            data["message"] = text.strip()[:300]
            return Extract(file=file, line=line, primary=n, data=data)
    return Extract(data=data)


def _at_final_frame(win: Window, count: int) -> tuple[str | None, int | None, int | None]:
    """The ``path.py:NN: Exception`` line just below: where the test was stopped."""
    for n, text in win.after(count):
        f = PT_FINAL.match(text)
        if f:
            return f["file"], int(f["line"]), n
    return None, None, None


def _interrupted_extract(m: re.Match[str], win: Window) -> Extract | None:
    file, line, n = _at_final_frame(win, 3)
    data: dict[str, object] = {}
    for _, text in win.before(60):
        p = re.match(r"^(?P<test>[^\s:][^\s]{0,300}?\.py::[^\s]{1,400})\s*$", text)
        if p:
            data["test"] = p["test"]  # the progress line left without its PASSED/FAILED
            break
    return Extract(file=file, line=line, evidence=(n,) if n else (), data=data)


def _timeout_extract(m: re.Match[str], win: Window) -> Extract | None:
    file, line, n = _at_final_frame(win, 6)
    if file and not is_project(file):
        file = line = None
    return Extract(file=file, line=line, evidence=(n,) if n else (), data={"seconds": m["seconds"]})


RULES = [
    Rule(
        code="PY-TEST-003",
        name="unittest-failure",
        category="test",
        severity="high",
        pattern=_UNITTEST,
        literal=": test",
        extract=_unittest_extract,
        priority=80,
        confidence=0.8,
        ecosystem=_ECO,
        title="unittest {test} failed: {message}",
        root_cause="The unittest test {test} failed: {message}",
        suggestion="Run `python -m unittest {test}` and fix the code at {file}:{line}.",
        doc=_doc(
            "A unittest test failed (`FAIL: test_x (pkg.tests.TestCase.test_x)`) or raised (`ERROR: ...`), "
            "followed by a traceback whose last line is the assertion or exception.",
            "The code under test no longer meets the test's expectation, or raised.",
            "FAIL: test_add (test_calc.CalcTest.test_add)\n---------------------------------------------------------"
            "-------------\nTraceback (most recent call last):\n  File \"/work/app/test_calc.py\", line 6, in test_add\n"
            "    self.assertEqual(add(2, 2), 4)\nAssertionError: 5 != 4",
            "Fix the code under test (or the expectation).",
        ),
    ),
    Rule(
        code="PY-COV-001",
        name="coverage-threshold-not-reached",
        category="test",
        severity="medium",
        pattern=_COVERAGE,
        literal="Required test coverage",
        priority=70,
        confidence=0.85,
        ecosystem=_ECO,
        title="Coverage {total}% is below the required {required}%",
        root_cause="pytest-cov's gate (--cov-fail-under={required}) failed: total coverage is {total}%.",
        suggestion="Add tests for the new code (or lower --cov-fail-under deliberately).",
        doc=_doc(
            "pytest-cov's `--cov-fail-under` gate failed: `FAIL Required test coverage of 90% not reached. Total "
            "coverage: 82.35%`; every test may have passed.",
            "New code is not exercised by tests, or tests were removed/skipped.",
            "FAIL Required test coverage of 90% not reached. Total coverage: 66.67%",
            "Write tests for the uncovered lines (the `Missing` column of the report).",
        ),
    ),
    Rule(
        code="PY-TEST-004",
        name="pytest-failed-summary",
        category="test",
        severity="medium",
        pattern=_SUMMARY,
        literal=None,
        symptom=True,
        priority=30,
        confidence=0.3,
        ecosystem=_ECO,
        title="pytest run failed",
        root_cause="Some tests failed or could not be collected; the failures are printed above the summary.",
        suggestion="Look at the FAILURES/ERRORS sections above.",
        doc=_doc(
            "pytest's final line `==== 1 failed, 12 passed in 0.31s ====` or `!!!! Interrupted: 1 error during "
            "collection !!!!`.",
            "It summarises failures reported above.",
            "================== 1 failed, 2406 passed, 1 warning in 0.98s ===================",
            "Fix the failures listed above.",
        ),
    ),
    Rule(
        code="PY-TEST-005",
        name="unittest-failed-summary",
        category="test",
        severity="medium",
        pattern=_UNITTEST_SUM,
        literal="FAILED (",
        symptom=True,
        priority=30,
        confidence=0.3,
        ecosystem=_ECO,
        title="unittest run failed",
        root_cause="Some unittest tests failed; the FAIL:/ERROR: blocks above say which.",
        suggestion="Look at the FAIL:/ERROR: blocks above.",
        doc=_doc(
            "unittest's final `FAILED (failures=1)` / `FAILED (errors=2)` line.",
            "It summarises failures reported above.",
            "FAILED (failures=1)",
            "Fix the failures listed above.",
        ),
    ),
    Rule(
        code="PY-TEST-006",
        name="pytest-keyboard-interrupt",
        category="timeout",
        severity="high",
        pattern=_INTERRUPTED,
        literal="KeyboardInterrupt",
        extract=_interrupted_extract,
        # Above the wrapper's own time-out line ("Command took >30min", "timed out after"): the banner
        # names the test that was running and where it stood, which the wrapper's line cannot.
        priority=82,
        confidence=0.6,
        ecosystem=_ECO,
        title="pytest was interrupted (KeyboardInterrupt) at {file}:{line}",
        root_cause="pytest received SIGINT (a CI or wrapper timeout, or a cancellation) while running {test}; "
        "it stopped at {file}:{line}.",
        suggestion="Find why {test} hangs or is slow (the line shown is where it was stopped), or raise the timeout.",
        doc=_doc(
            "pytest stopped on SIGINT: `!!!! KeyboardInterrupt !!!!`, then `path.py:NN: KeyboardInterrupt` where "
            "the running test was stopped. In CI a SIGINT usually comes from a timeout wrapper (`timeout -s INT`, "
            "a test runner's per-file limit) or a cancellation.",
            "A test hung or the suite took longer than the job's limit.",
            "test_slow.py::test_wait_for_worker \n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!! KeyboardInterrupt "
            "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n/work/app/test_slow.py:9: KeyboardInterrupt",
            "Look at the test that was running and the stop location; fix the hang or split/shard the suite.",
        ),
    ),
    Rule(
        code="PY-TEST-007",
        name="pytest-timeout",
        category="timeout",
        severity="high",
        pattern=_PT_TIMEOUT,
        literal="Failed: Timeout",
        extract=_timeout_extract,
        priority=84,
        confidence=0.8,
        ecosystem=_ECO,
        title="pytest-timeout stopped a test after {seconds}s at {file}:{line}",
        root_cause="A test ran longer than pytest-timeout's limit ({seconds}s); it was waiting at {file}:{line}.",
        suggestion="Fix the wait/loop at {file}:{line} (a missing event, a deadlock) or raise the test's timeout.",
        doc=_doc(
            "pytest-timeout failed a test that ran past `--timeout`: `E   Failed: Timeout (>2.0s) from "
            "pytest-timeout.` (older releases: `Failed: Timeout >2.0s`), with the frame where it was waiting.",
            "The test (or the code it calls) hangs: a deadlock, a wait for something that never happens, a "
            "network call without a timeout; or the limit is too tight for the CI machine.",
            ">           time.sleep(0.1)\nE           Failed: Timeout (>2.0s) from pytest-timeout.\n\nworker.py:6: Failed",
            "Fix the hang at the frame shown; raise the timeout only if the test is legitimately slow.",
        ),
    ),
]
