"""The only module that imports litellm (lazily), set up to work offline and quietly.

``complete()`` is one chat-completion call with bounded retries on rate limits, provider errors
turned into one-line :mod:`devops_agent.errors` with hints. Redaction, budgets, the cache and the
history live one level up, in :mod:`devops_agent.llm_client`; nothing else should call this.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from devops_agent.errors import ConfigError, CredentialError, NotDelivered

Message = dict[str, str]

# Rate limits: attempts after the first, and the first back-off (doubled each time, capped).
RATE_LIMIT_RETRIES = 3
BACKOFF_S = 1.0
BACKOFF_CAP_S = 20.0


class LLMError(NotDelivered):
    """A model call that could not deliver (unreachable, rate limited, timed out, too long): exit 1."""


class LLMConfigError(ConfigError):
    """The model set-up is unusable (disabled, no model, unknown model): exit 2."""


class LLMAuthError(CredentialError):
    """The provider refused the key: exit 2."""


@dataclass(frozen=True, slots=True)
class LLMResult:
    text: str
    tokens_in: int
    tokens_out: int
    cost_usd: float
    latency_ms: int
    cached: bool = False
    model: str = ""


_LITELLM: Any = None


def _litellm() -> Any:
    """Import litellm once, offline: bundled cost map, no telemetry, no callbacks, quiet."""
    global _LITELLM
    if _LITELLM is None:
        os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ.setdefault("LITELLM_LOG", "ERROR")
        import litellm

        litellm.telemetry = False
        litellm.suppress_debug_info = True
        litellm.drop_params = True
        litellm.callbacks = []
        litellm.success_callback = []
        litellm.failure_callback = []
        _LITELLM = litellm
    return _LITELLM


def count_tokens(model: str, messages: Iterable[Message] | None = None, text: str | None = None) -> int:
    """Tokens of ``messages`` (or ``text``) for ``model``, by litellm's tokenizer (offline)."""
    litellm = _litellm()
    try:
        if text is not None:
            return int(litellm.token_counter(model=model, text=text))
        return int(litellm.token_counter(model=model, messages=list(messages or ())))
    except Exception:  # an exotic model string: fall back to ~4 characters a token
        body = text if text is not None else "".join(m.get("content", "") for m in messages or ())
        return max(1, len(body) // 4)


def estimate_cost(model: str, tokens_in: int, tokens_out: int) -> float:
    """USD for a call, from litellm's bundled price map; 0 for models it does not price (local)."""
    litellm = _litellm()
    try:
        cin, cout = litellm.cost_per_token(model=model, prompt_tokens=tokens_in, completion_tokens=tokens_out)
    except Exception:
        return 0.0
    return float(cin) + float(cout)


def complete(
    messages: list[Message],
    *,
    model: str,
    api_base: str | None = None,
    api_key: str | None = None,
    max_tokens: int = 1024,
    timeout: float = 60.0,
    stream: bool = False,
    retries: int = RATE_LIMIT_RETRIES,
    sleep: Callable[[float], None] = time.sleep,
) -> LLMResult:
    """One chat completion. Rate limits are retried with exponential back-off (``retries`` times);
    every other provider error becomes an :class:`LLMError` / config / credential error."""
    litellm = _litellm()
    kwargs: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "max_tokens": max_tokens,
        "timeout": timeout,
        "temperature": 0,
        "num_retries": 0,
        "max_retries": 0,
    }
    if api_base:
        kwargs["api_base"] = api_base
        kwargs["api_key"] = api_key or "not-needed"  # local servers ignore it; the SDK insists
    elif api_key:
        kwargs["api_key"] = api_key
    delay = BACKOFF_S
    for attempt in range(retries + 1):
        start = time.monotonic()
        try:
            text, usage = _call(litellm, kwargs, stream)
        except litellm.RateLimitError as exc:
            if attempt >= retries:
                raise _translate(litellm, exc, model, api_base) from None
            sleep(min(delay, BACKOFF_CAP_S))
            delay *= 2
            continue
        except Exception as exc:
            raise _translate(litellm, exc, model, api_base) from None
        latency = int((time.monotonic() - start) * 1000)
        tin = usage[0] if usage[0] else count_tokens(model, messages)
        tout = usage[1] if usage[1] else count_tokens(model, text=text or " ")
        return LLMResult(text, tin, tout, estimate_cost(model, tin, tout), latency, False, model)
    raise AssertionError("unreachable")  # pragma: no cover


def _call(litellm: Any, kwargs: dict[str, Any], stream: bool) -> tuple[str, tuple[int, int]]:
    if not stream:
        resp = litellm.completion(**kwargs)
        choice = resp.choices[0]
        text = (choice.message.content or "") if choice.message else ""
        usage = getattr(resp, "usage", None)
        return text, (_usage(usage, "prompt_tokens"), _usage(usage, "completion_tokens"))
    parts: list[str] = []
    usage_in = usage_out = 0
    for chunk in litellm.completion(**kwargs, stream=True, stream_options={"include_usage": True}):
        for choice in chunk.choices or ():
            delta = getattr(choice, "delta", None)
            if delta is not None and getattr(delta, "content", None):
                parts.append(delta.content)
        usage = getattr(chunk, "usage", None)
        if usage:
            usage_in = _usage(usage, "prompt_tokens") or usage_in
            usage_out = _usage(usage, "completion_tokens") or usage_out
    return "".join(parts), (usage_in, usage_out)


def _usage(usage: Any, name: str) -> int:
    if usage is None:
        return 0
    value = usage.get(name) if isinstance(usage, dict) else getattr(usage, name, 0)
    return int(value or 0)


def _translate(litellm: Any, exc: Exception, model: str, api_base: str | None) -> Exception:
    """One clear line (and a hint) per failure kind; the provider's text is shortened."""
    where = api_base or "the provider"
    detail = _short(exc)
    lowered = str(exc).lower()
    if "missing credentials" in lowered or "api_key client option must be set" in lowered:
        return LLMAuthError(
            f"no API key for model {model!r}",
            "set the provider's key variable (e.g. OPENAI_API_KEY), DEVOPS_AGENT_LLM_API_KEY, "
            "or run `devops-agent login llm`; local servers need [llm] api_base",
        )
    if "connection error" in lowered or "connection refused" in lowered:
        return LLMError(f"cannot reach {where} for model {model!r} ({detail})",
                        "start the local model server or check [llm] api_base and the network")
    if isinstance(exc, litellm.AuthenticationError | litellm.PermissionDeniedError):
        return LLMAuthError(
            f"{where} refused the API key for model {model!r} ({detail})",
            "set the provider's key variable (e.g. OPENAI_API_KEY) or run `devops-agent login llm`",
        )
    if isinstance(exc, litellm.RateLimitError):
        return LLMError(f"rate limited by {where} for model {model!r} after retries ({detail})",
                        "wait and retry, or lower the request rate/budget")
    if isinstance(exc, litellm.ContextWindowExceededError):
        return LLMError(f"the prompt is too long for model {model!r} ({detail})",
                        "lower [llm] context_tokens or use a model with a larger context window")
    if isinstance(exc, litellm.Timeout):
        return LLMError(f"model {model!r} at {where} did not answer in time",
                        "raise [llm] timeout_s or check the endpoint's load")
    if isinstance(exc, litellm.NotFoundError):
        return LLMConfigError(f"unknown model {model!r} at {where} ({detail})",
                              "check the model name ([llm] model, DEVOPS_AGENT_MODEL or --model)")
    if isinstance(exc, litellm.BadRequestError) and _model_problem(exc):
        return LLMConfigError(f"model {model!r} is not usable ({detail})",
                              "use a litellm model string such as 'openai/<name>' with [llm] api_base")
    if isinstance(exc, litellm.APIConnectionError):
        return LLMError(f"cannot reach {where} for model {model!r} ({detail})",
                        "start the local model server or check [llm] api_base and the network")
    if isinstance(exc, litellm.BadRequestError):
        return LLMError(f"model {model!r} rejected the request ({detail})", "see the provider's message")
    if isinstance(exc, litellm.APIError | litellm.ServiceUnavailableError | litellm.InternalServerError):
        return LLMError(f"{where} failed for model {model!r} ({detail})", "retry later")
    return LLMError(f"the call to model {model!r} failed: {type(exc).__name__}: {detail}",
                    "set DEVOPS_AGENT_DEBUG=1 for details")


def _model_problem(exc: Exception) -> bool:
    text = str(exc).lower()
    return "llm provider not provided" in text or "model" in text and "not" in text and "exist" in text


_EXC_PREFIX = re.compile(r"(?:litellm\.)?\w+(?:Error|Exception)\s*[:-]\s*")


def _short(exc: Exception, limit: int = 160) -> str:
    text = " ".join(str(getattr(exc, "message", None) or exc).split())
    while (m := _EXC_PREFIX.match(text)) is not None and m.end() < len(text):
        text = text[m.end() :]
    return text if len(text) <= limit else text[: limit - 1] + "…"
