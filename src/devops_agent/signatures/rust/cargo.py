"""cargo: dependency resolution and formatting checks."""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.rust.common import ECO as _ECO
from devops_agent.signatures.rust.common import doc as _doc

# --- cargo ---------------------------------------------------------------------------------------
_DEP = rx(
    r"^error: (?P<message>(?:failed to select a version for(?: the requirement)? `(?P<crate>[\w-]{1,100})[^\n]{0,200}"
    r"|no matching package (?:named|found)[^\n]{0,40}`(?P<crate2>[\w-]{1,100})`[^\n]{0,200}"
    r"|failed to get `(?P<crate3>[\w-]{1,100})` as a dependency[^\n]{0,300}"
    r"|failed to load source for dependency `(?P<crate4>[\w-]{1,100})`[^\n]{0,200}"
    r"|cannot update the lock file [^\n]{0,300}|the lock file [^\n]{0,200} needs to be updated but --locked was passed[^\n]{0,200}"
    r"|package `(?P<crate5>[\w-]{1,100})[^`\n]{0,60}` cannot be built because it requires rustc [^\n]{0,200}))"
)


_NETWORK = re.compile(
    r"Could not resolve host|spurious network error|failed to download|Connection (?:refused|reset|timed out)"
    r"|[Oo]peration timed out|SSL|TLS|failed to fetch|HTTP status (?:5\d\d|429)|network failure"
)


def _dep_extract(m: re.Match[str], win: Window) -> Extract | None:
    if any(_NETWORK.search(t) for _, t in win.after(14)):
        return None  # the registry was unreachable: an infrastructure failure
    crate = m["crate"] or m["crate2"] or m["crate3"] or m["crate4"] or m["crate5"]
    data: dict[str, object] = {"message": m["message"][:300]}
    if crate:
        data["crate"] = crate
    evidence = [n for n, text in win.after(6) if text.strip() and not text.startswith("error")][:2]
    return Extract(file="Cargo.toml" if crate else None, evidence=tuple(evidence), data=data)


# --- build scripts -------------------------------------------------------------------------------
_BUILD_SCRIPT = rx(r"^error: failed to run custom build command for `(?P<crate>[\w-]{1,100}) v(?P<version>[\w.+-]{1,50})")
_PANICKED = re.compile(r"^\s*thread '[^'\n]{1,100}'(?: \(\d+\))? panicked at (?P<path>[^\s:][^\n:]{0,300}):(?P<line>\d+):")


def _build_script_extract(m: re.Match[str], win: Window) -> Extract | None:
    """Lead with what the build script printed on stderr (its panic message or first error line)."""
    data: dict[str, object] = {"crate": m["crate"], "version": m["version"]}
    in_stderr = False
    for n, text in win.after(40):
        if text.strip() == "--- stderr":
            in_stderr = True
            continue
        if not in_stderr or not text.strip():
            continue
        p = _PANICKED.match(text)
        if p:
            message = win.text(n + 1) or ""
            data["message"] = message.strip()[:300]
            return Extract(primary=n + 1, evidence=(n, win.lineno), data=data)
        if text.lstrip().startswith(("cargo:", "running:", "note:")):
            continue
        data["message"] = text.strip()[:300]
        return Extract(primary=n, evidence=(win.lineno,), data=data)
    return Extract(data=data)


# --- rustfmt -----------------------------------------------------------------------------------
_FMT = rx(r"^Diff in (?P<path>[^\n]{1,400}?\.rs)(?::(?P<line>\d+):| at line (?P<line2>\d+):)\s*$")


def _fmt_extract(m: re.Match[str], win: Window) -> Extract | None:
    files: list[str] = []
    for _, text in (*win.before(2000), (win.lineno, m.string), *win.after(2000)):
        f = _FMT.match(text)
        if f and f["path"] not in files:
            files.append(f["path"])
    return Extract(file=m["path"], line=int(m["line"] or m["line2"]), data={"files": sorted(files)})


# --- catalogue -----------------------------------------------------------------------------------
RULES = [
    Rule(
        code="RS-DEP-001",
        name="cargo-dependency-resolution",
        category="dependency",
        severity="high",
        pattern=_DEP,
        literal="error: ",
        extract=_dep_extract,
        priority=80,
        confidence=0.82,
        ecosystem=_ECO,
        fix="unsafe",
        title="cargo could not resolve dependency {crate}: {message}",
        root_cause="cargo failed to resolve the dependencies: {message}",
        suggestion="Check the requirement for {crate} in Cargo.toml (a version that does not exist, conflicting "
        "requirements, an out-of-date Cargo.lock with --locked, or a crate needing a newer rustc).",
        doc=_doc(
            "cargo could not resolve the dependency graph: `error: failed to select a version for the requirement "
            "\\`x = \"^9\"\\``, `error: no matching package named \\`x\\` found`, `the lock file needs to be updated but "
            "--locked was passed`, or a crate that requires a newer rustc.",
            "Cargo.toml asks for a version that does not exist or conflicts with another requirement, Cargo.lock is "
            "stale, or the toolchain is older than a dependency's MSRV.",
            "error: failed to select a version for the requirement `serde = \"^9.0\"`\ncandidate versions found which "
            "didn't match: 1.0.228, ...",
            "Fix the requirement in Cargo.toml, run `cargo update` and commit Cargo.lock, or raise the toolchain.",
        ),
    ),
    Rule(
        code="RS-FMT-001",
        name="rustfmt-check",
        category="format",
        severity="low",
        pattern=_FMT,
        literal="Diff in ",
        extract=_fmt_extract,
        priority=74,
        confidence=0.9,
        ecosystem=_ECO,
        fix="unsafe",
        title="rustfmt: {file} is not formatted",
        root_cause="`cargo fmt --check` found code in {file} that rustfmt would change.",
        suggestion="Run `cargo fmt --all` (with the toolchain CI uses) and commit the result.",
        doc=_doc(
            "`cargo fmt --all -- --check` printed `Diff in /path/src/lib.rs:LINE:` (older rustfmt: `Diff in "
            "/path/src/lib.rs at line LINE:`) followed by the lines it would change.",
            "The change was not formatted with rustfmt, or CI uses a different rustfmt version or rustfmt.toml.",
            "Diff in /home/runner/work/tally/tally/src/lib.rs:1:\n pub mod count;\n-pub fn total(words:&[&str])->usize{count::count_words(words)}\n"
            "+pub fn total(words: &[&str]) -> usize {",
            "Run `cargo fmt --all` and commit.",
        ),
    ),
    Rule(
        code="RS-BUILD-001",
        name="cargo-build-script-failed",
        category="dependency",
        severity="high",
        pattern=_BUILD_SCRIPT,
        literal="failed to run custom build command",
        extract=_build_script_extract,
        priority=78,
        confidence=0.75,
        ecosystem=_ECO,
        title="Build script of {crate} failed: {message}",
        root_cause="The build script (build.rs) of {crate} {version} failed: {message}",
        suggestion="Install what the build script looks for on the runner (a system library's -dev package, "
        "pkg-config, protoc, cmake, a C compiler), or point it there with the environment variables it documents.",
        doc=_doc(
            "cargo's `error: failed to run custom build command for \\`crate vX\\`` followed by `Caused by:`, the "
            "build script's exit status and its `--- stderr` (often a panic with the reason).",
            "Build scripts of `-sys` crates and code generators need system tools and libraries (OpenSSL, "
            "pkg-config, protoc, cmake) that the CI image lacks, or find an incompatible version.",
            "error: failed to run custom build command for `bs v0.1.0 (/tmp/nat/rs/bs)`\n...\n  --- stderr\n\n"
            "  thread 'main' (28584) panicked at build.rs:7:10:\n  failed to run protoc: is the Protocol Buffers "
            "compiler installed?: Os { code: 2, kind: NotFound, message: \"No such file or directory\" }",
            "Install the missing tool or library in the CI job before `cargo build`.",
        ),
    ),
]
