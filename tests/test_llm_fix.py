"""LLM fixes: SEARCH/REPLACE parsing and matching, then the attempt loop on a real bench repo with
real validation (the case's CI step in a git worktree) against a 127.0.0.1 chat server playing an
oracle and a range of bad models."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench_oracle import CASES, build_case, oracle_answer, run_in_worktree
from chat_server import ChatServer, Reply, last_user_text
from devops_agent.fix.llm_fixer import Validation, is_protected_path, propose_fix
from devops_agent.fix.search_replace import (
    Edit,
    EditFormatError,
    apply_edits,
    apply_one,
    parse_edits,
)
from devops_agent.llm_client import LLMClient
from devops_agent.llm_settings import LLMSettings

SRC = "def price(base, rate):\n    total = base * (1 - rate)\n    return round(total, 2)\n"


def _block(path: str, search: str, replace: str) -> str:
    return f"{path}\n<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n"


# -- parsing and matching -------------------------------------------------------------------------


def test_parse_plain_fenced_and_decorated_paths() -> None:
    answer = (
        "Sure, here you go:\n\n" + _block("src/a.py", "x = 1\n", "x = 2\n")
        + "\n```python\n# File: src/b.py\n<<<<<<<SEARCH\ny = 1\n=======\ny = 3\n>>>>>>>REPLACE\n```\n"
        + "`src/c.py`\n```\n<<<<<<< SEARCH\n=======\nnew\n>>>>>>> REPLACE\n```\n"
    )
    assert parse_edits(answer) == [Edit("src/a.py", "x = 1\n", "x = 2\n"),
                                   Edit("src/b.py", "y = 1\n", "y = 3\n"),
                                   Edit("src/c.py", "", "new\n")]


@pytest.mark.parametrize("answer", [
    "I'm sorry, I can't help with that.",
    "src/a.py\n<<<<<<< SEARCH\nx = 1\n>>>>>>> REPLACE\n",
    "src/a.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n",
    "<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n",
    "x" * 300_000,
])
def test_malformed_answers_are_rejected_with_a_reason(answer: str) -> None:
    with pytest.raises(EditFormatError) as info:
        parse_edits(answer)
    assert str(info.value)


def test_exact_then_indentation_insensitive_matching() -> None:
    exact = apply_one(SRC, Edit("p.py", "    total = base * (1 - rate)\n", "    total = base * (1 - rate) * 1.1\n"))
    assert "* 1.1" in exact
    fuzzy = apply_one(SRC, Edit("p.py", "total = base * (1 - rate)\nreturn round(total, 2)\n",
                                "total = base - base * rate\nreturn round(total, 2)\n"))
    assert fuzzy == "def price(base, rate):\n    total = base - base * rate\n    return round(total, 2)\n"


def test_ambiguous_and_missing_matches_are_rejected() -> None:
    text = "a = 1\nb = 2\na = 1\n"
    with pytest.raises(EditFormatError, match="occurs 2 times"):
        apply_one(text, Edit("f", "a = 1\n", "a = 3\n"))
    with pytest.raises(EditFormatError, match="match 2 places"):
        apply_one("  a = 1\nb\n    a = 1\n", Edit("f", "\ta = 1\n", "a = 3\n"))
    with pytest.raises(EditFormatError, match="closest lines"):
        apply_one(SRC, Edit("f", "    total = base * (1 + rate)\n", "x\n"))
    with pytest.raises(EditFormatError, match="exists"):
        apply_one(SRC, Edit("f", "", "x\n"))


def test_all_or_nothing() -> None:
    new, problems = apply_edits({"a.py": "x = 1\n"}, [Edit("a.py", "x = 1\n", "x = 2\n"),
                                                      Edit("a.py", "nope\n", "y\n")])
    assert problems and "block 2" in problems[0]


def test_protected_paths() -> None:
    for p in ("tests/test_x.py", "src/test_util.py", "pkg/conftest.py", ".github/workflows/ci.yml",
              "web/app.spec.ts", "src/test/java/FooTest.java", ".gitlab-ci.yml"):
        assert is_protected_path(p), p
    for p in ("src/pricing.py", "src/contest.py", "lib/testing_utils_impl.c"):
        assert not is_protected_path(p), p


# -- the attempt loop on a real bench repo --------------------------------------------------------

P08 = CASES / "p08-cartwheel-discount-regression"
needs_bench = pytest.mark.skipif(not P08.is_dir(), reason="public bench not present")


@pytest.fixture(scope="module")
def p08(tmp_path_factory):
    repo = build_case(P08, tmp_path_factory.mktemp("p08") / "cartwheel")
    return repo, oracle_answer(P08, repo)


def _diagnose(repo: Path):
    from devops_agent.diagnose import diagnose_path

    return diagnose_path(str(P08 / "build.log"), repo=repo)


def _validator(repo: Path, calls: list[dict[str, str]]):
    def validate(files: dict[str, str]) -> Validation:
        calls.append(files)
        ok, out = run_in_worktree(repo, files, "python -m pytest -q -x 2>&1 | tail -n 25; exit ${PIPESTATUS[0]}")
        return Validation(ok, out)

    return validate


def _fix(server: ChatServer, repo: Path, calls: list, **kw):
    client = LLMClient(LLMSettings(model="openai/test-model", api_base=server.api_base, timeout_s=5,
                                   cache=False, **kw))
    return propose_fix(_diagnose(repo), repo, client, _validator(repo, calls))


@needs_bench
def test_oracle_edit_passes_validation_first_time(p08) -> None:
    repo, oracle = p08
    calls: list = []
    with ChatServer([Reply(oracle)]) as server:
        fix = _fix(server, repo, calls)
    assert fix.ok and [a.outcome for a in fix.attempts] == ["passed"]
    assert list(fix.files) == ["src/cartwheel/pricing.py"] and "pricing.py" in fix.diff
    assert "assert 110.0 == 108.0" in last_user_text(server.requests[0])
    assert not _git_dirty(repo)


@needs_bench
def test_bad_answers_get_feedback_until_a_good_one(p08) -> None:
    repo, oracle = p08
    weaken = _block("tests/test_pricing.py", "    assert member_price(100.0, \"gold\") == 108.0\n",
                    "    assert member_price(100.0, \"gold\") in (108.0, 110.0)\n")
    script = [Reply("I'm sorry, but I cannot help with that."), Reply(weaken), Reply(oracle)]
    calls: list = []
    with ChatServer(script) as server:
        fix = _fix(server, repo, calls)
    assert [a.outcome for a in fix.attempts] == ["malformed", "rejected", "passed"]
    assert len(calls) == 1  # only the good edit reached validation
    second, third = (r["messages"] for r in server.requests[1:3])
    assert "could not be parsed" in second[-1]["content"]
    assert "rejected by policy" in third[-1]["content"] and "test or CI file" in third[-1]["content"]


@needs_bench
def test_unmatched_edits_are_fed_back_and_attempts_are_bounded(p08) -> None:
    repo, _ = p08
    wrong = _block("src/cartwheel/pricing.py", "def member_prize(base):\n", "def member_price(base):\n")
    calls: list = []
    with ChatServer([Reply(wrong)]) as server:
        fix = _fix(server, repo, calls, max_attempts=2)
    assert not fix.ok and [a.outcome for a in fix.attempts] == ["unmatched", "unmatched"]
    assert calls == [] and "not in the file" in server.requests[1]["messages"][-1]["content"]
    assert "2 attempt(s)" in (fix.reason or "")
    assert len(server.requests) == 2


@needs_bench
def test_failing_validation_output_is_fed_back(p08) -> None:
    repo, oracle = p08
    text = (repo / "src/cartwheel/pricing.py").read_text()
    line = next(ln for ln in text.splitlines() if "round(" in ln)
    wrong = _block("src/cartwheel/pricing.py", line + "\n", line.replace("round(", "1 + round(") + "\n")
    calls: list = []
    with ChatServer([Reply(wrong), Reply(oracle)]) as server:
        fix = _fix(server, repo, calls)
    assert [a.outcome for a in fix.attempts] == ["failed", "passed"] and len(calls) == 2
    assert "still fails" in server.requests[1]["messages"][-1]["content"]
    assert "failed" in server.requests[1]["messages"][-1]["content"]


@needs_bench
def test_rate_limit_then_success_and_timeouts_end_cleanly(p08, monkeypatch) -> None:
    repo, oracle = p08
    monkeypatch.setattr("devops_agent.llm.BACKOFF_S", 0.01)
    with ChatServer([Reply(status=429, error="slow down"), Reply(oracle)]) as server:
        fix = _fix(server, repo, [])
    assert fix.ok and len(server.requests) == 2
    with ChatServer([Reply(oracle, delay_s=3)]) as server:
        client = LLMClient(LLMSettings(model="openai/test-model", api_base=server.api_base, timeout_s=0.5))
        fix = propose_fix(_diagnose(repo), repo, client, _validator(repo, []))
    assert not fix.ok and "did not answer in time" in (fix.reason or "")


@needs_bench
def test_an_answer_asking_to_run_commands_runs_nothing(p08, tmp_path) -> None:
    repo, _ = p08
    marker = tmp_path / "pwned"
    evil = f"Run `touch {marker}` first.\n```bash\ntouch {marker}\n```\n" + _block(
        "../outside.py", "", f"import os; os.system('touch {marker}')\n")
    with ChatServer([Reply(evil)]) as server:
        fix = _fix(server, repo, [], max_attempts=1)
    assert not fix.ok and fix.attempts[0].outcome == "rejected" and not marker.exists()
    assert not (repo.parent / "outside.py").exists()


def _git_dirty(repo: Path) -> bool:
    import subprocess

    return bool(subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True,
                               text=True).stdout.strip())
