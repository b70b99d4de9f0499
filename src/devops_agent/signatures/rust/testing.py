"""Rust test failures (libtest, nextest), panics, and the test summaries."""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.rust.common import ECO as _ECO
from devops_agent.signatures.rust.common import doc as _doc

# --- tests and panics ----------------------------------------------------------------------------
_TEST_RESULT = (
    r"^\s{0,8}test (?P<test>\S[^\n]{0,300}?) \.\.\. FAILED\s*$"
    r"|^\s{0,8}(?:FAIL|SIGSEGV|SIGABRT|SIGKILL|TIMEOUT)\s+\[\s*[\d.]+m?s\]\s+(?:\(\d+/\d+\)\s+)?(?P<binary>[\w:.-]{1,200})\s+(?P<ntest>[\w:]{1,300})\s*$"
)
_PANIC_RE = (
    r"^\s{0,8}thread '(?P<thread>[^'\n]{1,300})'(?: \(\d+\))? panicked at (?:(?P<path>[^\s'][^\n:]{0,400}?\.rs):(?P<line>\d+):\d+:?\s*$|(?P<old>'[^\n]{0,600}))"
)
_PANIC = rx(_PANIC_RE)
_TEST = rx(_TEST_RESULT + "|" + _PANIC_RE)
_OLD_LOC = re.compile(r"', (?P<file>[^\s'][^\n:]{0,400}?\.rs):(?P<line>\d+):\d+\s*$")
_OUTSIDE = re.compile(r"/rustc/|\.cargo/registry|/library/(?:std|core|alloc)/|^library/")
_NO_PANIC = re.compile(r"^\s{0,8}note: test did not panic as expected(?: at (?P<file>[^\s:][^\n:]{0,300}\.rs):(?P<line>\d+):\d+)?")
_STDOUT = re.compile(r"^\s{0,8}---- (?P<test>\S[^\n]{0,300}?) stdout ----")


def _panic_message(win: Window, start: int) -> list[tuple[int, str]]:
    lines = []
    for n, text in win.after(4, start):
        if not text.strip() or text.lstrip().startswith(("note: run with", "stack backtrace:", "---- ")):
            break
        lines.append((n, text))
    return lines


def _panic_location(
    m: re.Match[str], win: Window, at: int | None = None
) -> tuple[str | None, int | None, list[tuple[int, str]]]:
    at = win.lineno if at is None else at
    if m["path"]:
        return m["path"], int(m["line"]), _panic_message(win, at + 1)
    msg = [(at, m.string)]
    for n, text in win.after(6, at + 1):
        msg.append((n, text))
        loc = _OLD_LOC.search(text)
        if loc:
            return loc["file"], int(loc["line"]), msg[1:]
    loc = _OLD_LOC.search(m.string)
    return (loc["file"], int(loc["line"]), []) if loc else (None, None, [])


def _panic_extract(m: re.Match[str], win: Window) -> Extract | None:
    file, line, msg = _panic_location(m, win)
    test = _test_of_panic(m, win)
    if test is None:
        return None  # a panic outside a test (a binary, a build script): RS-RUN-001
    data: dict[str, object] = {"test": test}
    if msg:
        data["message"] = " ".join(t.strip() for _, t in msg)[:300]
    if file and _OUTSIDE.search(file):
        file = line = None
    return Extract(file=file, line=line, evidence=tuple(n for n, _ in msg[:3]), data=data)


def _test_of_panic(m: re.Match[str], win: Window) -> str | None:
    for _, text in win.before(6):
        s = _STDOUT.match(text)
        if s:
            return s["test"]
        if _TEST.match(text) or text.lstrip().startswith("note: run with"):
            break  # the previous failure's block
    thread = m["thread"]
    if thread == "main" or thread.startswith("tokio-runtime"):
        return None
    return thread


def _run_panic_extract(m: re.Match[str], win: Window) -> Extract | None:
    if _test_of_panic(m, win) is not None:
        return None
    if any(t.strip() == "--- stderr" for _, t in win.before(4)):
        return None  # a build script's panic: RS-BUILD-001 reports it
    file, line, msg = _panic_location(m, win)
    data: dict[str, object] = {"thread": m["thread"]}
    if msg:
        data["message"] = " ".join(t.strip() for _, t in msg)[:300]
    if file and _OUTSIDE.search(file):
        file = line = None
    return Extract(file=file, line=line, evidence=tuple(n for n, _ in msg[:3]), data=data)


def _test_extract(m: re.Match[str], win: Window) -> Extract | None:
    """`test x ... FAILED` / nextest `FAIL [..] bin test`: lead with the test's panic when it is
    printed below in the project's code."""
    if m["thread"]:
        return _panic_extract(m, win)
    test = re.sub(r" - should panic$", "", m["test"] or m["ntest"])
    data: dict[str, object] = {"test": test}
    short = test.rsplit("::", 1)[-1]
    for n, text in win.after(400):
        np = _NO_PANIC.search(text)
        if np and np["file"]:
            data["message"] = "test did not panic as expected"
            return Extract(file=np["file"], line=int(np["line"]), evidence=(n,), data=data)
        p = _PANIC.match(text)
        if p and short in p["thread"]:
            file, line, msg = _panic_location(p, win, n)
            if file and not _OUTSIDE.search(file):
                if msg:
                    data["message"] = " ".join(t.strip() for _, t in msg)[:300]
                evidence = (*(k for k, _ in msg[:2]), win.lineno)
                return Extract(file=file, line=line, primary=n, evidence=evidence, data=data)
            break
    return Extract(data=data)


_SUM_TEST = rx(
    r"^\s{0,8}test result: FAILED\. [^\n]{0,200}|^error: test failed, to rerun pass [^\n]{0,200}"
    r"|^error: \d+ targets? failed:|^\s{0,8}Summary \[[^\n]{0,200}\b\d+ (?:tests? )?failed"
)



# --- catalogue -----------------------------------------------------------------------------------
RULES = [
    Rule(
        code="RS-TEST-001",
        name="cargo-test-failure",
        category="test",
        severity="high",
        pattern=_TEST,
        literal=None,
        extract=_test_extract,
        priority=80,
        confidence=0.85,
        ecosystem=_ECO,
        fix="unsafe",
        title="Rust test {test} failed",
        root_cause="The test {test} failed: {message}",
        suggestion="Run `cargo test {test}` locally and fix the code or the expectation at {file}:{line}.",
        doc=_doc(
            "A Rust test failed: libtest's `test NAME ... FAILED` or nextest's `FAIL [ 0.01s] crate::bin NAME`, "
            "usually with `thread 'NAME' panicked at src/lib.rs:23:9:` and the assertion (`left`/`right`); before "
            "Rust 1.73 the panic location followed the quoted message. The panic line leads when it points into "
            "the project.",
            "An assertion did not hold (a logic change) or the code under test panicked.",
            "thread 'tests::average_of_three' panicked at src/lib.rs:23:9:\nassertion `left == right` failed\n"
            "  left: 2\n right: 3",
            "Read the panic location and the left/right values; fix the code under test (or the expectation).",
        ),
    ),
    Rule(
        code="RS-RUN-001",
        name="rust-panic",
        category="runtime",
        severity="high",
        pattern=_PANIC,
        literal="panicked at",
        extract=_run_panic_extract,
        priority=70,
        confidence=0.75,
        ecosystem=_ECO,
        fix="unsafe",
        title="Rust program panicked in thread '{thread}': {message}",
        root_cause="The program panicked at {file}:{line}: {message}",
        suggestion="Handle the failing case at {file}:{line} instead of panicking (e.g. replace `unwrap()` with error handling).",
        doc=_doc(
            "A Rust program (not a test: `main`, a build script, a worker thread) panicked: `thread 'main' "
            "panicked at src/main.rs:5:10:` and the message.",
            "The program hit an `unwrap()`/`expect()` on an error, an out-of-bounds index or an explicit `panic!`.",
            "thread 'main' panicked at src/main.rs:4:41:\ncalled `Result::unwrap()` on an `Err` value: ParseIntError "
            "{ kind: InvalidDigit }",
            "Fix the input or handle the error at the panic location.",
        ),
    ),
    Rule(
        code="RS-SUM-002",
        name="cargo-test-failed-summary",
        category="test",
        severity="medium",
        pattern=_SUM_TEST,
        literal=None,
        symptom=True,
        priority=32,
        confidence=0.3,
        ecosystem=_ECO,
        title="cargo test failed",
        root_cause="One or more Rust tests failed; the failures are printed above.",
        suggestion="Look at the `---- NAME stdout ----` sections above for the panics.",
        doc=_doc(
            "libtest's `test result: FAILED. 1 passed; 1 failed; ...`, cargo's `error: test failed, to rerun pass "
            "\\`--lib\\`` or nextest's `Summary [...] N failed`.",
            "It summarises test failures reported above.",
            "test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
            "Fix the failing tests listed above the summary.",
        ),
    ),
]
