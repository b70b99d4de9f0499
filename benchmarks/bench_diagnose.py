"""Speed/memory benchmark for `devops-agent diagnose` on a big log (issue: <= 15x grep, <= 200 MB).

Builds a ~150 MB GitHub-Actions-style log (real pytest/pip-style chatter repeated, one real failure
near the end), then times `grep -c -E 'error|fail'` and `devops-agent diagnose --format json` on it,
and reports the ratio and the diagnose process's peak RSS. Also times a 5,000-line log end to end.

    python benchmarks/bench_diagnose.py [--mb 150] [--cli "devops-agent"]
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHATTER = [
    "Collecting requests>=2.31 (from -r requirements.txt (line 3))",
    "  Downloading requests-2.32.3-py3-none-any.whl.metadata (4.6 kB)",
    "Requirement already satisfied: idna<4,>=2.5 in /opt/hostedtoolcache/Python/3.11.7/x64/lib/python3.11/site-packages",
    "tests/test_api.py::test_list_users PASSED                                  [ 12%]",
    "tests/test_api.py::test_error_handler_returns_json PASSED                  [ 13%]",
    "INFO     app.worker:worker.py:88 processed batch 4411 in 0.031s (0 failures)",
    "\x1b[32m[info]\x1b[0m compiling module graph (412 modules)",
    "npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
    "   Compiling serde v1.0.203",
    "[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/org/slf4j/slf4j-api/2.0.13/slf4j-api-2.0.13.pom (2.8 kB at 120 kB/s)",
]
FAILURE = [
    "##[group]Run python -m pytest -q",
    "python -m pytest -q",
    "shell: /usr/bin/bash -e {0}",
    "##[endgroup]",
    "==================================== ERRORS ====================================",
    "_____________________ ERROR collecting tests/test_loader.py _____________________",
    "ImportError while importing test module '/home/runner/work/app/app/tests/test_loader.py'.",
    "tests/test_loader.py:3: in <module>",
    "    from app.loader import load",
    "src/app/loader.py:5: in <module>",
    "    import yaml",
    "E   ModuleNotFoundError: No module named 'yaml'",
    "=========================== short test summary info ============================",
    "ERROR tests/test_loader.py",
    "1 error in 0.12s",
    "##[error]Process completed with exit code 2.",
]


def make_log(path: Path, target_bytes: int) -> int:
    lines = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write("2026-02-17T08:41:03.0025604Z ##[group]Run pip install -r requirements.txt\n")
        written, i = 0, 0
        while written < target_bytes:
            line = f"2026-02-17T08:41:{(i // 1000) % 60:02d}.{i % 10_000_000:07d}Z {CHATTER[i % len(CHATTER)]}\n"
            fh.write(line)
            written += len(line)
            i += 1
        for f in FAILURE:
            fh.write(f"2026-02-17T08:59:00.0000000Z {f}\n")
        lines = i + len(FAILURE) + 1
    return lines


def timed(cmd: list[str]) -> tuple[float, int, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.strip()[:300]}")
    return elapsed, max(after, before), proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=150)
    ap.add_argument("--cli", default="devops-agent")
    args = ap.parse_args()
    cli = shlex.split(args.cli)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("DEVOPS_AGENT_HOME", str(Path(tmp) / "home"))
        big = Path(tmp) / "big.log"
        n = make_log(big, args.mb << 20)
        grep_s, _, _ = timed(["grep", "-c", "-E", "error|fail", str(big)])
        diag_s, rss_kb, out = timed([*cli, "diagnose", str(big), "--format", "json", "--no-history"])
        ok = "No module named 'yaml'" in out
        print(f"big log: {big.stat().st_size / 2**20:.0f} MB, {n} lines")
        print(f"grep -c: {grep_s:.2f} s   diagnose: {diag_s:.2f} s   ratio: {diag_s / grep_s:.1f}x (goal <= 15x)")
        print(f"diagnose peak RSS: {rss_kb / 1024:.0f} MB (goal <= 200 MB)   found the failure: {ok}")
        small = Path(tmp) / "small.log"
        make_log(small, 5000 * 75)
        small_s, _, _ = timed([*cli, "diagnose", str(small), "--format", "json", "--no-history"])
        print(f"5,000-line log end to end: {small_s:.2f} s (goal <= 0.5 s)")


if __name__ == "__main__":
    main()
