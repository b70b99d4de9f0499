"""`devops-agent hook check|install|uninstall`: predict CI failures before a push."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from devops_agent.commands.diagnose import require_repo


def run_check(*, repo: Path | None, range_spec: str | None, pre_push: bool, fmt: str,
              budget_s: float | None, no_tools: bool) -> int:
    from devops_agent.hook import context, predictors, risk
    from devops_agent.paths import home_dir

    started = time.perf_counter()
    root = require_repo(repo)
    settings = _hook_settings(root)
    budget = budget_s if budget_s is not None else settings["budget_s"]
    stdin_text = sys.stdin.read() if pre_push else None
    ranges = context.resolve(root, range_spec, stdin_text)
    preds: list[predictors.Prediction] = []
    skipped: dict[str, str] = {}
    n_files = n_lines = 0
    shown = []
    for base, head in ranges:
        ctx = context.load(root, base, head)
        shown.append(ctx.range)
        n_files += len(ctx.changes)
        n_lines += _changed_lines(root, base, head)
        preds += predictors.run_static(ctx)
        if not no_tools:
            from devops_agent.hook.tools import run_checks

            report = run_checks(ctx, budget_s=budget)
            preds += report.predictions
            skipped.update(report.skipped)
    preds = _dedupe(preds)
    rate, seen = _history(root, [p for p in preds], ctx_paths=None)
    model = risk.load_model(home_dir())
    feats = risk.features(preds, n_files, n_lines, rate, seen)
    value = risk.score(feats, model)
    verdict = risk.decide(preds, value, warn=settings["warn"], block=settings["block"], model=model.get("source", "trained"))
    doc = {
        "schema": "devops-agent/prepush@1",
        "range": ",".join(shown),
        "risk": round(value, 2),
        "verdict": verdict.verdict,
        "findings": [p.to_json() for p in sorted(preds, key=lambda p: -p.confidence)],
        "elapsed_ms": int((time.perf_counter() - started) * 1000),
    }
    if skipped:
        doc["skipped"] = skipped
    doc["model"] = verdict.model
    _record_push(root, doc, ranges[-1][1] if ranges else "", feats)
    if fmt == "json":
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        _print_text(doc, verdict.reason)
    return 1 if verdict.verdict == "block" else 0


def _hook_settings(root: Path) -> dict[str, float]:
    defaults = {"warn": 0.5, "block": 0.9, "budget_s": 5.0}
    try:
        from devops_agent.config import load_settings
    except ImportError:
        return defaults
    hook = getattr(load_settings(root, {}), "hook", None)
    if hook is None:
        return defaults
    return {k: float(getattr(hook, k, v)) for k, v in defaults.items()}


def _changed_lines(root: Path, base: str | None, head: str) -> int:
    from devops_agent import gitcli

    out = gitcli.text(root, "diff", "--numstat", base or gitcli.EMPTY_TREE, head, check=False)
    total = 0
    for line in out.splitlines():
        a, _, rest = line.partition("\t")
        b = rest.partition("\t")[0]
        total += (int(a) if a.isdigit() else 0) + (int(b) if b.isdigit() else 0)
    return total


def _dedupe(preds):  # type: ignore[no-untyped-def]
    seen = set()
    out = []
    for p in preds:
        key = (p.rule, p.file, p.line, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _history(root: Path, preds, ctx_paths) -> tuple[float, bool]:  # type: ignore[no-untyped-def]
    """How often recent diagnoses in this repository implicated the predicted rules."""
    try:
        from devops_agent.store import Store
    except ImportError:
        return 0.0, False
    try:
        with Store.open() as store:
            stats = getattr(store, "rule_history", None)
            if stats is None:
                return 0.0, False
            return stats(str(root), [p.rule for p in preds])
    except Exception:  # the history is advisory here: never let it break a push
        return 0.0, False


def _record_push(root: Path, doc: dict, head: str, feats: dict[str, float]) -> None:  # type: ignore[type-arg]
    """Remember the push for `devops-agent learn`; the history must never break a push."""
    try:
        from devops_agent.store import Store

        with Store.open() as store:
            store.record_push(repo=str(root), range=doc["range"], head=head, risk=doc["risk"],
                              verdict=doc["verdict"], features=feats)
    except Exception as exc:  # noqa: BLE001 - advisory
        sys.stderr.write(f"devops-agent: warning: push not recorded in the history ({exc})\n")


def _print_text(doc: dict, reason: str) -> None:  # type: ignore[type-arg]
    verdict = doc["verdict"]
    out = sys.stdout
    out.write(f"devops-agent pre-push: {verdict.upper()} (risk {doc['risk']:.2f}) {doc['range']}\n")
    for f in doc["findings"]:
        where = f.get("file", "")
        if where and f.get("line"):
            where += f":{f['line']}"
        out.write(f"  {f['rule']} [{f['category']}] {where} {f['message']}\n")
    for check, why in doc.get("skipped", {}).items():
        out.write(f"  (skipped {check}: {why})\n")
    if verdict == "block":
        out.write(f"Push refused: {reason}\nFix it, or push anyway with: git push --no-verify\n")


def run_install(repo: Path | None, force: bool) -> int:
    from devops_agent.hook.install import install

    sys.stdout.write(install(require_repo(repo), force=force) + "\n")
    return 0


def run_uninstall(repo: Path | None) -> int:
    from devops_agent.hook.install import uninstall

    sys.stdout.write(uninstall(require_repo(repo)) + "\n")
    return 0
