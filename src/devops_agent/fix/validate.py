"""Run the planned checks in a worktree, each with a time limit, with a live progress line on stderr."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devops_agent.fix.plan import Check

TAIL_LINES = 40


@dataclass(frozen=True)
class CheckResult:
    check: Check
    exit_code: int | None  # None: timed out
    seconds: float
    tail: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def to_json(self) -> dict[str, object]:
        return {"name": self.check.name, "command": self.check.command, "origin": self.check.origin,
                "exit_code": self.exit_code, "timed_out": self.exit_code is None,
                "seconds": round(self.seconds, 2), "ok": self.ok}


@dataclass(frozen=True)
class Validation:
    results: tuple[CheckResult, ...]
    reason: str = ""  # why it did not pass, in one line

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(r.ok for r in self.results)

    def summary(self) -> str:
        if not self.results:
            return self.reason or "nothing to run"
        return "; ".join(f"{r.check.label[:60]}: "
                         f"{'ok' if r.ok else 'timed out' if r.exit_code is None else f'exit {r.exit_code}'}"
                         for r in self.results)

    def to_json(self) -> dict[str, object]:
        return {"passed": self.ok, "checks": [r.to_json() for r in self.results], "reason": self.reason or None}


Reporter = Callable[[str, Check, CheckResult | None], None]  # ("start"|"end", check, result)


def run_checks(tree: Path, checks: list[Check], *, timeout: float, report: Reporter | None = None) -> Validation:
    """Run ``checks`` in order in ``tree``; stop at the first failure."""
    if not checks:
        return Validation((), "no command to validate with: the log names none and [validate] commands is empty")
    results: list[CheckResult] = []
    for check in checks:
        if report:
            report("start", check, None)
        result = run_one(tree, check, timeout)
        results.append(result)
        if report:
            report("end", check, result)
        if not result.ok:
            what = "timed out" if result.exit_code is None else f"exited {result.exit_code}"
            return Validation(tuple(results), f"{check.label[:80]!r} {what}: {_last_error(result.tail)}")
    return Validation(tuple(results))


def run_one(tree: Path, check: Check, timeout: float) -> CheckResult:
    started = time.monotonic()
    env = {**os.environ, "CI": os.environ.get("CI", "true"), "GIT_TERMINAL_PROMPT": "0"}
    # Tools installed beside devops-agent (ruff, black...) as a last resort on PATH.
    env["PATH"] = os.pathsep.join([env.get("PATH", os.defpath), str(Path(sys.executable).parent)])
    proc = subprocess.Popen(["bash", "-eo", "pipefail", "-c", check.command], cwd=tree, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, _ = proc.communicate()
        code = None
    text = out.decode("utf-8", "replace")
    return CheckResult(check, code, time.monotonic() - started, "\n".join(text.splitlines()[-TAIL_LINES:]))


def _last_error(tail: str) -> str:
    rows = [r.strip() for r in tail.splitlines() if r.strip()]
    return rows[-1][:200] if rows else "no output"


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def rich_reporter(label: str) -> tuple[Reporter, Callable[[], None]]:
    """A live spinner on stderr while a check runs, and one line per finished check."""
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    state: dict[str, object] = {}

    def report(event: str, check: Check, result: CheckResult | None) -> None:
        first = check.label[:70]
        if event == "start":
            status = console.status(f"[{label}] {check.name}: {first}")
            status.start()
            state["status"] = status
            return
        running = state.pop("status", None)
        if running is not None:
            running.stop()  # type: ignore[attr-defined]
        assert result is not None
        mark = "[green]passed[/]" if result.ok else "[red]timed out[/]" if result.exit_code is None else f"[red]exit {result.exit_code}[/]"
        console.print(f"  [{label}] {check.name}: {first} … {mark} ({result.seconds:.1f} s)")

    def close() -> None:
        status = state.pop("status", None)
        if status is not None:
            status.stop()  # type: ignore[attr-defined]

    return report, close
