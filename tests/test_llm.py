"""The LLM layer against a real OpenAI-compatible HTTP server on 127.0.0.1 (tests/chat_server.py):
errors, retries, streaming, redaction of what is sent and stored, budgets, cache, enabled=false."""

from __future__ import annotations

import json

import pytest

from chat_server import ChatServer, Reply
from devops_agent import llm
from devops_agent.llm import LLMAuthError, LLMConfigError, LLMError
from devops_agent.llm_client import LLMBudgetError, LLMClient
from devops_agent.llm_ledger import Ledger
from devops_agent.llm_settings import LLMSettings
from test_redact import positive_corpus

MODEL = "openai/test-model"
MSGS = [{"role": "user", "content": "why did the build fail?"}]


def _client(server: ChatServer, **kw) -> LLMClient:
    return LLMClient(LLMSettings(model=MODEL, api_base=server.api_base, timeout_s=5, **kw))


def test_plain_and_streaming_answers() -> None:
    with ChatServer([Reply("the cache key changed")]) as server:
        plain = llm.complete(MSGS, model=MODEL, api_base=server.api_base)
        streamed = llm.complete(MSGS, model=MODEL, api_base=server.api_base, stream=True)
    assert plain.text == streamed.text == "the cache key changed"
    assert plain.tokens_in > 0 and plain.tokens_out > 0 and not plain.cached
    assert json.loads(server.bodies[1])["stream"] is True
    assert json.loads(server.bodies[0])["model"] == "test-model"


def test_streaming_without_usage_counts_tokens_itself() -> None:
    with ChatServer([Reply("a longer answer with several words in it", usage=False)]) as server:
        res = llm.complete(MSGS, model=MODEL, api_base=server.api_base, stream=True)
    assert res.text.startswith("a longer answer") and res.tokens_out >= 5


def test_rate_limit_is_retried_with_backoff_then_succeeds() -> None:
    waits: list[float] = []
    script = [Reply(status=429, error="slow down"), Reply(status=429, error="slow down"), Reply("done")]
    with ChatServer(script) as server:
        res = llm.complete(MSGS, model=MODEL, api_base=server.api_base, sleep=waits.append)
    assert res.text == "done" and len(server.bodies) == 3
    assert waits == [llm.BACKOFF_S, llm.BACKOFF_S * 2]


def test_rate_limit_retries_are_bounded() -> None:
    with ChatServer([Reply(status=429, error="quota")]) as server:
        with pytest.raises(LLMError, match="rate limited"):
            llm.complete(MSGS, model=MODEL, api_base=server.api_base, retries=2, sleep=lambda s: None)
    assert len(server.bodies) == 3


@pytest.mark.parametrize(
    ("status", "error", "match"),
    [(401, LLMAuthError, "refused the API key"), (404, LLMConfigError, "unknown model"),
     (500, LLMError, "failed for model")],
)
def test_provider_errors_become_one_line_errors(status: int, error: type, match: str) -> None:
    with ChatServer([Reply(status=status, error="nope")]) as server:
        with pytest.raises(error, match=match) as info:
            llm.complete(MSGS, model=MODEL, api_base=server.api_base, retries=0)
    assert "\n" not in str(info.value) and info.value.hint


def test_timeout_and_unreachable_endpoint() -> None:
    with ChatServer([Reply("late", delay_s=3)]) as server:
        with pytest.raises(LLMError, match="did not answer in time"):
            llm.complete(MSGS, model=MODEL, api_base=server.api_base, timeout=0.5)
    with pytest.raises(LLMError, match="cannot reach"):
        llm.complete(MSGS, model=MODEL, api_base=f"http://127.0.0.1:{server.port}/v1", timeout=2)


def test_disabled_or_missing_model_forbids_any_call() -> None:
    with ChatServer([Reply("x")]) as server:
        with pytest.raises(LLMConfigError, match="disabled"):
            _client(server, enabled=False).ask(MSGS, "test")
        with pytest.raises(LLMConfigError, match="no model configured"):
            LLMClient(LLMSettings(api_base=server.api_base)).ask(MSGS, "test")
    assert server.bodies == []


def test_secrets_never_leave_nor_get_stored() -> None:
    corpus = positive_corpus()
    log = "\n".join(["Run ./deploy.sh", *(line for _, line in corpus), "Error: deploy failed"])
    with ChatServer([Reply("a secret leaked into the log")]) as server:
        client = _client(server, stream=True)
        client.ask([{"role": "user", "content": f"<log>\n{log}\n</log>"}], "test")
        sent = b"".join(server.bodies).decode()
    stored = json.dumps(Ledger().calls())
    assert "[REDACTED]" in sent and "[REDACTED]" in stored
    from devops_agent.logs.redact import redact

    for fmt, line in corpus:
        masked, _ = redact(line)
        for secret in _secret_parts(line, masked):
            assert secret not in sent, fmt
            assert secret not in stored, fmt


def _secret_parts(line: str, masked: str) -> list[str]:
    """The substrings of ``line`` the redactor replaced (at least 8 characters long)."""
    import difflib

    sm = difflib.SequenceMatcher(a=line, b=masked, autojunk=False)
    return [line[i1:i2] for op, i1, i2, _, _ in sm.get_opcodes() if op != "equal" and i2 - i1 >= 8]


def test_identical_requests_are_answered_from_the_cache() -> None:
    with ChatServer([Reply("first"), Reply("second")]) as server:
        a = _client(server).ask(MSGS, "test")
        b = _client(server).ask(MSGS, "test")
    assert (a.text, b.text, b.cached) == ("first", "first", True)
    assert len(server.bodies) == 1
    assert [c["cached"] for c in Ledger().calls()] == [False, True]


def test_every_call_is_recorded_with_what_was_sent() -> None:
    with ChatServer([Reply("answer")]) as server:
        _client(server).ask(MSGS, "explain")
    (call,) = Ledger().calls()
    assert call["model"] == MODEL and call["purpose"] == "explain"
    assert call["tokens_in"] > 0 and call["latency_ms"] >= 0 and call["response"] == "answer"
    assert "why did the build fail?" in json.dumps(call)


def test_budgets_are_enforced_before_the_call() -> None:
    with ChatServer([Reply("word " * 400)]) as server:  # the server reports ~500 answer tokens
        with pytest.raises(LLMBudgetError, match="per-run budget"):
            _client(server, budget_run_tokens=100, max_tokens=200).ask(MSGS, "test")
        assert server.bodies == []
        ok = _client(server, budget_day_tokens=400, max_tokens=200)
        ok.ask(MSGS, "test")  # the day's spend is now recorded
        with pytest.raises(LLMBudgetError, match="per-day budget"):
            _client(server, budget_day_tokens=400, max_tokens=200).ask(
                [{"role": "user", "content": "another question"}], "test")
    assert len(server.bodies) == 1


def test_usd_budget_uses_the_price_map() -> None:
    client = LLMClient(LLMSettings(model="gpt-4o", budget_run_usd=0.0001, max_tokens=4000))
    with pytest.raises(LLMBudgetError, match=r"per-run budget: \$0.0000 spent"):
        client.ask(MSGS, "test")


def test_failed_calls_are_recorded_too() -> None:
    with ChatServer([Reply(status=500, error="down")]) as server:
        with pytest.raises(LLMError):
            _client(server).ask(MSGS, "test")
    (call,) = Ledger().calls()
    assert call["error"] and call["response"] == ""
