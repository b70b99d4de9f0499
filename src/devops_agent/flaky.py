"""Flaky or real? A failure that is likely to pass on a re-run deserves a re-run, not a code fix.

Three kinds of evidence, strongest first:

1. history: the same fingerprint failed *and* passed on the same commit (``Store``);
2. a local re-run (``diagnose --rerun N``) of the failing command passed;
3. the kind of failure: network blips inside tests, timing assertions and timeouts of single
   tests, runner losses, known flaky-test markers (pytest-rerunfailures, Hypothesis ``Flaky``).

Only (1) and (2) are proof; (3) says "looks flaky" with the reason, so the text output can say so.
"""

from __future__ import annotations

import re

from devops_agent.models import Finding

# (pattern over evidence text, reason). Patterns name the *kind*, never a project.
_TRANSIENT = (
    (re.compile(r"\b(?:ConnectionResetError|ConnectionRefusedError|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|"
                r"Connection reset by peer|Temporary failure in name resolution|Name or service not known|"
                r"RemoteDisconnected|ReadTimeout|ConnectTimeout|socket\.timeout|502 Bad Gateway|503 Service Unavailable|"
                r"504 Gateway Time-?out|429 Too Many Requests)\b"),
     "a network error inside the run: such errors are usually transient"),
    (re.compile(r"\bassert\b[^\n]{0,80}\b(?:elapsed|duration|took|latency|time(?:_taken|out)?)\b[^\n]{0,40}[<>]"
                r"|\b(?:elapsed|duration|took|latency)\b[^\n]{0,40}\b(?:expected|should be) (?:less|under|below)", re.I),
     "a timing assertion: it depends on the machine's load"),
    (re.compile(r"\bFlaky\b[^\n]{0,80}(?:Hypothesis|test)|hypothesis\.errors\.Flaky|\bRERUN\b|\bflaky\b test", re.I),
     "the test framework itself reported the test as flaky"),
    (re.compile(r"\b(?:Timeout|timed out) after \d+(?:\.\d+)? ?(?:ms|s|seconds)\b[^\n]{0,80}\b(?:wait|poll|until|condition)\b"
                r"|\bwait(?:ed|ing)? for [^\n]{0,60} timed out\b|\bDeadline ?Exceeded\b", re.I),
     "a test waited for a condition and timed out: often load-dependent"),
)
_INFRA_RULES = re.compile(r"^INF-(?:NET|DNS|REG|RUN|GIT)-")


def known_flaky_kind(finding: Finding) -> str | None:
    """The reason this kind of failure is usually transient, or None."""
    if _INFRA_RULES.match(finding.rule):
        return "an infrastructure error (network, registry or runner): re-run before changing code"
    if finding.category not in ("test", "runtime", "unknown", "infrastructure"):
        return None  # compilers, linters and type checkers are deterministic
    text = "\n".join(e.text for e in finding.evidence)
    for pattern, reason in _TRANSIENT:
        if pattern.search(text):
            return reason
    return None
