"""Small immutable value types shared by the stages (log -> findings -> patch -> verdict)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Category = Literal[
    "dependency",
    "compilation",
    "test",
    "lint",
    "format",
    "type-check",
    "configuration",
    "infrastructure",
    "timeout",
    "resource",
    "permission",
    "security",
    "runtime",
    "unknown",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]

Severity = Literal["low", "medium", "high", "critical"]
SEVERITIES: tuple[str, ...] = Severity.__args__  # type: ignore[attr-defined]

# ruff-style fix applicability.
FixSafety = Literal["safe", "unsafe", "display-only", "none"]

Dialect = Literal["github", "gitlab", "jenkins", "travis", "azure", "plain"]
DIALECTS: tuple[str, ...] = Dialect.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Evidence:
    """One log line cited as evidence. ``line`` is 1-based in the log as given."""

    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Culprit:
    commit: str
    subject: str
    author: str
    confidence: float
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Similar:
    incident: int
    seen: str
    resolution: str | None = None
    held: bool | None = None
    score: float | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """A CI step (or the whole log when the dialect has no steps)."""

    name: str
    start: int  # first line (1-based)
    end: int  # last line (1-based, inclusive)
    command: str | None = None
    failed: bool | None = None  # None: unknown
    exit_code: int | None = None


@dataclass(frozen=True, slots=True)
class LogInfo:
    name: str
    dialect: str
    lines: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Finding:
    rule: str
    title: str
    category: str
    severity: str
    confidence: float
    evidence: tuple[Evidence, ...]
    step: str | None = None
    command: str | None = None
    file: str | None = None
    line: int | None = None
    root_cause: str | None = None
    suggestion: str | None = None
    fixable: bool = False
    culprit: Culprit | None = None
    similar: tuple[Similar, ...] = ()
    flaky: str | None = None  # reason, when the failure looks flaky
    fingerprint: str | None = None
    explanation: str | None = None  # model-written root cause (diagnose --explain)
    # A few log lines around the first evidence line (cleaned, redacted) for human output. Not in JSON.
    context: tuple[Evidence, ...] = field(default=(), compare=False)
    # Rule-specific captured values (module name, symbol, version...) for fixers. Not in JSON.
    data: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "title": self.title,
            "category": self.category,
            "severity": self.severity,
            "confidence": round(self.confidence, 2),
            "step": self.step,
            "command": self.command,
            "evidence": [{"line": e.line, "text": e.text} for e in self.evidence],
        }
        if self.file:
            out["file"] = self.file
            if self.line:
                out["line"] = self.line
        out["root_cause"] = self.root_cause
        out["suggestion"] = self.suggestion
        out["fixable"] = self.fixable
        if self.culprit:
            out["culprit"] = asdict(self.culprit)
        if self.similar:
            out["similar"] = [
                {k: v for k, v in asdict(s).items() if v is not None} for s in self.similar
            ]
        if self.flaky:
            out["flaky"] = self.flaky
        if self.fingerprint:
            out["fingerprint"] = self.fingerprint
        if self.explanation:
            out["explanation"] = self.explanation
        return out


@dataclass(frozen=True)
class Diagnosis:
    source: LogInfo
    status: Literal["failed", "passed", "unknown"]
    findings: tuple[Finding, ...]
    steps: tuple[Step, ...] = ()
    failing_step: Step | None = None
    redactions: int = 0
    elapsed_ms: int = 0
    run_id: int | None = None
    # For archives: the per-file diagnoses this one was assembled from.
    parts: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": "devops-agent/diagnosis@1",
            "source": asdict(self.source),
            "status": self.status,
            "findings": [f.to_json() for f in self.findings],
            "redactions": self.redactions,
            "elapsed_ms": self.elapsed_ms,
        }
        if self.failing_step is not None:
            out["failing_step"] = {
                "name": self.failing_step.name,
                "command": self.failing_step.command,
                "start": self.failing_step.start,
                "end": self.failing_step.end,
                "exit_code": self.failing_step.exit_code,
            }
        if self.parts:
            out["parts"] = list(self.parts)
        if self.run_id is not None:
            out["run"] = self.run_id
        return out
