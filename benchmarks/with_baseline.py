"""Run `devops-agent diagnose` with `--baseline` taken from a folder of passing logs.

For the CiDiff measurement (hit@1 with and without the passing logs): eval_logs.py runs
``<cli> diagnose <copy of LOG> --format json``; this wrapper adds ``--baseline PASS_DIR/<LOG name>``
when such a passing log exists, so the same scorer measures both settings:

    python ../shared/datasets/eval_logs.py --set cidiff \\
        --cli "python benchmarks/with_baseline.py --pass-dir /path/to/pass-logs --"

The passing logs are CiDiff's ``pass.log`` files (labri-progress/cidiff, Apache-2.0), saved as
``<record id>.log``; they are not committed here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> None:
    args = sys.argv[1:]
    if len(args) < 3 or args[0] != "--pass-dir" or "--" not in args:
        sys.exit("usage: with_baseline.py --pass-dir DIR -- [devops-agent args...]")
    pass_dir = Path(args[1])
    rest = args[args.index("--") + 1 :]
    if rest and rest[0] == "diagnose" and len(rest) > 1:
        candidate = pass_dir / Path(rest[1]).name
        if candidate.is_file():
            rest = [*rest, "--baseline", str(candidate)]
    os.execvp(sys.executable, [sys.executable, "-m", "devops_agent", *rest])


if __name__ == "__main__":
    main()
