"""Go build-time signatures: compile errors, go vet, linters, module resolution."""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.go.common import ECO as _ECO
from devops_agent.signatures.go.common import doc as _doc

_POS = rx(r"^(?:vet: )?(?P<path>(?:\.{1,2}/|/)?[\w@.+/-]{0,300}?[\w.+-]+\.go):(?P<line>\d+):(?:(?P<col>\d+):)? (?P<message>\S[^\n]{0,600})")
_LINTER_SUFFIX = re.compile(r"\((?P<linter>[a-z][\w-]{1,40}|[A-Z]{1,4}\d{3,5})\)\s*$")
_NOT_LINTERS = {"compile", "typecheck"}
_MODULE_NET = re.compile(r"@v[\w.+-]+: (?:Get \"https?://|dial tcp|reading https?://|verifying module)|: i/o timeout|proxy\.golang\.org")
_MOD_MSG = re.compile(r"missing go\.sum entry|no required module provides package|updates to go\.mod needed|requires newer Go version")
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
        file = None if "/pkg/mod/" in m["path"] else m["path"]  # the module cache is not the project's code
        return Extract(file=file, line=int(m["line"]) if file else None, evidence=evidence, data=data)

    return extract


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


_GOVERSION = rx(
    r"^go: (?:(?P<module>\S{1,200}): )?(?:go\.mod|\S{1,200}) requires go >= (?P<required>[\w.]{1,20}) \(running go (?P<running>[\w.]{1,20})"
    r"|: package requires newer Go version go(?P<required2>[\w.]{1,20})"
)


def _goversion_extract(m: re.Match[str], win: Window) -> Extract | None:
    data: dict[str, object] = {"required": m["required"] or m["required2"]}
    if m["running"]:
        data["running"] = m["running"]
    return Extract(file="go.mod", data=data)


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
        fix="unsafe",
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
        fix="unsafe",
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
        fix="unsafe",
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
        fix="unsafe",
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
        code="GO-VER-001",
        name="go-toolchain-too-old",
        category="configuration",
        severity="high",
        pattern=_GOVERSION,
        literal="requires ",
        extract=_goversion_extract,
        priority=82,
        confidence=0.85,
        ecosystem=_ECO,
        title="Go {running} is older than the required go {required}",
        root_cause="go.mod (or a dependency) requires Go >= {required} but the job runs Go {running} and may not "
        "switch toolchains (GOTOOLCHAIN=local).",
        suggestion="Install Go {required} or newer in the CI job (e.g. actions/setup-go with go-version-file: go.mod), "
        "or lower the `go` directive if the code does not need it.",
        doc=_doc(
            "The go command refused to build: `go: go.mod requires go >= 1.26.3 (running go 1.26.2; "
            "GOTOOLCHAIN=local)`, or a checker's `package requires newer Go version go1.22`.",
            "The `go`/`toolchain` directive in go.mod (often bumped by `go mod tidy` on a newer machine or by a "
            "dependency update) is newer than the Go installed on the runner, and toolchain switching is off.",
            "go: go.mod requires go >= 1.26.3 (running go 1.26.2; GOTOOLCHAIN=local)\nmake: *** [Makefile:207: build] Error 1",
            "Align the CI Go version with go.mod (setup-go `go-version-file: go.mod`), or lower the directive.",
        ),
    ),
]
