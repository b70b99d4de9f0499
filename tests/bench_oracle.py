"""An "oracle model" for the public bench: the SEARCH/REPLACE edits that turn a case's broken repo
into its reference fix, derived by really building both (make_repo.sh, then reference_fix.sh on a
copy) and diffing them. Also a worktree validator that really runs the case's CI steps.
Not a pytest module."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BENCH = Path(os.environ.get("DEVOPS_AGENT_BENCH", "/work/shared/bench"))
CASES = BENCH / "public" / "cases"


def add_tools_to_path() -> None:
    """The bench's pinned tools (ruff, black, tsc, cargo ...) on PATH, as run_bench.py does; the
    reference fixes of the lint/format cases run them."""
    extra = [BENCH / ".venv" / "bin", BENCH / ".tools" / "node_modules" / ".bin", Path.home() / ".cargo" / "bin"]
    os.environ["PATH"] = os.environ["PATH"] + ":" + ":".join(str(d) for d in extra)


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True).stdout


def build_case(case: Path, dest: Path) -> Path:
    subprocess.run(["bash", str(case / "make_repo.sh"), str(dest)], check=True, capture_output=True)
    return dest


def oracle_answer(case: Path, repo: Path) -> str:
    """SEARCH/REPLACE blocks that reproduce reference_fix.sh on ``repo`` (left untouched)."""
    with tempfile.TemporaryDirectory() as tmp:
        fixed = Path(tmp) / "fixed"
        shutil.copytree(repo, fixed, symlinks=True)
        subprocess.run(["bash", str(case / "reference_fix.sh")], cwd=fixed, check=True,
                       capture_output=True)
        changed = _git(fixed, "diff", "--name-only", _git(repo, "rev-parse", "HEAD").strip(), "HEAD")
        blocks = []
        for path in changed.split():
            before = (repo / path).read_text() if (repo / path).exists() else None
            after = (fixed / path).read_text()
            blocks.extend(_blocks(path, before, after))
    return "Here are the edits.\n\n" + "\n".join(blocks)


def _blocks(path: str, before: str | None, after: str) -> list[str]:
    if before is None:
        return [_block(path, "", after)]
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    out = []
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for group in sm.get_grouped_opcodes(2):
        i1, i2 = group[0][1], group[-1][2]
        j1, j2 = group[0][3], group[-1][4]
        while "".join(old).count("".join(old[i1:i2])) != 1 and (i1 > 0 or i2 < len(old)):
            i1, j1 = max(0, i1 - 1), max(0, j1 - 1)
            i2, j2 = min(len(old), i2 + 1), min(len(new), j2 + 1)
        out.append(_block(path, "".join(old[i1:i2]), "".join(new[j1:j2])))
    return out


def _block(path: str, search: str, replace: str) -> str:
    nl = lambda s: s if s.endswith("\n") or not s else s + "\n"  # noqa: E731
    return f"{path}\n```\n<<<<<<< SEARCH\n{nl(search)}=======\n{nl(replace)}>>>>>>> REPLACE\n```\n"


def ci_steps(case: Path) -> str:
    return (case / "ci.sh").read_text()


def run_in_worktree(repo: Path, files: dict[str, str], script: str, timeout: float = 120) -> tuple[bool, str]:
    """Apply ``files`` in a detached worktree of HEAD and run ``script`` there with bash."""
    with tempfile.TemporaryDirectory() as tmp:
        wt = Path(tmp) / "wt"
        _git(repo, "worktree", "add", "--detach", "-q", str(wt), "HEAD")
        try:
            for rel, text in files.items():
                (wt / rel).parent.mkdir(parents=True, exist_ok=True)
                (wt / rel).write_text(text)
            proc = subprocess.run(["bash", "-c", script], cwd=wt, capture_output=True, text=True,
                                  timeout=timeout)
            return proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
        finally:
            _git(repo, "worktree", "remove", "--force", str(wt))
