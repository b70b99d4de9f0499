"""The shell signatures on real bash/dash output, produced here, plus Windows shells' messages
quoted from their documentation-style output."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from devops_agent.signatures.base import Extract
from devops_agent.signatures.shell import RULES
from rule_support import rule_matches

BY_CODE = {r.code: r for r in RULES}
EXIT = "##[error]Process completed with exit code {}."


def matches(code: str, text: str) -> list[tuple[int, Extract]]:
    return rule_matches(BY_CODE[code], text)


def shell(cmd: list[str], cwd: Path) -> tuple[str, int]:
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)
    return proc.stdout, proc.returncode


@pytest.mark.parametrize("argv", [["bash", "-c"], ["sh", "-c"]])
def test_command_not_found_inline(tmp_path: Path, argv: list[str]) -> None:
    out, code = shell([*argv, "set -e; pnpmx install --frozen-lockfile"], tmp_path)
    assert code == 127
    ((n, ext),) = matches("SH-CMD-001", out + EXIT.format(code))
    assert ext.data == {"command": "pnpmx"} and ext.file is None


def test_command_not_found_in_a_script_names_the_script_line(tmp_path: Path) -> None:
    script = tmp_path / "scripts" / "docs.sh"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\nset -e\necho building\nmkdocsx build --strict\n")
    script.chmod(0o755)
    for argv in (["bash", "scripts/docs.sh"], ["sh", "scripts/docs.sh"], ["./scripts/docs.sh"]):
        out, code = shell(argv, tmp_path)
        assert code == 127
        ((_, ext),) = matches("SH-CMD-001", out)
        assert (ext.file, ext.line, ext.data["command"]) == (argv[-1], 4, "mkdocsx"), out


def test_not_found_followed_by_more_output_is_noise(tmp_path: Path) -> None:
    # the cidiff Jenkins logs print `bash: line 97: bc: command not found` and carry on
    out, _ = shell(["bash", "-c", "bcx 1; for i in 1 2 3 4 5 6 7 8 9; do echo step $i; done"], tmp_path)
    assert matches("SH-CMD-001", out) == []


def test_script_without_execute_bit(tmp_path: Path) -> None:
    script = tmp_path / "scripts" / "build_docs.sh"
    script.parent.mkdir()
    script.write_text("#!/bin/bash\necho docs\n")
    script.chmod(0o644)
    out, code = shell(["bash", "-c", "./scripts/build_docs.sh"], tmp_path)
    assert code == 126
    ((_, ext),) = matches("SH-PERM-001", out + EXIT.format(code))
    assert ext.file == "./scripts/build_docs.sh" and ext.data == {"path": "./scripts/build_docs.sh", "kind": "execute"}


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv to drop root")
def test_data_path_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o700)
    cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "mkdir", "-p", str(locked / "out")]
    out, code = shell(cmd, tmp_path)
    if code == 0:
        pytest.skip("not running as root: cannot drop privileges")
    ((_, ext),) = matches("SH-PERM-001", out)
    assert str(locked / "out").startswith(ext.data["path"])  # the first directory it may not enter


@pytest.mark.parametrize("line, command", [
    ("'pnpm' is not recognized as an internal or external command,", "pnpm"),
    ("zsh:1: command not found: yarnn", "yarnn"),
])
def test_other_shells(line: str, command: str) -> None:
    ((_, ext),) = matches("SH-CMD-001", line)
    assert ext.data["command"] == command


@pytest.mark.parametrize("line", [
    "Permission denied (publickey).",
    "git@github.com: Permission denied (publickey).",
    "ERROR: pip's dependency resolver does not currently take into account all the packages",
    "Package 'x', required by 'virtual:world', not found",
    "ssh: connect to host example.com port 22: Connection refused",
])
def test_ordinary_lines_do_not_match(line: str) -> None:
    for code in ("SH-CMD-001", "SH-PERM-001"):
        assert matches(code, line + "\n" + EXIT.format(1)) == [], (code, line)


def test_syntax_errors_from_bash_and_dash(tmp_path: Path) -> None:
    script = tmp_path / "ci.sh"
    script.write_text("#!/bin/sh\nset -e\nfor f in *.md do\n  echo $f\ndone\n")
    for argv, line in ((["sh", "ci.sh"], 4), (["bash", "ci.sh"], 4)):
        out, code = shell(argv, tmp_path)
        assert code == 2
        got = matches("SH-SYN-001", out)
        assert got and (got[0][1].file, got[0][1].line) == ("ci.sh", line), out
    out, _ = shell(["bash", "-c", "if true; then echo x"], tmp_path)
    ((_, ext),) = matches("SH-SYN-001", out)
    assert ext.file is None and "unexpected end of file" in ext.data["message"]
