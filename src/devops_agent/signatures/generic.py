"""Generic error lines: the fallback when no tool-specific signature matches.

These rank low on purpose: any specific signature beats them, and inside the failing step the
first of them usually is the real error (later ones are its cascade).
"""

from __future__ import annotations

from devops_agent.signatures.base import STEP_WRAPPER_MESSAGE, Rule, rx

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

RULES = [
    Rule(
        code="GEN-ERR-001",
        name="error-line",
        category="unknown",
        severity="medium",
        pattern=rx(
            r"^\s*(?:\[(?:ERROR|FATAL|error|fatal)\]|(?:ERROR|FATAL|Error|error|fatal|FAILED|Failed)(?=[:!\]])[:!\]]?)\s*"
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
