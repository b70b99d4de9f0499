"""Push risk: the predictors' evidence plus the developer's own history, as one probability.

A logistic model over a few features. ``devops-agent learn`` fits the coefficients with
scikit-learn from recorded pushes and their CI outcomes and stores them as JSON; the hook scores
with those numbers in pure Python, so it never imports scikit-learn. Until a model has been
trained, hand-set prior coefficients are used (documented below).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from devops_agent.hook.predictors import Prediction

FEATURES = (
    "max_blocking_confidence",  # strongest prediction that may block
    "n_predictions",  # log1p of the number of predictions
    "n_files",  # log1p of changed files
    "n_lines",  # log1p of changed lines
    "path_failure_rate",  # share of recent diagnoses that implicated the touched files
    "rule_seen_before",  # a predicted rule has failed this repository before
)

# Prior: a certain prediction (confidence 1) alone gives ~0.95; a clean small change ~0.05;
# big changes and paths that failed before add a little.
PRIOR = {
    "intercept": -3.0,
    "coef": {
        "max_blocking_confidence": 6.0,
        "n_predictions": 0.4,
        "n_files": 0.15,
        "n_lines": 0.1,
        "path_failure_rate": 1.5,
        "rule_seen_before": 0.5,
    },
    "source": "prior",
}

INFRA_CATEGORIES = {"infrastructure", "timeout", "resource"}


@dataclass(frozen=True)
class Verdict:
    risk: float
    verdict: str  # pass | warn | block
    reason: str
    model: str


def features(predictions: list[Prediction], n_files: int, n_lines: int,
             path_failure_rate: float = 0.0, rule_seen_before: bool = False) -> dict[str, float]:
    blocking = [p.confidence for p in predictions if p.blocking and p.category not in INFRA_CATEGORIES]
    return {
        "max_blocking_confidence": max(blocking, default=0.0),
        "n_predictions": math.log1p(len(predictions)),
        "n_files": math.log1p(n_files),
        "n_lines": math.log1p(n_lines),
        "path_failure_rate": path_failure_rate,
        "rule_seen_before": 1.0 if rule_seen_before else 0.0,
    }


def model_path(home: Path) -> Path:
    return home / "hook-model.json"


def load_model(home: Path) -> dict:  # type: ignore[type-arg]
    path = model_path(home)
    try:
        model = json.loads(path.read_text(encoding="utf-8"))
        if set(model.get("coef", {})) == set(FEATURES):
            return model
    except (OSError, ValueError):
        pass
    return PRIOR


def score(feats: dict[str, float], model: dict) -> float:  # type: ignore[type-arg]
    z = float(model["intercept"]) + sum(float(model["coef"][k]) * feats.get(k, 0.0) for k in FEATURES)
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def decide(predictions: list[Prediction], risk: float, *, warn: float, block: float, model: str) -> Verdict:
    """``block`` needs a high-confidence prediction that may block (never an infrastructure
    guess) *and* a high risk; any prediction or a risk over ``warn`` warns."""
    strong = [p for p in predictions if p.blocking and p.category not in INFRA_CATEGORIES and p.confidence >= block]
    if strong and risk >= block:
        top = max(strong, key=lambda p: p.confidence)
        return Verdict(risk, "block", f"{top.rule}: {top.message}", model)
    if predictions or risk >= warn:
        why = predictions[0].message if predictions else f"risk {risk:.2f} from history and change size"
        return Verdict(risk, "warn", why, model)
    return Verdict(risk, "pass", "no predicted failure", model)
