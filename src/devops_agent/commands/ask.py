"""`devops-agent ask`: one question, or an interactive session (Ctrl-D to leave)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from devops_agent.llm import LLMError, Message


@dataclass
class AskSession:
    repo: Path | None
    model: str | None
    history: list[Message] = field(default_factory=list)  # earlier questions and answers

    def answer(self, question: str) -> str:
        from devops_agent.ask import model_messages, offline_answer, retrieve
        from devops_agent.llm_client import LLMBudgetError

        found = retrieve(question, self.repo)
        client = self._client()
        if client is None:
            return offline_answer(found)
        try:
            text = client.ask(model_messages(found, self.history), "ask").text.strip()
        except (LLMError, LLMBudgetError) as exc:
            hint = f" — {exc.hint}" if exc.hint else ""
            sys.stderr.write(f"devops-agent: warning: the model could not answer: {exc.message}{hint}\n")
            return offline_answer(found)
        self.history += [{"role": "user", "content": question}, {"role": "assistant", "content": text}]
        return text + "\n"

    def _client(self):  # type: ignore[no-untyped-def]
        """A usable model client, or None (no model, or model calls disabled)."""
        from devops_agent.llm_client import LLMClient
        from devops_agent.llm_settings import LLMSettings

        settings = LLMSettings.resolve(model=self.model, repo=self.repo)
        if not settings.model or not settings.enabled:
            return None
        return LLMClient(settings)


def run_ask(question: str | None, *, repo: Path | None, model: str | None,
            stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    from devops_agent.commands.diagnose import find_repo

    out = stdout or sys.stdout
    session = AskSession(find_repo(repo), model)
    if question:
        out.write(session.answer(question))
        return 0
    return _interactive(session, stdin or sys.stdin, out)


def _interactive(session: AskSession, stdin: TextIO, out: TextIO) -> int:
    tty = stdin.isatty()
    if tty:
        out.write("Ask about past failures (Ctrl-D to leave).\n")
    while True:
        if tty:
            out.write("ask> ")
            out.flush()
        line = stdin.readline()
        if not line:  # EOF (Ctrl-D)
            if tty:
                out.write("\n")
            return 0
        question = line.strip()
        if question:
            out.write(session.answer(question))
            out.flush()
