"""The project's own checkers (ruff, black, mypy, bandit) on the pushed files only, in parallel,
within a time budget.

A checker runs only when the project uses it (its config section, a pre-commit hook or a CI
command names it) and it is installed (the repo's ``.venv`` first, then ``PATH``). Files are
checked *as committed*: they are written with the project's config files to a temp dir, so
uncommitted edits in the working tree neither hide nor cause a finding. mypy needs the whole
package, so it runs in place, and only when the working tree holds exactly the pushed files.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from devops_agent import gitcli
from devops_agent.hook.context import PushContext
from devops_agent.hook.predictors import Prediction

CONFIG_FILES = ("pyproject.toml", "ruff.toml", ".ruff.toml", "setup.cfg", "mypy.ini", ".mypy.ini",
                "tox.ini", ".flake8", ".bandit")


@dataclass(frozen=True)
class Check:
    name: str
    rule: str
    category: str


CHECKS = {
    "ruff": Check("ruff", "PY-LINT-001", "lint"),
    "ruff-format": Check("ruff-format", "PY-FMT-002", "format"),
    "black": Check("black", "PY-FMT-001", "format"),
    "mypy": Check("mypy", "PY-TYPE-001", "type-check"),
    "bandit": Check("bandit", "PY-SEC-001", "security"),
    "tsc": Check("tsc", "JS-TSC-001", "type-check"),
}


@dataclass
class ToolReport:
    predictions: list[Prediction]
    ran: list[str]
    skipped: dict[str, str]  # check -> why


def used_checks(ctx: PushContext) -> list[str]:
    """Which checkers the project uses, from its config, pre-commit hooks and CI commands."""
    texts = dict(ctx.ci_config)
    for name in CONFIG_FILES:
        if name in ctx.tree and (t := ctx.new(name)) is not None:
            texts[name] = t
    blob = "\n".join(texts.values())
    pyproject = texts.get("pyproject.toml", "")
    used = []
    if "[tool.ruff" in pyproject or "ruff.toml" in ctx.tree or ".ruff.toml" in ctx.tree or re.search(r"\bruff(?: check)?\b(?! format)", blob):
        used.append("ruff")
    if re.search(r"\bruff format\b|id: ruff-format", blob):
        used.append("ruff-format")
    if "[tool.black]" in pyproject or re.search(r"\bblack\b[^\n]{0,40}--check|id: black\b|\bblack \.", blob):
        used.append("black")
    if "[tool.mypy" in pyproject or "mypy.ini" in ctx.tree or "[mypy" in texts.get("setup.cfg", "") or re.search(r"\bmypy\b", blob):
        used.append("mypy")
    if "[tool.bandit]" in pyproject or ".bandit" in ctx.tree or re.search(r"\bbandit\b", blob):
        used.append("bandit")
    if "tsconfig.json" in ctx.tree and (re.search(r"\btsc\b", blob) or '"typescript"' in (ctx.new("package.json") or "")):
        used.append("tsc")
    return used


def _executable(root: Path, name: str) -> str | None:
    for bindir in (".venv/bin", "venv/bin", "node_modules/.bin"):
        cand = root / bindir / name
        if cand.is_file():
            return str(cand)
    return shutil.which(name)


def _materialise(ctx: PushContext, files: list[str], dest: Path) -> None:
    for path in [*files, *[c for c in CONFIG_FILES if c in ctx.tree]]:
        text = ctx.new(path)
        if text is None:
            continue
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _worktree_matches(ctx: PushContext, files: list[str]) -> bool:
    if gitcli.rev(ctx.root, "HEAD") != ctx.head:
        return False
    dirty = gitcli.text(ctx.root, "status", "--porcelain", "--", *files, check=False)
    return not dirty.strip()


def _command(check: str, exe: str, files: list[str], ctx: PushContext) -> list[str]:
    if check == "ruff":
        return [exe, "check", "--no-cache", "--output-format", "concise", "--quiet", *files]
    if check == "ruff-format":
        return [exe, "format", "--check", "--no-cache", *files]
    if check == "black":
        return [exe, "--check", *files]
    if check == "mypy":
        return [exe, "--no-error-summary", "--show-error-codes", "--no-pretty", *files]
    if check == "tsc":
        return [exe, "--noEmit", "-p", ".", "--pretty", "false"]
    if check == "bandit":
        extra = ["-c", "pyproject.toml"] if "[tool.bandit]" in (ctx.new("pyproject.toml") or "") else []
        return [exe, "-q", "-f", "json", *extra, *files]
    raise ValueError(check)


_RUFF = re.compile(r"^(?P<file>[^:\n]+\.pyi?):(?P<line>\d+):\d+: (?P<code>[A-Z]+\d+) (?P<msg>.+)$")
_MYPY = re.compile(r"^(?P<file>[^:\n]+\.pyi?):(?P<line>\d+)(?::\d+)?: error: (?P<msg>.+?)(?:  \[(?P<code>[\w-]+)\])?$")
_TSC = re.compile(r"^(?P<file>[^(\n]+\.(?:ts|tsx|mts|cts))\((?P<line>\d+),\d+\): error (?P<code>TS\d+): (?P<msg>.+)$")
_REFORMAT = re.compile(r"^(?:would reformat|Would reformat:) (?P<file>.+?)$", re.M)


def _parse(check: str, out: str, files: set[str]) -> list[Prediction]:
    spec = CHECKS[check]
    preds: list[Prediction] = []
    if check == "ruff":
        for m in map(_RUFF.match, out.splitlines()):
            if m and m["file"] in files:
                preds.append(Prediction(spec.rule, spec.category, m["file"], int(m["line"]),
                                        f"ruff {m['code']}: {m['msg']}", 0.95))
    elif check in ("black", "ruff-format"):
        for m in _REFORMAT.finditer(out):
            path = m["file"].strip()
            if path in files:
                preds.append(Prediction(spec.rule, spec.category, path, None,
                                        f"{'black' if check == 'black' else 'ruff format'} would reformat {path}", 0.95))
    elif check == "mypy":
        for m in map(_MYPY.match, out.splitlines()):
            if m and m["file"] in files:
                code = f" [{m['code']}]" if m["code"] else ""
                preds.append(Prediction(spec.rule, spec.category, m["file"], int(m["line"]),
                                        f"mypy: {m['msg']}{code}", 0.9))
    elif check == "tsc":
        # tsc checks the whole project; a type error often surfaces in a file the push did not
        # touch (a callee changed its return type), so every error counts, changed files most.
        for m in map(_TSC.match, out.splitlines()):
            if m and not m["file"].startswith(("node_modules/", "/")):
                preds.append(Prediction(spec.rule, spec.category, m["file"], int(m["line"]),
                                        f"tsc {m['code']}: {m['msg']}", 0.95 if m["file"] in files else 0.9))
    elif check == "bandit":
        try:
            results = json.loads(out or "{}").get("results", [])
        except json.JSONDecodeError:
            results = []
        for r in results:
            path = str(r.get("filename", "")).removeprefix("./")
            if path in files and r.get("issue_severity") in ("MEDIUM", "HIGH"):
                preds.append(Prediction(spec.rule, spec.category, path, r.get("line_number"),
                                        f"bandit {r.get('test_id')}: {r.get('issue_text')}", 0.85))
    return preds


def run_checks(ctx: PushContext, budget_s: float = 5.0) -> ToolReport:
    py_files = [c.path for c in ctx.changes if c.path.endswith(".py") and ctx.new(c.path) is not None]
    ts_files = [c.path for c in ctx.changes if c.path.endswith((".ts", ".tsx", ".mts", ".cts"))]
    report = ToolReport([], [], {})
    if not py_files and not ts_files:
        return report
    in_place = _worktree_matches(ctx, py_files + ts_files)
    # (check, command, cwd, stdin) jobs. In place when the working tree holds the pushed files
    # (the usual pre-push case): exact config and first-party detection. Otherwise per-file
    # stdin runs from the repository root, and a snapshot dir for bandit.
    jobs: list[tuple[str, list[str], Path, str | None]] = []
    with tempfile.TemporaryDirectory(prefix="devops-agent-hook-") as tmp:
        snapshot = Path(tmp)
        for check in used_checks(ctx):
            if (check == "tsc") != bool(ts_files) or (check != "tsc" and not py_files):
                continue
            exe = _executable(ctx.root, check.split("-")[0])
            if exe is None:
                report.skipped[check] = "not installed"
                continue
            if check == "tsc":
                if not in_place:
                    report.skipped[check] = "the working tree differs from the pushed commit"
                    continue
                jobs.append((check, _command(check, exe, ts_files, ctx), ctx.root, None))
            elif in_place:
                jobs.append((check, _command(check, exe, py_files, ctx), ctx.root, None))
            elif check == "mypy":
                report.skipped[check] = "the working tree differs from the pushed commit"
            elif check == "bandit":
                if not any(snapshot.iterdir()):
                    _materialise(ctx, py_files, snapshot)
                jobs.append((check, _command(check, exe, py_files, ctx), snapshot, None))
            else:
                for path in py_files:
                    jobs.append((check, _stdin_command(check, exe, path), ctx.root, ctx.new(path)))
        deadline = time.monotonic() + budget_s
        outputs: dict[str, list[str]] = {}
        with ThreadPoolExecutor(max_workers=min(8, max(1, len(jobs)))) as pool:
            futures = [(pool.submit(_run, cmd, cwd, deadline, stdin), check, cmd) for check, cmd, cwd, stdin in jobs]
            for fut, check, cmd in futures:
                out = fut.result()
                if out is None:
                    report.skipped[check] = f"did not finish within the {budget_s:g} s budget"
                    continue
                outputs.setdefault(check, []).append(_name_stdin(*out, cmd))
        for check, outs in outputs.items():
            if check not in report.skipped:
                report.ran.append(check)
                report.predictions.extend(_parse(check, "\n".join(outs), set(py_files) | set(ts_files)))
    return report


def _stdin_command(check: str, exe: str, path: str) -> list[str]:
    if check == "ruff":
        return [exe, "check", "--no-cache", "--output-format", "concise", "--quiet", "--stdin-filename", path, "-"]
    if check == "ruff-format":
        return [exe, "format", "--check", "--no-cache", "--stdin-filename", path, "-"]
    return [exe, "--check", "--stdin-filename", path, "-"]  # black


def _name_stdin(code: int, out: str, cmd: list[str]) -> str:
    """Checkers reading stdin may name the file '-' or nothing: name it by --stdin-filename."""
    if "--stdin-filename" not in cmd:
        return out
    path = cmd[cmd.index("--stdin-filename") + 1]
    out = re.sub(r"^(would reformat|Would reformat:) -$", rf"\1 {path}", out, flags=re.M)
    if cmd[1:3] == ["format", "--check"] and code == 1 and path not in out:
        out += f"\nWould reformat: {path}"  # ruff format --check on stdin only sets the exit code
    return out


def _run(cmd: list[str], cwd: Path, deadline: float, stdin: str | None = None) -> tuple[int, str] | None:
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, input=stdin,
                              timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return None
    except OSError as exc:
        return 2, f"{exc}"
    return proc.returncode, proc.stdout + "\n" + proc.stderr
