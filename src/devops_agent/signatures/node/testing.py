"""JavaScript test runners: jest, vitest, mocha, node:test (TAP and spec) and Playwright."""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.node.common import (
    ECO,
    OUTSIDE,
    rule_doc,
    user_frame,
)

# --- test runners --------------------------------------------------------------------------------
_TEST = rx(
    r"^\s{0,4}FAIL\s+(?:\|[^|\n]{1,80}\|\s+)?(?P<file>[^\s>|]{1,300}\.(?:[cm]?[jt]sx?|vue|svelte))"
    r"(?:\s+>\s+(?P<vtest>[^\n]{1,400}?))?(?:\s+\(\d[\d.]*\s*m?s\))?\s*$"
    r"|^\s+● (?P<jtest>(?!Console\s*$)[^\n]{1,400})$"
    r"|^\s*not ok \d+ - (?P<ttest>[^\n#]{1,400})"
    r"|^\s*✖ (?P<stest>(?!failing tests:)[^\n]{1,400}?) \([\d.]+m?s\)\s*$"
    r"|^\s+(?P<mcount>\d+) failing\s*$"
    r"|^Vitest caught (?P<vunhandled>\d+) unhandled errors? during the test run"
    r"|^\(fail\) (?P<btest>[^\n]{1,400}?)(?: \[[\d.]+m?s\])?\s*$"
    r"|^\s+\d+\) (?:\[[^\]\n]{1,80}\] › )?(?P<pwfile>[^\s:]{1,300}\.[cm]?[jt]sx?):(?P<pwline>\d+):\d+ › (?P<pwtest>[^\n]{1,400}?)\s*─*\s*$"
)
_JEST_BLOCK = re.compile(r"^\s+● (?!Console\s*$)")
_RESULT_LINE = re.compile(r"^\s{0,4}(?:PASS|FAIL)\s+\S")
_ASSERT_LINE = re.compile(r"^\s*(?:\w*Error\b|expect\(|Expected|AssertionError|assert|\w+Exception\b)")


def _first_message(win: Window, start: int, count: int = 6) -> int | None:
    for n, text in win.after(count, start):
        if text.strip() and not text.lstrip().startswith(("●", "FAIL", "---", "duration_ms")):
            return n
    return None


def _test_extract(m: re.Match[str], win: Window) -> Extract | None:
    if m["file"] is not None:
        return _fail_line(m, win)
    if m["jtest"] is not None:
        return _jest_block(m, win)
    if m["ttest"] is not None:
        return _tap_block(m, win)
    if m["pwfile"] is not None:
        return _playwright_block(m, win)
    if m["btest"] is not None:
        return _bun_block(m, win)
    if m["vunhandled"] is not None:
        return _vitest_unhandled(m, win)
    if m["stest"] is not None:
        msg = _first_message(win, win.lineno + 1, 2)
        if msg is None or not _ASSERT_LINE.match(win.text(msg) or ""):
            return None
        loc = user_frame(win, msg + 1)
        file, line = loc if loc else (None, None)
        return Extract(file=file, line=line, primary=msg, evidence=(win.lineno,), data={"test": m["stest"].strip()})
    return _mocha_block(m, win)


def _fail_line(m: re.Match[str], win: Window) -> Extract | None:
    if m["vtest"] is None:
        for _, text in win.after(80):
            if _JEST_BLOCK.match(text):
                return None  # jest: the ● block below names the test and carries this line as evidence
            if _RESULT_LINE.match(text):
                break
        return Extract(file=m["file"], evidence=tuple(n for n in (_first_message(win, win.lineno + 1, 3),) if n),
                       data={"test": m["file"]})
    msg = _first_message(win, win.lineno + 1, 3)
    loc = user_frame(win, win.lineno + 1, 25)
    file, line = loc if loc else (m["file"], None)
    evidence = tuple(n for n in (msg,) if n)
    return Extract(file=file, line=line, evidence=evidence, data={"test": f"{m['file']} > {m['vtest'].strip()}"})


def _jest_block(m: re.Match[str], win: Window) -> Extract | None:
    msg = _first_message(win, win.lineno + 1)
    evidence: list[int] = [msg] if msg else []
    for n, text in win.after(12, (msg or win.lineno) + 1):
        if re.match(r"^\s*(?:Expected|Received)\b", text) and len(evidence) < 3:
            evidence.append(n)
    for n, text in win.before(80):
        if _RESULT_LINE.match(text):
            if text.lstrip().startswith("FAIL"):
                evidence.append(n)
            break
    loc = user_frame(win, win.lineno + 1, 40)
    file, line = loc if loc else (None, None)
    data = {"test": m["jtest"].strip(), "message": (win.text(msg) or "").strip()[:300] if msg else None}
    return Extract(file=file, line=line, evidence=tuple(evidence), data={k: v for k, v in data.items() if v})


def _playwright_block(m: re.Match[str], win: Window) -> Extract | None:
    """Playwright: `  1) [project] › file:l:c › suite › test ───`, the error, a code frame, `at file:l:c`."""
    msg = _first_message(win, win.lineno + 1, 3)
    evidence = [n for n, t in win.after(8, (msg or win.lineno) + 1) if re.match(r"^\s*(?:Expected|Received)\b", t)][:2]
    loc = user_frame(win, win.lineno + 1, 40)
    file, line = loc if loc else (m["pwfile"], int(m["pwline"]))
    data = {"test": f"{m['pwfile']} › {m['pwtest'].strip()}"}
    return Extract(file=file, line=line, primary=msg, evidence=(win.lineno, *evidence), data=data)


def _vitest_unhandled(m: re.Match[str], win: Window) -> Extract | None:
    """`Vitest caught 1 unhandled error during the test run.`, a `⎯ Uncaught Exception ⎯` banner, the error
    and its ` ❯ fn file:l:c` frames: the tests passed, the run fails."""
    error = next((n for n, t in win.after(8) if re.match(r"^(?:\w+\.)*\w*(?:Error|Exception|Rejection)\b", t)), None)
    if error is None:
        return None
    loc = user_frame(win, error + 1, 12)
    file, line = loc if loc else (None, None)
    data = {"test": "unhandled error during the test run", "message": (win.text(error) or "").strip()[:300]}
    return Extract(file=file, line=line, primary=error, evidence=(win.lineno,), data=data)


def _bun_block(m: re.Match[str], win: Window) -> Extract | None:
    """bun test prints the error block first (`error: ...`, Expected/Received, `at ... (file:l:c)`), then
    `(fail) suite > test [0.35ms]`."""
    error = None
    for n, text in win.before(40):
        if text.startswith(("(fail) ", "(pass) ")):
            break
        if text.startswith("error: "):
            error = n
            break
    if error is None:
        return Extract(data={"test": m["btest"].strip()})
    loc = user_frame(win, error + 1, win.lineno - error - 1)
    file, line = loc if loc else (None, None)
    return Extract(file=file, line=line, primary=error, evidence=(win.lineno,), data={"test": m["btest"].strip()})


def _tap_block(m: re.Match[str], win: Window) -> Extract | None:
    file = line = None
    primary = None
    for n, text in win.after(30):
        if re.match(r"^\s*(?:not )?ok \d+ ", text) or text.strip() == "...":
            break
        loc = re.match(r"^\s*location: '(?P<f>[^'\n]+?):(?P<l>\d+):\d+'", text)
        if loc:
            file, line = loc["f"], int(loc["l"])
        if primary is None and re.match(r"^\s*error: ", text):
            primary = n + 1 if text.rstrip().endswith(("|-", "|", ">-")) else n
    frame = _user_frame_tap(win)
    if frame:
        file, line = frame
    return Extract(file=file, line=line, primary=primary, evidence=(win.lineno,) if primary else (),
                   data={"test": m["ttest"].strip()})


def _user_frame_tap(win: Window) -> tuple[str, int] | None:
    """TAP `stack: |-` lines are bare `fn (path:l:c)` frames."""
    for _, text in win.after(30):
        f = re.match(r"^\s+(?:[^\n()]{1,200} \()?(?P<f>/[^\s()]+?\.[cm]?[jt]sx?):(?P<l>\d+):\d+\)?\s*$", text)
        if f and not OUTSIDE.search(f["f"]):
            return f["f"], int(f["l"])
    return None


def _mocha_block(m: re.Match[str], win: Window) -> Extract | None:
    """mocha: `  1 failing`, then `  1) suite` ... the error line and its frames."""
    primary = None
    title: list[str] = []
    for n, text in win.after(40):
        if re.match(r"^\s+\w*Error\b|^\s+AssertionError", text):
            primary = n
            break
        if text.strip():
            title.append(re.sub(r"^\d+\)\s*", "", text.strip()).rstrip(":"))
    if primary is None:
        return None
    loc = user_frame(win, primary + 1)
    file, line = loc if loc else (None, None)
    name = " ".join(t for t in title if t)[:300]
    return Extract(file=file, line=line, primary=primary, evidence=(win.lineno,), data={"test": name} if name else {})


# --- coverage thresholds ------------------------------------------------------------------------
# jest 30: `Jest: Coverage for lines (66.66%) does not meet "global" threshold (90%)`;
# jest <= 29: `Jest: "global" coverage threshold for lines (90%) not met: 66.66%`.
_COVERAGE = rx(
    r"^Jest: (?:Coverage for (?P<metric>\w+) \((?P<actual>[\d.]+%)\) does not meet \"(?P<scope>[^\"\n]{1,200})\" "
    r"threshold \((?P<threshold>[\d.]+%)\)|\"(?P<scope2>[^\"\n]{1,200})\" coverage threshold for (?P<metric2>\w+) "
    r"\((?P<threshold2>[\d.]+%)\) not met: (?P<actual2>[\d.]+%))"
)


def _coverage_extract(m: re.Match[str], win: Window) -> Extract | None:
    data = {
        "metric": m["metric"] or m["metric2"],
        "actual": m["actual"] or m["actual2"],
        "threshold": m["threshold"] or m["threshold2"],
        "scope": m["scope"] or m["scope2"],
    }
    return Extract(data=data)


RULES = [
    Rule(
        code="JS-TEST-001",
        name="js-test-failure",
        category="test",
        severity="high",
        pattern=_TEST,
        literal=None,
        extract=_test_extract,
        priority=80,
        confidence=0.85,
        ecosystem=ECO,
        title="JavaScript test failed: {test}",
        root_cause="The test {test} failed.",
        suggestion="Run the failing test locally and fix the code (or the outdated expectation) at {file}:{line}.",
        doc=rule_doc(
            "A JavaScript test runner reported a failure: jest (`FAIL file` and `● Suite › test` blocks with an "
            "`at fn (file:l:c)` frame), vitest (` FAIL  file > suite > test`, the assertion, ` ❯ file:l:c`), "
            "mocha (`N failing`), node:test (TAP `not ok N - test` with `location:`; spec `✖ test (1ms)`), "
            "Playwright (`  1) [project] › file:l:c › test`), bun (`error: ...` block, then `(fail) suite > test`); "
            "vitest's `Vitest caught N unhandled errors during the test run` fails a run whose tests passed.",
            "An assertion did not hold after a code change, or the code under test threw.",
            "  ● cart › sums price times quantity\n\n    expect(received).toBe(expected) // Object.is equality\n\n"
            "    Expected: 699\n    Received: 199",
            "Read the assertion and the first project frame; fix the code under test or update the expectation "
            "when the behaviour change is intended.",
        ),
    ),
    Rule(
        code="JS-COV-001",
        name="jest-coverage-threshold",
        category="test",
        severity="medium",
        pattern=_COVERAGE,
        literal="Jest: ",
        extract=_coverage_extract,
        priority=70,
        confidence=0.85,
        ecosystem=ECO,
        title="Jest coverage for {metric} ({actual}) is below the {scope} threshold ({threshold})",
        root_cause="The tests pass, but {metric} coverage {actual} does not meet the configured {scope} threshold {threshold}.",
        suggestion="Add tests for the uncovered lines listed in the coverage table (or lower coverageThreshold deliberately).",
        doc=rule_doc(
            "Jest's coverage check failed the run although every test passed: `Jest: Coverage for lines (66.66%) "
            "does not meet \"global\" threshold (90%)` (jest 30; older: `Jest: \"global\" coverage threshold for "
            "lines (90%) not met: 66.66%`).",
            "New or changed code is not exercised by the tests while `coverageThreshold` is configured.",
            "Jest: Coverage for lines (66.66%) does not meet \"global\" threshold (90%)",
            "Cover the lines in the table's `Uncovered Line #s` column with tests.",
        ),
    ),
]
