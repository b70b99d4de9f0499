"""The model set-up, resolved once: ``[llm]`` config < ``DEVOPS_AGENT_MODEL`` < ``--model``.

Any litellm model string works (``gpt-4o-mini``, ``anthropic/claude-...``, ``ollama/llama3``);
a local OpenAI-compatible server (Ollama, vLLM, llama.cpp) is ``openai/<name>`` plus ``api_base``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from devops_agent.errors import ConfigError, DevopsAgentError

KEY_ENV = "DEVOPS_AGENT_LLM_API_KEY"


@dataclass(frozen=True)
class LLMSettings:
    model: str | None = None
    api_base: str | None = None
    api_key: str | None = None  # resolved lazily by api_key_value(); never shown
    enabled: bool = True
    max_tokens: int = 1024  # answer tokens asked for (and budgeted) per call
    timeout_s: float = 60.0
    stream: bool = False
    context_tokens: int = 6000  # the packed log/code context, in tokens
    max_attempts: int = 3  # LLM fix attempts (each validated)
    cache: bool = True
    budget_run_usd: float | None = 1.0
    budget_day_usd: float | None = 5.0
    budget_run_tokens: int | None = 200_000
    budget_day_tokens: int | None = 2_000_000

    @classmethod
    def resolve(cls, model: str | None = None, repo: Path | None = None, **flags: Any) -> LLMSettings:
        """Project/user config, then the environment, then flags (``None`` flags are ignored)."""
        base = cls(**_from_config(repo))
        env_model = os.environ.get("DEVOPS_AGENT_MODEL")
        if env_model:
            base = replace(base, model=env_model)
        env_base = os.environ.get("DEVOPS_AGENT_LLM_API_BASE")
        if env_base:
            base = replace(base, api_base=env_base)
        if model:
            base = replace(base, model=model)
        given = {k: v for k, v in flags.items() if v is not None}
        return replace(base, **given) if given else base

    def api_key_value(self) -> str | None:
        """The key: config, ``DEVOPS_AGENT_LLM_API_KEY``, then the keyring (``login llm``).
        ``None`` lets litellm use the provider's own variable (``OPENAI_API_KEY`` ...)."""
        if self.api_key:
            return self.api_key
        if os.environ.get(KEY_ENV):
            return os.environ[KEY_ENV]
        return _keyring_key()

    def describe(self) -> str:
        where = f" at {self.api_base}" if self.api_base else ""
        return f"{self.model}{where}"


def _from_config(repo: Path | None) -> dict[str, Any]:
    """The ``[llm]`` table of the resolved settings (devops_agent.config), when it exists."""
    try:
        from devops_agent import config
    except ImportError:
        return {}
    resolve = getattr(getattr(config, "Settings", None), "resolve", None)
    if resolve is None:
        return {}
    try:
        settings = resolve(repo=repo)
    except TypeError:
        settings = resolve()
    section = getattr(settings, "llm", None)
    if section is None:
        return {}
    raw = section.model_dump() if hasattr(section, "model_dump") else dict(section)
    known = {f.name for f in fields(LLMSettings)}
    out = {k: v for k, v in raw.items() if k in known}
    for k in ("max_tokens", "max_attempts", "context_tokens"):
        if k in out and (not isinstance(out[k], int) or out[k] < 1):
            raise ConfigError(f"[llm] {k} must be a positive integer, not {out[k]!r}")
    return out


def _keyring_key() -> str | None:
    try:
        from devops_agent import credentials
    except ImportError:
        return None
    for name in ("lookup_token", "get_token", "find_token"):
        fn = getattr(credentials, name, None)
        if fn is None:
            continue
        try:
            return fn("llm")
        except DevopsAgentError:  # no stored key: litellm reads the provider's variable itself
            return None
    return None
