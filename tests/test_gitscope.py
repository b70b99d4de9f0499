"""Culprit commits on real git repositories made in temp dirs."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from devops_agent.gitscope import find_culprit
from devops_agent.models import Evidence, Finding


def git(repo: Path, *args: str, input: str | None = None) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, input=input).stdout


def commit(repo: Path, subject: str, files: dict[str, str], author: str = "Dev One") -> str:
    for path, text in files.items():
        target = repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    git(repo, "add", "-A")
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "dev@example.com"}
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", subject], check=True, env=env, capture_output=True)
    return git(repo, "rev-parse", "HEAD").strip()


def finding(rule: str, category: str, title: str, evidence: str, file: str | None = None, line: int | None = None,
            **data) -> Finding:
    return Finding(rule=rule, title=title, category=category, severity="high", confidence=0.9,
                   evidence=(Evidence(10, evidence),), file=file, line=line, data=data)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = tmp_path / "shop"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    commit(r, "Initial shop", {
        "requirements.txt": "flask==3.0.0\nrequests==2.31.0\n",
        "src/shop/__init__.py": "",
        "src/shop/text.py": "def slugify_title(title):\n    return title.lower().replace(' ', '-')\n\n\nMAX = 80\n",
        "src/shop/views.py": "from shop.text import slugify_title\n\n\ndef page(t):\n    return '/p/' + slugify_title(t)\n",
        "src/shop/cart.py": "class Cart:\n    def __init__(self):\n        self.items = []\n        self.currency = 'EUR'\n",
        "README.md": "# shop\n",
    })
    return r


def test_renamed_function_blames_the_rename_not_the_caller(repo: Path) -> None:
    rename = commit(repo, "Rename slugify_title to make_slug", {
        "src/shop/text.py": "def make_slug(title):\n    return title.lower().replace(' ', '-')\n\n\nMAX = 80\n"}, "Dev Two")
    commit(repo, "Docs: explain slugs", {"README.md": "# shop\n\nSlugs are lower-case.\n"})
    commit(repo, "Tune the cart", {"src/shop/cart.py": "class Cart:\n    def __init__(self):\n        self.items = []\n        self.currency = 'USD'\n"})
    f = finding("PY-IMP-001", "runtime", "cannot import name 'slugify_title' from 'shop.text'",
                "ImportError: cannot import name 'slugify_title' from 'shop.text' (/w/src/shop/text.py)",
                file="src/shop/views.py", line=1, name="slugify_title", module="shop.text")
    c = find_culprit(repo, f)
    assert c is not None and c.commit == rename
    assert c.subject == "Rename slugify_title to make_slug" and c.author == "Dev Two <dev@example.com>"
    assert "slugify_title" in c.reason and c.reason.startswith("-")
    assert 0.3 <= c.confidence <= 0.95


def test_removed_attribute(repo: Path) -> None:
    commit(repo, "Add README badge", {"README.md": "# shop [ci]\n"})
    culprit = commit(repo, "Cart keeps no currency any more", {
        "src/shop/cart.py": "class Cart:\n    def __init__(self):\n        self.items = []\n"})
    commit(repo, "Bump requests", {"requirements.txt": "flask==3.0.0\nrequests==2.32.3\n"})
    f = finding("PY-RUN-001", "runtime", "'Cart' object has no attribute 'currency'",
                "AttributeError: 'Cart' object has no attribute 'currency'", attr="currency", owner="Cart")
    c = find_culprit(repo, f)
    assert c is not None and c.commit == culprit


def test_bumped_pin_for_a_dependency_failure(repo: Path) -> None:
    commit(repo, "Add cart totals", {"src/shop/cart.py": "class Cart:\n    def __init__(self):\n        self.items = []\n        self.currency = 'EUR'\n\n    def total(self):\n        return 0\n"})
    pin = commit(repo, "Pin werkzeug for the debugger", {"requirements.txt": "flask==3.0.0\nrequests==2.31.0\nwerkzeug==2.3.8\n"})
    commit(repo, "Docs", {"README.md": "# shop\nrun it\n"})
    f = finding("PY-DEP-003", "dependency", "Cannot install flask==3.0.0 and werkzeug==2.3.8",
                "ERROR: Cannot install flask==3.0.0 and werkzeug==2.3.8 because these package versions have conflicting dependencies.",
                package="werkzeug")
    c = find_culprit(repo, f)
    assert c is not None and c.commit == pin and "werkzeug==2.3.8" in c.reason


def test_nothing_relevant_says_nothing(repo: Path) -> None:
    commit(repo, "Docs", {"README.md": "# shop\nmore\n"})
    commit(repo, "More docs", {"README.md": "# shop\nmore and more\n"})
    f = finding("PY-TEST-001", "test", "test_page failed", "E   assert '/p/a-b' == '/p/a_b'", file="src/shop/views.py", line=5)
    assert find_culprit(repo, f) is None


def test_culprit_on_a_merged_branch_and_since_bounds_the_range(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", "feature")
    culprit = commit(repo, "Shorter slugs", {"src/shop/text.py": "def slugify_title(title):\n    return title.lower().replace(' ', '-')[:MAX]\n\n\nMAX = 8\n"})
    git(repo, "checkout", "-q", "main")
    commit(repo, "Unrelated main work", {"src/shop/cart.py": "class Cart:\n    def __init__(self):\n        self.items = []\n        self.currency = 'EUR'\n        self.n = 0\n"})
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    f = finding("PY-TEST-001", "test", "test_long_title failed", "E   AssertionError: assert '/p/a-very-l' == '/p/a-very-long-title'",
                file="src/shop/text.py", line=2)
    c = find_culprit(repo, f, since=base)
    assert c is not None and c.commit == culprit
    assert find_culprit(repo, f, since=culprit) is None, "the culprit is older than the last green commit"


def _oom(command: str) -> Finding:
    return Finding(rule="INF-OOM-001", title="The job ran out of memory (the process was killed)", category="resource",
                   severity="high", confidence=0.9, evidence=(Evidence(10, "./run.sh: line 3:  812 Killed  \"$@\""),),
                   command=command, data={})


def test_out_of_memory_blames_the_edit_to_the_code_the_step_runs(repo: Path) -> None:
    commit(repo, "Report script", {"scripts/report.py": "from shop.cart import Cart\n\nprint(len(Cart().items))\n"})
    commit(repo, "Docs: memory budget", {"README.md": "# shop\n\nThe worker has 256 MiB.\n"})
    grow = commit(repo, "Preload every item", {
        "src/shop/cart.py": "class Cart:\n    def __init__(self):\n        # warm the cache\n"
                            "        self.items = [bytearray(1 << 20) for _ in range(4096)]\n        self.currency = 'EUR'\n"}, "Dev Two")
    commit(repo, "Tune slugs", {"src/shop/text.py": "def slugify_title(title):\n    return title.lower()\n\n\nMAX = 80\n"})
    c = find_culprit(repo, _oom("python scripts/report.py"))
    assert c is not None and c.commit == grow
    assert "bytearray(1 << 20)" in c.reason, "quotes the first added statement, not the comment"


def test_out_of_memory_with_no_edit_to_the_code_run_says_nothing(repo: Path) -> None:
    commit(repo, "Report script", {"scripts/report.py": "from shop.cart import Cart\n\nprint(len(Cart().items))\n"})
    commit(repo, "Tune slugs", {"src/shop/text.py": "def slugify_title(title):\n    return title.lower()\n\n\nMAX = 80\n"})
    assert find_culprit(repo, _oom("python scripts/report.py")) is None


@pytest.fixture(scope="session")
def big_repo(tmp_path_factory) -> tuple[Path, str]:
    """10,000 commits made with git fast-import (seconds, not minutes); the caller of
    fetch_all arrives at commit 5,000, the rename that breaks it at 9,990."""
    r = tmp_path_factory.mktemp("big") / "repo"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    lines = []
    culprit_mark = 9_990
    for i in range(1, 10_001):
        path = f"src/pkg/mod{i % 200}.py"
        body = f"VALUE_{i % 200} = {i}\n"
        if i == culprit_mark:
            path, body = "src/pkg/api.py", "def fetch_items(x):\n    return [x]\n"
        elif i == 1:
            path, body = "src/pkg/api.py", "def fetch_all(x):\n    return [x]\n"
        elif i == 5_000:
            path, body = "src/pkg/use.py", "from pkg.api import fetch_all\n\nprint(fetch_all(1))\n"
        msg = f"Change {i}" if i != culprit_mark else "Rename fetch_all to fetch_items"
        lines += ["commit refs/heads/main", f"mark :{i}",
                  f"committer Dev <dev@example.com> {1_700_000_000 + i * 60} +0000",
                  f"data {len(msg)}", msg]
        if i > 1:
            lines.append(f"from :{i - 1}")
        lines += [f"M 100644 inline {path}", f"data {len(body.encode())}", body.rstrip("\n"), ""]
    subprocess.run(["git", "-C", str(r), "fast-import", "--quiet"], input="\n".join(lines) + "\n", text=True, check=True)
    git(r, "checkout", "-q", "-f", "main")
    return r, git(r, "rev-parse", "main~10").strip()


def test_ten_thousand_commits(big_repo: tuple[Path, str]) -> None:
    repo, culprit = big_repo
    assert int(git(repo, "rev-list", "--count", "HEAD")) == 10_000
    f = finding("PY-IMP-001", "runtime", "cannot import name 'fetch_all' from 'pkg.api'",
                "ImportError: cannot import name 'fetch_all' from 'pkg.api'", file="src/pkg/use.py", line=1,
                name="fetch_all", module="pkg.api")
    started = time.perf_counter()
    c = find_culprit(repo, f)
    elapsed = time.perf_counter() - started
    assert c is not None and c.commit == culprit, c
    assert elapsed < 10, "bounded work: recent commits only, not the whole history"


def test_history_last_green_bounds_the_range(repo: Path, tmp_path: Path) -> None:
    """A passing run recorded on a commit makes it and older commits unsuspected (through the CLI)."""
    import json
    import sys

    old = commit(repo, "Shorter slugs", {"src/shop/text.py": "def slugify_title(title):\n    return title.lower()[:MAX]\n\n\nMAX = 8\n"})
    env = {**os.environ, "DEVOPS_AGENT_HOME": str(tmp_path / "home")}
    commit(repo, "Test long titles", {"tests/test_text.py": "from shop.text import slugify_title\n\n\n"
                                      "def test_long():\n    assert slugify_title('A very long title') == 'a very long title'\n"})
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=repo, capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(repo / "src")})
    failing = tmp_path / "fail.log"
    failing.write_text(f"$ python -m pytest -q\n{run.stdout}")
    diagnose = [sys.executable, "-m", "devops_agent", "diagnose", str(failing), "--repo", str(repo), "-f", "json"]
    before = json.loads(subprocess.run([*diagnose, "--no-history"], capture_output=True, text=True, env=env).stdout)
    assert before["findings"][0]["culprit"]["commit"] == old, "without history the change to the code is the suspect"
    from devops_agent.store import Store

    with Store.open(tmp_path / "home" / "history.db") as store:  # CI was green on that commit
        green = store.start_run("diagnose pass.log", repo=str(repo), branch="main", commit=old)
        store.finish_run(green, 0, status="passed")
    after = json.loads(subprocess.run(diagnose, capture_output=True, text=True, env=env).stdout)
    assert after["findings"][0].get("culprit", {}).get("commit") != old
