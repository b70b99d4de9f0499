"""Install and remove the git ``pre-push`` hook.

The hook is a short POSIX shell script that hands git's ref lines to ``devops-agent hook check
--pre-push``. An existing hook that is not ours is never overwritten silently: ``--force`` keeps it
as ``pre-push.local`` and our hook runs it first, with the same arguments and ref lines.
"""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import sys
from pathlib import Path

from devops_agent import gitcli
from devops_agent.errors import UsageError

MARKER = "# devops-agent pre-push hook"


def hooks_dir(root: Path) -> Path:
    path = Path(gitcli.text(root, "rev-parse", "--git-path", "hooks").strip())
    return path if path.is_absolute() else root / path


def _executable() -> str:
    exe = shutil.which("devops-agent")
    argv0 = Path(sys.argv[0])
    if argv0.name == "devops-agent" and argv0.exists():
        exe = str(argv0.resolve())
    return exe or "devops-agent"


def script(exe: str) -> str:
    return f"""#!/bin/sh
{MARKER} (installed by `devops-agent hook install`; remove with `devops-agent hook uninstall`).
# Predicts failures CI would report for the commits being pushed. Skip once: git push --no-verify
DA={shlex.quote(exe)}
if ! command -v "$DA" >/dev/null 2>&1; then
    DA=devops-agent
    command -v "$DA" >/dev/null 2>&1 || {{ echo "devops-agent not found; pre-push check skipped" >&2; exit 0; }}
fi
refs=$(cat)
hook_dir=$(dirname "$0")
if [ -x "$hook_dir/pre-push.local" ]; then
    printf '%s\\n' "$refs" | "$hook_dir/pre-push.local" "$@" || exit $?
fi
printf '%s\\n' "$refs" | "$DA" hook check --pre-push
"""


def install(root: Path, *, force: bool = False) -> str:
    hooks = hooks_dir(root)
    hooks.mkdir(parents=True, exist_ok=True)
    target = hooks / "pre-push"
    note = f"installed {target}"
    if target.exists() and MARKER not in target.read_text(encoding="utf-8", errors="replace"):
        if not force:
            raise UsageError(
                f"{target} exists and was not written by devops-agent",
                "pass --force to keep it as pre-push.local and run it before our check",
            )
        backup = hooks / "pre-push.local"
        if backup.exists():
            raise UsageError(f"{backup} already exists", "merge or remove it by hand, then retry")
        target.rename(backup)
        note += f" (your previous hook runs first, kept as {backup.name})"
    target.write_text(script(_executable()), encoding="utf-8")
    target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return note


def uninstall(root: Path) -> str:
    hooks = hooks_dir(root)
    target = hooks / "pre-push"
    if not target.exists() or MARKER not in target.read_text(encoding="utf-8", errors="replace"):
        raise UsageError(f"no devops-agent pre-push hook in {hooks}", "nothing to uninstall")
    target.unlink()
    backup = hooks / "pre-push.local"
    if backup.exists():
        os.replace(backup, target)
        return f"removed the devops-agent hook; restored your previous {target}"
    return f"removed {target}"
