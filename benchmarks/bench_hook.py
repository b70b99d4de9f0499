"""Pre-push hook on the benchmark repositories: does it flag the commits that broke CI, and only those?

For every commit of every case repository (built by the case's ``make_repo.sh``) this runs
``devops-agent hook check --range <commit> --format json`` and scores:

- culprits of the kinds the hook predicts (dependency, compilation of Python, lint, format,
  type-check, security, permission, configuration, runtime): flagged (warn or block) with a
  finding of the case's category;
- every other commit: verdict ``pass``;
- the time per check (static predictors + configured checkers).

Usage: python benchmarks/bench_hook.py [BENCH_DIR] [--cli devops-agent] [--tools DIR]
``--tools`` is prepended to PATH (the bench's ``.venv/bin`` with ruff/black/mypy/bandit).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

# Kinds a static pre-push check can see, per the issue (plus Python files that do not compile);
# others (tests, OOM, C/Java/Rust compilers, infrastructure) need the build itself.
PREDICTABLE = {"dependency", "lint", "format", "type-check", "security", "permission", "configuration", "runtime"}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("bench", nargs="?", default="../shared/bench/public")
    ap.add_argument("--cli", default="devops-agent")
    ap.add_argument("--tools", default=None)
    args = ap.parse_args()
    env = dict(os.environ)
    if args.tools:
        env["PATH"] = f"{args.tools}{os.pathsep}{env['PATH']}"
    cases = sorted((Path(args.bench) / "cases").iterdir())
    flagged = predictable = clean_pass = clean_total = 0
    times: list[float] = []
    misses: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            meta = tomllib.loads((case / "case.toml").read_text())
            repo = Path(tmp) / case.name
            subprocess.run(["bash", str(case / "make_repo.sh"), str(repo)], check=True, capture_output=True)
            commits = subprocess.run(["git", "-C", str(repo), "rev-list", "--reverse", "HEAD"],
                                     capture_output=True, text=True, check=True).stdout.split()
            for commit in commits:
                subject = subprocess.run(["git", "-C", str(repo), "log", "-1", "--format=%s", commit],
                                         capture_output=True, text=True).stdout.strip()
                started = time.perf_counter()
                proc = subprocess.run([*args.cli.split(), "hook", "check", "--repo", str(repo), "--range", commit,
                                       "--format", "json"], capture_output=True, text=True, env=env, cwd=tmp)
                times.append(time.perf_counter() - started)
                try:
                    doc = json.loads(proc.stdout)
                except json.JSONDecodeError:
                    print(f"ERROR {case.name} {commit[:7]}: {proc.stderr.strip()[:200]}")
                    continue
                cats = {f["category"] for f in doc["findings"]}
                is_culprit = bool(meta.get("culprit_subject")) and subject == meta["culprit_subject"]
                if is_culprit:
                    python_syntax = meta["category"] == "compilation" and meta.get("ecosystem") == "python"
                    if meta["category"] in PREDICTABLE or set(meta.get("also_ok", [])) & PREDICTABLE or python_syntax:
                        ok = ({meta["category"], *meta.get("also_ok", [])} & cats) and doc["verdict"] != "pass"
                        predictable += 1
                        flagged += bool(ok)
                        if not ok:
                            misses.append(f"missed {case.name}: {subject} -> {doc['verdict']} {sorted(cats)}")
                else:
                    clean_total += 1
                    clean_pass += doc["verdict"] == "pass"
                    if doc["verdict"] != "pass":
                        misses.append(f"false alarm {case.name}: {subject} -> {doc['verdict']} {doc['findings'][:2]}")
    for m in misses:
        print(m)
    print(f"culprits flagged with the right category: {flagged}/{predictable} = {flagged / max(1, predictable):.2f}")
    print(f"clean commits passing: {clean_pass}/{clean_total} = {clean_pass / max(1, clean_total):.2f}")
    print(f"hook check wall time (process start included): median {statistics.median(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms over {len(times)} commits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
