"""Cleaning real CI lines: timestamps, ANSI, GitLab sections, progress redraws, annotations."""

from __future__ import annotations

import pytest

from devops_agent.logs.clean import annotation_of, clean_line, message_of


def test_github_timestamp_and_annotation() -> None:
    raw = "2026-02-17T08:41:07.1234567Z ##[error]Process completed with exit code 1.\r"
    clean = clean_line(raw)
    assert clean == "##[error]Process completed with exit code 1."
    assert message_of(clean) == "Process completed with exit code 1."
    assert annotation_of(clean) == "error"


def test_workflow_command_annotation() -> None:
    clean = clean_line("::error file=src/app.py,line=3,title=Ruff (F401)::src/app.py:3:8: F401 `os` imported but unused")
    assert message_of(clean) == "src/app.py:3:8: F401 `os` imported but unused"
    assert annotation_of(clean) == "error"


def test_gitlab_section_marker_and_ansi() -> None:
    raw = "section_start:1762855342:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting \"step_script\" stage\x1b[0;m"
    assert clean_line(raw) == 'Executing "step_script" stage'
    assert clean_line("\x1b[32;1m$ python -m pytest -q\x1b[0;m") == "$ python -m pytest -q"


def test_progress_redraw_keeps_the_last_state() -> None:
    assert clean_line("Downloading  10%\rDownloading  55%\rDownloading 100%") == "Downloading 100%"
    assert clean_line("done\r\r") == "done"


def test_jenkins_maven_colours() -> None:
    assert clean_line("[\x1b[1;31mERROR\x1b[m] COMPILATION ERROR : ") == "[ERROR] COMPILATION ERROR :"


def test_gh_cli_prefix() -> None:
    line = "build\tRun tests\t2021-12-01T13:01:04.3807878Z LogDifferTest > testGithubParsing() FAILED"
    assert clean_line(line) == "LogDifferTest > testGithubParsing() FAILED"


def test_control_bytes_removed_but_text_kept() -> None:
    assert clean_line("err\x00or: bad\x07 thing") == "error: bad thing"


def test_ordinary_lines_untouched() -> None:
    for line in ("    assert total == 42", "src/app.py:3:8: F401 `os` imported but unused", "::notice-like text"):
        assert clean_line(line) == line


def test_workspace_prefixes_of_hosted_and_self_hosted_runners() -> None:
    from devops_agent.paths_map import PathMapper

    m = PathMapper(None, None)
    cases = {
        "/home/runner/work/shop/shop/src/app.py": "src/app.py",
        "C:\\actions-runner\\_work\\pytorch\\pytorch\\third_party\\kineto\\x.h": "third_party/kineto/x.h",
        "/opt/actions-runner/_work/app/app/src/a.py": "src/a.py",
        "D:\\a\\repo\\repo\\src\\b.cs": "src/b.cs",
        "C:\\Jenkins\\workspace\\job\\src\\c.c": "src/c.c",
        "/builds/group/sub/project/src/main.go": "src/main.go",
        "./.github/workflows/ci.yml": ".github/workflows/ci.yml",
    }
    for raw, want in cases.items():
        assert m.map(raw) == want, raw


@pytest.mark.parametrize("raw, clean", [
    ("web:build: src/main.ts(3,7): error TS2322: x", "src/main.ts(3,7): error TS2322: x"),  # turbo
    ("@acme/ui:test:unit: FAIL src/a.test.ts", "FAIL src/a.test.ts"),
    ("web:build: ", ""),
    ("apps/web build: src/main.ts(3,7): error TS2322: x", "src/main.ts(3,7): error TS2322: x"),  # pnpm -r
    ("apps/web build$ tsc -p .", "$ tsc -p ."),
    ("web#build:  ERROR  command (/repo/apps/web) /usr/bin/npm run build exited (2)",
     "web#build:  ERROR  command (/repo/apps/web) /usr/bin/npm run build exited (2)"),  # turbo's own line
    ("INFO:root: starting", "INFO:root: starting"),  # Python logging is not a task prefix
    ("main.go:12:3: undefined: x", "main.go:12:3: undefined: x"),
    ("src/a.c:3:5: error: x", "src/a.c:3:5: error: x"),
    ("Caused by: java.lang.IllegalStateException: y", "Caused by: java.lang.IllegalStateException: y"),
    ("sh: 1: foo: not found", "sh: 1: foo: not found"),
    ("tests/test_x.py F.F.   [50%]", "tests/test_x.py F.F.   [50%]"),
    ("http://example.com: down", "http://example.com: down"),
])
def test_monorepo_task_prefixes(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean
