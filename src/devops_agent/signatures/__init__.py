"""The signature catalogue: every rule, in an explicit list (codes are permanent).

Each ecosystem module defines ``RULES: list[Rule]``; add new modules to ``_MODULES``.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from devops_agent.signatures.base import Rule

_MODULES = (
    "python",
    "node",
    "jvm",
    "native",
    "rust",
    "go",
    "docker",
    "shell",
    "lintrunner",
    "ruby",
    "php",
    "elixir",
    "ansible",
    "security",
    "infra",
    "config",
    "generic",
)


@cache
def all_rules() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for name in _MODULES:
        try:
            mod = import_module(f"devops_agent.signatures.{name}")
        except ModuleNotFoundError as exc:  # a module not written yet
            if exc.name == f"devops_agent.signatures.{name}":
                continue
            raise
        rules.extend(mod.RULES)
    return tuple(rules)


def get_rule(code: str) -> Rule | None:
    code = code.upper()
    return next((r for r in all_rules() if r.code == code), None)
