"""A thin runner for the git command line.

We call git as a subprocess rather than through GitPython: each call here is one short command,
GitPython's import alone costs more than most of them, and its object layer adds nothing we use.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from devops_agent.errors import InputError

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
ZERO_SHA = "0" * 40


class GitError(InputError):
    """A git command failed (the message carries git's own first error line)."""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("GIT_TERMINAL_PROMPT", "0")
    env["LC_ALL"] = "C"
    return env


def git(root: Path | str, *args: str, input: str | bytes | None = None, check: bool = True,
        binary: bool = False, timeout: float | None = 60) -> str | bytes:
    """Run ``git -C root args...`` and return stdout (text unless ``binary``)."""
    proc = subprocess.run(
        ["git", "-C", str(root), *args],
        input=input if binary or input is None or isinstance(input, bytes) else input.encode(),
        capture_output=True,
        env=_env(),
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        first = next((ln for ln in err if ln.startswith(("fatal:", "error:"))), err[0] if err else "")
        raise GitError(f"git {' '.join(args[:3])} failed: {first or 'exit ' + str(proc.returncode)}")
    return proc.stdout if binary else proc.stdout.decode("utf-8", "replace")


def text(root: Path | str, *args: str, check: bool = True) -> str:
    out = git(root, *args, check=check)
    assert isinstance(out, str)
    return out


def ok(root: Path | str, *args: str) -> bool:
    """Does ``git args`` succeed (for probes like ``rev-parse --verify``)?"""
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, env=_env()).returncode == 0


def rev(root: Path | str, spec: str) -> str | None:
    out = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"],
        capture_output=True, env=_env(),
    )
    return out.stdout.decode().strip() or None if out.returncode == 0 else None


def read_blobs(root: Path | str, specs: list[str]) -> dict[str, bytes | None]:
    """Contents of ``rev:path`` specs in one ``git cat-file --batch`` call (None: missing)."""
    if not specs:
        return {}
    proc = subprocess.run(
        ["git", "-C", str(root), "cat-file", "--batch"],
        input="".join(s + "\n" for s in specs).encode(), capture_output=True, env=_env(),
    )
    data = proc.stdout
    out: dict[str, bytes | None] = {}
    pos = 0
    for spec in specs:
        nl = data.index(b"\n", pos)
        header = data[pos:nl].decode("utf-8", "replace").split()
        pos = nl + 1
        if len(header) >= 2 and header[-1] == "missing" or len(header) < 3:
            out[spec] = None
            continue
        size = int(header[2])
        out[spec] = data[pos:pos + size] if header[1] == "blob" else None
        pos += size + 1
    return out
