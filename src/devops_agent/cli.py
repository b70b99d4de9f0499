"""Thin Typer commands and the one place that turns errors into exit codes.

Every command imports its implementation lazily: ``devops-agent --help`` must not pay for
litellm, scikit-learn or GitPython (a test asserts it).
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from devops_agent import __version__
from devops_agent.errors import DevopsAgentError, ExitCode

app = typer.Typer(
    name="devops-agent",
    help="Local-first DevOps agent: diagnose a failing CI log, fix it and validate the fix, offline.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    github = "github"


class ListFormat(StrEnum):
    text = "text"
    json = "json"


class DialectChoice(StrEnum):
    auto = "auto"
    github = "github"
    gitlab = "gitlab"
    jenkins = "jenkins"
    travis = "travis"
    azure = "azure"
    plain = "plain"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"devops-agent {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Local-first DevOps agent: diagnose a failing CI log, fix it and validate the fix, offline."""


RepoOpt = Annotated[
    Path | None,
    typer.Option(
        "--repo",
        help="Git checkout to correlate with (default: the current directory when it is a git repository).",
    ),
]


@app.command()
def diagnose(
    log: Annotated[str, typer.Argument(help="Log file (text, .gz or a CI .zip archive), or '-' for stdin.")],
    repo: RepoOpt = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.text,
    dialect: Annotated[DialectChoice, typer.Option("--dialect", help="Log dialect (default: detected).")] = DialectChoice.auto,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="A passing log of the same job, to boost lines new in the failure.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Last known green commit, for culprit search.")
    ] = None,
    no_history: Annotated[
        bool, typer.Option("--no-history", help="Do not record this run in the local history.")
    ] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Add a model-written root cause (needs an LLM).")
    ] = False,
    rerun: Annotated[
        int, typer.Option("--rerun", help="Re-run the failing command N times in a temporary worktree to tell flaky from real.", min=0)
    ] = 0,
    max_findings: Annotated[
        int | None, typer.Option("--max-findings", help="Findings to report (default: [diagnose] max_findings, 5).", min=1)
    ] = None,
    show_prompt: Annotated[
        bool, typer.Option("--show-prompt", help="Print exactly what --explain would send to the model; call nothing.")
    ] = False,
    model: Annotated[
        str | None, typer.Option("--model", help="litellm model for --explain (default: DEVOPS_AGENT_MODEL, [llm] model).")
    ] = None,
) -> None:
    """Find, classify and explain the failure in a CI log (offline)."""
    from devops_agent.commands.diagnose import run_diagnose

    code = run_diagnose(
        log=log,
        repo=repo,
        fmt=format.value,
        dialect=None if dialect is DialectChoice.auto else dialect.value,
        baseline=baseline,
        since=since,
        record=not no_history,
        explain=explain,
        rerun=rerun,
        max_findings=max_findings,
        show_prompt=show_prompt,
        model=model,
    )
    raise typer.Exit(code)


@app.command()
def rules(
    format: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
) -> None:
    """List the signature catalogue."""
    from devops_agent.commands.catalog import print_rules

    print_rules(format.value)


@app.command()
def rule(code: Annotated[str, typer.Argument(help="A rule code such as PY-DEP-001.")]) -> None:
    """Show one rule's documentation page."""
    from devops_agent.commands.catalog import print_rule

    print_rule(code)


hook_app = typer.Typer(help="Pre-push hook: predict failures CI would report, before the push.", no_args_is_help=True)
app.add_typer(hook_app, name="hook")


class HookFormat(StrEnum):
    text = "text"
    json = "json"


@hook_app.command("check")
def hook_check(
    repo: RepoOpt = None,
    range_: Annotated[
        str | None, typer.Option("--range", help="Commits to check: A..B, or one commit (default: what is being pushed).")
    ] = None,
    pre_push: Annotated[
        bool, typer.Option("--pre-push", help="Read the refs git hands a pre-push hook on stdin.")
    ] = False,
    format: Annotated[HookFormat, typer.Option("--format", "-f", help="Output format.")] = HookFormat.text,
    budget: Annotated[
        float | None, typer.Option("--budget", help="Seconds for the project's checkers (default: [hook] budget_s, 5).")
    ] = None,
    no_tools: Annotated[bool, typer.Option("--no-tools", help="Only the static predictors; run no checkers.")] = False,
) -> None:
    """Predict CI failures for a range of commits (exit 1 when the verdict is block)."""
    from devops_agent.commands.hook import run_check

    raise typer.Exit(run_check(repo=repo, range_spec=range_, pre_push=pre_push, fmt=format.value,
                               budget_s=budget, no_tools=no_tools))


@hook_app.command("install")
def hook_install(
    repo: RepoOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Keep an existing foreign hook as pre-push.local.")] = False,
) -> None:
    """Install the git pre-push hook in the repository."""
    from devops_agent.commands.hook import run_install

    raise typer.Exit(run_install(repo, force))


@hook_app.command("uninstall")
def hook_uninstall(repo: RepoOpt = None) -> None:
    """Remove the devops-agent pre-push hook (restoring a previous one)."""
    from devops_agent.commands.hook import run_uninstall

    raise typer.Exit(run_uninstall(repo))


class Platform(StrEnum):
    github = "github"
    gitlab = "gitlab"


@app.command()
def pr(
    repo: RepoOpt = None,
    base: Annotated[str | None, typer.Option("--base", help="Target branch (default: the project's default branch).")] = None,
    draft: Annotated[
        bool | None,
        typer.Option("--draft/--ready", help="Open as draft, or ready for review (default: draft unless the fix is safe and validated)."),
    ] = None,
    remote: Annotated[str | None, typer.Option("--remote", help="Git remote to push to (default: the branch's, else origin).")] = None,
    platform: Annotated[Platform | None, typer.Option("--platform", help="github or gitlab (default: from the remote URL).")] = None,
    label: Annotated[list[str] | None, typer.Option("--label", help="Label to add (repeatable).")] = None,
    title: Annotated[str | None, typer.Option("--title", help="Title (default: the fix commit's subject).")] = None,
) -> None:
    """Push the current fix branch and open a pull request (GitHub) or merge request (GitLab)."""
    from devops_agent.commands.pr import run_pr

    raise typer.Exit(run_pr(repo=repo, base=base, draft=draft, remote=remote,
                            platform=platform.value if platform else None, labels=label or [], title=title))


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="The question (omit for an interactive session).")] = None,
    repo: RepoOpt = None,
    model: Annotated[
        str | None, typer.Option("--model", help="litellm model (default: DEVOPS_AGENT_MODEL, [llm] model; none: retrieval only).")
    ] = None,
) -> None:
    """Ask about past failures: answers from the history and the repository, cited."""
    from devops_agent.commands.ask import run_ask

    raise typer.Exit(run_ask(question, repo=repo, model=model))


@app.command(name="bisect")
def bisect_cmd(
    log: Annotated[str | None, typer.Argument(help="Failing log: its failing step's command is what bisect runs.")] = None,
    good: Annotated[str, typer.Option("--good", help="Last commit known to pass.")] = ...,  # type: ignore[assignment]
    bad: Annotated[str, typer.Option("--bad", help="A commit that fails.")] = "HEAD",
    command: Annotated[str | None, typer.Option("--command", help="Command to run at each step (default: from the log).")] = None,
    repo: RepoOpt = None,
    probe_timeout: Annotated[float, typer.Option("--probe-timeout", help="Seconds per run of the command (a timeout skips the commit).")] = 300,
    budget: Annotated[float, typer.Option("--budget", help="Seconds for the whole bisect.")] = 1800,
    format: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
) -> None:
    """Find the first bad commit with git bisect run, in a temporary worktree."""
    from devops_agent.bisect import run_bisect

    raise typer.Exit(run_bisect(repo=repo, log=log, command=command, good=good, bad=bad,
                                probe_timeout=probe_timeout, budget=budget, fmt=format.value))


@app.command()
def fix(
    log: Annotated[str, typer.Argument(help="The failing log (text, .gz or a CI .zip archive), or '-' for stdin.")],
    repo: RepoOpt = None,
    apply: Annotated[
        bool, typer.Option("--apply", help="Commit the validated fix on a new branch and check it out.")
    ] = False,
    format: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
    no_rules: Annotated[bool, typer.Option("--no-rules", help="Do not use the built-in rule fixers.")] = False,
    approve: Annotated[
        bool, typer.Option("--approve", help="Allow edits of [policy] protected paths and require_approval categories.")
    ] = False,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Seconds per validation command (default: [validate] timeout_s, 300).")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="litellm model for fixes no rule covers (default: DEVOPS_AGENT_MODEL, [llm] model).")
    ] = None,
) -> None:
    """Propose a fix for the failure in LOG, validate it in a scratch worktree, and (--apply) commit it."""
    from devops_agent.commands.fix import run_fix

    raise typer.Exit(run_fix(log=log, repo=repo, apply=apply, fmt=format.value, approve=approve,
                             timeout=timeout, no_rules=no_rules, model=model))


@app.command()
def undo(
    repo: RepoOpt = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
) -> None:
    """Undo the last `fix --apply`: back to the previous branch, fix branch deleted."""
    from devops_agent.commands.fix import run_undo

    raise typer.Exit(run_undo(repo=repo, fmt=format.value))


@app.command()
def history(
    n: Annotated[int, typer.Option("-n", "--limit", help="How many runs to list.", min=1)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    similar: Annotated[int | None, typer.Option("--similar", help="Show past incidents similar to this run's findings.")] = None,
) -> None:
    """List recorded runs (newest first), or the incidents similar to one run."""
    from devops_agent.commands.history import run_history

    raise typer.Exit(run_history(limit=n, as_json=as_json, similar=similar))


audit_app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False) -> None:
    """Recompute the audit log's hash chain; exit 1 when a row was edited or removed."""
    from devops_agent.commands.history import run_audit_verify

    raise typer.Exit(run_audit_verify(as_json))


@app.command()
def learn(as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False) -> None:
    """Fit the pre-push risk model from recorded pushes and later CI results (scikit-learn)."""
    from devops_agent.hook.learn import run_learn

    raise typer.Exit(run_learn(as_json=as_json))


kb_app = typer.Typer(help="Share the knowledge base of past incidents (JSON lines).", no_args_is_help=True)
app.add_typer(kb_app, name="kb")


@kb_app.command("export")
def kb_export(
    dest: Annotated[str, typer.Argument(help="File to write, or '-' for stdout.")] = "-",
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many incidents (oldest first).")] = None,
) -> None:
    """Export recorded incidents, their root causes and resolutions."""
    from devops_agent.commands.kb import run_export

    raise typer.Exit(run_export(dest, limit))


@kb_app.command("import")
def kb_import(source: Annotated[str, typer.Argument(help="A file written by kb export, or '-' for stdin.")]) -> None:
    """Import incidents exported by a teammate (already-known ones are skipped)."""
    from devops_agent.commands.kb import run_import

    raise typer.Exit(run_import(source))


@app.command()
def config(
    repo: RepoOpt = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
) -> None:
    """Show every setting, its value and where it came from."""
    from devops_agent.commands.config_cmd import run_config

    raise typer.Exit(run_config(repo, format.value))


class CredentialKind(StrEnum):
    github = "github"
    gitlab = "gitlab"
    llm = "llm"


@app.command()
def login(
    kind: Annotated[CredentialKind, typer.Argument(help="Which token: github, gitlab or llm.")],
    with_token: Annotated[bool, typer.Option("--with-token", help="Read the token from stdin instead of prompting.")] = False,
) -> None:
    """Store a token in the OS keyring (never in a plain file)."""
    from devops_agent.commands.login import run_login

    raise typer.Exit(run_login(kind.value, with_token))


def _crash_report(exc: BaseException) -> Path | None:
    import tempfile
    import time
    import traceback

    text = "".join(traceback.format_exception(exc))
    try:
        from devops_agent.paths import home_dir

        base = home_dir() / "crashes"
    except Exception:  # the home dir itself may be what failed
        base = Path(tempfile.gettempdir())
    try:
        base.mkdir(parents=True, exist_ok=True)
        path = base / f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
        path.write_text(text, encoding="utf-8")
        return path
    except OSError:
        return None


def _error_line(message: str, hint: str | None) -> None:
    line = f"devops-agent: error: {message}"
    if hint:
        line += f" — {hint}"
    sys.stderr.write(line + "\n")


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and translate every outcome to a contract exit code."""
    click_exception: Any = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
    debug = os.environ.get("DEVOPS_AGENT_DEBUG", "") not in ("", "0", "false")
    try:
        rv = app(args=argv, prog_name="devops-agent", standalone_mode=False)
        code = int(rv) if isinstance(rv, int) else 0
    except DevopsAgentError as exc:
        if debug:
            raise
        _error_line(exc.message, exc.hint)
        code = int(exc.exit_code)
    except click_exception as exc:  # bad flags, missing arguments
        exc.show()
        code = ExitCode.USAGE if exc.exit_code not in (0, 1) else exc.exit_code
    except typer.Abort:
        sys.stderr.write("devops-agent: aborted\n")
        code = ExitCode.NOT_DELIVERED
    except KeyboardInterrupt:
        sys.stderr.write("devops-agent: interrupted\n")
        code = 130
    except BrokenPipeError:
        code = 0
    except Exception as exc:  # a bug: say where the traceback went
        if debug:
            raise
        where = _crash_report(exc)
        _error_line(
            f"internal error: {type(exc).__name__}: {exc}",
            f"traceback written to {where}" if where else "set DEVOPS_AGENT_DEBUG=1 to see the traceback",
        )
        code = ExitCode.INTERNAL
    sys.exit(code)
