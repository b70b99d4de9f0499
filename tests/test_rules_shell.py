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


@pytest.fixture(scope="module")
def crasher(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real native program that dies of SIGSEGV after printing a line."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc not installed")
    d = tmp_path_factory.mktemp("crash")
    (d / "crash.c").write_text('#include <stdio.h>\nint main(void) { volatile int *p = 0; puts("loading"); '
                               "fflush(stdout); return *p; }\n")
    subprocess.run(["gcc", "-O0", "-o", str(d / "crash"), str(d / "crash.c")], check=True, timeout=60)
    return d / "crash"


def test_segfault_reported_by_bash_names_the_script_line(tmp_path: Path, crasher: Path) -> None:
    script = tmp_path / "smoke.sh"
    script.write_text(f"#!/bin/bash\nset -e\necho smoke\n{crasher} --model tiny.bin\necho done\n")
    script.chmod(0o755)
    out, code = shell(["bash", "-c", "./smoke.sh"], tmp_path)
    assert code == 139
    ((_, ext),) = matches("SH-SIG-001", out + EXIT.format(code))
    assert (ext.file, ext.line) == ("./smoke.sh", 4)
    assert ext.data == {"signal": "SIGSEGV", "command": f"{crasher} --model tiny.bin"}


def test_signal_named_by_python_and_by_dash(tmp_path: Path, crasher: Path) -> None:
    import sys

    out, code = shell([sys.executable, "-c", f"import subprocess; subprocess.run([{str(crasher)!r}], check=True)"], tmp_path)
    assert code == 1
    ((_, ext),) = matches("SH-SIG-001", out)  # "died with <Signals.SIGSEGV: 11>."
    assert ext.data["signal"] == "SIGSEGV"
    out, _ = shell(["sh", "-c", f"{crasher}; echo after"], tmp_path)  # dash: a bare "Segmentation fault"
    ((_, ext),) = matches("SH-SIG-001", out)
    assert ext.data["signal"] == "SIGSEGV"
    bus = "import os, signal; os.kill(os.getpid(), signal.SIGBUS)"
    out, code = shell(["bash", "-c", f"{sys.executable} -c '{bus}'; exit 1"], tmp_path)
    ((_, ext),) = matches("SH-SIG-001", out)
    assert ext.data["signal"] == "SIGBUS"


@pytest.mark.parametrize("line, signal", [
    # cargo test, a test that reads through a null pointer (captured with cargo 1.95)
    ("  process didn't exit successfully: `/w/target/debug/deps/segcrate-37f7a8485903c674 --quiet` "
     "(signal: 11, SIGSEGV: invalid memory reference)", "SIGSEGV"),
    ("nn/test_pruning 1/1 failed! Received signal: SIGBUS", "SIGBUS"),
    ("Aborted (core dumped)", "SIGABRT"),
])
def test_crash_signal_lines(line: str, signal: str) -> None:
    ((_, ext),) = matches("SH-SIG-001", line)
    assert ext.data["signal"] == signal


@pytest.mark.parametrize("line", [
    "Aborted!",
    "the download was aborted by the user",
    "Received signal: SIGTERM",  # a cancellation, not a crash
    "handler for SIGSEGV installed",
])
def test_not_a_crash(line: str) -> None:
    assert matches("SH-SIG-001", line) == []


def _xtrace_repo(tmp_path: Path, body: str) -> tuple[str, int]:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    script = tmp_path / "check.sh"
    script.write_text("#!/bin/bash\nset -euxo pipefail\n" + body)
    script.chmod(0o755)
    return shell(["./check.sh"], tmp_path)


def test_script_exit_leads_with_the_message_it_echoed(tmp_path: Path) -> None:
    out, code = _xtrace_repo(tmp_path, (
        "touch schema_gen.py\n"
        "st=$(git status --porcelain)\n"
        'if [[ -n "$st" ]]; then\n'
        '  echo "Generated files are out of date"\n  echo "git status --porcelain:"\n  echo "$st"\n  exit 3\nfi\n'))
    assert code == 3
    ((n, ext),) = matches("SH-EXIT-001", out)
    lines = out.split("\n")
    assert lines[ext.primary - 1] == "Generated files are out of date"
    assert [lines[e - 1] for e in ext.evidence][:2] == ["git status --porcelain:", "?? check.sh"]
    assert ext.data == {"message": "Generated files are out of date", "code": 3}


def test_script_exit_without_a_message_is_not_claimed(tmp_path: Path) -> None:
    out, code = _xtrace_repo(tmp_path, 'if [[ ! -f VERSION ]]; then\n  exit 1\nfi\n')
    assert code == 1 and out.rstrip().endswith("+ exit 1")
    assert matches("SH-EXIT-001", out) == []
    # the message belongs to an earlier command, not to the exit: a non-echo trace sits between
    out, code = _xtrace_repo(tmp_path, 'echo "starting"\nls >/dev/null\nexit 2\n')
    assert code == 2 and matches("SH-EXIT-001", out) == []
