"""fix / undo on real broken repositories made in temp dirs, with the real tools' failing output as the log.

Python findings are built from the real output the way the PY-* signatures report them (rule code,
evidence lines, file); the CLI tests go through `diagnose` for the rules the catalogue already has.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from devops_agent.cli import main
from devops_agent.fix import guard
from devops_agent.fix.apply import apply_commit, branch_name, read_state, undo
from devops_agent.fix.engine import FixOptions, find_fix
from devops_agent.fix.fixers import reqedit
from devops_agent.fix.patch import FileEdit, Patch
from devops_agent.models import Evidence, Finding

BIN = str(Path(sys.executable).parent)


@pytest.fixture(autouse=True)
def _tools_on_path(monkeypatch):
    monkeypatch.setenv("PATH", BIN + os.pathsep + os.environ.get("PATH", ""))


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def make_repo(path: Path, commits: list[dict[str, str | None]]) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    for i, files in enumerate(commits):
        for name, text in files.items():
            target = path / name
            if text is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        git(path, "add", "-A")
        git(path, "commit", "-q", "-m", f"commit {i + 1}")
    return path


def run(repo: Path, cmd: str) -> tuple[int, str]:
    proc = subprocess.run(["bash", "-c", cmd], cwd=repo, capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


def failing_log(tmp: Path, repo: Path, cmd: str) -> Path:
    """Really run ``cmd`` in the broken repo; its output, as a plain terminal log."""
    code, out = run(repo, cmd)
    assert code != 0, out
    log = tmp / "build.log"
    log.write_text(f"$ {cmd}\n{out}")
    return log


def gha_log(tmp: Path, repo: Path, cmd: str) -> Path:
    """The real output of ``cmd`` in a GitHub Actions step layout (runner chrome only is written)."""
    code, out = run(repo, cmd)
    assert code != 0, out
    text = f"##[group]Run {cmd}\n{cmd}\n##[endgroup]\n{out}##[error]Process completed with exit code {code}.\n"
    log = tmp / "gha.log"
    log.write_text("".join(f"2026-11-20T09:14:{i // 100:02d}.{i % 100:02d}00000Z {line}\n"
                           for i, line in enumerate(text.splitlines())))
    return log


def snapshot(repo: Path) -> dict[str, str]:
    files = {}
    for p in sorted(repo.rglob("*")):
        if ".git" in p.relative_to(repo).parts or not p.is_file():
            continue
        files[str(p.relative_to(repo))] = hashlib.sha256(p.read_bytes()).hexdigest() + oct(p.stat().st_mode)
    return {"status": git(repo, "status", "--porcelain", "--untracked-files=all"), "refs": git(repo, "for-each-ref"),
            "head": git(repo, "rev-parse", "HEAD") + git(repo, "symbolic-ref", "-q", "HEAD"),
            "stash": git(repo, "stash", "list"), "index": git(repo, "ls-files", "-s"),
            "staged": git(repo, "diff", "--cached"), "files": repr(files)}


def engine_fix(log: Path, repo: Path, rule: str, category: str, pattern: str, file: str | None = None, **data):
    from devops_agent.commands.fix import _diagnose

    diag, lines = _diagnose(str(log), repo)
    ev = tuple(Evidence(i + 1, t) for i, t in enumerate(lines) if re.search(pattern, t))
    assert ev, f"{pattern!r} not in the real output"
    ctx = tuple(Evidence(i + 1, lines[i]) for i in range(len(lines)))
    finding = Finding(rule, "t", category, "high", 0.9, ev[:3], file=file, context=ctx, data=data)
    return find_fix(replace(diag, findings=(finding,)), repo, lines, FixOptions(commit=True))


def apply_result(repo: Path, result) -> str:
    passed = result.passed
    assert passed is not None, result.reason
    branch = branch_name(repo, passed.rule, result.commit)
    apply_commit(repo, result.commit, branch, passed.patch.sha256())
    return branch


PYPROJECT = '[project]\nname = "demo"\nversion = "0.1"\n\n[tool.pytest.ini_options]\npythonpath = ["src"]\n'


def test_renamed_symbol_follows_the_culprit_rename_and_keeps_dirty_files(tmp_path):
    repo = make_repo(tmp_path / "r", [
        {"pyproject.toml": PYPROJECT, "src/demo/__init__.py": "",
         "src/demo/text.py": "def slugify(t):\n    return t.lower().replace(' ', '-')\n",
         "src/demo/posts.py": "from demo.text import slugify\n\n\ndef slug(title):\n    return slugify(title)\n",
         "tests/test_posts.py": "from demo.posts import slug\n\n\ndef test_slug():\n    assert slug('A B') == 'a-b'\n",
         "README.md": "demo\n"},
        {"src/demo/text.py": "def make_slug(t):\n    return t.lower().replace(' ', '-')\n"},
    ])
    log = failing_log(tmp_path, repo, "python -m pytest -q")
    (repo / "README.md").write_text("user's unsaved work\n")
    result = engine_fix(log, repo, "PY-IMP-001", "runtime", "cannot import name", "src/demo/posts.py")
    branch = apply_result(repo, result)
    assert git(repo, "branch", "--show-current").strip() == branch.strip() and branch.startswith("devops-agent/fix-")
    assert "make_slug(title)" in (repo / "src/demo/posts.py").read_text()
    assert (repo / "README.md").read_text() == "user's unsaved work\n"
    assert run(repo, "python -m pytest -q")[0] == 0
    assert result.passed.validation.ok


def test_missing_colon_syntax_repair(tmp_path):
    repo = make_repo(tmp_path / "r", [{
        "pyproject.toml": PYPROJECT, "src/demo/__init__.py": "",
        "src/demo/calc.py": "def double(x)\n    return 2 * x  # twice\n",
        "tests/test_calc.py": "from demo.calc import double\n\n\ndef test_double():\n    assert double(2) == 4\n"}])
    log = failing_log(tmp_path, repo, "python -m pytest -q")
    result = engine_fix(log, repo, "PY-SYN-001", "compilation", "SyntaxError")
    assert result.passed is not None, result.reason
    assert "+def double(x):" in result.passed.patch.diff()


def test_unclosed_bracket_is_closed_only_when_the_file_then_parses(tmp_path):
    repo = make_repo(tmp_path / "r", [{
        "pyproject.toml": PYPROJECT, "src/demo/__init__.py": "",
        "src/demo/calc.py": "def total(xs):\n    return sum(xs\n\n\ndef mean(xs):\n    return total(xs) / len(xs)\n",
        "tests/test_calc.py": "from demo.calc import mean\n\n\ndef test_mean():\n    assert mean([1, 3]) == 2\n"}])
    log = failing_log(tmp_path, repo, "python -m pytest -q")
    result = engine_fix(log, repo, "PY-SYN-001", "compilation", "never closed|SyntaxError")
    assert result.passed is not None, result.reason
    assert "+    return sum(xs)" in result.passed.patch.diff()


def test_removed_collections_mapping(tmp_path):
    repo = make_repo(tmp_path / "r", [{
        "pyproject.toml": PYPROJECT, "src/demo/__init__.py": "",
        "src/demo/merge.py": "from collections import OrderedDict, Mapping\n\n\ndef is_map(x):\n    return isinstance(x, Mapping)\n",
        "tests/test_merge.py": "from demo.merge import is_map\n\n\ndef test_map():\n    assert is_map({})\n"}])
    log = failing_log(tmp_path, repo, "python -m pytest -q")
    result = engine_fix(log, repo, "PY-RUN-002", "runtime", "cannot import name", "src/demo/merge.py")
    assert result.passed is not None, result.reason
    diff = result.passed.patch.diff()
    assert "+from collections import OrderedDict" in diff and "+from collections.abc import Mapping" in diff


def test_ruff_fix_limited_to_the_logged_codes(tmp_path):
    repo = make_repo(tmp_path / "r", [{
        "pyproject.toml": PYPROJECT, "src/demo/__init__.py": "",
        "src/demo/tiles.py": "import math\nimport os\n\n\ndef span(a, b):\n    l = 1\n    return list(range(a, b, l))\n"}])
    log = failing_log(tmp_path, repo, "ruff check --select F401 .")
    result = engine_fix(log, repo, "PY-LINT-001", "lint", r"F401")
    assert result.passed is not None, result.reason
    after = result.passed.patch.edits[0].after
    assert "import math" not in after and "l = 1" in after  # E741 was not in the log: untouched


def test_black_formats_the_files_it_would_reformat(tmp_path):
    repo = make_repo(tmp_path / "r", [{
        "pyproject.toml": PYPROJECT, "src/demo/__init__.py": "", "src/demo/ok.py": "X = 1\n",
        "src/demo/row.py": "def row(e):\n    return {'a':e, 'b':  e}\n"}])
    log = failing_log(tmp_path, repo, "black --check .")
    result = engine_fix(log, repo, "PY-FMT-001", "format", "would reformat")
    assert result.passed is not None, result.reason
    assert [e.path for e in result.passed.patch.edits] == ["src/demo/row.py"]


def test_test_regression_reverts_the_culprits_code_hunk(tmp_path):
    repo = make_repo(tmp_path / "r", [
        {"pyproject.toml": PYPROJECT, "src/demo/__init__.py": "",
         "src/demo/pricing.py": "def price(base, rate, tax=0.2):\n    return round(base * (1 - rate) * (1 + tax), 2)\n",
         "tests/test_pricing.py": "from demo.pricing import price\n\n\ndef test_gold():\n    assert price(100, 0.1) == 108.0\n"},
        {"src/demo/pricing.py": "def price(base, rate, tax=0.2):\n    gross = base * (1 + tax)\n    return round(gross - base * rate, 2)\n"},
        {"README.md": "unrelated\n"},
    ])
    log = failing_log(tmp_path, repo, "python -m pytest -q")
    result = engine_fix(log, repo, "PY-TEST-001", "test", r"^E\s+assert|AssertionError")
    assert result.passed is not None, result.reason
    assert result.passed.patch.applicability == "unsafe"
    assert [e.path for e in result.passed.patch.edits] == ["src/demo/pricing.py"]


def test_missing_dependency_goes_to_the_file_ci_installs(tmp_path):
    repo = make_repo(tmp_path / "r", [{
        "pyproject.toml": PYPROJECT, "src/demo/__init__.py": "", "src/demo/load.py": "import yaml\n",
        "requirements.txt": "click\nrequests\n", "requirements-dev.txt": "pytest\n",
        "ci.sh": "pip install -r requirements.txt -r requirements-dev.txt\npytest\n",
        "tests/test_load.py": "import demo.load\n"}])
    code, out = run(repo, f"{sys.executable} -S -c 'import sys; sys.path.insert(0, \"src\"); import demo.load'")
    assert code != 0 and "No module named 'yaml'" in out
    from devops_agent.fix.fixers.pydeps_fix import add_missing_dependency
    from devops_agent.fix.registry import FixContext
    from devops_agent.models import Diagnosis, LogInfo

    finding = Finding("PY-DEP-001", "t", "dependency", "high", 0.9, (Evidence(1, out.strip().splitlines()[-1]),),
                      file="src/demo/load.py", data={"module": "yaml"})
    diag = Diagnosis(LogInfo("l", "plain", 1, 1, ""), "failed", (finding,))
    patch = add_missing_dependency(FixContext(finding, diag, repo, repo))
    assert patch is not None and patch.edits[0].path == "requirements.txt"
    assert patch.edits[0].after.splitlines() == ["click", "PyYAML", "requests"]


@pytest.mark.parametrize("name,text,expected", [
    ("requirements.txt", "click==8.1.7\n", None),
    ("pyproject.toml", '[project]\nname = "x"\ndependencies = []\n', 'dependencies = ["PyYAML"]'),
    ("pyproject.toml", '[project]\ndependencies = [\n    "attrs>=22",\n    "zipp",\n]\n',
     '[project]\ndependencies = [\n    "attrs>=22",\n    "PyYAML",\n    "zipp",\n]\n'),
    ("pyproject.toml", '[tool.poetry.dependencies]\npython = "^3.11"\nrequests = "^2"\n\n[build-system]\n',
     'python = "^3.11"\npyyaml = "*"\nrequests = "^2"\n\n[build-system]'),
    ("setup.cfg", "[options]\ninstall_requires =\n    attrs\n    zipp\n\n[flake8]\n",
     "install_requires =\n    attrs\n    PyYAML\n    zipp\n"),
])
def test_dependency_file_edits_keep_format_and_order(name, text, expected):
    new = reqedit.add_requirement(name, text, "PyYAML")
    assert new is not None
    if expected is None:  # a pinned file gets a pin (the installed version) at the end
        assert re.fullmatch(r"click==8\.1\.7\nPyYAML==[\d.]+\n", new)
    else:
        assert expected in new


def test_repin_from_resolver_message():
    from devops_agent.fix.fixers.versions import choose

    msg = ("ERROR: Could not find a version that satisfies the requirement requests==9.0.1 "
           "(from versions: 2.30.0, 2.31.0, 2.32.0rc1, 2.32.3)")
    assert choose({}, msg) == ("requests", "==2.32.3")
    assert reqedit.replace_pin("requirements.txt", "requests==9.0.1  # pinned\nflask\n", "requests", "==2.32.3") == \
        "requests==2.32.3  # pinned\nflask\n"


def perm_repo(tmp_path: Path, body: str) -> tuple[Path, Path]:
    repo = make_repo(tmp_path / "r", [{"scripts/build.sh": f"#!/bin/sh\n{body}\n", "README.md": "x\n"}])
    log = failing_log(tmp_path, repo, "./scripts/build.sh")
    assert "Permission denied" in log.read_text()
    return repo, log


def test_cli_execute_bit_apply_then_undo(tmp_path, capsys):
    repo, log = perm_repo(tmp_path, "echo built")
    (repo / "README.md").write_text("dirty\n")
    (repo / "notes.txt").write_text("untracked\n")
    before = snapshot(repo)
    with pytest.raises(SystemExit) as exc:
        main(["fix", str(log), "--repo", str(repo), "--apply", "--format", "json"])
    assert exc.value.code == 0
    import json

    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "applied" and out["validation"]["passed"]
    assert git(repo, "ls-files", "-s", "scripts/build.sh").startswith("100755")
    assert git(repo, "status", "--porcelain") == " M README.md\n?? notes.txt\n"
    assert "Validated in a scratch worktree" in git(repo, "log", "-1", "--format=%B")
    assert read_state(repo).branch == out["branch"]
    with pytest.raises(SystemExit) as exc:
        main(["undo", "--repo", str(repo)])
    assert exc.value.code == 0
    after = snapshot(repo)
    assert {k: after[k] for k in ("status", "refs", "head", "stash", "index")} == \
        {k: before[k] for k in ("status", "refs", "head", "stash", "index")}
    from devops_agent.store import Store

    with Store.open() as db:
        rows = [r for r in reversed(db.audit_rows()) if r["action"].startswith("fix.")]
        assert not db.verify_audit()
    assert [r["action"] for r in rows] == ["fix.propose", "fix.validate", "fix.apply", "fix.recorded", "fix.undo"]
    assert {json.loads(r["details"])["patch_sha256"] for r in rows} == {out["patch"]["sha256"]}


def test_cli_failing_validation_leaves_the_repo_byte_identical(tmp_path, capsys):
    repo, log = perm_repo(tmp_path, "echo broken >&2; exit 3")
    (repo / "README.md").write_text("dirty\n")
    git(repo, "stash", "push", "-q", "--", "README.md")
    (repo / "README.md").write_text("dirty again\n")
    (repo / "staged.txt").write_text("s\n")
    git(repo, "add", "staged.txt")
    before = snapshot(repo)
    with pytest.raises(SystemExit) as exc:
        main(["fix", str(log), "--repo", str(repo), "--apply"])
    assert exc.value.code == 1
    assert "no fix passed validation" in capsys.readouterr().err
    assert snapshot(repo) == before
    assert git(repo, "worktree", "list").count("\n") == 1  # the scratch worktree is gone


def test_cli_without_apply_changes_nothing(tmp_path, capsys):
    repo, log = perm_repo(tmp_path, "echo ok")
    before = snapshot(repo)
    with pytest.raises(SystemExit) as exc:
        main(["fix", str(log), "--repo", str(repo)])
    assert exc.value.code == 0
    assert "new mode 100755" in capsys.readouterr().out
    assert snapshot(repo) == before


def test_patch_touching_a_dirty_file_is_refused(tmp_path):
    repo, log = perm_repo(tmp_path, "echo ok")
    (repo / "scripts/build.sh").write_text("#!/bin/sh\necho changed\n")
    before = snapshot(repo)
    with pytest.raises(SystemExit) as exc:
        main(["fix", str(log), "--repo", str(repo), "--apply"])
    assert exc.value.code == 1
    assert snapshot(repo) == before


def test_infrastructure_failure_is_not_fixable(tmp_path):
    repo = make_repo(tmp_path / "r", [{"a.txt": "a\n"}])
    from devops_agent.models import Diagnosis, LogInfo

    f = Finding("INF-NET-001", "connection refused", "infrastructure", "high", 0.9, (Evidence(1, "ECONNREFUSED"),))
    diag = Diagnosis(LogInfo("l", "plain", 1, 1, ""), "failed", (f,))
    result = find_fix(diag, repo, (), FixOptions(commit=True))
    assert result.not_fixable and result.passed is None and "re-run" in result.reason


def _patch(path: str, before: str, after: str) -> Patch:
    return Patch("X", "t", "safe", "d", edits=(FileEdit(path, before, after),))


@pytest.mark.parametrize("path,before,after,why", [
    ("src/a.py", "import os\n", "import os  # noqa\n", "suppression"),
    ("src/a.py", "x: int = f()\n", "x: int = f()  # type: ignore\n", "suppression"),
    ("tests/test_a.py", "def test_a():\n    assert f()\n", "def test_a():\n    pass\n", "test or CI"),
    (".github/workflows/ci.yml", "run: pytest\n", "run: pytest || true\n", "test or CI"),
    ("ci/run.sh", "pytest\n", "pytest || true\n", "ignores a failing command"),
    ("src/a.py", "x = 1\n", "x = 1\nTOKEN = 'ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'\n", "secret"),
    ("../outside.py", "", "x\n", "outside"),
])
def test_guardrails_reject_weakening_patches(tmp_path, path, before, after, why):
    reasons = guard.static_violations(_patch(path, before, after), tmp_path, category="lint",
                                      policy=guard.Policy(), approve=False)
    assert any(why in r for r in reasons), reasons


def test_policy_protected_needs_approve(tmp_path):
    policy = guard.Policy(protected=("payments/**",))
    patch = _patch("payments/charge.py", "a = 1\n", "a = 2\n")
    assert guard.static_violations(patch, tmp_path, category="runtime", policy=policy, approve=False)
    assert not guard.static_violations(patch, tmp_path, category="runtime", policy=policy, approve=True)


def test_bandit_rejects_a_patch_that_adds_shell_true(tmp_path):
    tree = make_repo(tmp_path / "r", [{"src/run.py": "import subprocess\n\n\ndef go(c):\n    subprocess.run(c)\n"}])
    new = "import subprocess\n\n\ndef go(c):\n    subprocess.run(c, shell=True)\n"
    patch = _patch("src/run.py", (tree / "src/run.py").read_text(), new)
    patch.apply_to(tree)
    assert any("B602" in r for r in guard.bandit_violations(patch, tree))


def test_undo_without_a_fix_is_not_delivered(tmp_path):
    repo = make_repo(tmp_path / "r", [{"a.txt": "a\n"}])
    from devops_agent.errors import NotDelivered

    with pytest.raises(NotDelivered):
        undo(repo)


def test_sigkill_at_random_moments_leaves_before_or_clean_result(tmp_path):
    import random
    import signal
    import time

    repo, log = perm_repo(tmp_path, "sleep 0.2; echo built")
    (repo / "README.md").write_text("dirty\n")
    before = snapshot(repo)
    exe = str(Path(sys.executable).parent / "devops-agent")
    rng = random.Random(7)
    for _ in range(6):
        proc = subprocess.Popen([exe, "fix", str(log), "--repo", str(repo), "--apply"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = snapshot(repo)
        if now == before:
            continue
        # the clean result: on the fix branch, the script executable, the dirty file carried over
        assert git(repo, "branch", "--show-current").startswith("devops-agent/fix-")
        assert git(repo, "ls-files", "-s", "scripts/build.sh").startswith("100755")
        assert git(repo, "status", "--porcelain") == " M README.md\n"
        undo(repo)
        assert {k: snapshot(repo)[k] for k in ("status", "head", "index")} == \
            {k: before[k] for k in ("status", "head", "index")}
    code = subprocess.run([exe, "fix", str(log), "--repo", str(repo)], capture_output=True).returncode
    assert code == 0
    assert git(repo, "worktree", "list").count("\n") == 1  # leftovers of killed runs were pruned


def test_missing_secret_behind_a_keyerror_is_not_fixable(tmp_path):
    repo = make_repo(tmp_path / "r", [
        {"pyproject.toml": PYPROJECT, "src/demo/__init__.py": "", "src/demo/settings.py": "KEY = 'x'\n",
         "tests/test_s.py": "def test_s():\n    import demo.settings\n"},
        {"src/demo/settings.py": "import os\n\nKEY = os.environ['STRIPE_API_KEY']\n"}])
    log = failing_log(tmp_path, repo, "env -u STRIPE_API_KEY python -m pytest -q")
    result = engine_fix(log, repo, "PY-RUN-003", "runtime", "KeyError", "src/demo/settings.py")
    assert result.not_fixable and "STRIPE_API_KEY" in result.reason and not result.attempts


def test_model_fix_when_no_rule_fixer_applies(tmp_path, monkeypatch, capsys):
    sys.path.insert(0, str(Path(__file__).parent))
    from chat_server import ChatServer, Reply

    repo = make_repo(tmp_path / "r", [{
        "pyproject.toml": PYPROJECT, "src/demo/__init__.py": "",
        "src/demo/calc.py": "def area(w, h):\n    return w + h\n",
        "tests/test_calc.py": "from demo.calc import area\n\n\ndef test_area():\n    assert area(2, 3) == 6\n"}])
    log = gha_log(tmp_path, repo, "python -m pytest -q")
    answer = ("src/demo/calc.py\n<<<<<<< SEARCH\n    return w + h\n=======\n    return w * h\n>>>>>>> REPLACE\n")
    weakening = ("tests/test_calc.py\n<<<<<<< SEARCH\n    assert area(2, 3) == 6\n=======\n    pass\n"
                 ">>>>>>> REPLACE\n")
    with ChatServer([Reply(weakening), Reply(answer)]) as server:
        monkeypatch.setenv("DEVOPS_AGENT_MODEL", "openai/test")
        monkeypatch.setenv("DEVOPS_AGENT_LLM_API_BASE", server.api_base)
        monkeypatch.setenv("DEVOPS_AGENT_LLM_API_KEY", "sk-test-local")
        with pytest.raises(SystemExit) as exc:
            main(["fix", str(log), "--repo", str(repo), "--apply", "--format", "json", "--no-rules"])
        assert len(server.requests) == 2  # the test-weakening answer was rejected and fed back
    assert exc.value.code == 0, capsys.readouterr()
    assert "return w * h" in (repo / "src/demo/calc.py").read_text()
    assert git(repo, "branch", "--show-current").startswith("devops-agent/fix-")
    assert run(repo, "python -m pytest -q")[0] == 0


@pytest.fixture
def js_repo(tmp_path):
    """A JS project with eslint 9 and prettier 3 installed from the local npm cache (untracked)."""
    repo = make_repo(tmp_path / "r", [{
        "package.json": '{"name": "j", "version": "1.0.0", "private": true, "type": "module"}\n',
        ".gitignore": "node_modules/\n", "eslint.config.js": 'export default [{rules: {"prefer-const": "error"}}];\n',
        "lib/cart.js": "let rate = 2;\nexport const total = (n) => n * rate;\n",
        "web/price.js": "export const price  =  (a,b)=>{ return a+b }\n", "README.md": "x\n"}])
    proc = subprocess.run(["npm", "install", "--offline", "--no-audit", "--no-fund", "--no-save", "eslint@9", "prettier@3"],
                          cwd=repo, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        pytest.skip(f"eslint/prettier not in the local npm cache: {proc.stderr[-200:]}")
    return repo


@pytest.mark.parametrize("cmd,rule,path,want", [
    ("./node_modules/.bin/eslint lib", "JS-LINT-001", "lib/cart.js", "const rate = 2;"),
    ("./node_modules/.bin/prettier --check web", "JS-FMT-001", "web/price.js", "export const price = (a, b) => {"),
])
def test_js_lint_and_format_fixers_via_the_cli(js_repo, tmp_path, capsys, cmd, rule, path, want):
    log = gha_log(tmp_path, js_repo, cmd)
    with pytest.raises(SystemExit) as exc:
        main(["fix", str(log), "--repo", str(js_repo), "--apply", "--format", "json"])
    import json

    out = json.loads(capsys.readouterr().out)
    assert exc.value.code == 0, out["reason"]
    assert out["finding"]["rule"] == rule and out["patch"]["files"] == [path]
    assert want in (js_repo / path).read_text()
    assert run(js_repo, cmd)[0] == 0 and git(js_repo, "status", "--porcelain") == ""


def test_conflict_repin_from_real_pip_resolver_output():
    from packaging.specifiers import SpecifierSet

    from devops_agent.fix.fixers.versions import choose

    bench = Path("/work/shared/bench/public/cases/p02-hookrelay-werkzeug-conflict/build.log")
    if not bench.is_file():
        pytest.skip("the public bench is not on this machine")
    text = bench.read_text()
    package, spec = choose({}, text)
    assert package.lower() == "werkzeug" and spec.startswith("==")
    assert SpecifierSet(">=3.0.0").contains(spec[2:])


def test_plan_takes_the_job_from_the_repos_ci_config(tmp_path):
    from devops_agent.fix.plan import plan_checks
    from devops_agent.models import Diagnosis, LogInfo, Step

    root = tmp_path
    (root / ".github/workflows").mkdir(parents=True)
    (root / ".github/workflows/ci.yml").write_text(
        "jobs:\n  build:\n    steps:\n      - uses: actions/checkout@v4\n"
        "      - name: Install\n        run: pip install -e .\n"
        "      - name: Tests\n        run: |\n          python -m pytest -q\n"
        "      - name: Lint\n        run: ruff check .\n"
        "      - name: Publish\n        run: twine upload dist/*\n")
    (root / "devops-agent.toml").write_text('[validate]\ncommands = ["mypy src"]\ntimeout_s = 60\n')
    step = Step("Tests", 10, 20, "python -m pytest -q", True, 1)
    diag = Diagnosis(LogInfo("l", "github", 1, 1, ""), "failed", (), (step,), step)
    f = Finding("PY-TEST-001", "t", "test", "high", 0.9, ())
    checks = plan_checks(root, diag, f)
    assert [c.command.strip() for c in checks] == ["pip install -e .", "python -m pytest -q", "ruff check .", "mypy src"]
    assert [c.origin for c in checks] == ["ci-config"] * 3 + ["validate-config"]

    (root / ".github/workflows/ci.yml").unlink()
    (root / ".gitlab-ci.yml").write_text(
        "default:\n  before_script:\n    - pip install -r requirements.txt\n"
        "test:\n  script:\n    - python -m pytest -q\n    - coverage report\n")
    gl = plan_checks(root, replace(diag, failing_step=replace(step, name="test")), f)
    assert gl[0].command == "pip install -r requirements.txt\npython -m pytest -q\ncoverage report"


def test_fixer_registry_codes_and_applicability():
    from devops_agent.fix.registry import all_fixers, fixers_for
    from devops_agent.signatures.base import CODE_RE

    fixers = all_fixers()
    assert len({f.name for f in fixers}) == len(fixers)
    for f in fixers:
        assert f.applicability in ("safe", "unsafe", "display-only") and f.summary
        assert all(c == "*" or CODE_RE.match(c) for c in f.codes), f.codes
    for code in ("PY-DEP-001", "PY-DEP-002", "PY-DEP-003", "PY-IMP-001", "PY-RUN-001", "PY-RUN-002", "PY-SYN-001",
                 "PY-LINT-001", "PY-FMT-001", "PY-FMT-002", "JS-LINT-001", "JS-FMT-001", "SH-PERM-001"):
        assert [f for f in fixers_for(code) if "*" not in f.codes], code


def test_policy_protected_path_from_devops_agent_toml_needs_approve(tmp_path, capsys):
    repo = make_repo(tmp_path / "r", [{"scripts/build.sh": "#!/bin/sh\necho built\n",
                                        "devops-agent.toml": '[policy]\nprotected = ["scripts/**"]\n'}])
    log = failing_log(tmp_path, repo, "./scripts/build.sh")
    before = snapshot(repo)
    with pytest.raises(SystemExit) as exc:
        main(["fix", str(log), "--repo", str(repo), "--apply"])
    assert exc.value.code == 1 and "protected" in capsys.readouterr().err
    assert snapshot(repo) == before
    with pytest.raises(SystemExit) as exc:
        main(["fix", str(log), "--repo", str(repo), "--apply", "--approve"])
    assert exc.value.code == 0
    assert git(repo, "ls-files", "-s", "scripts/build.sh").startswith("100755")
