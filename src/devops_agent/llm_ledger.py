"""What model calls cost and what was sent: the spend ledger and the response cache.

Every call (and every cache hit) is recorded with the model, tokens, cost, latency and the
redacted prompt. The ledger is the history store's ``llm_calls`` table when the store offers it;
otherwise an append-only JSON-lines file in the home directory. The cache is one JSON file per
request, keyed by sha256 of the model, the redacted messages and the answer budget.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from devops_agent.llm import LLMResult, Message
from devops_agent.paths import home_dir


@dataclass(frozen=True)
class CallRecord:
    model: str
    purpose: str
    messages: list[Message]  # redacted, exactly as sent
    response: str
    tokens_in: int
    tokens_out: int
    cost_usd: float
    latency_ms: int
    cached: bool
    at: str  # ISO-8601 UTC
    run_id: int | None = None
    error: str | None = None


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_start_iso() -> str:
    """Midnight UTC today: the per-day budget window."""
    return datetime.now(UTC).strftime("%Y-%m-%dT00:00:00Z")


class Ledger:
    """Records calls and sums the spend since a moment (``(usd, tokens)``)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or home_dir() / "llm" / "calls.jsonl"

    def record(self, call: CallRecord) -> None:
        if _store_record(call):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(call), ensure_ascii=False)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    def spent_since(self, since_iso: str) -> tuple[float, int]:
        from_store = _store_spent(since_iso)
        if from_store is not None:
            return from_store
        usd, tokens = 0.0, 0
        for row in self.calls():
            if row.get("at", "") >= since_iso and not row.get("cached"):
                usd += float(row.get("cost_usd") or 0.0)
                tokens += int(row.get("tokens_in") or 0) + int(row.get("tokens_out") or 0)
        return usd, tokens

    def calls(self) -> list[dict[str, Any]]:
        """Every recorded call, oldest first (from the store when it keeps them)."""
        rows = _store_calls()
        if rows is not None:
            return rows
        if not self.path.is_file():
            return []
        out = []
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:  # a torn last line after a crash
                    continue
        return out


def _store() -> Any:
    try:
        from devops_agent.store import Store
    except ImportError:
        return None
    return Store if hasattr(Store, "record_llm_call") else None


def _store_record(call: CallRecord) -> bool:
    store_cls = _store()
    if store_cls is None:
        return False
    with store_cls.open() as store:
        store.record_llm_call(**_store_fields(call))
    return True


def _store_fields(call: CallRecord) -> dict[str, Any]:
    data = asdict(call)
    data["prompt"] = json.dumps(data.pop("messages"), ensure_ascii=False)
    data.pop("at")
    return data


def _store_spent(since_iso: str) -> tuple[float, int] | None:
    store_cls = _store()
    if store_cls is None or not hasattr(store_cls, "llm_spend_since"):
        return None
    with store_cls.open() as store:
        usd, tokens = store.llm_spend_since(since_iso)
    return float(usd), int(tokens)


def _store_calls() -> list[dict[str, Any]] | None:
    store_cls = _store()
    if store_cls is None or not hasattr(store_cls, "llm_calls"):
        return None
    with store_cls.open() as store:
        return [dict(r) for r in store.llm_calls()]


class ResponseCache:
    """Identical requests (model, redacted messages, answer budget) answered locally."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or home_dir() / "cache" / "llm"

    @staticmethod
    def key(model: str, messages: list[Message], max_tokens: int) -> str:
        blob = json.dumps({"model": model, "messages": messages, "max_tokens": max_tokens},
                          sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> LLMResult | None:
        path = self._path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return LLMResult(data["text"], int(data["tokens_in"]), int(data["tokens_out"]), 0.0, 0,
                         True, data.get("model", ""))

    def put(self, key: str, result: LLMResult) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(result), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
