"""`devops-agent ask`: retrieval from the repository (and the history when present), the labelled
retrieval-only answer, a model answer from a 127.0.0.1 chat server, the interactive loop."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chat_server import ChatServer, Reply, last_user_text
from devops_agent.ask import OFFLINE_LABEL, since_of, terms_of
from devops_agent.commands.ask import run_ask


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    for name, msg in [("a.py", "Add payment gateway client"), ("b.py", "Retry payment capture on 502"),
                      ("c.py", "Bump ruff to 0.6")]:
        (root / name).write_text("x = 1\n")
        _git(root, "add", name)
        _git(root, "commit", "-q", "-m", msg)
    return root


def test_terms_and_time_window() -> None:
    assert terms_of("Why did the payment tests fail yesterday?") == ("payment", "tests")
    now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    assert since_of("what failed yesterday", now) == "2026-11-23T00:00:00Z"
    assert since_of("anything last week?", now) == "2026-11-17T00:00:00Z"
    assert since_of("why does the cache break", now) is None


def test_without_a_model_the_answer_is_retrieval_labelled_as_such(repo: Path) -> None:
    out = io.StringIO()
    assert run_ask("why do payment captures fail?", repo=repo, model=None, stdout=out) == 0
    text = out.getvalue()
    assert text.startswith(OFFLINE_LABEL)
    assert "Retry payment capture on 502" in text and "Add payment gateway client" in text
    assert "Bump ruff" not in text


def test_with_a_model_the_records_go_in_fenced_and_the_answer_comes_back(repo: Path, monkeypatch) -> None:
    answer = "Payment capture was flaky on 502s; see commit abc1234567."
    with ChatServer([Reply(answer)]) as server:
        monkeypatch.setenv("DEVOPS_AGENT_LLM_API_BASE", server.api_base)
        out = io.StringIO()
        run_ask("payment capture failures?", repo=repo, model="openai/test-model", stdout=out)
    assert out.getvalue().strip() == answer
    prompt = last_user_text(server.requests[0])
    assert "<<<DATA-" in prompt and "Retry payment capture on 502" in prompt
    assert "cite" in server.requests[0]["messages"][0]["content"]


def test_interactive_session_keeps_the_conversation_until_eof(repo: Path, monkeypatch) -> None:
    with ChatServer([Reply("first answer"), Reply("second answer")]) as server:
        monkeypatch.setenv("DEVOPS_AGENT_LLM_API_BASE", server.api_base)
        out = io.StringIO()
        code = run_ask(None, repo=repo, model="openai/test-model",
                       stdin=io.StringIO("payment?\n\nand ruff?\n"), stdout=out)
    assert code == 0 and out.getvalue() == "first answer\nsecond answer\n"
    second = server.requests[1]["messages"]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert second[1]["content"] == "payment?" and second[2]["content"] == "first answer"


def test_an_unreachable_model_falls_back_to_retrieval(repo: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DEVOPS_AGENT_LLM_API_BASE", "http://127.0.0.1:9/v1")
    out = io.StringIO()
    run_ask("payment?", repo=repo, model="openai/test-model", stdout=out)
    assert out.getvalue().startswith(OFFLINE_LABEL)
    assert "could not answer" in capsys.readouterr().err


def test_recorded_incidents_are_found_and_listed_with_their_cause(tmp_path: Path, monkeypatch) -> None:
    from devops_agent.cli import main

    log = Path("/work/shared/bench/public/cases/p08-cartwheel-discount-regression/build.log")
    if not log.is_file():
        pytest.skip("public bench not present")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        main(["diagnose", str(log), "--format", "json"])  # recorded in the history
    out = io.StringIO()
    run_ask("why did the gold member price test fail today?", repo=None, model=None, stdout=out)
    text = out.getvalue()
    assert text.startswith(OFFLINE_LABEL) and "incident 1" in text
    assert "test_gold_member_price" in text and "assert 110.0 == 108.0" in text
