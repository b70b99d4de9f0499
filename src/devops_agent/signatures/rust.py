"""Rust signatures: rustc errors, clippy/rustc lints denied by ``-D warnings``, cargo test failures
(libtest and cargo-nextest), panics, cargo dependency resolution, and cargo's summary lines.

Formats learned from rustc/cargo output: a diagnostic is ``error[E0425]: MESSAGE`` (or a plain
``error: MESSAGE``) followed by `` --> src/lib.rs:8:27``, a gutter with the source line, and
``= note:`` lines; a denied lint carries ``= note: `-D clippy::x` implied by `-D warnings```.
libtest prints ``test name ... FAILED``, then ``---- name stdout ----`` and
``thread 'name' panicked at src/lib.rs:23:9:`` + the message (Rust >= 1.73; older releases put the
location after the quoted message). nextest prints ``FAIL [ 0.01s] crate::bin test_name``.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx

_ECO = "rust"


def _doc(what: str, why: str, example: str, fix: str) -> str:
    return f"## What it means\n{what}\n\n## Why it fails\n{why}\n\n## Example\n```\n{example}\n```\n\n## Fix\n{fix}\n"


# --- rustc diagnostics ---------------------------------------------------------------------------
_DIAG = rx(r"^error(?:\[(?P<error_code>E\d{4})\])?: (?P<message>\S[^\n]{0,600})")
_ARROW = re.compile(r"^\s*--> (?P<file>[^\n:]{1,400}?):(?P<line>\d+):(?P<col>\d+)")
_LINT_NOTE = re.compile(
    r"= note: `-D (?P<lint>[\w:-]{1,100})` implied by `-D warnings`"
    r"|= note: `#\[deny\((?P<deny>[\w:-]{1,100})\)\]` on by default"
    r"|^\s*(?:= )?note: the lint level is defined here"
    r"|rust-clippy/[^\s#]{0,60}#(?P<clippy>\w{1,100})"
)
_CARGO_SUMMARY = re.compile(r"^(?:could not compile|aborting due to|test failed, to rerun|\d+ targets? failed|build failed|Recipe `)")
_SIMILAR = re.compile(r"similarly named \w+ `(?P<s>[^`\n]{1,200})` defined here|with a similar name exists: `(?P<s2>[^`\n]{1,200})`")
_GUTTER = re.compile(r"^\s*\d+\s+\|\s*\S")


def _diagnostic(win: Window) -> tuple[tuple[str, int] | None, list[tuple[int, str]]]:
    """The ``-->`` location right under a diagnostic line, and the lines of its body."""
    loc = None
    body: list[tuple[int, str]] = []
    for n, text in win.after(40):
        if text.startswith(("error", "warning", "For more information", "Some errors")) or not text.strip() and body:
            break
        body.append((n, text))
        if loc is None and len(body) <= 2:
            a = _ARROW.match(text)
            if a:
                loc = (a["file"], int(a["line"]))
    return loc, body


def _lint_of(body: list[tuple[int, str]]) -> str | None:
    for _, text in body:
        m = _LINT_NOTE.search(text)
        if m:
            name = m["lint"] or m["deny"] or (f"clippy::{m['clippy']}" if m["clippy"] else "")
            return name.replace("-", "_") if name else "denied-lint"
    return None


def _cc_extract(m: re.Match[str], win: Window) -> Extract | None:
    if _CARGO_SUMMARY.match(m["message"]):
        return None  # cargo's summary lines: RS-SUM-*
    loc, body = _diagnostic(win)
    if _lint_of(body):
        return None  # a lint denied by -D warnings: RS-LINT-001
    if loc is None and not m["error_code"]:
        return None  # a plain `error:` without a location is not rustc's (cargo/other tools)
    if loc is not None and not loc[0].endswith(".rs"):
        return None  # cargo reporting on Cargo.toml/config: a configuration error, not rustc's
    data: dict[str, object] = {"message": m["message"][:300]}
    if m["error_code"]:
        data["error_code"] = m["error_code"]
    sym = re.search(r"`(?P<s>[^`\n]{1,200})`", m["message"])
    if sym:
        data["symbol"] = sym["s"]
    similar = next((_SIMILAR.search(t) for _, t in body if _SIMILAR.search(t)), None)
    if similar:
        data["suggestion"] = similar["s"]
    evidence = [n for n, text in body if _GUTTER.match(text)][:1]
    file, line = loc if loc else (None, None)
    code = f"[{m['error_code']}]" if m["error_code"] else ""
    title = f"rustc error{code}: {m['message'][:200]}"
    return Extract(file=file, line=line, evidence=tuple(evidence), data=data, title=title)


def _lint_extract(m: re.Match[str], win: Window) -> Extract | None:
    if _CARGO_SUMMARY.match(m["message"]):
        return None
    loc, body = _diagnostic(win)
    lint = _lint_of(body)
    if lint is None:
        return None
    data: dict[str, object] = {"lint": lint, "lints": [lint], "message": m["message"][:300]}
    evidence = [n for n, text in body if _LINT_NOTE.search(text) and "-D" in text][:1]
    file, line = loc if loc else (None, None)
    return Extract(file=file, line=line, evidence=tuple(evidence), data=data)


# --- tests and panics ----------------------------------------------------------------------------
_TEST_RESULT = (
    r"^\s{0,8}test (?P<test>\S[^\n]{0,300}?) \.\.\. FAILED\s*$"
    r"|^\s{0,8}(?:FAIL|SIGSEGV|SIGABRT|SIGKILL|TIMEOUT)\s+\[\s*[\d.]+m?s\]\s+(?:\(\d+/\d+\)\s+)?(?P<binary>[\w:.-]{1,200})\s+(?P<ntest>[\w:]{1,300})\s*$"
)
_PANIC_RE = (
    r"^\s{0,8}thread '(?P<thread>[^'\n]{1,300})'(?: \(\d+\))? panicked at (?:(?P<file>[^\s'][^\n:]{0,400}?\.rs):(?P<line>\d+):\d+:?\s*$|(?P<old>'[^\n]{0,600}))"
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
    if m["file"]:
        return m["file"], int(m["line"]), _panic_message(win, at + 1)
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


# --- cargo ---------------------------------------------------------------------------------------
_DEP = rx(
    r"^error: (?P<message>(?:failed to select a version for(?: the requirement)? `(?P<crate>[\w-]{1,100})[^\n]{0,200}"
    r"|no matching package (?:named|found)[^\n]{0,40}`(?P<crate2>[\w-]{1,100})`[^\n]{0,200}"
    r"|failed to get `(?P<crate3>[\w-]{1,100})` as a dependency[^\n]{0,300}"
    r"|failed to load source for dependency `(?P<crate4>[\w-]{1,100})`[^\n]{0,200}"
    r"|cannot update the lock file [^\n]{0,300}|the lock file [^\n]{0,200} needs to be updated but --locked was passed[^\n]{0,200}"
    r"|package `(?P<crate5>[\w-]{1,100})[^`\n]{0,60}` cannot be built because it requires rustc [^\n]{0,200}))"
)


_NETWORK = re.compile(
    r"Could not resolve host|spurious network error|failed to download|Connection (?:refused|reset|timed out)"
    r"|[Oo]peration timed out|SSL|TLS|failed to fetch|HTTP status (?:5\d\d|429)|network failure"
)


def _dep_extract(m: re.Match[str], win: Window) -> Extract | None:
    if any(_NETWORK.search(t) for _, t in win.after(14)):
        return None  # the registry was unreachable: an infrastructure failure
    crate = m["crate"] or m["crate2"] or m["crate3"] or m["crate4"] or m["crate5"]
    data: dict[str, object] = {"message": m["message"][:300]}
    if crate:
        data["crate"] = crate
    evidence = [n for n, text in win.after(6) if text.strip() and not text.startswith("error")][:2]
    return Extract(file="Cargo.toml" if crate else None, evidence=tuple(evidence), data=data)


_SUM_BUILD = rx(r"^error: (?:could not compile `(?P<crate>[\w-]{1,100})`[^\n]{0,200}|aborting due to [^\n]{0,100})")
_SUM_TEST = rx(
    r"^\s{0,8}test result: FAILED\. [^\n]{0,200}|^error: test failed, to rerun pass [^\n]{0,200}"
    r"|^error: \d+ targets? failed:|^\s{0,8}Summary \[[^\n]{0,200}\b\d+ (?:tests? )?failed"
)


# --- catalogue -----------------------------------------------------------------------------------
RULES = [
    Rule(
        code="RS-CC-001",
        name="rustc-error",
        category="compilation",
        severity="high",
        pattern=_DIAG,
        literal="error",
        extract=_cc_extract,
        priority=86,
        confidence=0.9,
        ecosystem=_ECO,
        fix="display-only",
        title="rustc error: {message}",
        root_cause="rustc rejected {file}: {message}",
        suggestion="Fix the code at {file}:{line}; `rustc --explain {error_code}` describes the error.",
        doc=_doc(
            "rustc reported a compile error: `error[E0425]: MESSAGE` (or `error: MESSAGE`) followed by ` --> "
            "src/lib.rs:LINE:COL` and the source excerpt.",
            "The code does not compile: an unresolved name (E0425/E0433/E0432), a type mismatch (E0308), a "
            "borrow-checker violation (E0499/E0502), a changed API in a dependency.",
            "error[E0425]: cannot find function `tokenize` in module `tokenize`\n --> src/lib.rs:8:27\n  |\n"
            "8 |     for word in tokenize::tokenize(text) {\n  |                           ^^^^^^^^ not found in `tokenize`",
            "Fix the code at the `-->` location; rustc's `help:` lines often give the exact change.",
        ),
    ),
    Rule(
        code="RS-LINT-001",
        name="rust-lint-denied",
        category="lint",
        severity="medium",
        pattern=_DIAG,
        literal="error",
        extract=_lint_extract,
        priority=84,
        confidence=0.88,
        ecosystem=_ECO,
        title="Lint {lint} denied: {message}",
        root_cause="The lint {lint} fires at {file}:{line} and the build denies warnings (`-D warnings`).",
        suggestion="Apply the change clippy/rustc suggests at {file}:{line} (`cargo clippy --fix` handles many).",
        doc=_doc(
            "A clippy or rustc lint reported at error level because warnings are denied: `error: MESSAGE`, the "
            "`-->` location, and `= note: \\`-D clippy::needless-return\\` implied by \\`-D warnings\\``.",
            "The job runs `cargo clippy -- -D warnings` (or sets `RUSTFLAGS=-D warnings`), so any lint fails it; "
            "a new toolchain often adds lints.",
            "error: unneeded `return` statement\n  --> src/lib.rs:14:5\n   |\n14 |     return best;\n   |     ^^^^^^^^^^^\n"
            "   = note: `-D clippy::needless-return` implied by `-D warnings`",
            "Apply the suggested change (`cargo clippy --fix`), or allow the lint deliberately where it is wrong.",
        ),
    ),
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
        code="RS-DEP-001",
        name="cargo-dependency-resolution",
        category="dependency",
        severity="high",
        pattern=_DEP,
        literal="error: ",
        extract=_dep_extract,
        priority=80,
        confidence=0.82,
        ecosystem=_ECO,
        title="cargo could not resolve dependency {crate}: {message}",
        root_cause="cargo failed to resolve the dependencies: {message}",
        suggestion="Check the requirement for {crate} in Cargo.toml (a version that does not exist, conflicting "
        "requirements, an out-of-date Cargo.lock with --locked, or a crate needing a newer rustc).",
        doc=_doc(
            "cargo could not resolve the dependency graph: `error: failed to select a version for the requirement "
            "\\`x = \"^9\"\\``, `error: no matching package named \\`x\\` found`, `the lock file needs to be updated but "
            "--locked was passed`, or a crate that requires a newer rustc.",
            "Cargo.toml asks for a version that does not exist or conflicts with another requirement, Cargo.lock is "
            "stale, or the toolchain is older than a dependency's MSRV.",
            "error: failed to select a version for the requirement `serde = \"^9.0\"`\ncandidate versions found which "
            "didn't match: 1.0.228, ...",
            "Fix the requirement in Cargo.toml, run `cargo update` and commit Cargo.lock, or raise the toolchain.",
        ),
    ),
    Rule(
        code="RS-SUM-001",
        name="cargo-could-not-compile",
        category="compilation",
        severity="medium",
        pattern=_SUM_BUILD,
        literal="error: ",
        symptom=True,
        priority=32,  # claims its line from the generic `error:` rule; as a symptom it never leads
        confidence=0.3,
        ecosystem=_ECO,
        title="cargo could not compile {crate}",
        root_cause="rustc reported errors while compiling {crate}; they are printed above.",
        suggestion="Fix the first `error[E....]` printed above this line.",
        doc=_doc(
            "cargo's summary `error: could not compile \\`x\\` (lib) due to 1 previous error` (or rustc's `aborting "
            "due to N previous errors`).",
            "It only reports that rustc failed; the errors are above it.",
            "error: could not compile `wordfreq` (lib) due to 1 previous error",
            "Fix the errors printed above the summary.",
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
