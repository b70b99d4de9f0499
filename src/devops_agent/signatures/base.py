"""The signature model: one :class:`Rule` per error signature, in the manner of ruff's rules.

A rule is metadata plus a matcher. The engine (``devops_agent.diagnose``) feeds every *cleaned*
candidate line of the log to the rules; a rule whose ``pattern`` matches (``re.search``) may then
look around the line through a :class:`Window` (its ``extract`` hook) to find the file and line,
more evidence lines (the failing test's assertion, the compiler's caret line...) and values a fixer
needs. The engine ranks the resulting candidates; rules never print, rank or exit.

Documentation lives in ``doc``, in fixed sections (checked by the catalogue test)::

    ## What it means
    ## Why it fails
    ## Example
    ## Fix
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from devops_agent.models import CATEGORIES, SEVERITIES

DOC_SECTIONS = ("## What it means", "## Why it fails", "## Example", "## Fix")
CODE_RE = re.compile(r"^[A-Z]{1,6}(?:-[A-Z0-9]{2,8})?-\d{3}$")


class Window(Protocol):
    """Read access to the cleaned log around a matched line (1-based line numbers).

    ``text(n)`` returns the cleaned text of line ``n`` or ``None`` when that line is outside
    the log or was not retained (huge logs keep only windows around candidate lines).
    """

    lineno: int  # the matched line

    def text(self, n: int) -> str | None: ...

    def after(self, count: int, start: int | None = None) -> Iterator[tuple[int, str]]:
        """Lines ``start`` (default: the line after the match) onwards, at most ``count``."""
        ...

    def before(self, count: int, start: int | None = None) -> Iterator[tuple[int, str]]:
        """Lines before ``start`` (default: the match), nearest first, at most ``count``."""
        ...


@dataclass(frozen=True, slots=True)
class Extract:
    """What a rule's ``extract`` hook learned from the lines around its match."""

    file: str | None = None  # as written in the log; the engine maps it to the repository
    line: int | None = None
    # Extra evidence line numbers (the match line is always evidence). Order matters: the
    # most telling line first. Set ``primary`` to make another line the first evidence.
    evidence: tuple[int, ...] = ()
    primary: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    title: str | None = None  # overrides the formatted title
    confidence: float | None = None  # overrides the rule's confidence
    # overrides the rule's category when the matched text says more (Gradle's failed task
    # ':app:ktlintCheck' is a lint failure, ':app:test' a test failure)
    category: str | None = None


ExtractHook = Callable[[re.Match[str], Window], Extract | None]


@dataclass(frozen=True)
class Rule:
    """One error signature.

    ``title``, ``root_cause`` and ``suggestion`` are ``str.format`` templates over the pattern's
    named groups and the extract's ``data`` (a missing key leaves the generic text).

    ``priority`` (0-100) says how strongly a match explains a failure by itself: a compiler error
    or a ``ModuleNotFoundError`` is 80-90, a generic ``Error:`` line 20-30. Symptom rules
    (``symptom=True``: "1 failed", "BUILD FAILURE", "make: *** Error 2", exit-code wrappers) never
    lead a diagnosis when anything else matched; they are folded in as evidence.
    """

    code: str
    name: str
    category: str
    severity: str
    pattern: re.Pattern[str]
    title: str
    doc: str
    priority: int = 50
    confidence: float = 0.8
    root_cause: str | None = None
    suggestion: str | None = None
    fix: str = "none"  # safe | unsafe | display-only | none (ruff's Applicability)
    symptom: bool = False
    extract: ExtractHook | None = None
    # Languages/ecosystems this rule belongs to, for docs and filtering.
    ecosystem: str = "generic"
    # Cheap literal that must occur in the line for ``pattern`` to be tried (case-sensitive).
    # Speeds up big logs; leave None when no single literal is required.
    literal: str | None = None
    # Match the cleaned line *with* its CI annotation prefix (``##[error]``...) instead of the
    # bare message: for rules about the CI platform's own annotations.
    annotated: bool = False
    # Also match the CI's own failure-wrapper lines (``##[error]Process completed with exit code
    # 137.``, ``ERROR: Job failed: exit code 124``, ``##[error]The operation was canceled.``),
    # which other rules never see: for signatures whose cause *is* the exit status or the
    # runner's verdict (timeout, SIGKILL, cancellation).
    wrappers: bool = False
    # POSIX ERE for the grep prefilter of very big logs, when the gate literal alone is too
    # common ('error', '.py:'): it must match every line the rule's pattern can match.
    grep: str | None = None

    def __post_init__(self) -> None:
        if not CODE_RE.match(self.code):
            raise ValueError(f"bad rule code {self.code!r}")
        if self.category not in CATEGORIES:
            raise ValueError(f"{self.code}: unknown category {self.category!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.code}: unknown severity {self.severity!r}")
        if self.fix not in ("safe", "unsafe", "display-only", "none"):
            raise ValueError(f"{self.code}: unknown fix applicability {self.fix!r}")

    @property
    def fixable(self) -> bool:
        return self.fix in ("safe", "unsafe")

    def format(self, template: str | None, values: dict[str, Any]) -> str | None:
        if template is None:
            return None
        try:
            return template.format_map(_Defaults(values))
        except (IndexError, ValueError):
            return template


class _Defaults(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "?"


# Building blocks for ``Rule.grep``. grep reads the raw log, so colour codes may sit between words.
GREP_ANSI = "(\x1b\\[[0-9;]*[mK])*"
# "error:", "fatal error:", "error[E0425]:", "error TS2322:", "error C2065:" (compilers, tsc, rustc).
GREP_ERROR_COLON = "error" + GREP_ANSI + "( ?(\\[E[0-9]{4}\\]|TS[0-9]{3,5}|C[0-9]{4}))?" + GREP_ANSI + ":"


# Annotations that only say the step failed, not why: the runner's own "Process completed with exit
# code 1" (Azure Pipelines: "Bash exited with code '1'."), and what self-hosted runners with
# container hooks add after it ("[OSDC] Step script exited with code 1. ... Check the step logs
# above", "Executing the custom container implementation failed"). They are wrappers, like the
# exit-code line: never the finding.
STEP_WRAPPER_MESSAGE = (
    r"(?:\[[^\]\n]{1,40}\]\s*)?(?:Process completed with exit code -?\d+"
    r"|(?:Step |Job )?[Ss]cript exited with (?:exit )?code -?\d+"
    r"|(?:Bash|PowerShell|Cmd(?:\.exe)?|Python) exited with code '-?\d+'|Script failed with exit code: -?\d+"
    r"|Executing the custom container implementation failed)"
)


def doc(what: str, why: str, example: str, fix: str) -> str:
    """A rule's documentation in the fixed sections (the example is real tool output)."""
    return f"## What it means\n{what}\n\n## Why it fails\n{why}\n\n## Example\n```\n{example}\n```\n\n## Fix\n{fix}\n"


def rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile a rule pattern (a tiny helper so rule modules read well)."""
    return re.compile(pattern, flags)
