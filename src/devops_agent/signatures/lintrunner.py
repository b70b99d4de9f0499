"""lintrunner (the linter multiplexer of PyTorch, ExecuTorch and others): its report format.

Learned from lintrunner 0.13's own output: a block per file, ``>>> Lint for path/to/file.py:``, then
one message per lint, ``  Error (RUFF) F401`` (severity, the linter's code, the lint's name), its
description, and the file's lines with ``>>> N  |`` at the offending one. A linter that itself
crashed is reported under ``>>> General linter failure:`` as ``  Error (CLANGTIDY) Linter failed``
with the linter's STDERR below. Every message, warnings included, makes lintrunner exit 1.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.base import doc as _doc

_ECO = "lintrunner"

_BLOCK = rx(r"^>>> Lint for (?P<file>\S[^\n]{0,300}?):\s*$")
_MESSAGE = re.compile(r"^\s{1,4}(?P<severity>Error|Warning|Advice|Disabled) \((?P<linter>[^)\s]{1,80})\) (?P<name>\S[^\n]{0,200})$")
_MARKED = re.compile(r"^\s{0,8}>>> +(?P<line>\d+)(?: +\d+)? *\|")


def _lint_extract(m: re.Match[str], win: Window) -> Extract | None:
    for n, text in win.after(6):
        msg = _MESSAGE.match(text)
        if msg is None:
            if text.strip():
                return None  # not lintrunner's layout
            continue
        evidence = [n]
        line = None
        for k, t in win.after(30, n + 1):
            if _MESSAGE.match(t) or _BLOCK.match(t):
                break
            if len(evidence) < 2 and t.strip():
                evidence.append(k)  # the description
            marked = _MARKED.match(t)
            if marked:
                line = int(marked["line"])
                break
        data = {"linter": msg["linter"], "name": msg["name"].strip(), "severity": msg["severity"].lower()}
        return Extract(file=m["file"].strip(), line=line, evidence=tuple(evidence), data=data,
                       confidence=None if msg["severity"] == "Error" else 0.7)
    return None


_GENERAL = rx(r"^\s{1,4}Error \((?P<linter>[^)\s]{1,80})\) Linter failed\s*$")


_CHATTER = re.compile(r"^(?:<[^>\n]{0,40}:DEBUG>|\$ |\+ )")  # the adapter's debug echoes of the commands it ran


def _general_extract(m: re.Match[str], win: Window) -> Extract | None:
    """The linter's own complaint: the first non-blank line under STDERR (else under STDOUT)."""
    seen_stderr = False
    for n, text in win.after(40):
        s = text.strip()
        if s in ("STDERR:", "STDOUT:"):
            seen_stderr = True
            continue
        if _BLOCK.match(text) or _GENERAL.match(text):
            break
        if seen_stderr and s and not _CHATTER.match(s):
            return Extract(evidence=(n,), data={"linter": m["linter"], "reason": s[:300]})
    return Extract(data={"linter": m["linter"], "reason": "see the linter's output"})


RULES = [
    Rule(
        code="LR-LINT-001",
        name="lintrunner-lint",
        category="lint",
        severity="medium",
        pattern=_BLOCK,
        literal="Lint for ",
        grep="Lint for ",
        extract=_lint_extract,
        priority=78,
        confidence=0.85,
        ecosystem=_ECO,
        title="{linter} {name} in {file}",
        root_cause="lintrunner's {linter} linter reported {name} in {file}; lintrunner fails on every message it reports.",
        suggestion="Run `lintrunner -a` to apply the linters' patches (formatters), fix the rest by hand, "
        "or reproduce with `lintrunner --take {linter} {file}`.",
        doc=_doc(
            "lintrunner reported lint in a file: `>>> Lint for path.py:` followed by `Error (LINTER) NAME` "
            "(or `Warning`, `Advice`), the description and the offending lines.",
            "A linter that lintrunner runs (ruff, flake8, clang-format, a project's own adapter) found a "
            "violation in the changed files. lintrunner exits 1 on any message, warnings and formatting "
            "patches included.",
            ">>> Lint for pkg/app.py:\n\n  Error (RUFF) F401\n    `os` imported but unused",
            "Run `lintrunner -a` locally to apply the suggested patches, fix what remains, and commit.",
        ),
    ),
    Rule(
        code="LR-LINT-002",
        name="lintrunner-linter-crashed",
        category="lint",
        severity="high",
        pattern=_GENERAL,
        literal="Linter failed",
        grep="Linter failed",
        extract=_general_extract,
        priority=80,
        confidence=0.85,
        ecosystem=_ECO,
        title="Linter {linter} crashed under lintrunner",
        root_cause="The {linter} linter itself failed (no lint results): {reason}",
        suggestion="Fix the linter's setup the message names (a missing binary, build directory or "
        "compile_commands.json, a stale `lintrunner init`), then re-run `lintrunner --take {linter}`.",
        doc=_doc(
            "lintrunner could not run one of its linters: `>>> General linter failure:` then `Error (LINTER) "
            "Linter failed`, with the linter's STDERR below.",
            "The linter adapter exited non-zero without lint output: its tool is not installed (`lintrunner init` "
            "not run or outdated), it needs a build artefact (clang-tidy's compile_commands.json), it timed out "
            "or crashed.",
            ">>> General linter failure:\n\n  Error (CLANGTIDY) Linter failed\n    Linter failed. This a bug, please "
            "file an issue against the linter\n    maintainer.\n    \n    CONTEXT:\n    Linter command failed with "
            "non-zero exit code.\n    STDERR:\n    clang-tidy: error: unable to find compile_commands.json in build/",
            "Read the STDERR lines: install or initialise the linter (`lintrunner init`), build what it needs, "
            "or fix the adapter.",
        ),
    ),
]
