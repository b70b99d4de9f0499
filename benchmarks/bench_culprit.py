"""`diagnose --repo` on a repository with 10,000 commits: end-to-end time (goal <= 1 s).

Builds the repository with `git fast-import` (the last commits rename a function a module still
imports), writes a typical failing log for it, and times the real CLI, start-up included.

    python benchmarks/bench_culprit.py [--cli devops-agent] [--commits 10000]
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOG = """\
2026-11-20T10:00:00.0000000Z ##[group]Run python -m pytest -q
2026-11-20T10:00:00.0000000Z python -m pytest -q
2026-11-20T10:00:00.0000000Z ##[endgroup]
2026-11-20T10:00:01.0000000Z ==================================== ERRORS ====================================
2026-11-20T10:00:01.0000000Z _______________________ ERROR collecting tests/test_use.py ______________________
2026-11-20T10:00:01.0000000Z ImportError while importing test module '/home/runner/work/big/big/tests/test_use.py'.
2026-11-20T10:00:01.0000000Z tests/test_use.py:1: in <module>
2026-11-20T10:00:01.0000000Z     from pkg.use import run
2026-11-20T10:00:01.0000000Z src/pkg/use.py:1: in <module>
2026-11-20T10:00:01.0000000Z     from pkg.api import fetch_all
2026-11-20T10:00:01.0000000Z E   ImportError: cannot import name 'fetch_all' from 'pkg.api' (/home/runner/work/big/big/src/pkg/api.py)
2026-11-20T10:00:01.0000000Z =========================== short test summary info ============================
2026-11-20T10:00:01.0000000Z ERROR tests/test_use.py
2026-11-20T10:00:01.0000000Z 1 error in 0.12s
2026-11-20T10:00:01.0000000Z ##[error]Process completed with exit code 2.
"""


def build(repo: Path, n: int) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    out = []
    for i in range(1, n + 1):
        path, body, msg = f"src/pkg/mod{i % 200}.py", f"VALUE_{i % 200} = {i}\n", f"Change {i}"
        if i == 1:
            path, body = "src/pkg/api.py", "def fetch_all(x):\n    return [x]\n"
        elif i == n // 2:
            path, body = "src/pkg/use.py", "from pkg.api import fetch_all\n\n\ndef run():\n    return fetch_all(1)\n"
        elif i == n - 10:
            path, body, msg = "src/pkg/api.py", "def fetch_items(x):\n    return [x]\n", "Rename fetch_all to fetch_items"
        out += ["commit refs/heads/main", f"mark :{i}", f"committer Dev <dev@example.com> {1_700_000_000 + 60 * i} +0000",
                f"data {len(msg)}", msg, *([f"from :{i - 1}"] if i > 1 else []),
                f"M 100644 inline {path}", f"data {len(body.encode())}", body.rstrip("\n"), ""]
    subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet"], input="\n".join(out) + "\n", text=True, check=True)
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-f", "main"], check=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    beside = Path(sys.executable).with_name("devops-agent")  # the venv's entry point when not on PATH
    ap.add_argument("--cli", default=str(beside) if beside.exists() else "devops-agent")
    ap.add_argument("--commits", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "big"
        build(repo, args.commits)
        log = Path(tmp) / "build.log"
        log.write_text(LOG)
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            proc = subprocess.run([*shlex.split(args.cli), "diagnose", str(log), "--repo", str(repo), "-f", "json",
                                   "--no-history"], capture_output=True, text=True, cwd=tmp)
            runs.append(time.perf_counter() - started)
        doc = json.loads(proc.stdout)
        culprit = doc["findings"][0].get("culprit", {}).get("subject") if doc["findings"] else None
        print(f"{args.commits} commits: diagnose --repo best {min(runs):.2f} s, median {sorted(runs)[1]:.2f} s "
              f"(goal <= 1 s); culprit: {culprit!r}")


if __name__ == "__main__":
    main()
