"""Turn a :class:`~devops_agent.models.Diagnosis` into one of the contract's output formats.

``text`` is for people at a terminal (rich; plain when piped), ``json`` for scripts (the contract's
schema), ``markdown`` for a PR comment or a job summary, ``sarif`` (2.1.0) for code-scanning UIs and
``github`` for workflow commands that annotate the pull request.
"""

from __future__ import annotations

import json
from typing import Any

from devops_agent import __version__
from devops_agent.models import Diagnosis, Finding

FORMATS = ("text", "json", "markdown", "sarif", "github")
LOW_CONFIDENCE = 0.5
INFO_URI = "https://github.com/devops-agent/devops-agent"
RULE_DOCS = INFO_URI + "/blob/main/docs/rules/{code}.md"


def render(diag: Diagnosis, fmt: str, *, color: bool | None = None, width: int | None = None) -> str:
    if fmt == "json":
        return json.dumps(diag.to_json(), indent=2, ensure_ascii=False)
    if fmt == "text":
        return render_text(diag, color=color, width=width)
    if fmt == "markdown":
        return render_markdown(diag)
    if fmt == "sarif":
        return json.dumps(to_sarif(diag), indent=2, ensure_ascii=False)
    if fmt == "github":
        return render_github(diag)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _where(f: Finding) -> str | None:
    if not f.file:
        return None
    return f"{f.file}:{f.line}" if f.line else f.file


def _headline(diag: Diagnosis) -> str:
    src = diag.source
    head = f"{src.name} ({src.dialect}, {src.lines} lines)"
    if diag.status == "passed":
        return f"{head}: the run passed; nothing to diagnose."
    if not diag.findings:
        return f"{head}: no failure found (status {diag.status})."
    n = len(diag.findings)
    return f"{head}: {diag.status}; {n} finding{'s' if n != 1 else ''}, most likely cause first."


# -- text -----------------------------------------------------------------------------------------
def render_text(diag: Diagnosis, *, color: bool | None = None, width: int | None = None) -> str:
    import io

    from rich.console import Console
    from rich.markup import escape

    buf = io.StringIO()
    console = Console(
        file=buf,
        force_terminal=bool(color),
        no_color=not color,
        width=width or 100,
        highlight=False,
        soft_wrap=True,
    )
    console.print(f"[bold]{escape(_headline(diag))}[/bold]")
    if diag.parts:
        console.print(f"failing parts: {escape(', '.join(diag.parts))}")
    for i, f in enumerate(diag.findings):
        console.print()
        _text_finding(console, f, i, escape)
    if diag.redactions:
        console.print(f"\n[dim]{diag.redactions} secret(s) redacted from the output.[/dim]")
    if diag.run_id is not None:
        console.print(f"[dim]recorded as run {diag.run_id} ({diag.elapsed_ms} ms)[/dim]")
    return buf.getvalue()


_SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def _text_finding(console, f: Finding, rank: int, escape) -> None:  # type: ignore[no-untyped-def]
    style = _SEVERITY_STYLE.get(f.severity, "")
    console.print(
        f"[{style}]{rank + 1}. {f.rule}[/{style}] [bold]{escape(f.title)}[/bold]  "
        f"[dim]{f.category}, {f.severity}, confidence {f.confidence:.2f}[/dim]"
    )
    if f.confidence < LOW_CONFIDENCE:
        console.print("   [yellow]low confidence: treat this as a lead, not a verdict[/yellow]")
    if f.step:
        step = f"   step: {escape(f.step)}"
        if f.command and f.command != f.step:
            step += f"  [dim]$ {escape(f.command)}[/dim]"
        console.print(step)
    where = _where(f)
    if where:
        console.print(f"   at: [bold]{escape(where)}[/bold]")
    cited = {e.line for e in f.evidence}
    shown = list(f.context) if rank == 0 and f.context else []
    shown_lines = {e.line for e in shown}
    shown += [e for e in f.evidence if e.line not in shown_lines]
    shown.sort(key=lambda e: e.line)
    last = None
    for e in shown[: 14 if rank == 0 else 3]:
        if last is not None and e.line > last + 1:
            console.print("   [dim]     ⋮[/dim]")
        mark = "[bold red]>[/bold red]" if e.line in cited else " "
        text = escape(e.text.rstrip()[:300])
        line_style = "" if e.line in cited else "dim"
        body = f"[{line_style}]{text}[/{line_style}]" if line_style else text
        console.print(f" {mark} [dim]{e.line:>6}[/dim] {body}")
        last = e.line
    if f.root_cause and rank == 0:
        console.print(f"   cause: {escape(f.root_cause)}")
    if f.explanation:
        console.print(f"   explanation (model): {escape(f.explanation)}")
    if f.culprit:
        c = f.culprit
        console.print(f"   culprit: {c.commit[:10]} {escape(c.subject)} ({escape(c.author)}, confidence {c.confidence:.2f})")
        if c.reason:
            console.print(f"            [dim]{escape(c.reason)}[/dim]")
    if f.flaky:
        console.print(f"   [yellow]looks flaky: {escape(f.flaky)} — re-run before changing code[/yellow]")
    for s in f.similar[:3]:
        res = f" — resolved: {escape(s.resolution)}" if s.resolution else ""
        console.print(f"   [dim]seen before: incident {s.incident} at {s.seen}{res}[/dim]")
    if f.suggestion:
        fix = " (devops-agent fix can do this)" if f.fixable else ""
        console.print(f"   [green]fix:[/green] {escape(f.suggestion)}{fix}")


# -- markdown -------------------------------------------------------------------------------------
def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _fence(lines: list[str]) -> str:
    body = "\n".join(lines)
    ticks = "```"
    while ticks in body:
        ticks += "`"
    return f"{ticks}text\n{body}\n{ticks}"


def render_markdown(diag: Diagnosis) -> str:
    out = [f"### devops-agent: {_md_cell(_headline(diag))}", ""]
    if not diag.findings:
        return "\n".join(out) + "\n"
    top = diag.findings[0]
    out += [f"**{top.rule} · {_md_cell(top.title)}**", ""]
    rows = [("Category", top.category), ("Severity", top.severity), ("Confidence", f"{top.confidence:.2f}")]
    if top.step:
        rows.append(("Step", top.step))
    if top.command:
        rows.append(("Command", f"`{top.command}`"))
    where = _where(top)
    if where:
        rows.append(("Location", f"`{where}`"))
    if top.culprit:
        rows.append(("Culprit", f"`{top.culprit.commit[:10]}` {top.culprit.subject} ({top.culprit.author})"))
    out += ["| | |", "| --- | --- |", *[f"| {k} | {_md_cell(v)} |" for k, v in rows], ""]
    if top.confidence < LOW_CONFIDENCE:
        out += ["> Low confidence: treat this as a lead, not a verdict.", ""]
    out += [_fence([f"{e.line:>6}  {e.text}" for e in top.evidence]), ""]
    if top.root_cause:
        out += [f"**Cause:** {top.root_cause}", ""]
    if top.suggestion:
        out += [f"**Fix:** {top.suggestion}", ""]
    if top.flaky:
        out += [f"**Looks flaky:** {top.flaky}", ""]
    for s in top.similar[:3]:
        res = f", resolved: {s.resolution}" if s.resolution else ""
        out.append(f"- Seen before: incident {s.incident} ({s.seen}{res})")
    if top.similar:
        out.append("")
    if len(diag.findings) > 1:
        out += ["<details><summary>Other findings</summary>", ""]
        for f in diag.findings[1:]:
            loc = f" at `{_where(f)}`" if _where(f) else ""
            out.append(f"- **{f.rule}** {_md_cell(f.title)}{loc} (line {f.evidence[0].line if f.evidence else '?'})")
        out += ["", "</details>", ""]
    if diag.redactions:
        out += [f"_{diag.redactions} secret(s) redacted._", ""]
    return "\n".join(out)


# -- SARIF 2.1.0 ----------------------------------------------------------------------------------
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
_SECURITY_SEVERITY = {"critical": "9.0", "high": "7.0", "medium": "5.0", "low": "3.0"}


def to_sarif(diag: Diagnosis) -> dict[str, Any]:
    from devops_agent.signatures import get_rule

    rule_index: dict[str, int] = {}
    rules: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for f in diag.findings:
        if f.rule not in rule_index:
            rule_index[f.rule] = len(rules)
            rules.append(_sarif_rule(f, get_rule(f.rule)))
        results.append(_sarif_result(diag, f, rule_index[f.rule]))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "devops-agent",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFO_URI,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root."}}},
        "artifacts": [
            {
                "location": {"uri": diag.source.name},
                "length": diag.source.bytes,
                "hashes": {"sha-256": diag.source.sha256},
                "description": {"text": f"CI log ({diag.source.dialect})"},
            }
        ],
        "results": results,
        "properties": {"status": diag.status, "redactions": diag.redactions},
    }
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }


def _sarif_rule(f: Finding, rule) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    out: dict[str, Any] = {"id": f.rule}
    if rule is not None:
        out["name"] = "".join(p.capitalize() for p in rule.name.split("-"))
        out["shortDescription"] = {"text": rule.name.replace("-", " ")}
        out["help"] = {"text": rule.doc, "markdown": rule.doc}
        out["helpUri"] = RULE_DOCS.format(code=rule.code)
        out["defaultConfiguration"] = {"level": _LEVEL.get(rule.severity, "warning")}
        props: dict[str, Any] = {"category": rule.category, "tags": list(dict.fromkeys([rule.category, rule.ecosystem]))}
        if rule.category == "security":
            props["security-severity"] = _SECURITY_SEVERITY.get(rule.severity, "5.0")
        out["properties"] = props
    else:  # engine-made findings (the failing-step fallback)
        out["shortDescription"] = {"text": f.title}
    return out


def _sarif_result(diag: Diagnosis, f: Finding, index: int) -> dict[str, Any]:
    text = f.title
    if f.root_cause and f.root_cause != f.title:
        text += f"\n{f.root_cause}"
    if f.suggestion:
        text += f"\nFix: {f.suggestion}"
    log_locations: list[dict[str, Any]] = [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": diag.source.name, "index": 0},
                "region": {"startLine": e.line, "snippet": {"text": e.text}},
            },
            "message": {"text": "log evidence"},
        }
        for e in f.evidence
    ]
    if f.file:
        region = {"startLine": f.line} if f.line else None
        physical: dict[str, Any] = {"artifactLocation": {"uri": f.file, "uriBaseId": "%SRCROOT%"}}
        if region:
            physical["region"] = region
        locations = [{"physicalLocation": physical}]
        related = log_locations
    else:
        locations = log_locations[:1]
        related = log_locations[1:]
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": _LEVEL.get(f.severity, "warning"),
        "message": {"text": text},
        "locations": locations,
        "properties": {"category": f.category, "confidence": round(f.confidence, 2)},
    }
    for i, loc in enumerate(related, start=1):
        loc["id"] = i
    if related:
        result["relatedLocations"] = related
    if f.fingerprint:
        result["partialFingerprints"] = {"devopsAgentFingerprint/v1": f.fingerprint}
    if f.step:
        result["properties"]["step"] = f.step
    if f.culprit:
        result["properties"]["culprit"] = f.culprit.commit
    return result


# -- GitHub workflow commands ---------------------------------------------------------------------
def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diag: Diagnosis) -> str:
    """``::error file=…,line=…,title=…::message`` lines; the top finding is an error, the rest warnings."""
    lines: list[str] = []
    for i, f in enumerate(diag.findings):
        kind = "error" if i == 0 else "warning"
        props = []
        if f.file:
            props.append(f"file={_gh_prop(f.file)}")
            if f.line:
                props.append(f"line={f.line}")
        props.append(f"title={_gh_prop(f'{f.rule} {f.title}'[:200])}")
        body = [f.root_cause or f.title]
        body += [f"  {e.line}: {e.text}" for e in f.evidence[:3]]
        if f.suggestion:
            body.append(f"Fix: {f.suggestion}")
        lines.append(f"::{kind} {','.join(props)}::{_gh_data(chr(10).join(body))}")
    if not diag.findings:
        lines.append(f"::notice title=devops-agent::{_gh_data(_headline(diag))}")
    return "\n".join(lines)
