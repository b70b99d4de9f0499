"""Kill test for `fix --apply`: SIGKILL at random moments, then check the repository.

Builds a real broken repository (a script CI runs lacks its execute bit; the log is the real
`Permission denied` output), keeps an unrelated uncommitted change in it, and runs
`devops-agent fix LOG --apply` N times, each killed after a random delay. After every kill the
branch, index, working tree and stash must be exactly as before, or exactly the clean result (the
fix branch checked out, the script executable, the unrelated change carried over); the clean result
is then undone. Finally a normal run must succeed and leave no stale worktree.

    python benchmarks/bench_kill.py [--runs 25] [--cli devops-agent] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import shlex
import signal
import subprocess
import tempfile
import time
from pathlib import Path


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def state(repo: Path) -> tuple[str, ...]:
    return (git(repo, "rev-parse", "HEAD"), git(repo, "branch", "--show-current"), git(repo, "status", "--porcelain"),
            git(repo, "ls-files", "-s"), git(repo, "stash", "list"), (repo / "README.md").read_text())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=25)
    ap.add_argument("--cli", default=str(Path(__file__).resolve().parent.parent / ".venv" / "bin" / "devops-agent"))
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    cli = shlex.split(args.cli)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "r"
        (repo / "scripts").mkdir(parents=True)
        (repo / "scripts" / "build.sh").write_text("#!/bin/sh\nsleep 0.2\necho built\n")
        (repo / "README.md").write_text("x\n")
        for a in (["init", "-q", "-b", "main"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "init"]):
            git(repo, *a)
        run = subprocess.run(["bash", "-c", "./scripts/build.sh"], cwd=repo, capture_output=True, text=True)
        log = Path(tmp) / "build.log"
        log.write_text(f"$ ./scripts/build.sh\n{run.stdout}{run.stderr}")
        (repo / "README.md").write_text("uncommitted user work\n")
        before = state(repo)
        counts = {"as before": 0, "clean result": 0, "in between": 0}
        for _ in range(args.runs):
            proc = subprocess.Popen([*cli, "fix", str(log), "--repo", str(repo), "--apply"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.05, 1.5))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            now = state(repo)
            if now == before:
                counts["as before"] += 1
                continue
            clean = (now[1].startswith("devops-agent/fix-") and "100755" in git(repo, "ls-files", "-s", "scripts/build.sh")
                     and now[2] == " M README.md\n" and now[5] == "uncommitted user work\n" and now[4] == before[4])
            counts["clean result" if clean else "in between"] += 1
            subprocess.run([*cli, "undo", "--repo", str(repo)], capture_output=True)
            if state(repo)[:3] != before[:3]:
                counts["in between"] += 1
        final = subprocess.run([*cli, "fix", str(log), "--repo", str(repo)], capture_output=True)
        worktrees = git(repo, "worktree", "list").count("\n")
    print(f"{args.runs} killed runs: {counts}; a normal run afterwards exits {final.returncode}, "
          f"{worktrees} worktree(s) left (1 = only the checkout)")


if __name__ == "__main__":
    main()
