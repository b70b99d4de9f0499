"""Shared by the per-ecosystem rule tests: run one rule over a text the way the engine does."""

from __future__ import annotations

from devops_agent.logs.clean import clean_line, message_of
from devops_agent.signatures.base import Extract, Rule
from devops_agent.signatures.window import LineWindow


def rule_matches(rule: Rule, text: str) -> list[tuple[int, Extract]]:
    """(line number, extract) for every line ``rule`` claims: the window holds the cleaned lines,
    the rule matches each line's message (or the whole cleaned line for annotated rules)."""
    lines = [clean_line(t) for t in text.split("\n")]
    win = LineWindow(lines)
    out = []
    for n, clean in enumerate(lines, 1):
        line = clean if rule.annotated else message_of(clean)
        if rule.literal and rule.literal not in line:
            continue
        m = rule.pattern.search(line)
        if m is None:
            continue
        ext = rule.extract(m, win.at(n)) if rule.extract else Extract()
        if ext is not None:
            out.append((n, ext))
    return out
