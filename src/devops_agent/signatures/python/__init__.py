"""Python signatures: exceptions and tracebacks, pip, pytest/unittest, linters, formatters, mypy, bandit.

Formats are learned from CPython's traceback printer, pip's resolver messages, pytest's terminal
reporter and each tool's documented output; see the submodules.
"""

from __future__ import annotations

from devops_agent.signatures.python import exceptions, extras, pip, pytest_rules, runs, tools

RULES = [*exceptions.RULES, *pip.RULES, *pytest_rules.RULES, *runs.RULES, *tools.RULES, *extras.RULES]
