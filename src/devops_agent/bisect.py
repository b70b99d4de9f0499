"""`git bisect run` of the failing step's command, in a temporary worktree, within a time budget.

The user's checkout is never touched: bisect state (``refs/bisect/*``, ``BISECT_*``) is per
worktree, and the worktree is removed afterwards whatever happens. Each probe of the command runs
with its own time limit; a probe that times out is skipped (exit 125), not judged.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from devops_agent import gitcli
from devops_agent.errors import NotDelivered, UsageError


@dataclass(frozen=True)
class BisectResult:
    commit: str
    subject: str
    author: str
    steps: int
    elapsed_s: float

    def to_json(self) -> dict[str, object]:
        return {"first_bad": self.commit, "subject": self.subject, "author": self.author,
                "steps": self.steps, "elapsed_s": round(self.elapsed_s, 1)}


def _probe_script(command: str, probe_timeout: float) -> str:
    """A shell wrapper: the command's exit 0 = good, 125 = skip (timeout), other = bad."""
    return (
        f"timeout --kill-after=5 {probe_timeout:g} sh -c {shlex.quote(command)}; rc=$?\n"
        "if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then exit 125; fi\n"
        "if [ $rc -gt 127 ] && [ $rc -ne 125 ]; then exit 1; fi\n"  # signals: bad, but keep bisect alive
        "exit $rc\n"
    )


def _confirm(tree: Path, probe: Path, bad: str, good: str, command: str) -> None:
    """The command must fail at ``bad`` and pass at ``good``, or bisect's answer means nothing."""
    for sha, want_fail in ((bad, True), (good, False)):
        gitcli.git(tree, "checkout", "--quiet", "--detach", sha)
        rc = subprocess.run(["sh", str(probe)], cwd=tree, capture_output=True).returncode
        if rc == 125:
            raise NotDelivered(f"{command!r} timed out at {sha[:10]}", "raise --probe-timeout")
        if (rc != 0) != want_fail:
            state = "passes" if want_fail else "fails"
            where = "--bad" if want_fail else "--good"
            raise NotDelivered(f"{command!r} {state} at {where} {sha[:10]}: no regression to bisect",
                               "pick a failing --bad and a passing --good, or another --command")


def bisect(root: Path, command: str, good: str, bad: str = "HEAD", *, probe_timeout: float = 300,
           budget: float = 1800) -> BisectResult:
    good_sha, bad_sha = gitcli.rev(root, good), gitcli.rev(root, bad)
    if good_sha is None or bad_sha is None:
        raise UsageError(f"unknown revision {good if good_sha is None else bad!r}", "pass commits or refs that exist")
    if not gitcli.ok(root, "merge-base", "--is-ancestor", good_sha, bad_sha):
        raise UsageError(f"{good} is not an ancestor of {bad}", "pass the last green commit as --good")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="devops-agent-bisect-") as tmp:
        tree = Path(tmp) / "tree"
        gitcli.git(root, "worktree", "add", "--detach", "--quiet", str(tree), bad_sha)
        try:
            probe = Path(tmp) / "probe.sh"
            probe.write_text(_probe_script(command, probe_timeout), encoding="utf-8")
            _confirm(tree, probe, bad_sha, good_sha, command)
            gitcli.git(tree, "bisect", "start", bad_sha, good_sha)
            out = gitcli.git(tree, "bisect", "run", "sh", str(probe), check=False, timeout=budget)
        except subprocess.TimeoutExpired:
            raise NotDelivered(f"bisect did not finish within {budget:g} s",
                               "raise --budget, or narrow the range with --good") from None
        finally:
            gitcli.git(tree, "bisect", "reset", "--quiet", check=False)
            gitcli.git(root, "worktree", "remove", "--force", str(tree), check=False)
            gitcli.git(root, "worktree", "prune", check=False)
    assert isinstance(out, str)
    m = re.search(r"^([0-9a-f]{40}) is the first bad commit", out, re.M)
    if m is None:
        last = [ln for ln in out.splitlines() if ln.strip()][-1:] or ["no output"]
        raise NotDelivered(f"bisect found no first bad commit ({last[0][:160]})",
                           "check that the command fails at --bad and passes at --good")
    sha = m.group(1)
    subject, author = gitcli.text(root, "log", "-1", "--format=%s%x00%an <%ae>", sha).strip().split("\0")
    steps = len(re.findall(r"^Bisecting:", out, re.M)) + 1
    return BisectResult(sha, subject, author, steps, time.monotonic() - started)


def run_bisect(*, repo: Path | None, log: str | None, command: str | None, good: str, bad: str,
               probe_timeout: float, budget: float, fmt: str) -> int:
    import json

    from devops_agent.commands.diagnose import require_repo

    root = require_repo(repo)
    if command is None:
        if log is None:
            raise UsageError("nothing to run", "pass the failing LOG (its failing step's command is used) or --command")
        from devops_agent.diagnose import diagnose_path

        diag = diagnose_path(log, repo=root)
        command = diag.failing_step.command if diag.failing_step else None
        if not command:
            raise UsageError("the log does not say which command failed", "pass --command 'the failing command'")
    result = bisect(root, command, good, bad, probe_timeout=probe_timeout, budget=budget)
    if fmt == "json":
        sys.stdout.write(json.dumps({"command": command, **result.to_json()}, indent=2) + "\n")
    else:
        sys.stdout.write(f"first bad commit: {result.commit[:12]} {result.subject} ({result.author})\n"
                         f"found in {result.steps} steps, {result.elapsed_s:.1f} s, running: {command}\n")
    return 0
