"""Model calls made private, bounded and accountable.

``LLMClient.ask`` redacts every message, refuses when ``[llm] enabled = false``, answers identical
requests from the cache, checks the per-run and per-day budgets (USD and tokens) *before* calling,
and records every call. ``LLMClient.prepare`` returns exactly what would be sent (``--show-prompt``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from devops_agent.errors import NotDelivered
from devops_agent.llm import LLMConfigError, LLMError, LLMResult, Message
from devops_agent.llm_ledger import CallRecord, Ledger, ResponseCache, day_start_iso, now_iso
from devops_agent.llm_settings import LLMSettings


class LLMBudgetError(NotDelivered):
    """A call would exceed a budget: exit 1, nothing was sent."""


def redact_messages(messages: list[Message]) -> tuple[list[Message], int]:
    """Every message's content through the secret redactor, line by line (PEM bodies too)."""
    from devops_agent.logs.redact import default_redactor

    redactor = default_redactor()
    out: list[Message] = []
    total = 0
    for msg in messages:
        # The line rules first (inside a PEM block redact_lines masks only base64 runs), then
        # redact_lines for the bodies of multi-line private keys.
        first = [redactor.redact(line) for line in msg.get("content", "").split("\n")]
        total += sum(n for _, n in first)
        masked = []
        for text, n in redactor.redact_lines(t for t, _ in first):
            masked.append(text)
            total += n
        out.append({**msg, "content": "\n".join(masked)})
    return out, total


@dataclass
class Spend:
    usd: float = 0.0
    tokens: int = 0
    calls: int = 0


@dataclass
class LLMClient:
    settings: LLMSettings
    ledger: Ledger = field(default_factory=Ledger)
    cache: ResponseCache = field(default_factory=ResponseCache)
    run_id: int | None = None
    spent: Spend = field(default_factory=Spend)  # this run's spend

    def check_usable(self) -> None:
        """Raise the configuration error a call would hit, before any work is done."""
        if not self.settings.enabled:
            raise LLMConfigError("model calls are disabled ([llm] enabled = false)",
                                 "set [llm] enabled = true in devops-agent.toml to allow them")
        if not self.settings.model:
            raise LLMConfigError("no model configured",
                                 "pass --model, set DEVOPS_AGENT_MODEL, or [llm] model in devops-agent.toml "
                                 "(a local server: model = 'openai/<name>' and api_base)")

    def prepare(self, messages: list[Message]) -> list[Message]:
        """The redacted messages: exactly what ``ask`` would send."""
        return redact_messages(messages)[0]

    def ask(self, messages: list[Message], purpose: str) -> LLMResult:
        """Send (redacted) ``messages`` unless the cache answers; record the call either way."""
        self.check_usable()
        model = self.settings.model or ""
        sent = self.prepare(messages)
        key = self.cache.key(model, sent, self.settings.max_tokens)
        if self.settings.cache and (hit := self.cache.get(key)) is not None:
            self._record(sent, hit, purpose)
            return hit
        self._check_budget(model, sent)
        result = self._call(model, sent, purpose)
        self.spent.usd += result.cost_usd
        self.spent.tokens += result.tokens_in + result.tokens_out
        self.spent.calls += 1
        self._record(sent, result, purpose)
        if self.settings.cache and result.text.strip():
            self.cache.put(key, result)
        return result

    def _call(self, model: str, sent: list[Message], purpose: str) -> LLMResult:
        from devops_agent import llm

        s = self.settings
        try:
            return llm.complete(sent, model=model, api_base=s.api_base, api_key=s.api_key_value(),
                                max_tokens=s.max_tokens, timeout=s.timeout_s, stream=s.stream)
        except LLMError as exc:
            failed = LLMResult("", 0, 0, 0.0, 0, False, model)
            self._record(sent, failed, purpose, error=exc.message)
            raise

    def _check_budget(self, model: str, sent: list[Message]) -> None:
        """Worst case of this call (prompt + the whole answer budget) against every limit."""
        from devops_agent import llm

        s = self.settings
        est_tokens = llm.count_tokens(model, sent) + s.max_tokens
        est_usd = llm.estimate_cost(model, est_tokens - s.max_tokens, s.max_tokens)
        day_usd, day_tokens = self.ledger.spent_since(day_start_iso())
        limits = (
            ("per-run", "USD", s.budget_run_usd, self.spent.usd, est_usd),
            ("per-day", "USD", s.budget_day_usd, day_usd, est_usd),
            ("per-run", "tokens", s.budget_run_tokens, self.spent.tokens, est_tokens),
            ("per-day", "tokens", s.budget_day_tokens, day_tokens, est_tokens),
        )
        for scope, unit, limit, used, est in limits:
            if limit is not None and used + est > limit:
                key = f"budget_{scope.split('-')[1]}_{'usd' if unit == 'USD' else 'tokens'}"
                raise LLMBudgetError(
                    f"the model call would exceed the {scope} budget: {_fmt(used, unit)} spent + "
                    f"{_fmt(est, unit)} estimated > {_fmt(limit, unit)}",
                    f"raise [llm] {key}, or shorten the context ([llm] context_tokens)",
                )

    def _record(self, sent: list[Message], result: LLMResult, purpose: str, error: str | None = None) -> None:
        self.ledger.record(CallRecord(
            model=result.model or (self.settings.model or ""), purpose=purpose, messages=sent,
            response=result.text, tokens_in=result.tokens_in, tokens_out=result.tokens_out,
            cost_usd=result.cost_usd, latency_ms=result.latency_ms, cached=result.cached,
            at=now_iso(), run_id=self.run_id, error=error,
        ))


def _fmt(value: float, unit: str) -> str:
    return f"${value:.4f}" if unit == "USD" else f"{int(value)} tokens"
