"""Elixir: ExUnit failures and Elixir's own error reports.

Formats learned from Elixir 1.14's output (Debian 12): ExUnit numbers each failure
``  1) test total sums the prices (ShopexTest)``, then the test's ``file:line``, the assertion
(``Assertion with == failed``, ``code:``, ``left:``, ``right:``) or the exception, and a
stacktrace. Errors that stop mix or a script are printed ``** (CompileError) lib/x.ex:2: undefined
function discount/1 ...``, ``** (ArithmeticError) bad argument in arithmetic expression``,
``** (Mix) Could not find an SCM for dependency :jason``.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.base import doc as _doc

_ECO = "elixir"

_EXUNIT = rx(r"^\s{1,6}\d+\) (?P<kind>test|doctest|property) (?P<test>\S[^\n]{0,300}?) \((?P<module>[A-Z][\w.]{0,200})\)\s*$")
_LOCATION = re.compile(r"^\s+(?P<file>[^\s:]{1,300}\.exs?):(?P<line>\d+)\s*$")
_DETAIL = re.compile(r"^\s+(?:code|left|right|arguments|lhs|rhs):\s")


def _exunit_extract(m: re.Match[str], win: Window) -> Extract | None:
    file = line = None
    evidence: list[int] = []
    message = None
    for n, text in win.after(14):
        if _EXUNIT.match(text) or text.startswith("Finished in "):
            break
        loc = _LOCATION.match(text)
        if loc and file is None:
            file, line = loc["file"], int(loc["line"])
            evidence.append(n)
            continue
        s = text.strip()
        if s.startswith("stacktrace:"):
            break
        if s and message is None:
            message = s
            evidence.append(n)
        elif s and _DETAIL.match(text) and len(evidence) < 6:
            evidence.append(n)
    if file is None:
        return None  # not ExUnit's layout
    data = {"test": m["test"], "module": m["module"], "message": message or "failed"}
    return Extract(file=file, line=line, evidence=tuple(evidence), data=data)


# at the start of a line, or after mix's unanswered "Shall I install Hex? ... [Yn]" prompt
_ERROR = rx(
    r"(?:^|\[Yn\] )\*\* \((?P<exc>[A-Z][\w.]{0,100})\) (?:(?P<file>[^\s:]{1,300}\.exs?):(?P<line>\d+)(?::\d+)?:? )?(?P<message>\S[^\n]{0,600})$"
)
_MIX_DEPENDENCY = re.compile(r"dependenc|\bdeps\b|Hex|lock")
# a stacktrace frame: `run.exs:2: (file)`, `(elixir 1.14.0) lib/enum.ex:2468: Enum...` (a library's)
_FRAME = re.compile(r"^\s+(?:\([\w.-]+ [\d.]+\) )?(?P<f>[^\s:(]{1,300}\.exs?):(?P<l>\d+): ")
_COMPILE = ("CompileError", "SyntaxError", "TokenMissingError", "MismatchedDelimiterError", "Kernel.TypespecError")


def _error_extract(m: re.Match[str], win: Window) -> Extract | None:
    exc, message = m["exc"], m["message"]
    if exc in _COMPILE:
        category = "compilation"
    elif exc == "Mix" and _MIX_DEPENDENCY.search(message):
        category = "dependency"
    elif exc == "Mix":
        category = "configuration"
    else:
        category = None  # an exception at run time: the rule's category
    evidence: list[int] = []
    file, line = m["file"], int(m["line"]) if m["line"] else None
    if file is None:  # the stacktrace below names the project's frame: `run.exs:2: (file)`
        for n, text in win.after(8):
            frame = _FRAME.match(text)
            if frame and not text.lstrip().startswith("("):
                file, line = frame["f"], int(frame["l"])
                evidence.append(n)
                break
    return Extract(file=file, line=line, evidence=tuple(evidence), category=category,
                   data={"exc": exc, "message": message})


RULES = [
    Rule(
        code="EX-TEST-001", name="exunit-test-failed", category="test", severity="high",
        pattern=_EXUNIT, extract=_exunit_extract, priority=82, confidence=0.85, ecosystem=_ECO,
        grep="[0-9]+\\) (test|doctest|property) .* \\([A-Z][A-Za-z0-9_.]*\\) *$",
        title="ExUnit test failed: {test} ({module})",
        root_cause="The test '{test}' in {module} failed: {message}",
        suggestion="Run `mix test {file}:{line}` locally; fix the code under test or the assertion.",
        doc=_doc(
            "An ExUnit test failed: `1) test total sums the prices (ShopexTest)`, its `file:line`, the assertion "
            "(`Assertion with == failed`, `code:`, `left:`, `right:`) or the exception, and the stacktrace.",
            "The code under test returns something else than the assertion expects, or raises.",
            "  1) test total sums the prices (ShopexTest)\n     test/shopex_test.exs:4\n     Assertion with == failed\n"
            "     code:  assert Shopex.total([10, 5]) == 15\n     left:  16.5\n     right: 15",
            "Reproduce with `mix test path:line`, then fix the code or the assertion.",
        ),
    ),
    Rule(
        code="EX-ERR-001", name="elixir-error", category="runtime", severity="high",
        pattern=_ERROR, literal="** (", extract=_error_extract, priority=80, confidence=0.8, ecosystem=_ECO,
        title="Elixir {exc}: {message}",
        root_cause="Elixir stopped with {exc}: {message}",
        suggestion="Fix what the error names (the function, module or dependency); `mix compile --warnings-as-errors` "
        "and `mix deps.get` reproduce compile and dependency errors locally.",
        doc=_doc(
            "Elixir stopped on an error: `** (CompileError) lib/broken.ex:2: undefined function discount/1 ...`, "
            "`** (ArithmeticError) bad argument in arithmetic expression`, `** (Mix) Could not find an SCM for "
            "dependency :jason`.",
            "Code that does not compile (an undefined function or module, a syntax error), an exception at run "
            "time, or mix unable to resolve or fetch a dependency.",
            "** (CompileError) lib/broken.ex:2: undefined function discount/1 (expected Shopex.Broken to define "
            "such a function or for it to be imported, but none are available)",
            "Fix the code at the reported line, or the dependency in mix.exs / mix.lock.",
        ),
    ),
]
