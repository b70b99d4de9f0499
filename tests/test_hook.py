"""The pre-push hook on real git repositories made in temp dirs, and a real `git push`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def git(repo: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, **kw)


def write(repo: Path, files: dict[str, str], mode: dict[str, str] | None = None) -> None:
    for path, text in files.items():
        target = repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    for path, m in (mode or {}).items():
        (repo / path).chmod(0o755 if m == "+x" else 0o644)


def commit(repo: Path, message: str, files: dict[str, str], mode: dict[str, str] | None = None) -> str:
    write(repo, files, mode)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = tmp_path / "proj"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    git(r, "config", "core.fileMode", "true")
    commit(r, "Initial", {
        "requirements.txt": "requests>=2\n",
        "src/app/__init__.py": "",
        "src/app/text.py": "def slugify_title(t):\n    return t.lower().replace(' ', '-')\n",
        "src/app/main.py": "import requests\n\nfrom app.text import slugify_title\n\nprint(slugify_title('A B'), requests)\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
                                   "      - uses: actions/setup-python@v5\n        with:\n          python-version: '3.12'\n"
                                   "      - run: pip install pytest && pytest\n",
    })
    return r


def check(repo: Path, rng: str = "HEAD", *extra: str) -> tuple[int, dict]:
    proc = subprocess.run(
        [sys.executable, "-m", "devops_agent", "hook", "check", "--repo", str(repo), "--range", rng,
         "--format", "json", "--no-tools", *extra],
        capture_output=True, text=True,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def rules(doc: dict) -> list[tuple[str, str]]:
    return [(f["rule"], f["category"]) for f in doc["findings"]]


def test_new_import_without_dependency_blocks(repo: Path) -> None:
    commit(repo, "Load YAML", {"src/app/conf.py": "import yaml\n\nLOAD = yaml.safe_load\n"})
    code, doc = check(repo)
    assert code == 1 and doc["verdict"] == "block"
    assert rules(doc) == [("PY-DEP-001", "dependency")]
    assert doc["findings"][0]["file"] == "src/app/conf.py" and doc["findings"][0]["line"] == 1
    assert "PyYAML" in doc["findings"][0]["message"]
    assert doc["schema"] == "devops-agent/prepush@1" and doc["range"].count("..") == 1


def test_import_declared_in_the_same_push_passes(repo: Path) -> None:
    commit(repo, "Load YAML", {"src/app/conf.py": "import yaml\n", "requirements.txt": "requests>=2\nPyYAML==6.0.1\n"})
    code, doc = check(repo)
    assert (code, doc["verdict"], doc["findings"]) == (0, "pass", [])


def test_renamed_function_with_a_stale_import(repo: Path) -> None:
    commit(repo, "Rename", {"src/app/text.py": "def make_slug(t):\n    return t.lower().replace(' ', '-')\n"})
    code, doc = check(repo)
    assert code == 1
    f = doc["findings"][0]
    assert (f["rule"], f["category"], f["file"], f["line"]) == ("PY-IMP-001", "runtime", "src/app/main.py", 3)
    assert "did you mean 'make_slug'" in f["message"]


def test_syntax_error_blocks_but_an_old_one_elsewhere_does_not(repo: Path) -> None:
    commit(repo, "Broken", {"src/app/bad.py": "def f(:\n    pass\n"})
    code, doc = check(repo)
    assert code == 1 and rules(doc) == [("PY-SYN-001", "compilation")]
    commit(repo, "Unrelated", {"README.md": "# proj\n"})
    code, doc = check(repo)
    assert (code, doc["verdict"]) == (0, "pass"), "only what the push changes is judged"


def test_removed_stdlib_api_depends_on_the_ci_python(repo: Path) -> None:
    commit(repo, "Port", {"src/app/merge.py": "import collections\n\ndef f(x):\n    return isinstance(x, collections.Mapping)\n"})
    _, doc = check(repo)
    assert rules(doc) == [("PY-RUN-002", "runtime")]
    assert "collections.abc.Mapping" in doc["findings"][0]["message"] and doc["findings"][0]["line"] == 4
    ci = (repo / ".github/workflows/ci.yml").read_text().replace("'3.12'", "'3.8'")
    commit(repo, "CI on 3.8", {".github/workflows/ci.yml": ci})
    _, doc = check(repo, "HEAD~1..HEAD")
    assert doc["findings"] == []


@pytest.mark.parametrize(
    ("path", "text", "rule", "line"),
    [
        ("config/app.yaml", "a: 1\nb: [1, 2\nc: 3\n", "CFG-YAML-001", 3),
        ("config/app.toml", "[x]\na = 1\nb = \n", "CFG-TOML-001", 3),
        ("data/x.json", '{"a": 1,\n "b": }\n', "CFG-JSON-001", 2),
    ],
)
def test_invalid_config_files(repo: Path, path: str, text: str, rule: str, line: int) -> None:
    commit(repo, "Config", {path: text})
    code, doc = check(repo)
    assert code == 1
    f = doc["findings"][0]
    assert (f["rule"], f["category"], f["file"], f["line"]) == (rule, "configuration", path, line)


def test_valid_but_unusual_config_files_pass(repo: Path) -> None:
    commit(repo, "Configs", {
        ".gitlab-ci.yml": "test:\n  script:\n    - !reference [.setup, script]\n    - make\n",
        "tsconfig.json": '{\n  // comments are allowed here\n  "compilerOptions": {"strict": true,},\n}\n',
        "chart/templates/deploy.yaml": "metadata:\n  name: {{ .Release.Name }}\n",
    })
    code, doc = check(repo)
    assert (code, doc["findings"]) == (0, [])


def test_script_run_by_ci_without_execute_bit(repo: Path) -> None:
    ci = (repo / ".github/workflows/ci.yml").read_text() + "      - run: ./scripts/build_docs.sh\n"
    commit(repo, "Docs script", {".github/workflows/ci.yml": ci, "scripts/build_docs.sh": "#!/bin/sh\necho docs\n"},
           mode={"scripts/build_docs.sh": "-x"})
    code, doc = check(repo)
    assert code == 1 and rules(doc) == [("SH-PERM-001", "permission")]
    assert "git update-index --chmod=+x scripts/build_docs.sh" in doc["findings"][0]["message"]
    (repo / "scripts/build_docs.sh").chmod(0o755)
    git(repo, "commit", "-q", "-am", "Make it executable")
    assert check(repo, "HEAD~2..HEAD")[1]["findings"] == []


def test_unset_environment_key_only_warns(repo: Path) -> None:
    commit(repo, "Secret", {"src/app/settings.py": "import os\n\nKEY = os.environ['STRIPE_API_KEY']\n"})
    code, doc = check(repo)
    assert (code, doc["verdict"]) == (0, "warn")
    assert rules(doc) == [("CFG-ENV-001", "configuration")]


def test_configured_ruff_runs_on_changed_files_only(repo: Path) -> None:
    if not (BIN / "ruff").exists():
        pytest.skip("ruff is not installed in this environment")
    commit(repo, "Use ruff", {"pyproject.toml": "[tool.ruff]\nline-length = 100\n", "src/app/old.py": "import os\n"})
    commit(repo, "New module", {"src/app/new.py": "import sys\n\nX = 1\n"})
    proc = subprocess.run(
        [sys.executable, "-m", "devops_agent", "hook", "check", "--repo", str(repo), "--range", "HEAD", "-f", "json"],
        capture_output=True, text=True, env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},
    )
    doc = json.loads(proc.stdout)
    lint = [f for f in doc["findings"] if f["rule"] == "PY-LINT-001"]
    assert [(f["file"], f["line"]) for f in lint] == [("src/app/new.py", 1)], doc
    assert "F401" in lint[0]["message"]


def test_hook_check_does_not_import_scikit_learn(repo: Path) -> None:
    code = (
        "import sys\nfrom devops_agent.cli import main\n"
        f"try:\n    main(['hook', 'check', '--repo', {str(repo)!r}, '--range', 'HEAD', '--no-tools'])\n"
        "except SystemExit:\n    pass\n"
        "print('SKLEARN' if 'sklearn' in sys.modules else 'CLEAN', 'LITELLM' if 'litellm' in sys.modules else '')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip().splitlines()[-1].strip() == "CLEAN"


def test_bad_range_is_a_usage_error(repo: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "devops_agent", "hook", "check", "--repo", str(repo), "--range", "nope..HEAD"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "unknown revision" in proc.stderr and "Traceback" not in proc.stderr


def test_installed_hook_stops_a_real_push(repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(repo, "remote", "add", "origin", str(remote))
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run([sys.executable, "-m", "devops_agent", "hook", "install", "--repo", str(repo)], check=True, env=env)
    git(repo, "push", "-q", "origin", "main", env=env)  # the initial history is fine
    commit(repo, "Load YAML", {"src/app/conf.py": "import yaml\n"})
    push = subprocess.run(["git", "-C", str(repo), "push", "origin", "main"], capture_output=True, text=True, env=env)
    assert push.returncode != 0
    assert "PY-DEP-001" in push.stdout + push.stderr
    assert git(remote, "rev-parse", "main").stdout != git(repo, "rev-parse", "main").stdout
    git(repo, "push", "-q", "--no-verify", "origin", "main", env=env)


def test_install_respects_a_foreign_hook(repo: Path) -> None:
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "pre-push").write_text("#!/bin/sh\nexit 0\n")
    run = lambda *a: subprocess.run([sys.executable, "-m", "devops_agent", "hook", *a, "--repo", str(repo)],  # noqa: E731
                                    capture_output=True, text=True)
    refused = run("install")
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert run("install", "--force").returncode == 0
    assert (hooks / "pre-push.local").read_text() == "#!/bin/sh\nexit 0\n"
    assert "devops-agent pre-push hook" in (hooks / "pre-push").read_text()
    assert run("uninstall").returncode == 0
    assert (hooks / "pre-push").read_text() == "#!/bin/sh\nexit 0\n"
    assert run("uninstall").returncode == 2


def test_learn_fits_a_model_that_the_hook_then_uses(repo: Path, tmp_path: Path) -> None:
    from devops_agent.store import Store

    home = tmp_path / "home"
    env = {**os.environ, "DEVOPS_AGENT_HOME": str(home)}
    with Store.open(home / "history.db") as store:
        for i in range(12):
            bad = i % 3 == 0
            head = commit(repo, f"Change {i}", {f"src/app/m{i}.py": f"X = {i}\n"})
            feats = {"max_blocking_confidence": 0.9 if bad else 0.0, "n_predictions": 0.7 if bad else 0.0,
                     "n_files": 0.7, "n_lines": 1.0, "path_failure_rate": 0.0, "rule_seen_before": 0.0}
            store.record_push(repo=str(repo), range=f"{head}^..{head}", head=head, risk=0.5,
                              verdict="warn" if bad else "pass", features=feats)
            run = store.start_run("diagnose ci.log", repo=str(repo), commit=head)
            store.finish_run(run, 0, status="failed" if bad else "passed")
    proc = subprocess.run([sys.executable, "-m", "devops_agent", "learn", "--json"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    model = json.loads(proc.stdout)
    assert model["examples"] == 12 and model["bad"] == 4
    assert model["coef"]["max_blocking_confidence"] > 0, "the predictor that separated the outcomes gets weight"
    check = subprocess.run([sys.executable, "-m", "devops_agent", "hook", "check", "--repo", str(repo), "--range", "HEAD",
                            "-f", "json", "--no-tools"], capture_output=True, text=True, env=env)
    assert json.loads(check.stdout)["model"] == "trained"


def test_learn_without_enough_history_is_not_delivered(tmp_path: Path) -> None:
    env = {**os.environ, "DEVOPS_AGENT_HOME": str(tmp_path / "home")}
    proc = subprocess.run([sys.executable, "-m", "devops_agent", "learn"], capture_output=True, text=True, env=env)
    assert proc.returncode == 1 and "not enough labelled pushes" in proc.stderr
