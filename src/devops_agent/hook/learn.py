"""`devops-agent learn`: fit the push-risk model from recorded pushes and what CI said afterwards.

Labels come from the history: a recorded push is *bad* when a later failed diagnosis in the same
repository names a culprit commit inside the pushed range, or was run on the pushed head commit;
*good* when a later run on that head passed. Pushes with no later evidence are left out. The model
is scikit-learn's LogisticRegression (imported here only); its coefficients are written as JSON and
scored at hook time in pure Python (``hook.risk.score``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devops_agent.errors import NotDelivered
from devops_agent.hook.risk import FEATURES, model_path

MIN_EXAMPLES = 8


@dataclass(frozen=True)
class Example:
    features: dict[str, float]
    bad: bool


def _commits_in(root: str, rng: str) -> set[str]:
    from devops_agent import gitcli

    if not Path(root).is_dir():
        return set()
    out = gitcli.text(root, "rev-list", rng.replace(",", " "), check=False)
    return set(out.split())


def label(store: Any) -> list[Example]:
    """Recorded pushes paired with what CI later said about them."""
    examples: list[Example] = []
    for push in store.pushes():
        later = store.conn.execute(
            "SELECT r.status, r.commit_sha, f.culprit FROM runs r LEFT JOIN findings f ON f.run_id = r.id AND f.rank = 0"
            " WHERE r.repo = ? AND r.started > ? AND r.command LIKE 'diagnose %'", (push["repo"], push["at"])).fetchall()
        if not later:
            continue
        commits = _commits_in(push["repo"], push["range"]) | {push["head"]}
        bad = good = False
        for run in later:
            culprit = json.loads(run["culprit"]).get("commit") if run["culprit"] else None
            if run["status"] == "failed" and (culprit in commits or run["commit_sha"] == push["head"]):
                bad = True
            elif run["status"] == "passed" and run["commit_sha"] == push["head"]:
                good = True
        if bad or good:
            examples.append(Example(json.loads(push["features"]), bad))
    return examples


def fit(examples: list[Example]) -> dict[str, Any]:
    if len(examples) < MIN_EXAMPLES or len({e.bad for e in examples}) < 2:
        raise NotDelivered(
            f"not enough labelled pushes to learn from ({len(examples)}; need {MIN_EXAMPLES} with both outcomes)",
            "keep the pre-push hook installed and diagnose CI results; the built-in prior is used meanwhile",
        )
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    x = [[e.features.get(k, 0.0) for k in FEATURES] for e in examples]
    y = [int(e.bad) for e in examples]
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    model.fit(x, y)
    return {
        "intercept": float(model.intercept_[0]),
        "coef": {k: float(c) for k, c in zip(FEATURES, model.coef_[0], strict=True)},
        "source": "trained",
        "examples": len(examples),
        "bad": sum(y),
    }


def run_learn(*, as_json: bool) -> int:
    import sys

    from devops_agent.paths import home_dir
    from devops_agent.store import Store

    with Store.open() as store:
        examples = label(store)
        model = fit(examples)
        store.audit("hook.model.trained", examples=model["examples"], bad=model["bad"])
    path = model_path(home_dir())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(model, indent=2), encoding="utf-8")
    tmp.replace(path)  # atomic: a hook running now reads the old or the new model, never half
    if as_json:
        sys.stdout.write(json.dumps({"path": str(path), **model}, indent=2) + "\n")
    else:
        sys.stdout.write(f"trained on {model['examples']} pushes ({model['bad']} broke CI); model written to {path}\n")
    return 0
