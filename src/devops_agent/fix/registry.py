"""Fixers registered per rule code, each with a ruff-style applicability (safe / unsafe / display-only).

A fixer is ``propose(ctx) -> Patch | None``. ``ctx.root`` is a scratch worktree of HEAD: a fixer may
read it freely and may run the project's own tool there (formatters write files); the engine then
applies the returned Patch (idempotently) and validates it in that same worktree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from pathlib import Path

from devops_agent.fix.patch import Applicability, Patch
from devops_agent.models import Diagnosis, Finding

# Explicit list of fixer modules (import order = registration order).
_MODULES = (
    "devops_agent.fix.fixers.pydeps_fix",
    "devops_agent.fix.fixers.pycode",
    "devops_agent.fix.fixers.tools",
    "devops_agent.fix.fixers.gitfix",
)


@dataclass(frozen=True)
class FixContext:
    finding: Finding
    diagnosis: Diagnosis
    root: Path  # scratch worktree (HEAD), where the fixer may look and run tools
    repo: Path  # the user's checkout (read-only for fixers: git history)
    log_lines: tuple[str, ...] = field(default=(), compare=False)  # the cleaned, redacted log

    def text(self) -> str:
        """Evidence and context lines of the finding, for fixers that parse the message."""
        rows = {e.line: e.text for e in (*self.finding.context, *self.finding.evidence)}
        return "\n".join(rows[k] for k in sorted(rows))


Propose = Callable[[FixContext], Patch | None]


@dataclass(frozen=True)
class Fixer:
    name: str
    codes: tuple[str, ...]
    applicability: Applicability
    propose: Propose
    summary: str = ""


_REGISTRY: list[Fixer] = []


def fixer(*codes: str, applicability: Applicability, name: str | None = None) -> Callable[[Propose], Propose]:
    """Register ``propose`` for the rule ``codes``."""

    def register(fn: Propose) -> Propose:
        doc = (fn.__doc__ or "").strip().splitlines()
        _REGISTRY.append(Fixer(name or fn.__name__, codes, applicability, fn, doc[0] if doc else ""))
        return fn

    return register


@cache
def all_fixers() -> tuple[Fixer, ...]:
    for mod in _MODULES:
        import_module(mod)
    return tuple(_REGISTRY)


def fixers_for(code: str) -> list[Fixer]:
    return [f for f in all_fixers() if code in f.codes or "*" in f.codes]


def has_fixer(code: str) -> bool:
    return any(code in f.codes for f in all_fixers())
