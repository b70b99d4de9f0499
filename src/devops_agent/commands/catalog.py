"""`devops-agent rules` and `devops-agent rule CODE`: the catalogue, from the rules' metadata."""

from __future__ import annotations

import json
import sys

from devops_agent.errors import UsageError
from devops_agent.signatures import all_rules, get_rule
from devops_agent.signatures.base import Rule


def rule_summary(rule: Rule) -> dict[str, object]:
    return {
        "code": rule.code,
        "name": rule.name,
        "category": rule.category,
        "severity": rule.severity,
        "ecosystem": rule.ecosystem,
        "fix": rule.fix,
        "symptom": rule.symptom,
        "title": rule.title,
    }


# Findings the engine makes when no signature matched: not rules (no pattern), but codes users meet.
ENGINE_FINDINGS = {
    "GEN-STEP-001": ("failing-step-fallback", """## What it means
The failing step's output matched no signature. devops-agent cites the step's most telling line
among its last 40 (the one with the most words a tool uses when it gives up: error, failed,
refusing, missing, denied...; shell traces, log-level chatter and environment dumps count
against a line) with the lines nearest to it, and takes the category from the step's command.

## Why it fails
The tool that failed prints its error in a form no rule knows yet, or the step is a script that
failed on its own terms (a check that printed a sentence and exited 1).

## Example
```
PR #190825 sits on top of >=10 ghstack entries; refusing to run CI.
##[error]Process completed with exit code 1.
```

## Fix
Read the cited line and the step's output around it; re-run the step's command locally.
"""),
    "GEN-TAIL-001": ("no-step-tail-fallback", """## What it means
The log marks no failing step (an excerpt, a log cut short, a CI whose verdict line is missing),
no signature matched, and a line near its end plainly reports a failure: it is cited at low
confidence and the status stays `unknown`.

## Why it fails
Only the log can tell: the cited line is the best lead, not a verdict.

## Example
```
DistillGPT2                         FAIL:               graph_breaks=4, expected=2
```

## Fix
Diagnose the whole log (its failing step and exit line make the answer firmer), or read the
cited line and the output around it.
"""),
}


def engine_page(code: str) -> str:
    name, doc = ENGINE_FINDINGS[code]
    return (f"# {code}: {name}\n\n- Category: from the failing command (`unknown` when it says nothing)\n"
            "- Severity: `medium`\n- Ecosystem: `generic`\n- Fix: No automatic fix.\n"
            "- Engine finding: made when no signature matched; no pattern of its own.\n\n" + doc)


def print_rules(fmt: str) -> None:
    rules = sorted(all_rules(), key=lambda r: r.code)
    if fmt == "json":
        sys.stdout.write(json.dumps([rule_summary(r) for r in rules], indent=2) + "\n")
        return
    if fmt not in ("text", "markdown"):
        raise UsageError(f"--format {fmt} is not supported by `rules`", "use text or json")
    width = max(len(r.code) for r in rules)
    for r in rules:
        fix = {"safe": "fix", "unsafe": "fix*", "display-only": "hint"}.get(r.fix, "")
        sys.stdout.write(f"{r.code:<{width}}  {r.category:<14} {fix:<5} {r.name}\n")
    for code, (name, _) in ENGINE_FINDINGS.items():
        sys.stdout.write(f"{code:<{width}}  {'(engine)':<14} {'':<5} {name}\n")
    sys.stdout.write(f"\n{len(rules)} rules and {len(ENGINE_FINDINGS)} engine findings. "
                     "`devops-agent rule CODE` shows one page.\n")


def rule_page(rule: Rule) -> str:
    fix = {
        "safe": "A built-in fixer applies a safe fix.",
        "unsafe": "A built-in fixer proposes an unsafe fix (validated before it is applied).",
        "display-only": "A fix is suggested but never applied automatically.",
        "none": "No automatic fix.",
    }[rule.fix]
    head = (
        f"# {rule.code}: {rule.name}\n\n"
        f"- Category: `{rule.category}`\n- Severity: `{rule.severity}`\n"
        f"- Ecosystem: `{rule.ecosystem}`\n- Fix: {fix}\n"
    )
    if rule.symptom:
        head += "- Symptom: folded into the root cause's evidence, never reported on its own.\n"
    return head + "\n" + rule.doc.strip() + "\n"


def print_rule(code: str) -> None:
    rule = get_rule(code)
    if rule is None and code.upper() in ENGINE_FINDINGS:
        sys.stdout.write(engine_page(code.upper()))
        return
    if rule is None:
        raise UsageError(f"no rule {code!r}", "`devops-agent rules` lists every code")
    sys.stdout.write(rule_page(rule))


def render_rule_docs() -> dict[str, str]:
    """The generated docs/rules/ pages: one per rule plus an index (name -> content)."""
    rules = sorted(all_rules(), key=lambda r: r.code)
    pages = {f"{r.code}.md": rule_page(r) for r in rules}
    pages.update({f"{code}.md": engine_page(code) for code in ENGINE_FINDINGS})
    lines = ["# Signature catalogue", "", "Generated from the rules' metadata by "
             "`python -m devops_agent.commands.catalog docs/rules`; do not edit by hand.", "",
             "| Code | Name | Category | Severity | Fix |", "| --- | --- | --- | --- | --- |"]
    for r in rules:
        lines.append(f"| [{r.code}]({r.code}.md) | {r.name} | {r.category} | {r.severity} | {r.fix} |")
    lines += ["", "Engine findings, made when no signature matched:", "",
              "| Code | Name |", "| --- | --- |"]
    lines += [f"| [{code}]({code}.md) | {name} |" for code, (name, _) in ENGINE_FINDINGS.items()]
    pages["README.md"] = "\n".join(lines) + "\n"
    return pages


def write_rule_docs(directory: str) -> int:
    from pathlib import Path

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    pages = render_rule_docs()
    for stale in out.glob("*.md"):
        if stale.name not in pages:
            stale.unlink()
    for name, text in pages.items():
        (out / name).write_text(text, encoding="utf-8")
    return len(pages)


if __name__ == "__main__":
    n = write_rule_docs(sys.argv[1] if len(sys.argv) > 1 else "docs/rules")
    sys.stdout.write(f"wrote {n} pages\n")
