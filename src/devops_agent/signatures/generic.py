"""Generic error lines: the fallback when no tool-specific signature matches.

These rank low on purpose: any specific signature beats them, and inside the failing step the
first of them usually is the real error (later ones are its cascade).
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import GREP_ANSI, STEP_WRAPPER_MESSAGE, Extract, Rule, Window, rx

_DOC = """\
## What it means
{what}

## Why it fails
The tool that failed printed an error that no specific devops-agent signature recognises.

## Example
```
{example}
```

## Fix
Read the quoted error and the lines around it; re-run the failing step's command locally.
"""

# The two conventions nearly every compiler follows for an error at a place in a file, whatever the
# language: GNU's `path:line[:col]: error: message` (swiftc, zig, ghc, dart, nim, gcc's family) and
# MSBuild's `path(line[,col]): error CODE: message [project]` (csc, mcs, vbc, fsc, MSVC).
_DIAG = rx(
    r"^\s{0,4}(?P<path>(?:[A-Za-z]:)?[^\s:(\[][^\s:]{0,400}?\.[A-Za-z][\w+]{0,9}):(?P<line>\d+):(?:(?P<col>\d+):)? "
    r"(?:fatal error|error|Error)(?:\[[\w-]{1,20}\])?:(?: (?P<message>\S[^\n]{0,600}))?\s*$"
    r"|^\s{0,4}(?P<wpath>(?:[A-Za-z]:)?[^\s:(\[][^:(\n]{0,400}?\.[A-Za-z][\w+]{0,9})\((?P<wline>\d+)(?:,(?P<wcol>\d+))?\): "
    r"(?:fatal )?error (?P<code>[A-Z]{1,4}\d{2,5}): (?P<wmessage>\S[^\n]{0,600}?)(?: \[(?P<project>[^\]\n]{1,400})\])?\s*$"
)


# Languages whose compilers and checkers have their own rules, which decide about their lines (and
# leave some out on purpose, such as meson's feature probes): not claimed again here.
_OWNED = re.compile(r"\.(?:c|cc|cpp|cxx|c\+\+|h|hh|hpp|hxx|cu|cuh|m|mm|py|pyi|[cm]?[jt]sx?|vue|svelte|java|kt|kts|rs|go)$", re.I)


def _diag_extract(m: re.Match[str], win: Window) -> Extract | None:
    if _OWNED.search(m["path"] or m["wpath"]):
        return None
    if m["wpath"]:
        data: dict[str, object] = {"message": m["wmessage"], "code": m["code"]}
        if m["project"]:
            data["project"] = m["project"]
        return Extract(file=m["wpath"], line=int(m["wline"]), data=data)
    message, evidence = m["message"], []
    if not message:  # ghc puts the message on the lines below: `Main.hs:3:5: error:`
        for n, text in win.after(3):
            if text.strip():
                message, evidence = text.strip(), [n]
                break
    return Extract(file=m["path"], line=int(m["line"]), evidence=tuple(evidence), data={"message": message or "error"})


RULES = [
    Rule(
        code="GEN-ERR-001",
        name="error-line",
        category="unknown",
        severity="medium",
        pattern=rx(
            r"^\s*(?:\[(?:ERROR|FATAL|error|fatal)\]:?|(?:ERROR|FATAL|Error|error|fatal|FAILED|Failed)(?=[:!\]])[:!\]]?)\s*"
            r"(?!script returned exit code -?\d+$|Job failed: exit code -?\d+$)(?P<message>\S[^\n]{0,400})"
        ),
        title="Error: {message}",
        doc=_DOC.format(what="A line that starts like an error message (`error:`, `ERROR:`, `fatal:`, `[ERROR]`).",
                        example="fatal: unable to access 'https://example.invalid/repo.git/': Could not resolve host"),
        priority=30,
        confidence=0.35,
        root_cause="The failing step printed: {message}",
        suggestion="Read the error and the lines around it; re-run the step's command locally to reproduce.",
    ),
    Rule(
        code="GEN-ERR-002",
        name="exception-line",
        category="runtime",
        severity="medium",
        pattern=rx(
            r"(?:^\s*|^Exception in thread \"[^\"]{1,80}\" |^Caused by: )(?:[a-z_$][\w$]*\.){0,8}"
            r"(?P<exc>[A-Z]\w*(?:Error|Exception|Failure))(?::\s+(?P<message>[^\n]{1,400})|\s*$)"
        ),
        title="{exc}: {message}",
        doc=_DOC.format(what="An exception name followed by its message, as most runtimes print an uncaught error.",
                        example="java.lang.IllegalStateException: Failed to load ApplicationContext"),
        priority=28,
        confidence=0.35,
        root_cause="An uncaught {exc} was raised: {message}",
        suggestion="Find where {exc} is raised (the stack trace below the line) and handle its cause.",
    ),
    Rule(
        code="GEN-DIAG-001",
        name="compiler-diagnostic",
        category="compilation",
        severity="high",
        pattern=_DIAG,
        literal="rror",
        # narrower than the literal for grep on big logs ("rror" is in one chatter line of ten)
        grep=":[0-9]+(:[0-9]+)?: " + GREP_ANSI + "(fatal error|error|Error)" + GREP_ANSI + "(\\[[A-Za-z0-9_-]+\\])?:"
        "|\\([0-9]+(,[0-9]+)?\\): (fatal )?error [A-Z]{1,4}[0-9]{2,5}:",
        extract=_diag_extract,
        title="Compile error: {message}",
        doc=_DOC.format(
            what="A compiler-style error at a place in a file, in one of the two layouts nearly every "
            "compiler uses: GNU's `path:line:col: error: message` (Swift, Zig, Haskell, Dart, Nim...) or "
            "MSBuild's `path(line,col): error CS0103: message [project]` (C#, F#, VB). Tools with their own "
            "rule (gcc, tsc, javac, mypy...) are reported by that rule instead.",
            example="src/main.zig:3:5: error: use of undeclared identifier 'totl'",
        ),
        priority=60,
        confidence=0.6,
        root_cause="The compiler rejected {file}:{line}: {message}",
        suggestion="Fix the code at {file}:{line} as the message says, then rebuild.",
    ),
    Rule(
        code="GEN-ANNOT-001",
        name="ci-error-annotation",
        category="configuration",
        severity="medium",
        pattern=rx(r"^(?:##\[error\]|::error(?: [^:\n]{0,300})?::)(?!" + STEP_WRAPPER_MESSAGE + r")(?P<message>\S[^\n]{0,400})"),
        annotated=True,
        title="CI error: {message}",
        doc=_DOC.format(
            what="An error annotation written by a CI action or the runner (`##[error]...` in GitHub "
            "Actions' raw log, `::error::` workflow commands). Categorised as configuration: such messages "
            "are about the workflow's own inputs (artifacts, credentials, required checks), not a tool's output.",
            example="##[error]Unable to download artifact(s): Artifact not found for name: wheels-py3_10",
        ),
        priority=45,
        confidence=0.45,
        root_cause="The CI step reported: {message}",
        suggestion="Act on the reported error; when it names a missing input, artifact or credential, fix that in the workflow.",
    ),
]
