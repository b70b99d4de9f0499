"""rustc diagnostics: compile errors and lints denied by `-D warnings`, and cargo's build summary."""

from __future__ import annotations

import re

from devops_agent.signatures.base import GREP_ERROR_COLON, Extract, Rule, Window, rx
from devops_agent.signatures.rust.common import ECO as _ECO
from devops_agent.signatures.rust.common import doc as _doc

# --- rustc diagnostics ---------------------------------------------------------------------------
_DIAG = rx(r"^error(?:\[(?P<error_code>E\d{4})\])?: (?P<message>\S[^\n]{0,600})")
_ARROW = re.compile(r"^\s*--> (?P<file>[^\n:]{1,400}?):(?P<line>\d+):(?P<col>\d+)")
_LINT_NOTE = re.compile(
    r"= note: `-D (?P<lint>[\w:-]{1,100})` implied by `-D warnings`"
    r"|= note: `#\[deny\((?P<deny>[\w:-]{1,100})\)\]` on by default"
    r"|^\s*(?:= )?note: the lint level is defined here"
    r"|rust-clippy/[^\s#]{0,60}#(?P<clippy>\w{1,100})"
)
_CARGO_SUMMARY = re.compile(r"^(?:could not compile|aborting due to|test failed, to rerun|\d+ targets? failed|build failed|Recipe `)")
_SIMILAR = re.compile(r"similarly named \w+ `(?P<s>[^`\n]{1,200})` defined here|with a similar name exists: `(?P<s2>[^`\n]{1,200})`")
_GUTTER = re.compile(r"^\s*\d+\s+\|\s*\S")


def _diagnostic(win: Window) -> tuple[tuple[str, int] | None, list[tuple[int, str]]]:
    """The ``-->`` location right under a diagnostic line, and the lines of its body."""
    loc = None
    body: list[tuple[int, str]] = []
    for n, text in win.after(40):
        if text.startswith(("error", "warning", "For more information", "Some errors")) or not text.strip() and body:
            break
        body.append((n, text))
        if loc is None and len(body) <= 2:
            a = _ARROW.match(text)
            if a:
                loc = (a["file"], int(a["line"]))
    return loc, body


def _lint_of(body: list[tuple[int, str]]) -> str | None:
    for _, text in body:
        m = _LINT_NOTE.search(text)
        if m:
            name = m["lint"] or m["deny"] or (f"clippy::{m['clippy']}" if m["clippy"] else "")
            return name.replace("-", "_") if name else "denied-lint"
    return None


def _cc_extract(m: re.Match[str], win: Window) -> Extract | None:
    if _CARGO_SUMMARY.match(m["message"]):
        return None  # cargo's summary lines: RS-SUM-*
    loc, body = _diagnostic(win)
    if _lint_of(body):
        return None  # a lint denied by -D warnings: RS-LINT-001
    if loc is None and not m["error_code"]:
        return None  # a plain `error:` without a location is not rustc's (cargo/other tools)
    if loc is not None and not loc[0].endswith(".rs"):
        return None  # cargo reporting on Cargo.toml/config: a configuration error, not rustc's
    data: dict[str, object] = {"message": m["message"][:300]}
    if m["error_code"]:
        data["error_code"] = m["error_code"]
    sym = re.search(r"`(?P<s>[^`\n]{1,200})`", m["message"])
    if sym:
        data["symbol"] = sym["s"]
    similar = next((_SIMILAR.search(t) for _, t in body if _SIMILAR.search(t)), None)
    if similar:
        data["suggestion"] = similar["s"]
    evidence = [n for n, text in body if _GUTTER.match(text)][:1]
    file, line = loc if loc else (None, None)
    code = f"[{m['error_code']}]" if m["error_code"] else ""
    title = f"rustc error{code}: {m['message'][:200]}"
    return Extract(file=file, line=line, evidence=tuple(evidence), data=data, title=title)


def _lint_extract(m: re.Match[str], win: Window) -> Extract | None:
    if _CARGO_SUMMARY.match(m["message"]):
        return None
    loc, body = _diagnostic(win)
    lint = _lint_of(body)
    if lint is None:
        return None
    data: dict[str, object] = {"lint": lint, "lints": [lint], "message": m["message"][:300]}
    evidence = [n for n, text in body if _LINT_NOTE.search(text) and "-D" in text][:1]
    file, line = loc if loc else (None, None)
    return Extract(file=file, line=line, evidence=tuple(evidence), data=data)


_SUM_BUILD = rx(r"^error: (?:could not compile `(?P<crate>[\w-]{1,100})`[^\n]{0,200}|aborting due to [^\n]{0,100})")

def _sum_extract(m: re.Match[str], win: Window) -> Extract | None:
    return Extract(title=f"cargo could not compile {m['crate']}" if m["crate"] else "rustc aborted after errors")


# --- catalogue -----------------------------------------------------------------------------------
RULES = [
    Rule(
        code="RS-CC-001",
        name="rustc-error",
        category="compilation",
        severity="high",
        pattern=_DIAG,
        literal="error",
        grep=GREP_ERROR_COLON,
        extract=_cc_extract,
        priority=86,
        confidence=0.9,
        ecosystem=_ECO,
        fix="unsafe",
        title="rustc error: {message}",
        root_cause="rustc rejected {file}: {message}",
        suggestion="Fix the code at {file}:{line}; `rustc --explain {error_code}` describes the error.",
        doc=_doc(
            "rustc reported a compile error: `error[E0425]: MESSAGE` (or `error: MESSAGE`) followed by ` --> "
            "src/lib.rs:LINE:COL` and the source excerpt.",
            "The code does not compile: an unresolved name (E0425/E0433/E0432), a type mismatch (E0308), a "
            "borrow-checker violation (E0499/E0502), a changed API in a dependency.",
            "error[E0425]: cannot find function `tokenize` in module `tokenize`\n --> src/lib.rs:8:27\n  |\n"
            "8 |     for word in tokenize::tokenize(text) {\n  |                           ^^^^^^^^ not found in `tokenize`",
            "Fix the code at the `-->` location; rustc's `help:` lines often give the exact change.",
        ),
    ),
    Rule(
        code="RS-LINT-001",
        name="rust-lint-denied",
        category="lint",
        severity="medium",
        pattern=_DIAG,
        literal="error",
        grep=GREP_ERROR_COLON,
        extract=_lint_extract,
        priority=84,
        confidence=0.88,
        ecosystem=_ECO,
        fix="unsafe",
        title="Lint {lint} denied: {message}",
        root_cause="The lint {lint} fires at {file}:{line} and the build denies warnings (`-D warnings`).",
        suggestion="Apply the change clippy/rustc suggests at {file}:{line} (`cargo clippy --fix` handles many).",
        doc=_doc(
            "A clippy or rustc lint reported at error level because warnings are denied: `error: MESSAGE`, the "
            "`-->` location, and `= note: \\`-D clippy::needless-return\\` implied by \\`-D warnings\\``.",
            "The job runs `cargo clippy -- -D warnings` (or sets `RUSTFLAGS=-D warnings`), so any lint fails it; "
            "a new toolchain often adds lints.",
            "error: unneeded `return` statement\n  --> src/lib.rs:14:5\n   |\n14 |     return best;\n   |     ^^^^^^^^^^^\n"
            "   = note: `-D clippy::needless-return` implied by `-D warnings`",
            "Apply the suggested change (`cargo clippy --fix`), or allow the lint deliberately where it is wrong.",
        ),
    ),
    Rule(
        code="RS-SUM-001",
        name="cargo-could-not-compile",
        category="compilation",
        severity="medium",
        pattern=_SUM_BUILD,
        literal="error: ",
        extract=_sum_extract,
        symptom=True,
        priority=32,  # claims its line from the generic `error:` rule; as a symptom it never leads
        confidence=0.3,
        ecosystem=_ECO,
        title="cargo could not compile {crate}",
        root_cause="rustc reported errors while compiling; they are printed above.",
        suggestion="Fix the first `error[E....]` printed above this line.",
        doc=_doc(
            "cargo's summary `error: could not compile \\`x\\` (lib) due to 1 previous error` (or rustc's `aborting "
            "due to N previous errors`).",
            "It only reports that rustc failed; the errors are above it.",
            "error: could not compile `wordfreq` (lib) due to 1 previous error",
            "Fix the errors printed above the summary.",
        ),
    ),
]
