"""Monorepo task runners prefix every output line with the package and task; the tool's own error
must still be found and located (real turbo and pnpm output, see tests/data/monorepo/README.md)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from devops_agent.diagnose import diagnose_path

DATA = Path(__file__).parent / "data" / "monorepo"


@pytest.mark.parametrize("name", ["turbo_build.out", "pnpm_recursive_build.out"])
def test_tsc_error_inside_a_task_prefix(name: str, tmp_path: Path) -> None:
    log = tmp_path / "build.log"
    log.write_bytes((DATA / name).read_bytes())
    diag = diagnose_path(str(log))
    top = diag.findings[0]
    assert top.rule == "JS-TSC-001"
    assert (top.file, top.line) == ("src/main.ts", 3)
    assert "TS2322" in top.evidence[0].text


def test_the_file_is_found_in_the_package_of_a_checkout(tmp_path: Path) -> None:
    repo = tmp_path / "mono"
    for rel in ("apps/web/src/main.ts", "packages/ui/src/index.ts"):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text("export {};\n")
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "init"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    diag = diagnose_path(str(DATA / "turbo_build.out"), repo=repo)
    assert (diag.findings[0].file, diag.findings[0].line) == ("apps/web/src/main.ts", 3)
