"""`devops-agent diagnose`: the command's orchestration (the engine is devops_agent.diagnose)."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

from devops_agent.errors import InputError
from devops_agent.models import Diagnosis


def find_repo(repo: Path | None) -> Path | None:
    """The git checkout to correlate with: ``--repo`` (must be one) or the cwd when it is one."""
    if repo is not None:
        path = repo.expanduser()
        if not path.is_dir():
            raise InputError(f"--repo {repo}: no such directory", "pass the path of a git checkout")
        root = _git_root(path)
        if root is None:
            raise InputError(f"--repo {repo} is not a git repository", "pass the path of a git checkout, or omit --repo")
        return root
    return _git_root(Path.cwd())


def require_repo(repo: Path | None) -> Path:
    """Like :func:`find_repo`, for commands that cannot work without a checkout."""
    root = find_repo(repo)
    if root is None:
        raise InputError("not inside a git repository", "run from a checkout or pass --repo PATH")
    return root


def _git_root(path: Path) -> Path | None:
    for p in (path.resolve(), *path.resolve().parents):
        if (p / ".git").exists():
            return p
    return None


def run_diagnose(
    *,
    log: str,
    repo: Path | None,
    fmt: str,
    dialect: str | None,
    baseline: Path | None,
    since: str | None,
    record: bool,
    explain: bool,
    max_findings: int | None,
    show_prompt: bool = False,
    model: str | None = None,
    rerun: int = 0,
) -> int:
    from devops_agent.diagnose import diagnose_path

    root = find_repo(repo)
    from devops_agent.config import load_settings

    settings = load_settings(root, {"diagnose.max_findings": max_findings})
    max_findings = settings.diagnose.max_findings
    record = record and settings.history.enabled
    llm = None
    if explain or show_prompt:  # model set-up errors surface before any work
        from devops_agent.commands.explain import ExplainStep

        llm = ExplainStep.create(model=model, repo=root, log=log, check=not show_prompt)
    if baseline is not None and not baseline.is_file():
        raise InputError(f"--baseline {baseline}: no such file", "pass the log of a passing run of the same job")
    diag = diagnose_path(
        log, repo=root, dialect=dialect, max_findings=max_findings, baseline=str(baseline) if baseline else None
    )
    if root is not None and diag.findings:
        diag = _with_code_under_test(diag, root)
        diag = _with_culprit(diag, root, since)
    diag = _with_flaky_kinds(diag)
    if rerun and diag.findings:
        diag = _with_rerun(diag, root, rerun)
    if llm is not None and show_prompt:
        return llm.show_prompt(diag, fmt)
    if llm is not None:
        diag = llm.explain(diag)
    if record:
        diag = _record(diag, root, log)
    _emit(diag, fmt)
    return 0


def _with_code_under_test(diag: Diagnosis, root: Path) -> Diagnosis:
    """A failing test names the function it called; point the finding at that function's
    definition in the project's (non-test) code, where the regression most likely is."""
    from devops_agent import gitcli
    from devops_agent.gitscope import is_test_path

    top = diag.findings[0]
    symbol = top.data.get("symbol")
    if top.category != "test" or not isinstance(symbol, str) or not symbol.isidentifier():
        return diag
    if top.file and not is_test_path(top.file):
        return diag  # already in the code under test
    pattern = rf"^\s*(async\s+)?(def|class|function|fn|func|pub fn|export function)\s+{symbol}\b"  # git grep -E: POSIX ERE
    out = gitcli.text(root, "grep", "-n", "-E", "-I", pattern, "--", ".", check=False)
    rows = [ln.split(":", 2) for ln in out.splitlines() if ln.count(":") >= 2]
    hits = [(f, int(n)) for f, n, _ in rows if n.isdigit() and not is_test_path(f)]
    if len(hits) != 1:
        return diag  # none or ambiguous: keep the test's location
    file, line = hits[0]
    data = {**top.data, "test_file": top.file, "test_line": top.line}
    return replace(diag, findings=(replace(top, file=file, line=line, data=data), *diag.findings[1:]))


def _with_culprit(diag: Diagnosis, root: Path, since: str | None) -> Diagnosis:
    from devops_agent.gitscope import find_culprit

    top = diag.findings[0]
    culprit = find_culprit(root, top, since=since, last_green=None if since else _last_green(root))
    if culprit is None:
        return diag
    return replace(diag, findings=(replace(top, culprit=culprit), *diag.findings[1:]))


def _last_green(root: Path) -> str | None:
    """The commit of the last passing run the history recorded for this repository and branch."""
    from devops_agent import gitcli

    try:
        from devops_agent.store import Store, default_path

        if not default_path().is_file():
            return None  # no history yet (or history disabled): never create one just to read it
        branch = gitcli.text(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip() or None
        with Store.open() as store:
            row = store.conn.execute(
                "SELECT commit_sha FROM runs WHERE repo = ? AND branch IS ? AND status = 'passed'"
                " AND commit_sha IS NOT NULL ORDER BY id DESC LIMIT 1", (str(root), branch)).fetchone()
    except Exception:  # noqa: BLE001 - the history only sharpens the search; never fail over it
        return None
    if row is None or not gitcli.ok(root, "merge-base", "--is-ancestor", row[0], "HEAD"):
        return None
    return str(row[0])


def _with_rerun(diag: Diagnosis, root: Path | None, times: int) -> Diagnosis:
    from devops_agent.flaky import rerun

    if root is None:
        raise InputError("--rerun needs the repository", "run inside the checkout or pass --repo")
    top = diag.findings[0]
    reason, account = rerun(root, diag, top, times, timeout=600)
    sys.stderr.write(f"devops-agent: {account}\n")
    top = replace(top, flaky=reason) if reason else replace(top, flaky=None)
    return replace(diag, findings=(top, *diag.findings[1:]))


def _with_flaky_kinds(diag: Diagnosis) -> Diagnosis:
    from devops_agent.flaky import known_flaky_kind

    findings = tuple(f if f.flaky else replace(f, flaky=known_flaky_kind(f)) for f in diag.findings)
    return replace(diag, findings=findings)


def _record(diag: Diagnosis, root: Path | None, log: str) -> Diagnosis:
    """Record the run; recall similar past incidents first (they must not include this run)."""
    from devops_agent.incidents import attach_similar
    from devops_agent.store import Store

    branch = commit = None
    if root is not None:
        from devops_agent import gitcli

        branch = gitcli.text(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip() or None
        commit = gitcli.rev(root, "HEAD")
    with Store.open() as store:
        run_id = store.start_run(
            "diagnose " + log,
            repo=str(root) if root else None,
            user=os.environ.get("USER") or os.environ.get("USERNAME"),
            branch=branch,
            commit=commit,
        )
        diag = replace(diag, findings=attach_similar(store, diag.findings, exclude_run=run_id))
        diag = _with_history_flaky(store, diag, str(root) if root else None, commit)
        store.record_diagnosis(run_id, diag)
        store.finish_run(run_id, 0, status=diag.status)
    return replace(diag, run_id=run_id)


def _with_history_flaky(store, diag: Diagnosis, repo: str | None, commit: str | None) -> Diagnosis:  # type: ignore[no-untyped-def]
    from devops_agent.flaky import seen_passing

    if not diag.findings:
        return diag
    top = diag.findings[0]
    reason = seen_passing(store, top, repo, commit)
    return replace(diag, findings=(replace(top, flaky=reason), *diag.findings[1:])) if reason else diag


def _emit(diag: Diagnosis, fmt: str) -> None:
    from devops_agent.render import render, render_markdown

    color = None
    if fmt == "text":
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    out = render(diag, fmt, color=color)
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary:  # inside a GitHub job: also fill the job summary
        try:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(render_markdown(diag) + "\n")
        except OSError as exc:
            sys.stderr.write(f"devops-agent: warning: cannot write the job summary {summary}: {exc.strerror}\n")
