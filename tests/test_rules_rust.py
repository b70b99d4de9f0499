"""The Rust signatures on real cargo/rustc output: dependency-free crates are built here (offline);
older rustc forms and nextest/compiletest lines are quoted from the public LogDx logs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from devops_agent.signatures.base import Extract
from devops_agent.signatures.rust import RULES
from rule_support import rule_matches

BY_CODE = {r.code: r for r in RULES}
pytestmark = pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo not installed")


def matches(code: str, text: str) -> list[tuple[int, Extract]]:
    return rule_matches(BY_CODE[code], text)


@pytest.fixture(scope="module")
def crate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("crate")
    (root / "src").mkdir()
    (root / "Cargo.toml").write_text('[package]\nname = "wc"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n')
    return root


def cargo(root: Path, lib_rs: str, *args: str) -> str:
    (root / "src" / "lib.rs").write_text(lib_rs)
    env = {**os.environ, "RUST_BACKTRACE": "0", "CARGO_TERM_COLOR": "never"}
    cmd, *rest = args
    proc = subprocess.run(["cargo", cmd, "--offline", *rest], cwd=root, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode != 0, proc.stderr
    return proc.stdout + proc.stderr


def test_rustc_error_with_code_location_and_suggestion(crate: Path) -> None:
    out = cargo(crate, "pub fn count(xs: &[u8]) -> usize { xs.len() }\npub fn total(xs: &[u8]) -> usize { cont(xs) }\n", "build")
    ((n, ext),) = matches("RS-CC-001", out)
    assert (ext.file, ext.line, ext.data["error_code"]) == ("src/lib.rs", 2, "E0425")
    assert ext.data["symbol"] == "cont" and ext.data.get("suggestion") == "count"
    assert matches("RS-LINT-001", out) == []
    assert [n for n, _ in matches("RS-SUM-001", out)]  # `error: could not compile` is a symptom


def test_plain_rustc_error_without_code(crate: Path) -> None:
    out = cargo(crate, "pub fn f() { prinln!(\"x\"); }\n", "build")
    got = matches("RS-CC-001", out)
    assert got and got[0][1].file == "src/lib.rs" and "error_code" not in got[0][1].data


def test_clippy_denied_lint_is_lint_not_compile_error(crate: Path) -> None:
    if shutil.which("cargo-clippy") is None:
        pytest.skip("clippy not installed")
    out = cargo(crate, "pub fn f(x: u32) -> u32 {\n    return x + 1;\n}\n", "clippy", "--", "-D", "warnings")
    assert matches("RS-CC-001", out) == []
    ((n, ext),) = matches("RS-LINT-001", out)
    assert (ext.file, ext.line, ext.data["lint"]) == ("src/lib.rs", 2, "clippy::needless_return")


def test_rustc_lint_denied_by_rustflags(crate: Path) -> None:
    (crate / "src" / "lib.rs").write_text("pub fn f() { let unused = 1; }\n")
    env = {**os.environ, "RUSTFLAGS": "-D warnings", "CARGO_TERM_COLOR": "never"}
    proc = subprocess.run(["cargo", "build", "--offline"], cwd=crate, capture_output=True, text=True, timeout=300, env=env)
    out = proc.stdout + proc.stderr
    ((n, ext),) = matches("RS-LINT-001", out)
    assert ext.data["lint"] == "unused_variables" and ext.line == 1


def test_test_failure_leads_with_the_panic(crate: Path) -> None:
    lib = (
        "pub fn double(x: i32) -> i32 { x * 3 }\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n"
        "    #[test]\n    fn doubles() {\n        assert_eq!(double(2), 4);\n    }\n}\n"
    )
    out = cargo(crate, lib, "test")
    got = matches("RS-TEST-001", out)
    lines = out.split("\n")
    panic_line = next(i for i, t in enumerate(lines, 1) if "panicked at" in t)
    assert {e.primary or n for n, e in got} == {panic_line}
    assert all((e.file, e.line) == ("src/lib.rs", 9) for _, e in got)
    assert all(e.data["test"] == "tests::doubles" for _, e in got)
    assert "left: 6" in got[0][1].data["message"]
    assert matches("RS-RUN-001", out) == []


def test_older_rustc_panic_format_and_nextest_line() -> None:
    text = (
        "---- tests::parse stdout ----\n"
        "thread 'tests::parse' panicked at 'assertion failed: `(left == right)`\n"
        "  left: `2`,\n"
        " right: `3`', src/parse.rs:41:9\n"
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n"
        "        FAIL [   9.875s] (396/396) tests-build::macros compile_fail_full\n"
        "thread 'main' panicked at src/main.rs:4:24:\n"
        "called `Result::unwrap()` on an `Err` value: ParseIntError { kind: InvalidDigit }\n"
    )
    tests = matches("RS-TEST-001", text)
    assert [(n, e.file, e.line) for n, e in tests[:1]] == [(2, "src/parse.rs", 41)]
    assert tests[1][1].data["test"] == "compile_fail_full"
    ((n, run),) = matches("RS-RUN-001", text)
    assert (n, run.file, run.line, run.data["thread"]) == (7, "src/main.rs", 4, "main")


def test_panic_in_dependency_code_has_no_project_file() -> None:
    line = "    thread 'compile_fail_full' (25975) panicked at /home/runner/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/trybuild-1.0.116/src/run.rs:102:13:"
    ((_, ext),) = matches("RS-TEST-001", line)
    assert ext.file is None


def test_cargo_dependency_resolution_and_network_failures() -> None:
    offline = (
        "error: no matching package named `serde` found\n"
        "location searched: crates.io index\n"
        "required by package `depx v0.1.0 (/tmp/depx)`\n"
    )
    ((_, ext),) = matches("RS-DEP-001", offline)
    assert (ext.file, ext.data["crate"]) == ("Cargo.toml", "serde")
    network = (  # real cargo 1.95 output without network
        "    Updating crates.io index\n"
        "warning: spurious network error (1 try remaining): [6] Could not resolve hostname (Could not resolve host: index.crates.io)\n"
        "error: failed to get `serde` as a dependency of package `depx v0.1.0 (/tmp/nat/rs/depx)`\n"
        "\n"
        "Caused by:\n"
        "  download of config.json failed\n"
        "\n"
        "Caused by:\n"
        "  failed to download from `https://index.crates.io/config.json`\n"
    )
    assert matches("RS-DEP-001", network) == []
    assert matches("RS-CC-001", network) == []


@pytest.mark.parametrize("line", [
    "error: Recipe `format` failed on line 221 with exit code 127",
    "error: could not lock config file .git/modules/library/backtrace/config: No such file or directory",
    "error: metadata-generation-failed",
    "warning: unused variable: `x`",
    "test tests::ok ... ok",
])
def test_ordinary_lines_do_not_match(line: str) -> None:
    for code in ("RS-CC-001", "RS-LINT-001", "RS-TEST-001", "RS-DEP-001"):
        assert matches(code, line) == [], (code, line)


def test_rustfmt_check(crate: Path) -> None:
    if shutil.which("rustfmt") is None:
        pytest.skip("rustfmt not installed")
    (crate / "src" / "lib.rs").write_text("pub fn f(x:u32)->u32{x+1}\n")
    proc = subprocess.run(["cargo", "fmt", "--all", "--", "--check"], cwd=crate, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    ((_, ext),) = matches("RS-FMT-001", proc.stdout + proc.stderr)
    assert ext.file.endswith("src/lib.rs") and ext.line == 1 and len(ext.data["files"]) == 1


def test_build_script_failure_leads_with_its_stderr(tmp_path: Path) -> None:
    root = tmp_path / "bs"
    (root / "src").mkdir(parents=True)
    (root / "Cargo.toml").write_text('[package]\nname = "bs"\nversion = "0.2.0"\nedition = "2021"\n')
    (root / "src" / "lib.rs").write_text("")
    (root / "build.rs").write_text(
        'fn main() {\n    std::process::Command::new("no-such-protoc-xyz").output()'
        '.expect("failed to run no-such-protoc-xyz");\n}\n'
    )
    env = {**os.environ, "RUST_BACKTRACE": "0", "CARGO_TERM_COLOR": "never"}
    proc = subprocess.run(["cargo", "build", "--offline"], cwd=root, capture_output=True, text=True, timeout=300, env=env)
    out = proc.stdout + proc.stderr
    ((n, ext),) = matches("RS-BUILD-001", out)
    assert ext.data["crate"] == "bs" and ext.data["message"].startswith("failed to run no-such-protoc-xyz")
    assert ext.primary is not None and ext.primary > n
    assert matches("RS-RUN-001", out) == [] and matches("RS-CC-001", out) == []
