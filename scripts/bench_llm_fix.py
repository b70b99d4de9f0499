"""The LLM fix loop on every fixable public bench case, with the oracle model on 127.0.0.1 and
the case's own `verify` command as the validator (run in a git worktree, like the fix pipeline).

Measures the path from a model answer to a validated edit (context, parsing, matching, policy,
validation), independently of the rules. Prints one line per case and the success share.

    python scripts/bench_llm_fix.py [--only p08 ...]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from llm_oracle_server import Oracle  # noqa: E402

from bench_oracle import CASES, add_tools_to_path, build_case, run_in_worktree  # noqa: E402
from chat_server import ChatServer  # noqa: E402
from devops_agent.diagnose import diagnose_path  # noqa: E402
from devops_agent.fix.llm_fixer import Validation, propose_fix  # noqa: E402
from devops_agent.llm_client import LLMClient  # noqa: E402
from devops_agent.llm_settings import LLMSettings  # noqa: E402


def run_case(case: Path, oracle: Oracle, server: ChatServer, work: Path) -> tuple[bool, str, float]:
    truth = tomllib.loads((case / "case.toml").read_text())
    repo = build_case(case, work / case.name / truth["project"])
    diag = diagnose_path(str(case / "build.log"), repo=repo)
    os.environ["CASE_DIR"] = str(case)

    def validate(files: dict[str, str]) -> Validation:
        ok, out = run_in_worktree(repo, files, truth["verify"], timeout=240)
        return Validation(ok, out)

    client = LLMClient(LLMSettings(model="openai/oracle", api_base=server.api_base, cache=False,
                                   budget_run_usd=None, budget_day_usd=None,
                                   budget_run_tokens=None, budget_day_tokens=None))
    start = time.monotonic()
    fix = propose_fix(diag, repo, client, validate, log_spec=str(case / "build.log"))
    outcomes = ",".join(a.outcome for a in fix.attempts)
    protected = [p for p in truth.get("protected", []) if fix.files and p in fix.files]
    ok = fix.ok and not protected
    return ok, outcomes + (f" touched protected {protected}" if protected else ""), time.monotonic() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    add_tools_to_path()
    oracle = Oracle(CASES)
    cases = [c for c in oracle.cases if tomllib.loads((c / "case.toml").read_text()).get("fixable")]
    if args.only:
        cases = [c for c in cases if any(c.name.startswith(o) for o in args.only)]
    passed = 0
    with ChatServer(oracle) as server, tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            ok, detail, secs = run_case(case, oracle, server, Path(tmp))
            passed += ok
            print(f"{'PASS' if ok else 'FAIL'}  {case.name:<40} {secs:6.1f}s  {detail}", flush=True)
    print(f"LLM fix success (oracle): {passed}/{len(cases)} = {passed / max(1, len(cases)):.2f}")


if __name__ == "__main__":
    main()
