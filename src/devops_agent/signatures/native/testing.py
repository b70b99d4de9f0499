"""C/C++ test failures: GoogleTest, Catch2 and CTest, and sanitizer reports.

Formats learned from the frameworks' console output: GoogleTest prints ``[ RUN      ] Suite.Name``,
then ``path/test.cpp:15: Failure`` (``path(15): error: ...`` on Windows) and ``Expected equality of
these values:`` with the values, then ``[  FAILED  ] Suite.Name (0 ms)``; Catch2 prints
``path/test.cpp:12: FAILED:`` followed by the assertion and ``with expansion:``; CTest prints
``2/2 Test #2: name ....***Failed`` per test and ``The following tests FAILED:`` with
``  2 - name (Failed)`` lines.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.native.common import ECO as _ECO
from devops_agent.signatures.native.common import doc as _doc

_TEST_SRC = r"[^\s:(][^:\n(]{0,400}?\.(?:cpp|cc|cxx|c\+\+|c|C|h|hpp|hh|m|mm|cu)"
_ASSERT = re.compile(
    r"^(?P<file>" + _TEST_SRC + r"):(?P<line>\d+): (?:Failure|FAILED:)\s*$"
    r"|^(?P<wfile>(?:[A-Za-z]:)?" + _TEST_SRC + r")\((?P<wline>\d+)\): (?:error: |FAILED:)(?P<wmsg>[^\n]{0,400})$"
)

_TEST = rx(
    r"^(?P<file>" + _TEST_SRC + r"):(?P<line>\d+): (?P<kind>Failure|FAILED:)\s*$"
    r"|^(?P<wfile>(?:[A-Za-z]:)?" + _TEST_SRC + r")\((?P<wline>\d+)\): (?:error: (?P<wmsg>(?:Expected|Value of:|Failed|Death test)[^\n]{0,400})|FAILED:\s*$)"
    r"|^\[  FAILED  \] (?P<gtest>[\w/.]{1,300}?)(?:, where GetParam\(\) = [^\n]{0,200})? \(\d+ ms\)\s*$"
    r"|^\s*\d+/\d+ Test\s+#\d+: (?P<ctest>\S{1,300}) \.*\s*\*\*\*(?P<why>Failed|Exception|Timeout|Not Run)"
    r"|^\s+\d+ - (?P<listed>\S[^\n]{0,300}?) \((?P<lwhy>Failed|SEGFAULT|Timeout|Subprocess aborted|Child aborted|Not Run|OTHER_FAULT|Bus error|ILLEGAL|Exception)\)\s*$"
)
_RUN = re.compile(r"^\[ RUN      \] (?P<test>[\w/.]{1,300})")


def _assert_at(win: Window, n: int) -> Extract | None:
    """An Extract led by the assertion line at ``n`` (with the expected/actual lines after it)."""
    text = win.text(n) or ""
    a = _ASSERT.match(text)
    if a is None:
        return None
    file, line = (a["file"], a["line"]) if a["file"] else (a["wfile"], a["wline"])
    evidence = [k for k, t in win.after(4, n + 1) if t.strip() and not t.startswith("[")][:3]
    message = " ".join((win.text(k) or "").strip() for k in evidence)[:300] or (a["wmsg"] or "").strip()
    return Extract(file=file, line=int(line), primary=n, evidence=tuple(evidence), data={"message": message})


def _find_assert(win: Window, lines: list[tuple[int, str]]) -> Extract | None:
    for n, text in lines:
        if _ASSERT.match(text):
            return _assert_at(win, n)
    return None


# A cheap literal alternation finds candidate lines; _TEST parses them (only on those lines).
_TEST_TRIGGER = rx(r"Failure\s*$|FAILED|\*\*\*(?:Failed|Exception|Timeout|Not Run)|\((?:Failed|SEGFAULT|Timeout|Subprocess aborted|Child aborted|Not Run|OTHER_FAULT|Bus error|ILLEGAL|Exception)\)\s*$|\): error: (?:Expected|Value of:|Failed|Death test)")


def _test_extract(trigger: re.Match[str], win: Window) -> Extract | None:
    m = _TEST.search(trigger.string)
    if m is None:
        return None
    if m["file"] or m["wfile"]:
        return _assertion_extract(win)
    return _result_extract(m, win)


def _assertion_extract(win: Window) -> Extract | None:
    """`tests/x.cpp:15: Failure` (GoogleTest) / `tests/x.cpp:12: FAILED:` (Catch2)."""
    found = _assert_at(win, win.lineno)
    if found is None:
        return None
    test = _enclosing_test(win)
    data = {**found.data, "test": test} if test else found.data
    return Extract(file=found.file, line=found.line, evidence=found.evidence, data=data)


def _result_extract(m: re.Match[str], win: Window) -> Extract:
    """A per-test result line (`[  FAILED  ] X (0 ms)`, CTest's `***Failed`, `2 - X (Failed)`):
    lead with the test's assertion when it is printed nearby."""
    data: dict[str, object] = {"test": m["gtest"] or m["ctest"] or m["listed"]}
    found = None
    if m["gtest"]:  # the assertion is above, inside this test's [ RUN ] block
        block: list[tuple[int, str]] = []
        for n, text in win.before(80):
            block.append((n, text))
            if _RUN.match(text):
                break
        found = _find_assert(win, list(reversed(block)))
    elif m["ctest"]:  # with --output-on-failure the test's output follows
        found = _find_assert(win, list(win.after(80)))
    if found is None:
        return Extract(data=data)
    data.update(found.data)
    return Extract(file=found.file, line=found.line, primary=found.primary, evidence=(win.lineno, *found.evidence), data=data)


def _enclosing_test(win: Window) -> str | None:
    for _, text in win.before(60):
        r = _RUN.match(text)
        if r:
            return r["test"]
    return None


# --- sanitizers ----------------------------------------------------------------------------------
_SAN = rx(
    r"^==\d+==ERROR: (?P<san>AddressSanitizer|LeakSanitizer|MemorySanitizer|HWAddressSanitizer): (?P<kind>[\w-]{1,80})"
    r"|^WARNING: (?P<tsan>ThreadSanitizer): (?P<tkind>[\w -]{1,80}?)(?: \(pid=\d+\))?\s*$"
    r"|^(?P<path>[^\s:][^:\n]{0,400}?\.(?:c|cc|cpp|cxx|h|hpp)):(?P<line>\d+):(?:\d+:)? runtime error: (?P<ub>[^\n]{1,400})"
)
_SAN_FRAME = re.compile(r"^\s+#\d+ 0x[0-9a-f]+ in (?P<func>\S+) (?P<file>[^\s:]{1,400}?):(?P<line>\d+)")
_SAN_RUNTIME = re.compile(r"libsanitizer|compiler-rt|/sysdeps/|/csu/|^/usr/|^\.\./\.\./")


# A cheap literal alternation finds candidate lines; _SAN parses them (only on those lines).
_SAN_TRIGGER = rx(r"==ERROR: |WARNING: ThreadSanitizer|: runtime error: ")


def _san_extract(trigger: re.Match[str], win: Window) -> Extract | None:
    m = _SAN.search(trigger.string)
    if m is None:
        return None
    if m["path"]:
        return Extract(file=m["path"], line=int(m["line"]), data={"sanitizer": "UndefinedBehaviorSanitizer", "kind": m["ub"][:200]})
    data: dict[str, object] = {"sanitizer": m["san"] or m["tsan"], "kind": (m["kind"] or m["tkind"]).strip()}
    for n, text in win.after(40):
        f = _SAN_FRAME.match(text)
        if f and not _SAN_RUNTIME.search(f["file"]):
            data["function"] = f["func"]
            return Extract(file=f["file"], line=int(f["line"]), evidence=(n,), data=data)
    return Extract(data=data)


RULES = [
    Rule(
        code="C-TEST-001",
        name="cpp-test-failure",
        category="test",
        severity="high",
        pattern=_TEST_TRIGGER,
        literal=None,
        extract=_test_extract,
        priority=80,
        confidence=0.85,
        ecosystem=_ECO,
        fix="unsafe",
        title="C/C++ test {test} failed",
        root_cause="The test {test} failed at {file}:{line}: {message}",
        suggestion="Run the test binary with `--gtest_filter={test}` (or `ctest -R`) and fix the code or the expectation at {file}:{line}.",
        doc=_doc(
            "A GoogleTest, Catch2 or CTest test failed: `tests/x_test.cpp:15: Failure` + `Expected equality of "
            "these values:` and `[  FAILED  ] Suite.Name (0 ms)` (GoogleTest), `tests/x.cpp:12: FAILED:` + the "
            "assertion (Catch2), `Test #2: name ...***Failed` and `The following tests FAILED:` (CTest). The "
            "assertion line leads.",
            "An expectation did not hold (a logic change), or the test crashed (SEGFAULT) or timed out.",
            "/home/runner/work/ringbuf/ringbuf/tests/ringbuf_test.cpp:15: Failure\nExpected equality of these values:\n"
            "  r.front()\n    Which is: 3\n  2\n[  FAILED  ] RingBuf.OverwritesOldest (0 ms)",
            "Read the expected and actual values at the assertion; fix the code under test or the expectation.",
        ),
    ),
    Rule(
        code="C-SAN-001",
        name="sanitizer-report",
        category="runtime",
        severity="high",
        pattern=_SAN_TRIGGER,
        literal=None,
        extract=_san_extract,
        priority=84,
        confidence=0.85,
        ecosystem=_ECO,
        fix="unsafe",
        title="{sanitizer}: {kind}",
        root_cause="{sanitizer} caught {kind} at {file}:{line} while the program or its tests ran.",
        suggestion="Fix the memory/UB bug at the first project frame of the report ({file}:{line}); reproduce "
        "locally with the same -fsanitize flags.",
        doc=_doc(
            "A sanitizer stopped the program: `==PID==ERROR: AddressSanitizer: heap-buffer-overflow ...` (or "
            "LeakSanitizer/MemorySanitizer) with a stack of `#N 0x... in func file.c:LINE` frames, ThreadSanitizer's "
            "`WARNING: ThreadSanitizer: data race`, or UndefinedBehaviorSanitizer's `file.c:LINE:COL: runtime "
            "error: ...`.",
            "The code reads or writes out of bounds, uses freed memory, leaks, races between threads or hits "
            "undefined behaviour (signed overflow, misaligned access); the sanitizer build turns it into a failure.",
            "==10030==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000017 at pc 0x7fabb9e48061\n"
            "WRITE of size 8 at 0x602000000017 thread T0\n    #0 0x7fabb9e48060 in __interceptor_memcpy ...\n"
            "    #1 0x5642f09eb2bf in strbuf_dup src/strbuf.c:9",
            "Fix the code at the first project frame (allocation sizes, bounds, lifetimes, locking).",
        ),
    ),
]
