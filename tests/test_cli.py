"""The command line as users and scripts meet it: start-up cost, exit codes, one-line errors."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "github-actions-pytest.log"
HEAVY = ("litellm", "sklearn", "git", "keyring", "httpx", "jsonschema")


def run(*args: str, cwd: Path | None = None, stdin: bytes | None = None, env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-m", "devops_agent", *args],
        capture_output=True,
        input=stdin,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


def _modules_after(argv: list[str], cwd: Path) -> list[str]:
    code = (
        "import sys\n"
        "from devops_agent.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        f"print('MODULES:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd)
    marker = [ln for ln in proc.stdout.splitlines() if ln.startswith("MODULES:")]
    assert marker, proc.stderr
    return [m for m in marker[-1].removeprefix("MODULES:").split(",") if m]


def test_help_does_not_import_heavy_modules(tmp_path: Path) -> None:
    loaded = [m for m in _modules_after(["--help"], tmp_path) if m]
    assert loaded == [], f"--help imported {loaded}"


def test_diagnose_does_not_import_heavy_modules(tmp_path: Path) -> None:
    loaded = [m for m in _modules_after(["diagnose", str(EXAMPLE), "--no-history", "-f", "json"], tmp_path) if m]
    assert loaded == [], f"diagnose imported {loaded}"


def test_version_and_module_entry() -> None:
    from devops_agent import __version__

    proc = run("--version")
    assert proc.returncode == 0
    assert proc.stdout.decode().strip() == f"devops-agent {__version__}"


def test_diagnose_example_json(tmp_path: Path) -> None:
    proc = run("diagnose", str(EXAMPLE), "--format", "json", "--no-history", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["status"] == "failed"
    assert doc["findings"], "the example fails on a missing module"
    assert "yaml" in doc["findings"][0]["evidence"][0]["text"]


def test_stdin_and_gzip_give_the_same_answer(tmp_path: Path) -> None:
    data = EXAMPLE.read_bytes()
    gz = tmp_path / "build.log.gz"
    gz.write_bytes(gzip.compress(data))
    a = json.loads(run("diagnose", "-", "-f", "json", "--no-history", stdin=data, cwd=tmp_path).stdout)
    b = json.loads(run("diagnose", str(gz), "-f", "json", "--no-history", cwd=tmp_path).stdout)
    assert a["findings"] == b["findings"]
    assert a["source"]["sha256"] == b["source"]["sha256"]


@pytest.mark.parametrize(
    ("setup", "args", "needle"),
    [
        (lambda d: None, ["diagnose", "missing.log"], "missing.log"),
        (lambda d: (d / "empty.log").write_bytes(b""), ["diagnose", "empty.log"], "empty"),
        (lambda d: (d / "a.bin").write_bytes(bytes(range(256)) * 64), ["diagnose", "a.bin"], "binary"),
        (lambda d: (d / "x.log").write_text("error: x\n"), ["diagnose", "x.log", "--repo", "."], "not a git repository"),
        (lambda d: (d / "x.log").write_text("error: x\n"), ["diagnose", "x.log", "--format", "yaml"], "yaml"),
        (lambda d: None, ["no-such-command"], "no-such-command"),
    ],
    ids=["missing", "empty", "binary", "not-git", "bad-format", "bad-command"],
)
def test_bad_input_is_exit_2_with_one_clear_line(tmp_path: Path, setup, args, needle) -> None:
    setup(tmp_path)
    proc = run(*args, cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    assert needle in err
    assert not (tmp_path / "da-home" / "crashes").exists()


def test_internal_error_is_exit_3_with_a_crash_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    # A bug cannot be provoked on purpose, so the engine is replaced by one that raises.
    code = (
        "import sys\n"
        "import devops_agent.diagnose as d\n"
        "def boom(*a, **k):\n    raise RuntimeError('simulated bug')\n"
        "d.diagnose_path = boom\n"
        "from devops_agent.cli import main\n"
        f"main(['diagnose', {str(EXAMPLE)!r}, '--no-history'])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "DEVOPS_AGENT_HOME": str(home)},
    )
    assert proc.returncode == 3
    assert "simulated bug" in proc.stderr and "Traceback" not in proc.stderr
    crashes = list((home / "crashes").glob("crash-*.txt"))
    assert len(crashes) == 1 and "RuntimeError: simulated bug" in crashes[0].read_text()
    assert str(crashes[0]) in proc.stderr

    debug = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "DEVOPS_AGENT_HOME": str(home), "DEVOPS_AGENT_DEBUG": "1"},
    )
    assert "Traceback" in debug.stderr
