"""Python linters, formatters, type checkers and security scanners: ruff, flake8, pylint, black,
ruff format, mypy, bandit.

Formats: ruff's full output is ``F401 [*] `math` imported but unused`` + `` --> src/x.py:3:8`` (older
releases and ``--output-format=concise``: ``src/x.py:3:8: F401 [*] ...``), closed by ``Found 2
errors.``; flake8 ``./src/x.py:3:1: F401 'math' imported but unused``; pylint ``************* Module
pkg.x`` then ``src/x.py:3:0: C0114: Missing module docstring (missing-module-docstring)``; black
``would reformat src/x.py``; ruff format ``Would reformat: src/x.py``; mypy ``src/x.py:14: error:
... [return-value]``; bandit ``>> Issue: [B602:subprocess_popen_with_shell_equals_true] ...`` with
``Location: src/x.py:10:11`` below.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import GREP_ANSI, Extract, Rule, Window, rx
from devops_agent.signatures.python.common import ECO as _ECO
from devops_agent.signatures.python.common import doc as _doc

_PATH = r"[^\s:\"'`<>|][^\s:\"'`<>|]{0,400}?\.pyi?"
_RUFF_SUMMARY = rx(r"^Found (?P<count>\d+) errors?(?: \(\d+ fixed, \d+ remaining\))?\.\s*$")
_RUFF_CONCISE = re.compile(r"^(?P<file>" + _PATH + r"):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]{1,4}\d{1,4}|E999|SyntaxError)\b")
_RUFF_HEAD = re.compile(r"^(?P<code>[A-Z]{1,4}\d{1,4})(?: \[\*\])? \S")
_RUFF_ARROW = re.compile(r"^\s{0,8}--> (?P<file>" + _PATH + r"):(?P<line>\d+):(?P<col>\d+)\s*$")
_STOP = re.compile(r"^(?:\$ |\+ |Run |##\[group\]|section_start:)")
_FLAKE8 = rx(
    r"^(?P<file>" + _PATH + r"):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]{1,3}\d{3,4}) (?P<message>[^\n]{1,500})$"
)
_PYLINT = rx(r"^\*{13} Module (?P<module>[\w.]{1,300})")
_PYLINT_MSG = re.compile(
    r"^(?P<file>" + _PATH + r"):(?P<line>\d+):(?P<col>\d+): (?P<code>[CRWEF]\d{4}): (?P<message>[^\n]{1,500}?)(?: \((?P<symbol>[\w-]+)\))?\s*$"
)
_BLACK = rx(r"^would reformat (?P<file>\S[^\n]{0,400}?)\s*$")
_RUFF_FMT = rx(r"^(?:Would reformat: (?P<file>\S[^\n]{0,400}?)|unformatted: File would be reformatted)\s*$")
_MYPY = rx(
    r"^(?P<file>" + _PATH + r"):(?P<line>\d+)(?::\d+)?: error: (?P<message>[^\n]{1,1000}?)(?:  \[(?P<code>[\w-]{1,60})\])?\s*$"
)
_BANDIT = rx(r"^>> Issue: \[(?P<test_id>B\d{3})(?::(?P<test_name>\w{1,100}))?\] (?P<message>[^\n]{1,500})")
_BANDIT_LOC = re.compile(r"^\s{0,8}Location: (?P<file>[^\s:][^:\n]{0,400}):(?P<line>\d+)(?::\d+)?\s*$")


def _add(seq: list[str], value: str) -> None:
    if value not in seq:
        seq.append(value)


def _ruff_extract(m: re.Match[str], win: Window) -> Extract | None:
    """From `Found N errors.` back to the diagnostics: the first one leads."""
    diags: list[tuple[int, str, int, str]] = []  # (lead line, file, line, code)
    arrow: re.Match[str] | None = None  # an `--> path` line waiting for its header above
    for n, text in win.before(3000):
        if _STOP.match(text):
            break
        c = _RUFF_CONCISE.match(text)
        if c:
            diags.append((n, c["file"], int(c["line"]), c["code"]))
            continue
        a = _RUFF_ARROW.match(text)
        if a:
            arrow = a
            continue
        h = _RUFF_HEAD.match(text)
        if h and arrow is not None:
            diags.append((n, arrow["file"], int(arrow["line"]), h["code"]))
            arrow = None
    if not diags:
        return None  # not ruff (another tool's "Found N errors.")
    diags.reverse()
    codes: list[str] = []
    files: list[str] = []
    for _, f, _, code in diags:
        _add(codes, code)
        _add(files, f)
    first = diags[0]
    data = {"codes": codes, "files": files, "count": int(m["count"])}
    evidence = tuple(d[0] for d in diags[1:4])
    return Extract(file=first[1], line=first[2], primary=first[0], evidence=evidence, data=data)


def _ruff_summary_below(win: Window) -> bool:
    for _, text in win.after(2000):
        if _RUFF_SUMMARY.match(text):
            return True
        if _STOP.match(text):
            break
    return False


def _flake8_extract(m: re.Match[str], win: Window) -> Extract | None:
    """flake8/pycodestyle lines; also ruff's concise lines when no `Found N errors.` closes them
    (``--output-format=github`` annotations): ruff quotes names in backticks and marks fixes `[*]`."""
    ruff = "`" in m["message"] or m["message"].startswith("[*] ")
    if ruff and _ruff_summary_below(win):
        return None  # PY-LINT-001 reports the whole ruff run
    codes = [m["code"]]
    files = [m["file"]]
    for _, text in win.after(500):
        f = _FLAKE8.match(text)
        if not f:
            break
        _add(codes, f["code"])
        _add(files, f["file"])
    data: dict[str, object] = {"codes": codes, "files": files, "tool": "ruff" if ruff else "flake8"}
    title = f"{data['tool']}: {m['code']} {m['message'].split('%0A', 1)[0][:200]}"
    return Extract(file=m["file"], line=int(m["line"]), data=data, title=title)


def _pylint_extract(m: re.Match[str], win: Window) -> Extract | None:
    codes: list[str] = []
    files: list[str] = []
    first: tuple[int, str, int] | None = None
    for n, text in win.after(2000):
        p = _PYLINT_MSG.match(text)
        if p:
            _add(codes, p["symbol"] or p["code"])
            _add(files, p["file"])
            first = first or (n, p["file"], int(p["line"]))
        elif not text.startswith("*************") and text.strip():
            break
    if first is None:
        return None
    return Extract(file=first[1], line=first[2], primary=first[0], data={"codes": codes, "files": files, "module": m["module"]})


def _collect(rule_re: re.Pattern[str], m: re.Match[str], win: Window) -> list[str]:
    files = [m["file"]]
    for direction in (win.before, win.after):
        for _, text in direction(2000):
            f = rule_re.match(text)
            if f:
                _add(files, f["file"])
    return files


def _black_extract(m: re.Match[str], win: Window) -> Extract | None:
    return Extract(file=m["file"], data={"files": _collect(_BLACK, m, win)})


def _ruff_fmt_file(win: Window, n: int, text: str) -> str | None:
    m = _RUFF_FMT.match(text)
    if m is None:
        return None
    if m["file"]:
        return m["file"]
    arrow = _RUFF_ARROW.match(win.text(n + 1) or "")
    return arrow["file"] if arrow else None


def _ruff_fmt_extract(m: re.Match[str], win: Window) -> Extract | None:
    """`Would reformat: path` (ruff < 0.9) or `unformatted: File would be reformatted` + ` --> path`."""
    files: list[str] = []
    for direction in (win.before, win.after):
        for n, text in direction(3000):
            f = _ruff_fmt_file(win, n, text)
            if f:
                _add(files, f)
    own = _ruff_fmt_file(win, win.lineno, m.string)
    if own:
        files = [own, *(f for f in files if f != own)]
    return Extract(file=own, data={"files": files})


def _mypy_extract(m: re.Match[str], win: Window) -> Extract | None:
    codes: list[str] = [m["code"]] if m["code"] else []
    files = [m["file"]]
    for direction in (win.before, win.after):
        for _, text in direction(2000):
            f = _MYPY.match(text)
            if f:
                _add(files, f["file"])
                if f["code"]:
                    _add(codes, f["code"])
    data: dict[str, object] = {"codes": codes, "files": files}
    if m["code"]:
        data["code"] = m["code"]
    return Extract(file=m["file"], line=int(m["line"]), data=data)


_BANDIT_SEV = re.compile(r"^\s{0,8}Severity: (?P<sev>Low|Medium|High)\b")
_SEVERITY = {"Low": 1, "Medium": 2, "High": 3}


def _bandit_severity(win: Window, start: int) -> int:
    for _, text in win.after(3, start):
        s = _BANDIT_SEV.match(text)
        if s:
            return _SEVERITY[s["sev"]]
    return 0


def _bandit_extract(m: re.Match[str], win: Window) -> Extract | None:
    """The most severe issue of the report leads (bandit lists them by file and line)."""
    own = _bandit_severity(win, win.lineno + 1)
    for direction in (win.before, win.after):
        for n, text in direction(5000):
            if _BANDIT.match(text) and _bandit_severity(win, n + 1) > own:
                return None
    file = line = None
    evidence: tuple[int, ...] = ()
    for n, text in win.after(8):
        loc = _BANDIT_LOC.match(text)
        if loc:
            file, line, evidence = loc["file"], int(loc["line"]), (n,)
            break
    files: list[str] = [file] if file else []
    for _, text in win.after(5000):
        loc = _BANDIT_LOC.match(text)
        if loc:
            _add(files, loc["file"])
    data: dict[str, object] = {"test_id": m["test_id"], "files": files}
    if m["test_name"]:
        data["test_name"] = m["test_name"]
    return Extract(file=file, line=line, evidence=evidence, data=data)


RULES = [
    Rule(
        code="PY-LINT-001",
        name="ruff-check-violations",
        category="lint",
        severity="medium",
        pattern=_RUFF_SUMMARY,
        literal="Found ",
        extract=_ruff_extract,
        priority=80,
        confidence=0.85,
        fix="safe",
        ecosystem=_ECO,
        title="ruff found {count} violation(s) ({codes})",
        root_cause="`ruff check` reported {codes} in {files}.",
        suggestion="Run `ruff check --fix` (or fix the listed lines by hand), starting at {file}:{line}.",
        doc=_doc(
            "`ruff check` reported lint violations: `F401 [*] `math` imported but unused` + ` --> path:line:col` "
            "(or `path:line:col: F401 ...` in the concise format), closed by `Found N errors.`. `[*]` marks "
            "violations `--fix` can repair.",
            "New code breaks a lint rule the project enables (unused imports, undefined names, ...).",
            "F401 [*] `math` imported but unused\n --> src/gridsnap/tiles.py:3:8\n  |\n3 | import math\n  |        ^^^^\n"
            "...\nFound 2 errors.\n[*] 2 fixable with `--fix`.",
            "`ruff check --fix` for the `[*]` ones; fix the others by hand (no blanket `noqa`).",
        ),
    ),
    Rule(
        code="PY-LINT-002",
        name="flake8-violations",
        category="lint",
        severity="medium",
        pattern=_FLAKE8,
        literal=".py:",
        grep=r":[0-9]+:[0-9]+:( |" + GREP_ANSI + r")+[A-Z]{1,3}[0-9]{3}",
        extract=_flake8_extract,
        priority=74,
        confidence=0.75,
        ecosystem=_ECO,
        title="flake8: {code} {message}",
        root_cause="flake8 reported {codes} in {files}.",
        suggestion="Fix the reported lines, starting at {file}:{line}.",
        doc=_doc(
            "flake8 (or a pycodestyle/pyflakes-format linter) printed `path:line:col: CODE message` and exited "
            "non-zero. Ruff's concise lines with no `Found N errors.` summary (GitHub annotations) land here too.",
            "New code breaks a style or correctness check the project enforces.",
            "./src/app/util.py:1:1: F401 'os' imported but unused",
            "Fix each reported line (unused imports, long lines, undefined names).",
        ),
    ),
    Rule(
        code="PY-LINT-003",
        name="pylint-messages",
        category="lint",
        severity="medium",
        pattern=_PYLINT,
        literal="************* Module",
        extract=_pylint_extract,
        priority=74,
        confidence=0.75,
        ecosystem=_ECO,
        title="pylint reported {codes} in {module}",
        root_cause="pylint reported {codes} in {files}.",
        suggestion="Fix the messages (or disable a rule deliberately in the pylint config), starting at {file}:{line}.",
        doc=_doc(
            "pylint printed `************* Module pkg.mod` and messages `path:line:col: C0114: text (symbol)`, "
            "and exited non-zero (or the score fell under `--fail-under`).",
            "New code triggers pylint messages the project does not allow.",
            "************* Module app.util\nsrc/app/util.py:3:0: W0611: Unused import os (unused-import)",
            "Fix the code the messages point at.",
        ),
    ),
    Rule(
        code="PY-FMT-001",
        name="black-would-reformat",
        category="format",
        severity="low",
        pattern=_BLACK,
        literal="would reformat",
        extract=_black_extract,
        priority=78,
        confidence=0.9,
        fix="safe",
        ecosystem=_ECO,
        title="black would reformat {file}",
        root_cause="`black --check` found files not formatted by black: {files}.",
        suggestion="Run `black {files}` and commit the result.",
        doc=_doc(
            "`black --check` lists files it would change (`would reformat path`), then `Oh no! 💥 💔 💥` and "
            "`N files would be reformatted`.",
            "Code was committed without running black (or with another black version/line length).",
            "would reformat /builds/finance/ledgerline/src/ledgerline/export.py\nOh no! 💥 💔 💥\n"
            "1 file would be reformatted, 5 files would be left unchanged.",
            "Run black on the listed files (formatting only).",
        ),
    ),
    Rule(
        code="PY-FMT-002",
        name="ruff-format-would-reformat",
        category="format",
        severity="low",
        pattern=_RUFF_FMT,
        literal="reformat",
        extract=_ruff_fmt_extract,
        priority=78,
        confidence=0.9,
        fix="safe",
        ecosystem=_ECO,
        title="ruff format would reformat {file}",
        root_cause="`ruff format --check` found unformatted files: {files}.",
        suggestion="Run `ruff format {files}` and commit the result.",
        doc=_doc(
            "`ruff format --check` lists files it would change (`Would reformat: path`) and `N file would be "
            "reformatted`.",
            "Code was committed without running the formatter.",
            "Would reformat: src/app/util.py\n1 file would be reformatted, 3 files already formatted",
            "Run `ruff format` on the listed files.",
        ),
    ),
    Rule(
        code="PY-TYPE-001",
        name="mypy-type-error",
        category="type-check",
        severity="medium",
        pattern=_MYPY,
        literal=": error: ",
        extract=_mypy_extract,
        priority=80,
        confidence=0.85,
        ecosystem=_ECO,
        title="mypy: {message}",
        root_cause="mypy reports at {file}:{line}: {message} [{code}]",
        suggestion="Fix the types at {file}:{line} (not with `# type: ignore`).",
        doc=_doc(
            "mypy found type errors: `path:line: error: message  [code]`, then `Found N errors in M files`.",
            "The code's types disagree with its annotations (an Optional returned as a plain type, a wrong "
            "argument type, a missing attribute).",
            'src/quotaguard/limits.py:14: error: Incompatible return value type (got "int | None", expected "int")'
            "  [return-value]",
            "Make the code honour the annotation (or correct the annotation).",
        ),
    ),
    Rule(
        code="PY-SEC-001",
        name="bandit-issue",
        category="security",
        severity="high",
        pattern=_BANDIT,
        literal=">> Issue: [",
        extract=_bandit_extract,
        priority=80,
        confidence=0.85,
        ecosystem=_ECO,
        title="bandit {test_id}: {message}",
        root_cause="bandit flagged {test_id} ({test_name}) at {file}:{line}: {message}",
        suggestion="Rewrite the flagged code at {file}:{line} safely (no `# nosec`).",
        doc=_doc(
            "bandit found a security issue: `>> Issue: [B602:subprocess_popen_with_shell_equals_true] ...`, its "
            "severity/confidence and `Location: path:line:col`.",
            "The code uses a risky construct bandit checks for (shell=True, pickle, yaml.load, hard-coded "
            "passwords, ...).",
            ">> Issue: [B602:subprocess_popen_with_shell_equals_true] subprocess call with shell=True identified, "
            "security issue.\n   Severity: High   Confidence: High\n   Location: src/deploybot/remote.py:10:11",
            "Use the safe API (an argument list instead of shell=True, yaml.safe_load...).",
        ),
    ),
]
