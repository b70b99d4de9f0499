"""The ``--explain`` / ``--show-prompt`` step of ``devops-agent diagnose``."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from devops_agent.llm import LLMError, Message
from devops_agent.llm_client import LLMBudgetError, LLMClient
from devops_agent.models import Diagnosis


@dataclass(frozen=True)
class ExplainStep:
    client: LLMClient
    repo: Path | None
    log: str

    @classmethod
    def create(cls, *, model: str | None, repo: Path | None, log: str, check: bool) -> ExplainStep:
        """The model set-up; with ``check``, a disabled or missing model fails now (exit 2)."""
        from devops_agent.llm_settings import LLMSettings

        client = LLMClient(LLMSettings.resolve(model=model, repo=repo))
        if check:
            client.check_usable()
        return cls(client, repo, log)

    def show_prompt(self, diag: Diagnosis, fmt: str) -> int:
        """Print exactly the messages ``explain`` would send; call nothing."""
        from devops_agent.llm_explain import build_messages

        messages = build_messages(diag, self.client, log_spec=self.log, repo=self.repo)
        sys.stdout.write(render_prompt(messages, self.client.settings.model, fmt))
        return 0

    def explain(self, diag: Diagnosis) -> Diagnosis:
        """``diag`` with the model's explanation; when the call cannot deliver (unreachable,
        rate limited, over budget) the diagnosis stands alone and a warning says why."""
        from devops_agent.llm_explain import explain

        try:
            return explain(diag, self.client, log_spec=self.log, repo=self.repo)
        except (LLMError, LLMBudgetError) as exc:
            hint = f" — {exc.hint}" if exc.hint else ""
            sys.stderr.write(f"devops-agent: warning: no explanation: {exc.message}{hint}\n")
            return diag


def render_prompt(messages: list[Message], model: str | None, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"model": model, "messages": messages}, indent=2, ensure_ascii=False) + "\n"
    parts = [f"# model: {model or '(none configured)'}"]
    for m in messages:
        parts.append(f"--- {m['role']} ---\n{m['content']}")
    return "\n".join(parts) + "\n"
