"""How much of what matters does the packed LLM context hold, per log-window size?

For every public bench case: diagnose the log, pack the context with several (before, after)
windows, and check whether the packed text holds every key line of the ground truth and the name
of the file at fault; report the shares and the median size in tokens.

    python scripts/measure_llm_context.py [/work/shared/bench/public/cases]
"""

from __future__ import annotations

import statistics
import sys
import tomllib
from pathlib import Path

from devops_agent import llm_context
from devops_agent.diagnose import diagnose_path

WINDOWS = [(0, 0), (2, 3), (4, 6), (8, 12), (15, 25)]


def main(cases: Path) -> None:
    rows = []
    for case in sorted(p for p in cases.iterdir() if (p / "case.toml").is_file()):
        truth = tomllib.loads((case / "case.toml").read_text())
        diag = diagnose_path(str(case / "build.log"))
        rows.append((truth, diag, str(case / "build.log")))
    print(f"{'window':>10} {'key lines':>10} {'file named':>11} {'median tokens':>14}")
    for before, after in WINDOWS:
        llm_context.BEFORE, llm_context.AFTER = before, after
        keys = files = 0
        sizes = []
        n_file = 0
        for truth, diag, log in rows:
            packed = llm_context.pack(diag, log_spec=log, repo=None, budget=6000)
            text = packed.render()
            sizes.append(packed.tokens)
            keys += all(k in text for k in truth["key_lines"])
            if truth.get("file"):
                n_file += 1
                files += Path(truth["file"]).name in text
        print(f"{before:>4}/{after:<5} {keys / len(rows):>10.2f} {files / max(1, n_file):>11.2f} "
              f"{statistics.median(sizes):>14.0f}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/bench/public/cases"))
