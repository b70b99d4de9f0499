"""Go signatures: compile errors, go vet, golangci-lint/staticcheck, `go test` failures and panics,
module resolution, and the `FAIL pkg` summaries.

Formats learned from the go command's output: the compiler prints ``# import/path`` and then
``./file.go:LINE:COL: MESSAGE`` lines (go vet uses the same form, so the command above decides);
linters append the linter's name or check code: ``file.go:12:5: Error return value is not checked
(errcheck)``, ``... is unused (U1000)``. ``go test`` prints ``--- FAIL: TestX (0.00s)`` followed by
indented ``x_test.go:42: message`` lines (``t.Errorf``), nested for subtests, and
``FAIL\\tpkg\\t0.01s``; a panic prints ``panic: msg [recovered]`` and a goroutine trace with
``\\t/abs/path/file.go:LINE +0x1d`` frames.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx

_ECO = "go"


def _doc(what: str, why: str, example: str, fix: str) -> str:
    return f"## What it means\n{what}\n\n## Why it fails\n{why}\n\n## Example\n```\n{example}\n```\n\n## Fix\n{fix}\n"


_POS = rx(r"^(?:vet: )?(?P<path>(?:\.{1,2}/|/)?[\w@.+/-]{0,300}?[\w.+-]+\.go):(?P<line>\d+):(?:(?P<col>\d+):)? (?P<message>\S[^\n]{0,600})")
_LINTER_SUFFIX = re.compile(r"\((?P<linter>[a-z][\w-]{1,40}|[A-Z]{1,4}\d{3,5})\)\s*$")
_NOT_LINTERS = {"compile", "typecheck"}
_MODULE_NET = re.compile(r"@v[\w.+-]+: (?:Get \"https?://|dial tcp|reading https?://|verifying module)|: i/o timeout|proxy\.golang\.org")
_MOD_MSG = re.compile(r"missing go\.sum entry|no required module provides package|updates to go\.mod needed")
_LINT_TOOLS = re.compile(r"golangci-lint|staticcheck|revive|exhaustive|errcheck|ineffassign|gosec|golint|misspell")
_VET = re.compile(r"\bgo vet\b|\bvet\b[^\n]{0,40}\./\.\.\.")
_COMMAND = re.compile(r"^(?:##\[group\]Run |Run |\$ |\+ |> |==> )")


def _step_tool(win: Window, count: int = 80) -> str | None:
    """The tool named by the nearest command line above (`go vet`, a linter, or None)."""
    for _, text in win.before(count):
        if not _COMMAND.match(text) and "go vet" not in text:
            continue
        if _VET.search(text):
            return "vet"
        if _LINT_TOOLS.search(text):
            return "lint"
        if re.search(r"\bgo (?:build|test|install|run)\b|\bmake\b", text):
            return "build"
    return None


def _kind(m: re.Match[str], win: Window) -> str | None:
    """`build`, `vet` or `lint` for a `file.go:l:c: msg` line; None when it is not a diagnostic."""
    message = m["message"]
    if _MODULE_NET.search(message) or _MOD_MSG.search(message):
        return None  # module download/resolution failures: GO-DEP-001 or the infrastructure rules
    suffix = _LINTER_SUFFIX.search(message)
    if suffix and suffix["linter"] not in _NOT_LINTERS:
        return "lint"
    if m.string.startswith("vet: "):
        return "vet"
    return _step_tool(win) or "build"


def _pos_extract(kind: str):  # type: ignore[no-untyped-def]
    def extract(m: re.Match[str], win: Window) -> Extract | None:
        if m["col"] is None and kind != "vet":
            return None  # `x_test.go:42: msg` is a test's t.Errorf line (GO-TEST-001)
        found = _kind(m, win)
        if found != kind:
            return None
        data: dict[str, object] = {"message": m["message"][:300]}
        suffix = _LINTER_SUFFIX.search(m["message"])
        if kind == "lint" and suffix:
            data["linter"] = suffix["linter"]
            data["linters"] = [suffix["linter"]]
        evidence = ()
        prev = win.text(win.lineno - 1) or ""
        if prev.startswith("# "):
            data["package"] = prev[2:].split(" ", 1)[0]
        sym = re.search(r"undefined: (?P<s>[\w.]{1,200})", m["message"])
        if sym:
            data["symbol"] = sym["s"]
        return Extract(file=m["path"], line=int(m["line"]), evidence=evidence, data=data)

    return extract


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
    if any(_FAIL.match(t) for _, t in win.before(12)):
        return None  # inside a failing test: GO-TEST-001 leads with it
    file, line = _panic_frame(win, win.lineno)
    return Extract(file=file, line=line, data={"message": m["message"][:300]})


_MOD = rx(
    r"^(?:go: (?:[^\s:]{1,200}: )?|\S+\.go:\d+:\d+: )?(?P<message>(?:missing go\.sum entry for (?:module providing package (?P<pkg>\S{1,200})|go\.mod file)"
    r"|no required module provides package (?P<pkg2>[^\s;]{1,200})|updates to go\.mod needed"
    r"|(?P<mod>[\w.-]{1,100}\.[\w.-]{1,100}/[^\s@]{1,200})@(?P<ver>[\w.+-]{1,100}): (?:reading [^\n]{0,300}: 404 Not Found|invalid version: [^\n]{0,300}|unknown revision [^\n]{0,200}))[^\n]{0,300})"
)


def _mod_extract(m: re.Match[str], win: Window) -> Extract | None:
    if _MODULE_NET.search(m.string) and "404" not in m.string and "invalid version" not in m.string:
        return None
    module = m["mod"] or m["pkg"] or m["pkg2"]
    data: dict[str, object] = {"message": m["message"][:300]}
    if module:
        data["module"] = module
    return Extract(file="go.mod", data=data)


_SUM = rx(r"^FAIL\t(?P<pkg>\S{1,300})(?:\t[\d.]+s| \[build failed\]| \[setup failed\])\s*$|^FAIL\s*$|^--- FAIL\s*$")


# --- catalogue -----------------------------------------------------------------------------------
RULES = [
    Rule(
        code="GO-BUILD-001",
        name="go-compile-error",
        category="compilation",
        severity="high",
        pattern=_POS,
        literal=".go:",
        extract=_pos_extract("build"),
        priority=86,
        confidence=0.88,
        ecosystem=_ECO,
        fix="display-only",
        title="Go compile error: {message}",
        root_cause="The Go compiler rejected {file}: {message}",
        suggestion="Fix the code at {file}:{line} and run `go build ./...` locally.",
        doc=_doc(
            "The Go compiler reported an error: `# import/path` followed by `./file.go:LINE:COL: MESSAGE` lines "
            "(`undefined: x`, `declared and not used`, `cannot use x (variable of type T) as U value`).",
            "The code does not compile: a renamed or removed identifier, a type mismatch, an unused import or "
            "variable (errors in Go), or a test file that no longer matches the code ([build failed]).",
            "# github.com/hashicorp/terraform\n./commands.go:395:20: undefined: command.TfversionCommand",
            "Fix the first error at the given file and line; later errors often follow from it.",
        ),
    ),
    Rule(
        code="GO-VET-001",
        name="go-vet",
        category="lint",
        severity="medium",
        pattern=_POS,
        literal=".go:",
        extract=_pos_extract("vet"),
        priority=82,
        confidence=0.8,
        ecosystem=_ECO,
        title="go vet: {message}",
        root_cause="go vet reported a suspicious construct in {file}: {message}",
        suggestion="Fix the construct at {file}:{line} (a Printf format/argument mismatch, a lock copied by value, "
        "t.Fatal called from a goroutine, ...).",
        doc=_doc(
            "`go vet` (also run by `go test` for a few analyzers) reported a problem: `./file.go:LINE:COL: "
            "MESSAGE` under a `# import/path` header, in a step that runs `go vet`.",
            "Vet's analyzers flag likely bugs: Printf verbs that do not match their arguments, copied locks, "
            "unreachable code, `t.Fatal` from a non-test goroutine.",
            "internal/states/instance_object_test.go:63:3: the goroutine calls T.Fatalf, which must be called in "
            "the same goroutine as the test",
            "Fix the flagged code; vet findings are almost always real bugs.",
        ),
    ),
    Rule(
        code="GO-LINT-001",
        name="golangci-lint",
        category="lint",
        severity="medium",
        pattern=_POS,
        literal=".go:",
        extract=_pos_extract("lint"),
        priority=80,
        confidence=0.82,
        ecosystem=_ECO,
        title="Go lint ({linter}): {message}",
        root_cause="The linter {linter} reported {file}:{line}: {message}",
        suggestion="Fix the finding at {file}:{line}, or disable {linter} for that line deliberately (`//nolint:{linter}` with a reason).",
        doc=_doc(
            "golangci-lint or staticcheck reported an issue: `file.go:LINE:COL: MESSAGE (linter)` (golangci-lint "
            "names the linter, staticcheck its check code such as `U1000`), or a lint step such as `exhaustive`.",
            "The CI lint step fails on any finding: an unchecked error, unused code, a style rule.",
            "internal/lang/functions.go:176:17: func (*Scope).experimentalFunction is unused (U1000)",
            "Fix the code as the linter asks (`golangci-lint run --fix` fixes some linters).",
        ),
    ),
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
        code="GO-DEP-001",
        name="go-module-resolution",
        category="dependency",
        severity="high",
        pattern=_MOD,
        literal=None,
        extract=_mod_extract,
        priority=80,
        confidence=0.8,
        ecosystem=_ECO,
        title="Go module problem: {message}",
        root_cause="The go command could not resolve the module graph: {message}",
        suggestion="Run `go mod tidy` (or `go get {module}` at an existing version) and commit go.mod and go.sum.",
        doc=_doc(
            "The go command could not resolve a module: `missing go.sum entry for module providing package x`, "
            "`no required module provides package x; to add it: go get x`, `updates to go.mod needed`, or "
            "`module@version: reading ...: 404 Not Found` / `invalid version`.",
            "go.mod/go.sum are out of date with the imports, or a required version does not exist. Network "
            "failures while downloading modules are left to the infrastructure rules.",
            "go: updates to go.mod needed; to update it:\n\tgo mod tidy",
            "Run `go mod tidy`, fix the requested version, and commit go.mod and go.sum.",
        ),
    ),
    Rule(
        code="GO-SUM-001",
        name="go-test-fail-summary",
        category="test",
        severity="medium",
        pattern=_SUM,
        literal="FAIL",
        symptom=True,
        priority=15,
        confidence=0.3,
        ecosystem=_ECO,
        title="go test failed in {pkg}",
        root_cause="Tests or the build of package {pkg} failed; the failures are printed above.",
        suggestion="Look for `--- FAIL:` and `file.go:LINE:` lines above.",
        doc=_doc(
            "`go test`'s per-package summary `FAIL\\tpkg\\t0.01s` (or `[build failed]`) and the bare `FAIL` line.",
            "It summarises failures reported above.",
            "FAIL\tgithub.com/cli/cli/v2/internal/prompter\t8.475s",
            "Fix the failing tests or build errors printed above.",
        ),
    ),
]
