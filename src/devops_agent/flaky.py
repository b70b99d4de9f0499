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


def seen_passing(store, finding: Finding, repo: str | None, commit: str | None) -> str | None:  # type: ignore[no-untyped-def]
    """The same failure also passed on the same commit (a CI re-run went green): flaky."""
    if not repo or not commit or not finding.fingerprint:
        return None
    failed = store.conn.execute(
        "SELECT 1 FROM findings f JOIN runs r ON r.id = f.run_id WHERE f.fingerprint = ? AND r.repo = ?"
        " AND r.commit_sha = ? LIMIT 1", (finding.fingerprint, repo, commit)).fetchone()
    passed = store.conn.execute(
        "SELECT 1 FROM runs WHERE repo = ? AND commit_sha = ? AND status = 'passed' LIMIT 1", (repo, commit)).fetchone()
    if failed and passed:
        return f"the same failure was seen failing and passing on commit {commit[:10]}"
    return None


def rerun(root, diag, finding: Finding, times: int, timeout: float) -> tuple[str | None, str]:  # type: ignore[no-untyped-def]
    """Re-run the failing command ``times`` times in a scratch worktree of HEAD.

    Returns (flaky reason or None, a one-line account of the re-runs).
    """
    from devops_agent.errors import UsageError
    from devops_agent.fix.plan import Check, failing_command
    from devops_agent.fix.validate import run_one
    from devops_agent.fix.worktree import scratch_worktree

    command = failing_command(diag, finding)
    if not command:
        raise UsageError("--rerun: the log does not say which command failed", "re-run the failing command by hand")
    results = []
    with scratch_worktree(root) as tree:
        for i in range(times):
            result = run_one(tree, Check("re-run", command, "log"), timeout)
            results.append(result.exit_code)
            if result.ok:
                return (f"the failing command passed on local re-run {i + 1} of {times}",
                        f"re-ran {command!r}: passed on attempt {i + 1}")
    codes = ", ".join("timeout" if c is None else str(c) for c in results)
    return None, f"re-ran {command!r} {times} times: failed every time (exit {codes}); a real failure"
