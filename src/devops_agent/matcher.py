"""Fast line-to-rule matching: each rule is tried only on lines holding a literal it requires.

The required literal is the rule's declared ``literal`` or, failing that, the longest literal run
that every match of its pattern must contain (read from the compiled pattern's parse tree). A line
is then checked with one ``in`` per distinct literal before any regex runs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from devops_agent.signatures.base import Rule

try:  # Python 3.11+: the parser moved under re._parser
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_LITERAL = _sre_parse.LITERAL if hasattr(_sre_parse, "LITERAL") else None
_SUBPATTERN = getattr(_sre_parse, "SUBPATTERN", None)


def required_literal(pattern: re.Pattern[str]) -> str | None:
    """The longest literal substring every match must contain (case-sensitive patterns only)."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - any parser hiccup just means "no literal"
        return None
    best = ""
    for run in _literal_runs(list(parsed)):
        if len(run) > len(best):
            best = run
    return best if len(best) >= 3 else None


_BRANCH = getattr(_sre_parse, "BRANCH", None)
_AT = getattr(_sre_parse, "AT", None)


def branch_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """For a pattern that is an alternation (``^(?:a|b|c)`` or ``a|b|c``) whose every branch
    holds a literal run: the longest run of each branch. A line holding none of them cannot match."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        items = list(_sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - any parser hiccup just means "no literals"
        return None
    while items and items[0][0] is _AT:
        items = items[1:]
    if len(items) == 1 and items[0][0] is _SUBPATTERN and not items[0][1][1]:  # type: ignore[index]
        items = list(items[0][1][-1])  # type: ignore[index]
    if len(items) != 1 or items[0][0] is not _BRANCH:
        return None
    out: list[str] = []
    for branch in items[0][1][1]:  # type: ignore[index]
        best = max(_literal_runs(list(branch)), key=len, default="")
        if len(best) < 3:
            return None
        out.append(best)
    return tuple(dict.fromkeys(out))


def _literal_runs(items: list[tuple[object, object]]) -> Iterable[str]:
    run: list[str] = []
    for op, arg in items:
        if op is _LITERAL:
            run.append(chr(arg))  # type: ignore[arg-type]
            continue
        if op is _SUBPATTERN:
            # A plain group (no flags) is transparent: its literal runs count too.
            sub = arg[-1]  # type: ignore[index]
            add_flags = arg[1] if len(arg) > 1 else 0  # type: ignore[arg-type,index]
            if not add_flags:
                yield "".join(run)
                run = []
                yield from _literal_runs(list(sub))
                continue
        yield "".join(run)
        run = []
    yield "".join(run)


@dataclass(frozen=True)
class Hit:
    rule: Rule
    lineno: int
    match: re.Match[str]


class Matcher:
    """Runs every rule over a message line; rules sharing a literal are gated together."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        gated: dict[str, list[Rule]] = defaultdict(list)
        ungated: list[Rule] = []
        rules_list = list(rules)
        for r in rules_list:
            lit = r.literal or required_literal(r.pattern)
            (gated[lit].append(r) if lit else ungated.append(r))
        self._gated = [(lit, tuple(rs)) for lit, rs in gated.items()]
        self._ungated = tuple(ungated)
        # Rules without one required literal but with one per alternative: gated by any of them.
        any_of = [(r, branch_literals(r.pattern)) for r in ungated]
        self._any_of = tuple((lits, r) for r, lits in any_of if lits)
        self._free = tuple(r for r, lits in any_of if not lits)
        self._wrapper_rules = tuple(r for r in rules_list if r.wrappers)

    def match(self, lineno: int, message: str, clean: str | None = None) -> list[Hit]:
        """Rules over one line: ``message`` has no CI annotation prefix, ``clean`` keeps it."""
        hits: list[Hit] = []
        full = message if clean is None else clean
        for lit, rules in self._gated:
            if lit in full:
                for r in rules:
                    m = r.pattern.search(full if r.annotated else message)
                    if m:
                        hits.append(Hit(r, lineno, m))
        for lits, r in self._any_of:
            for lit in lits:
                if lit in full:
                    m = r.pattern.search(full if r.annotated else message)
                    if m:
                        hits.append(Hit(r, lineno, m))
                    break
        for r in self._free:
            m = r.pattern.search(full if r.annotated else message)
            if m:
                hits.append(Hit(r, lineno, m))
        return hits

    def match_wrapper(self, lineno: int, message: str, clean: str | None = None) -> list[Hit]:
        """A CI failure-wrapper line: only rules that declare ``wrappers=True`` read it."""
        full = message if clean is None else clean
        hits: list[Hit] = []
        for r in self._wrapper_rules:
            m = r.pattern.search(full if r.annotated else message)
            if m:
                hits.append(Hit(r, lineno, m))
        return hits

    @property
    def ungated(self) -> tuple[Rule, ...]:
        return self._ungated

    @property
    def literals(self) -> list[str]:
        """The gate literals, for an external prefilter (grep) on very big logs."""
        return [lit for lit, _ in self._gated]

    @property
    def prefilters(self) -> list[str]:
        """POSIX EREs for grep on very big logs: a gate's escaped literal, or, when every rule
        behind it says how to find its lines more narrowly (``Rule.grep``), those patterns."""
        out: list[str] = []
        for lit, rules in self._gated:
            if all(r.grep for r in rules):
                out.extend(r.grep for r in rules if r.grep)
            else:
                out.append(re.sub(r"([][.^$*+?(){}|\\])", r"\\\1", lit))
        out.extend(r.grep for r in self._ungated if r.grep)
        return list(dict.fromkeys(out))
