"""An "oracle model" on 127.0.0.1 for the public bench: it answers every fix request with the
SEARCH/REPLACE edits of the case's reference fix, to check that the LLM fix path (parsing,
matching, policy, validation, apply) reaches the success the rules reach.

It recognises the case from the request (the case's key log lines and project name in the
prompt), builds the case's broken repo and its reference fix itself, and diffs them
(tests/bench_oracle.py). Explain and ask requests get a one-line answer.

    python scripts/llm_oracle_server.py [--port 8765] [--cases DIR]
    DEVOPS_AGENT_MODEL=openai/oracle DEVOPS_AGENT_LLM_API_BASE=http://127.0.0.1:8765/v1 \\
        python ../shared/bench/run_bench.py ../shared/bench/public --fix \\
        --cli "bash scripts/devops-agent-no-rules"
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bench_oracle import CASES, add_tools_to_path, build_case, oracle_answer  # noqa: E402
from chat_server import ChatServer, Reply  # noqa: E402


class Oracle:
    def __init__(self, cases: Path) -> None:
        self.cases = [c for c in sorted(cases.iterdir()) if (c / "reference_fix.sh").is_file()]
        self.truth = {c: tomllib.loads((c / "case.toml").read_text()) for c in self.cases}
        self.answers: dict[Path, str] = {}
        self.work = Path(tempfile.mkdtemp(prefix="oracle-"))

    def case_for(self, prompt: str) -> Path | None:
        def score(case: Path) -> int:
            t = self.truth[case]
            return sum(2 for k in t.get("key_lines", []) if k in prompt) + (t["project"] in prompt)

        best = max(self.cases, key=score, default=None)
        return best if best is not None and score(best) > 0 else None

    def answer(self, case: Path) -> str:
        if case not in self.answers:
            repo = build_case(case, self.work / case.name / self.truth[case]["project"])
            self.answers[case] = oracle_answer(case, repo)
        return self.answers[case]

    def __call__(self, request: dict[str, Any], n: int) -> Reply:
        messages = request.get("messages", [])
        system = str(messages[0].get("content", "")) if messages else ""
        prompt = "\n".join(str(m.get("content", "")) for m in messages)
        if "SEARCH" not in system:
            return Reply("The oracle only writes fixes; see the diagnosis.")
        case = self.case_for(prompt)
        return Reply(self.answer(case) if case else "I cannot tell which project this is.")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--cases", type=Path, default=CASES)
    args = ap.parse_args()
    add_tools_to_path()
    server = ChatServer(Oracle(args.cases), port=args.port)
    with server:
        print(server.api_base, flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
