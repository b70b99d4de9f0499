"""Security scanners that gate a build on their findings: Semgrep.

Format learned from semgrep's own text output (semgrep 1.x): a ``N Code Findings`` box, then per
file its path on a line of its own, per finding the rule id after severity arrows (``❯❯❱`` high,
``❯❱`` medium, ``❱`` low), ``❰❰ Blocking ❱❱`` when it fails the scan, the rule's message, and the
matched code as ``  5┆ return subprocess.call(cmd, shell=True)``.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.base import doc as _doc

_ECO = "security"

_SEMGREP = rx(r"^\s{1,8}(?P<sev>❯❯❱|❯❱|❱) (?P<rule>[\w.:/-]{1,300})\s*$")
_SG_FILE = re.compile(r"^\s{2,8}(?P<file>[^\s❯❱❰┆│┌└]\S{0,400}?)\s*$")
_SG_CODE = re.compile(r"^\s*(?P<line>\d+)┆")
_SEVERITY = {"❯❯❱": "high", "❯❱": "medium", "❱": "low"}


def _semgrep_extract(m: re.Match[str], win: Window) -> Extract | None:
    file = None
    for _, text in win.before(200):
        if _SEMGREP.match(text) or _SG_CODE.match(text) or not text.strip() or "❰❰" in text:
            continue
        f = _SG_FILE.match(text)
        if f and ("." in f["file"] or "/" in f["file"]):
            file = f["file"]
            break
        if text.startswith(("┌", "│", "└")):
            break
    message, evidence, line = None, [], None
    blocking = False
    for n, text in win.after(12):
        s = text.strip()
        if _SEMGREP.match(text):
            break
        if "Blocking" in s and s.startswith("❰❰"):
            blocking = True
            continue
        code = _SG_CODE.match(text)
        if code:
            line = int(code["line"])
            evidence.append(n)
            break
        if s and message is None:
            message = s
            evidence.insert(0, n)
    if file is None:
        return None  # not semgrep's layout
    data = {"check": m["rule"].rsplit(".", 1)[-1], "rule_id": m["rule"], "message": message or m["rule"],
            "severity": _SEVERITY[m["sev"]], "blocking": blocking}
    # the worst finding leads: a blocking high-severity one, then medium, then low; then non-blocking
    confidence = {"high": None, "medium": 0.8, "low": 0.7}[_SEVERITY[m["sev"]]] if blocking else 0.6
    return Extract(file=file, line=line, evidence=tuple(evidence), data=data, confidence=confidence)


RULES = [
    Rule(
        code="SEC-SG-001", name="semgrep-finding", category="security", severity="high",
        pattern=_SEMGREP, extract=_semgrep_extract, priority=80, confidence=0.85, ecosystem=_ECO,
        grep="(❯❯❱|❯❱|❱) [A-Za-z0-9_.:/-]+ *$",
        title="Semgrep {check}: {message}",
        root_cause="Semgrep's rule {rule_id} matched {file}:{line}: {message}",
        suggestion="Change the code at {file}:{line} as the rule asks; if it is a false positive, add "
        "`# nosemgrep: {rule_id}` on that line with a reason, reviewed like any other change.",
        doc=_doc(
            "Semgrep reported a finding of a blocking rule: the file, the rule id after severity arrows "
            "(`❯❯❱ subprocess-shell-true`), `❰❰ Blocking ❱❱`, the message and the matched line (`5┆ ...`).",
            "The change introduced code that one of the project's Semgrep rules (or a registry ruleset) "
            "forbids: shell=True, unsafe deserialisation, a hard-coded secret, SQL built from strings.",
            "    app/tasks.py\n   ❯❯❱ subprocess-shell-true\n          ❰❰ Blocking ❱❱\n          subprocess called "
            "with shell=True; pass a list of arguments instead\n\n            5┆ return subprocess.call(cmd, shell=True)",
            "Fix the code the rule points at; suppress only a reviewed false positive with `nosemgrep`.",
        ),
    ),
]
