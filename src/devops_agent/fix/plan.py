"""What validation runs: the failing CI step (with the job's earlier steps, from the repo's own CI
configuration when it names the step), then ``[validate] commands``; the project's checks when the
log names nothing runnable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devops_agent.models import Diagnosis, Finding

_PROMPT = re.compile(r"^\$ (\S.{0,400})$")


@dataclass(frozen=True)
class Check:
    name: str
    command: str
    origin: str  # ci-config | log | validate-config | project

    @property
    def label(self) -> str:
        """The command's last line (a multi-line step ends with what it is for)."""
        rows = [r for r in self.command.splitlines() if r.strip()]
        return rows[-1].strip() if rows else self.command


def plan_checks(root: Path, diag: Diagnosis, finding: Finding, log_lines: tuple[str, ...] = (),
                config_root: Path | None = None) -> list[Check]:
    """The commands that must pass in the worktree ``root`` for a patch to count as validated.

    ``config_root`` is where the settings are resolved (the user's checkout; default ``root``)."""
    step = failing_command(diag, finding, log_lines)
    checks = _from_ci_config(root, diag, step) or _from_prompts(log_lines, step)
    if not checks and step:
        checks = [Check(diag.failing_step.name if diag.failing_step else "failing step", step, "log")]
    extra = [Check(f"validate {i + 1}", c, "validate-config") for i, c in enumerate(validate_commands(config_root or root))]
    if not checks and not extra:
        checks = project_checks(root)
    seen = {c.command for c in checks}
    return checks + [c for c in extra if c.command not in seen]


def failing_command(diag: Diagnosis, finding: Finding, log_lines: tuple[str, ...] = ()) -> str | None:
    if diag.failing_step and diag.failing_step.command:
        return diag.failing_step.command.strip()
    if finding.command:
        return finding.command.strip()
    if diag.failing_step and diag.failing_step.name.startswith("Run "):  # GitHub's default step name
        return diag.failing_step.name[4:].strip()
    first = finding.evidence[0].line if finding.evidence else len(log_lines)
    for text in reversed(log_lines[:first]):  # a plain terminal log: the last `$ cmd` before the error
        m = _PROMPT.match(text)
        if m:
            return m.group(1).strip()
    return None


def _from_prompts(log_lines: tuple[str, ...], step: str | None) -> list[Check]:
    """A plain terminal log: its ``$ cmd`` lines up to the failing one, as one shell session."""
    cmds = [m.group(1).strip() for m in map(_PROMPT.match, log_lines) if m]
    if not step or _norm(step) not in map(_norm, cmds):
        return []
    upto = [_norm(c) for c in cmds].index(_norm(step))
    return [Check("session", "\n".join(cmds[: upto + 1]), "log")]


def validate_commands(root: Path) -> list[str]:
    """``[validate] commands`` of the resolved settings (devops-agent.toml, pyproject, user config, env)."""
    return list(_settings(root).validate.commands)


def validate_timeout(root: Path) -> float:
    return float(_settings(root).validate.timeout_s)


def _settings(root: Path):  # type: ignore[no-untyped-def]
    from devops_agent.config import Settings

    return Settings.resolve(repo=root)


def project_checks(root: Path) -> list[Check]:
    """The checks a project of this shape runs, when the log names none."""
    out: list[Check] = []
    if (root / "pyproject.toml").is_file() or (root / "setup.py").is_file():
        if (root / "tests").is_dir() or (root / "test").is_dir():
            out.append(Check("tests", "python -m pytest -q", "project"))
    if (root / "package.json").is_file():
        out.append(Check("tests", "npm test", "project"))
    if (root / "Cargo.toml").is_file():
        out.append(Check("tests", "cargo test", "project"))
    if (root / "Makefile").is_file() and not out:
        out.append(Check("build", "make", "project"))
    return out


# -- the repository's CI configuration ---------------------------------------------------------------

def _norm(cmd: str) -> str:
    return " ".join(cmd.split())


def _from_ci_config(root: Path, diag: Diagnosis, step_cmd: str | None) -> list[Check]:
    name = diag.failing_step.name if diag.failing_step else None
    for steps in _github_jobs(root):  # each GitHub step is its own shell
        hit = _match_step(steps, name, step_cmd)
        if hit is not None:
            return [Check(n, c, "ci-config") for n, c in _through_job(steps, hit)]
    for job, steps in _gitlab_jobs(root):  # a GitLab job's script lines share one shell
        hit = _match_step(steps, None, step_cmd)
        if hit is None and name and name.split(":")[0].strip() == job:
            hit = len(steps) - 1
        if hit is not None:
            return [Check(job, "\n".join(c for _, c in _through_job(steps, hit)), "ci-config")]
    return []


_PUBLISH = re.compile(r"\b(deploy|publish|release|upload|twine|docker push|git push|npm publish|cargo publish)\b", re.I)


def _through_job(steps: list[tuple[str, str]], hit: int) -> list[tuple[str, str]]:
    """The job's steps up to the failing one, and the later checks it never reached (not deploys)."""
    later = [(n, c) for n, c in steps[hit + 1:] if not _PUBLISH.search(f"{n} {c}")]
    return steps[: hit + 1] + later


def _match_step(steps: list[tuple[str, str]], name: str | None, cmd: str | None) -> int | None:
    want = _norm(cmd) if cmd else None
    for i, (step_name, run) in enumerate(steps):
        if want and (want == _norm(run) or want in _norm(run)):
            return i
        if name and (name == step_name or name == f"Run {_norm(run)}"[: len(name)]):
            return i
    return None


def _load_yaml(path: Path) -> Any:
    import yaml  # type: ignore[import-untyped]

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None


def _github_jobs(root: Path) -> list[list[tuple[str, str]]]:
    out: list[list[tuple[str, str]]] = []
    wf = root / ".github" / "workflows"
    for path in sorted([*wf.glob("*.yml"), *wf.glob("*.yaml")]) if wf.is_dir() else []:
        doc = _load_yaml(path)
        jobs = doc.get("jobs", {}) if isinstance(doc, dict) else {}
        for job in jobs.values() if isinstance(jobs, dict) else []:
            steps = job.get("steps", []) if isinstance(job, dict) else []
            runs = [(str(s.get("name") or f"Run {s['run']}".splitlines()[0]), str(s["run"]))
                    for s in steps if isinstance(s, dict) and s.get("run")]
            if runs:
                out.append(runs)
    return out


def _gitlab_jobs(root: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    doc = _load_yaml(root / ".gitlab-ci.yml") if (root / ".gitlab-ci.yml").is_file() else None
    if not isinstance(doc, dict):
        return []
    default_before = _script(doc.get("before_script") or (doc.get("default") or {}).get("before_script"))
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for name, job in doc.items():
        if not isinstance(job, dict) or "script" not in job or str(name).startswith("."):
            continue
        before = _script(job["before_script"]) if "before_script" in job else default_before
        out.append((str(name), [(str(name), c) for c in [*before, *_script(job["script"])]]))
    return out


def _script(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int | float)]
    return []
