"""Go test-time signatures: `go test` failures, Ginkgo specs, timeouts, panics and FAIL summaries."""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.go.common import ECO as _ECO
from devops_agent.signatures.go.common import doc as _doc

# --- go test -------------------------------------------------------------------------------------
_FAIL = rx(r"^\s{0,16}--- FAIL: (?P<test>\S{1,300}) \((?P<secs>[\d.]+)s\)")
_T_LINE = re.compile(r"^\s{2,}(?P<file>[\w.+-]{1,200}\.go):(?P<line>\d+): (?P<message>\S[^\n]{0,500})")
_PANIC = re.compile(r"^\s*panic: (?P<message>[^\n]{1,400})")
_FRAME = re.compile(r"^\s+(?P<file>/[^\s:]{1,400}\.go):(?P<line>\d+)(?: \+0x[0-9a-f]+)?\s*$")
_STD = re.compile(r"/(?:usr/local/go|go/pkg/mod|opt/hostedtoolcache/go|sdk/go[\d.]*)/|/src/(?:runtime|testing|reflect)/")


def _test_extract(m: re.Match[str], win: Window) -> Extract | None:
    """`--- FAIL: TestX`: lead with the test's own `x_test.go:N: message` line (or its panic); with
    `go test -v` those lines were printed earlier, under `=== RUN/CONT  TestX`."""
    data: dict[str, object] = {"test": m["test"]}
    found = _output_after(m, win, data) or _output_before(m["test"], win, data)
    return found or Extract(data=data)


def _output_after(m: re.Match[str], win: Window, data: dict[str, object]) -> Extract | None:
    for n, text in win.after(12):
        t = _T_LINE.match(text)
        if t:
            data["message"] = t["message"][:300]
            return Extract(file=t["file"], line=int(t["line"]), primary=n, evidence=(win.lineno,), data=data)
        p = _PANIC.match(text)
        if p:
            data["message"] = p["message"][:300]
            file, line = _panic_frame(win, n)
            return Extract(file=file, line=line, primary=n, evidence=(win.lineno,), data=data)
        if _FAIL.match(text) and "/" not in m["test"]:
            continue  # a subtest: its lines follow
        if text.startswith("=== ") or text.strip() and not text.startswith((" ", "\t")):
            break  # another test's output, or the summary
    return None


_RUN_MARK = re.compile(r"^\s{0,16}=== (?:RUN|CONT|NAME|PAUSE)\s+(?P<test>\S{1,300})\s*$")


def _output_before(test: str, win: Window, data: dict[str, object]) -> Extract | None:
    """`go test -v`: the last `=== RUN/CONT  <test>` block above, and its first `x_test.go:N:` line."""
    for n, text in win.before(400):
        r = _RUN_MARK.match(text)
        if not r or r["test"] != test:
            continue
        for k, line in win.after(30, n + 1):
            if line.lstrip().startswith(("=== ", "--- ")):
                break
            t = _T_LINE.match(line)
            if t:
                data["message"] = t["message"][:300]
                return Extract(file=t["file"], line=int(t["line"]), primary=k, evidence=(win.lineno,), data=data)
        return None
    return None


def _panic_frame(win: Window, start: int) -> tuple[str | None, int | None]:
    for _, text in win.after(60, start + 1):
        f = _FRAME.match(text)
        if f and not _STD.search(f["file"]):
            return f["file"], int(f["line"])
    return None, None


_GINKGO = rx(r"^\s{0,4}• (?:\[(?P<state>FAILED|PANICKED|TIMEDOUT|INTERRUPTED)\]|(?P<v1>Failure|Panic)(?: in Spec (?:Setup|Teardown) \([^)\n]{1,40}\))?) \[[\d.]+ seconds\]")
_GINKGO_AT = re.compile(r"(?:^\s*In \[\w+\] at: |^\s*)(?P<file>/?[^\s:]{1,400}\.go):(?P<line>\d+)")
_GINKGO_REASON = re.compile(r"^\s*\[(?:FAILED|PANICKED|TIMEDOUT)\] (?P<reason>\S[^\n]{0,300})")


def _ginkgo_extract(m: re.Match[str], win: Window) -> Extract | None:
    """Ginkgo's failure block: the spec's name, the reason, and `In [It] at: file:line`."""
    body = [(n, t) for n, t in win.after(25) if not re.match(r"^\s*-{10,}\s*$", t)]
    spec = next((t.strip() for _, t in body if t.strip()), "")
    data: dict[str, object] = {"test": spec[:300]}
    evidence: list[int] = []
    file = line = None
    for n, text in body:
        r = _GINKGO_REASON.match(text)
        if r and "message" not in data:
            data["message"] = r["reason"]
            evidence.append(n)
        a = _GINKGO_AT.match(text)
        if a and ("In [" in text or file is None):
            file, line = a["file"], int(a["line"])
            if "In [" in text:
                evidence.append(n)
                break
    return Extract(file=file, line=line, evidence=tuple(evidence), data=data)


_GOPANIC = rx(r"^panic: (?P<message>[^\n]{1,400})")


def _panic_extract(m: re.Match[str], win: Window) -> Extract | None:
    if m["message"].startswith("test timed out after"):
        return None  # GO-TIME-001
    if any(_FAIL.match(t) for _, t in win.before(12)):
        return None  # inside a failing test: GO-TEST-001 leads with it
    file, line = _panic_frame(win, win.lineno)
    return Extract(file=file, line=line, data={"message": m["message"][:300]})


_TIMEOUT = rx(r"^panic: test timed out after (?P<after>\S{1,40})")
_RUNNING = re.compile(r"^\s+(?P<test>Test\S{0,300}|Example\S{0,300}|Benchmark\S{0,300}) \((?P<dur>[\dhms.]+)\)\s*$")


def _timeout_extract(m: re.Match[str], win: Window) -> Extract | None:
    """`panic: test timed out after 10m0s` + `running tests:` with the tests that were still running."""
    running: list[tuple[int, str]] = []
    for n, text in win.after(12):
        r = _RUNNING.match(text)
        if r:
            running.append((n, r["test"]))
        elif running or (text.strip() and text.strip() != "running tests:"):
            break
    data: dict[str, object] = {"after": m["after"]}
    if running:
        data["test"] = running[-1][1]  # the deepest subtest
        data["tests"] = [t for _, t in running]
    return Extract(evidence=tuple(n for n, _ in running[-2:]), data=data)


_SUM = rx(r"^FAIL\t(?P<pkg>\S{1,300})(?:\t[\d.]+s| \[build failed\]| \[setup failed\])\s*$|^FAIL\s*$|^--- FAIL\s*$")


def _sum_extract(m: re.Match[str], win: Window) -> Extract | None:
    pkg = m["pkg"]
    return Extract(title=f"go test failed in {pkg}" if pkg else "go test failed")


# --- catalogue -----------------------------------------------------------------------------------
RULES = [
    Rule(
        code="GO-TEST-001",
        name="go-test-failure",
        category="test",
        severity="high",
        pattern=_FAIL,
        literal="--- FAIL",
        extract=_test_extract,
        priority=80,
        confidence=0.85,
        ecosystem=_ECO,
        fix="unsafe",
        title="Go test {test} failed",
        root_cause="The test {test} failed: {message}",
        suggestion="Run `go test -run '{test}' ./...` locally and fix the code or the expectation at {file}:{line}.",
        doc=_doc(
            "`go test` reported a failing test: `--- FAIL: TestX (0.00s)` (nested for subtests) followed by the "
            "test's `x_test.go:LINE: message` lines from `t.Errorf`/`t.Fatalf`, or a `panic:` inside the test.",
            "An expectation in the test did not hold (a logic change), the test timed out waiting, or the code "
            "under test panicked.",
            "--- FAIL: TestHuhPrompterMultiSelectWithSearchPersistence (5.19s)\n    huh_prompter_test.go:478: "
            "form.Run() did not complete in time",
            "Read the `_test.go:LINE:` message; fix the code under test or the expectation.",
        ),
    ),
    Rule(
        code="GO-TEST-002",
        name="ginkgo-spec-failure",
        category="test",
        severity="high",
        pattern=_GINKGO,
        literal="• ",
        extract=_ginkgo_extract,
        priority=81,  # above the `--- FAIL: TestXxxSuite` wrapper that runs the whole suite
        confidence=0.85,
        ecosystem=_ECO,
        fix="unsafe",
        title="Ginkgo spec failed: {test}",
        root_cause="The Ginkgo spec '{test}' failed at {file}:{line}: {message}",
        suggestion="Run the suite with `ginkgo --focus` on that spec and fix the code or the expectation at {file}:{line}.",
        doc=_doc(
            "A Ginkgo (BDD test framework for Go) spec failed: `• [FAILED] [1.014 seconds]` (v2; `• Failure "
            "[1.0 seconds]` in v1), the spec's description, the `[FAILED] reason` and `In [It] at: file:line`.",
            "A Gomega expectation did not hold (`Expected ... to equal ...`), an `Eventually` timed out, or the "
            "spec panicked. The suite's `--- FAIL: TestXxxSuite` line only wraps it.",
            "• [FAILED] [1.014 seconds]\nPubSub [It] should ChannelMessage\n/home/runner/work/go-redis/go-redis/pubsub_test.go:645\n"
            "  [FAILED] Timed out after 1.001s.\n  In [It] at: /home/runner/work/go-redis/go-redis/pubsub_test.go:661",
            "Read the reason and the `In [It] at:` location; fix the code or the expectation.",
        ),
    ),
    Rule(
        code="GO-TIME-001",
        name="go-test-timeout",
        category="timeout",
        severity="high",
        pattern=_TIMEOUT,
        literal="panic: test timed out",
        extract=_timeout_extract,
        priority=82,
        confidence=0.85,
        ecosystem=_ECO,
        title="Go test timed out after {after}: {test}",
        root_cause="`go test` stopped the test binary after {after}; {test} was still running (a hang, a deadlock, "
        "or a test slower than the -timeout).",
        suggestion="Find why {test} does not finish (the goroutine dump below shows where it waits); raise "
        "`-timeout` only if the test is legitimately slow.",
        doc=_doc(
            "`go test`'s alarm: `panic: test timed out after 10m0s`, then `running tests:` with the tests still "
            "running and a goroutine dump.",
            "A test waits forever (deadlock, a channel nobody writes, an unreachable service) or the package's "
            "tests take longer than `-timeout` (10 minutes by default).",
            "panic: test timed out after 10m0s\nrunning tests:\n\tTestGatewayTar (9m52s)\n\t"
            "TestGatewayTar/GET_TAR_has_expected_root_directory (9m52s)",
            "Read the goroutine dump for the blocked test; fix the hang, or split/speed up the tests.",
        ),
    ),
    Rule(
        code="GO-RUN-001",
        name="go-panic",
        category="runtime",
        severity="high",
        pattern=_GOPANIC,
        literal="panic: ",
        extract=_panic_extract,
        priority=70,
        confidence=0.7,
        ecosystem=_ECO,
        fix="unsafe",
        title="Go panic: {message}",
        root_cause="The Go program panicked: {message}",
        suggestion="Fix the failing case at the first project frame of the goroutine trace ({file}:{line}).",
        doc=_doc(
            "A Go program panicked outside a test: `panic: MESSAGE` and a `goroutine N [running]:` trace with "
            "`\\t/path/file.go:LINE +0x..` frames.",
            "A nil pointer dereference, an index out of range, or an explicit `panic`.",
            "panic: runtime error: invalid memory address or nil pointer dereference",
            "Fix the code at the first project frame of the trace.",
        ),
    ),
    Rule(
        code="GO-SUM-001",
        name="go-test-fail-summary",
        category="test",
        severity="medium",
        pattern=_SUM,
        literal="FAIL",
        extract=_sum_extract,
        symptom=True,
        priority=15,
        confidence=0.3,
        ecosystem=_ECO,
        title="go test failed in {pkg}",
        root_cause="Tests or the build of a Go package failed; the failures are printed above.",
        suggestion="Look for `--- FAIL:` and `file.go:LINE:` lines above.",
        doc=_doc(
            "`go test`'s per-package summary `FAIL\\tpkg\\t0.01s` (or `[build failed]`) and the bare `FAIL` line.",
            "It summarises failures reported above.",
            "FAIL\tgithub.com/cli/cli/v2/internal/prompter\t8.475s",
            "Fix the failing tests or build errors printed above.",
        ),
    ),
]
