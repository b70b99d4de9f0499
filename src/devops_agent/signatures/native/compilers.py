"""C/C++ compiler and linker errors: gcc/clang/MSVC/nvcc diagnostics and ld/lld/ld64/link.exe."""

from __future__ import annotations

import re

from devops_agent.signatures.base import GREP_ERROR_COLON, Extract, Rule, Window, rx
from devops_agent.signatures.native.common import ECO as _ECO
from devops_agent.signatures.native.common import PROBE as _PROBE
from devops_agent.signatures.native.common import SRC_EXT as _SRC_EXT
from devops_agent.signatures.native.common import doc as _doc

# --- compiler errors -----------------------------------------------------------------------------
_CC = rx(
    # gcc/clang: path:line[:col]: [fatal ]error: message
    r"^\s{0,4}(?P<path>(?:[A-Za-z]:)?[^\s:(][^:\n]{0,400}?\." + _SRC_EXT + r"):(?P<line>\d+):(?:(?P<col>\d+):)? "
    r"(?P<kind>fatal error|error): (?P<message>\S[^\n]{0,600})"
    # MSVC / nvcc: path(line[,col]): [fatal ]error [C1234]: message
    r"|^\s{0,4}(?P<wfile>(?:[A-Za-z]:)?[^\n:(]{0,400}?(?:[\\/][^\\/\n(]{1,200})?\." + _SRC_EXT + r")"
    r"\((?P<wline>\d+)(?:,\s?(?P<wcol>\d+))?\): (?P<wkind>fatal error|error)(?: (?P<code>C\d{4}))?: (?P<wmessage>\S[^\n]{0,600})"
    # the compiler driver itself
    r"|^(?P<driver>(?:[\w.+-]{1,40}-)?(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+|cc1|cc1plus|cl|nvcc)(?:-\d+(?:\.\d+)*)?(?:\.exe)?): "
    r"(?:fatal )?error: (?P<dmessage>\S[^\n]{0,600})"
)
_WERROR = re.compile(r"\[-Werror=(?P<a>[\w+=-]+)\]|\[-Werror,-W(?P<b>[\w+=-]+)\]|\[-W(?P<c>[\w+=-]+)\]\s*$")
_QUOTED = re.compile(r"[‘'`\"](?P<q>[^’'`\"\n]{1,200})[’'`\"]")
_MISSING_HEADER = re.compile(r"^[‘'\"]?(?P<h>[\w./+-]{1,200}?)[’'\"]?(?:: No such file or directory| file not found)")
_SOURCE_EXCERPT = re.compile(r"^\s*(?:\d+\s*)?\|")
_SYSTEM = re.compile(r"^(?:/usr/|/opt/|/Library/|/Applications/|[A-Za-z]:[\\/]Program Files)")
_REQUIRED_FROM = re.compile(
    r"^\s*(?P<file>[^\s:][^:\n]{0,400}?\." + _SRC_EXT + r"):(?P<line>\d+):(?:\d+:)?\s+(?:required from here|note: in instantiation of)"
)
_DRIVER_NOT_OURS = re.compile(r"^linker command failed|^ld returned")
# GoogleTest/Catch2 on Windows print assertions in MSVC's `file(line): error: ...` form: C-TEST-001.
_TEST_MSG = re.compile(r"^(?:Expected|Value of:|Failed|Death test|Actual function call)")
_FORMAT_FLAG = "-Wclang-format-violations"


def _cc_extract(m: re.Match[str], win: Window) -> Extract | None:
    if m["driver"]:
        if _DRIVER_NOT_OURS.match(m["dmessage"]):
            return None  # the linker's summary: C-LD-001
        return Extract(data={"message": m["dmessage"][:300]})
    message = m["message"] or m["wmessage"]
    if _FORMAT_FLAG in message or m["wmessage"] and not m["code"] and _TEST_MSG.match(message):
        return None  # clang-format's check (C-FMT-001) or a test assertion (C-TEST-001)
    file = m["path"] or m["wfile"]
    if _PROBE.search(file):
        return None  # a configure-time probe that is expected to fail
    line = int(m["line"] or m["wline"])
    if _SYSTEM.match(file):
        file, line = _user_location(win) or (file, line)
    data = _cc_data(message, m["code"], fatal="fatal" in (m["kind"] or m["wkind"] or ""))
    return Extract(file=file, line=line, evidence=_source_excerpt(win), data=data)


def _cc_data(message: str, code: str | None, fatal: bool) -> dict[str, object]:
    """message, error_code (MSVC), flag (-Werror=...), header (missing include) or symbol."""
    data: dict[str, object] = {"message": message[:300]}
    if code:
        data["error_code"] = code
    flag = _werror_flag(message)
    if flag:
        data["flag"] = flag
    header = _MISSING_HEADER.match(message)
    if header and (fatal or "file not found" in message):
        data["header"] = header["h"]
    else:
        q = _QUOTED.search(message)
        if q:
            data["symbol"] = q["q"]
    return data


def _source_excerpt(win: Window) -> tuple[int, ...]:
    """gcc's `   6 |     code` line under the error, or clang's bare source line above its caret."""
    for n, text in win.after(3):
        if _SOURCE_EXCERPT.match(text) and text.strip() != "|":
            return (n,)
    nxt = win.text(win.lineno + 1)
    after = win.text(win.lineno + 2) or ""
    if nxt is not None and after.strip().startswith("^"):
        return (win.lineno + 1,)
    return ()


def _werror_flag(message: str) -> str | None:
    w = _WERROR.search(message)
    if not w:
        return None
    if w["a"]:
        return f"-Werror={w['a']}"
    if w["b"]:
        return f"-Werror={w['b']}"
    return f"-W{w['c']}"


def _user_location(win: Window) -> tuple[str, int] | None:
    """An error inside a system header: the project line that instantiated it (gcc prints the
    `required from here` context above the error, clang's `in instantiation of ... requested here`
    notes follow it)."""
    for _, text in (*win.before(12), *win.after(30)):
        r = _REQUIRED_FROM.match(text)
        if r and not _SYSTEM.match(r["file"]):
            return r["file"], int(r["line"])
    return None


# --- linker --------------------------------------------------------------------------------------
_LD = rx(
    r"(?P<ref>undefined reference to [`'‘](?P<sym>[^'’\n]{1,300})['’]"
    r"|undefined symbol: (?P<lsym>[^\n]{1,300})"
    r"|multiple definition of [`'‘](?P<dsym>[^'’\n]{1,300})['’]"
    r"|error LNK(?P<lnk>2019|2001|2005|1169): (?P<lmsg>[^\n]{1,400})"
    r"|cannot find -l(?P<lib>[\w.+-]{1,100})|library not found for -l(?P<maclib>[\w.+-]{1,100})"
    r"|fatal error LNK1181: cannot open input file '(?P<input>[^'\n]{1,300})')"
    r"|^(?P<summary>collect2: error: ld returned \d+ exit status"
    r"|(?:[\w.+-]{1,40}: )?error: linker command failed with exit code \d+"
    r"|Undefined symbols for architecture \w+:"
    r"|ld: symbol\(s\) not found for architecture \w+"
    r"|[^\n]{0,300}: fatal error LNK1120: \d+ unresolved externals?)"
)
_LD_FUNC = re.compile(r"^(?:\S*ld(?:\.\w+)?: )?(?P<obj>\S{1,300}?\.o(?:bj)?): in function [`'‘]")
_LD_SRC = re.compile(r"(?:^|: )(?P<src>[^\s:()]{1,300}\." + _SRC_EXT + r"):(?:(?P<line>\d+):?)?(?:\(|\s)")
_LLD_REF = re.compile(r">>> referenced by [^\n(]{0,300}\((?P<src>[^\s:)]{1,300}):(?P<line>\d+)\)|>>> referenced by (?P<src2>[^\s:]{1,300}\." + _SRC_EXT + r"):(?P<line2>\d+)")
_MAC_SYM = re.compile(r'^\s+"(?P<sym>[^"\n]{1,300})", referenced from:')
_CMAKE_OBJDIR = re.compile(r"(?:^|/)CMakeFiles/[^/]+\.dir/")


# A cheap literal alternation finds candidate lines; _LD parses them (only on those lines).
_LD_TRIGGER = rx(r"undefined (?:reference to|symbol)|multiple definition of|error LNK|cannot find -l|library not found for -l|collect2: error: ld returned|linker command failed|Undefined symbols for|symbol\(s\) not found")


def _ld_extract(trigger: re.Match[str], win: Window) -> Extract | None:
    m = _LD.search(trigger.string)
    if m is None:
        return None
    if _PROBE.search(m.string) or any(_PROBE.search(t) for _, t in win.before(6)):
        return None  # a configure-time probe link (meson/CMake/autoconf) that is expected to fail
    data: dict[str, object] = {}
    sym = m["sym"] or m["lsym"] or m["dsym"]
    if m["lnk"]:
        q = re.search(r'symbol "?(?P<s>[^"\n]{1,300}?)"? (?:\(|referenced|already)', m["lmsg"])
        sym = q["s"] if q else None
    if sym:
        data["symbol"] = sym.strip()
    lib = m["lib"] or m["maclib"] or m["input"]
    if lib:
        data["library"] = lib
    if m["summary"]:
        return _ld_summary(m, win, data)
    file, line = _ld_location(m.string, win)
    return Extract(file=file, line=line, data=data)


def _ld_summary(m: re.Match[str], win: Window, data: dict[str, object]) -> Extract:
    """`Undefined symbols for architecture` names the symbols below; the other summaries follow
    the specific errors (which lead as earlier lines of this rule)."""
    if m.string.startswith("Undefined symbols"):
        for n, text in win.after(4):
            s = _MAC_SYM.match(text)
            if s:
                data["symbol"] = s["sym"]
                return Extract(evidence=(n,), data=data)
    return Extract(data=data, confidence=0.6)


def _ld_location(text: str, win: Window) -> tuple[str | None, int | None]:
    src = _LD_SRC.search(text)
    if src and src["line"]:
        return src["src"], int(src["line"])
    for _, nxt in win.after(3):
        r = _LLD_REF.search(nxt)
        if r:
            return (r["src"], int(r["line"])) if r["src"] else (r["src2"], int(r["line2"]))
    if not src:
        return None, None
    name = src["src"]
    for _, prev in win.before(3):
        f = _LD_FUNC.match(prev)
        if f:
            obj = _CMAKE_OBJDIR.sub("/", f["obj"]).lstrip("/")
            folder = obj.rsplit("/", 1)[0] if "/" in obj else ""
            if folder and not name.startswith("/") and not obj.startswith("/tmp/"):
                return f"{folder}/{name.rsplit('/', 1)[-1]}", None
            break
    return name, None



# --- clang-format ------------------------------------------------------------------------------
_FMT = rx(r"^(?P<path>[^\s:][^:\n]{0,400}?\.[\w+]{1,6}):(?P<line>\d+):(?P<col>\d+): (?:error|warning): code should be clang-formatted \[-Wclang-format-violations\]")


def _fmt_extract(m: re.Match[str], win: Window) -> Extract | None:
    files: list[str] = []
    for _, text in (*win.before(400), (win.lineno, m.string), *win.after(400)):
        f = _FMT.match(text)
        if f and f["path"] not in files:
            files.append(f["path"])
    return Extract(file=m["path"], line=int(m["line"]), data={"files": sorted(files)})


# --- catalogue -----------------------------------------------------------------------------------
RULES = [
    Rule(
        code="C-CC-001",
        name="c-compiler-error",
        category="compilation",
        severity="high",
        pattern=_CC,
        literal="error",
        grep=GREP_ERROR_COLON,
        extract=_cc_extract,
        priority=86,
        confidence=0.9,
        ecosystem=_ECO,
        fix="unsafe",
        title="C/C++ compile error: {message}",
        root_cause="The C/C++ compiler rejected {file}: {message}",
        suggestion="Fix the code at {file}:{line} (the source excerpt under the error points at it), then rebuild; "
        "later errors are often cascades of the first.",
        doc=_doc(
            "gcc, clang, MSVC or nvcc reported a compile error: `path:LINE:COL: error: MESSAGE` (gcc/clang, "
            "`fatal error:` for a missing header), `path(LINE): error C2065: MESSAGE` (MSVC), `path(LINE): error: "
            "MESSAGE` (nvcc), or an error of the compiler driver itself (`gcc: error: ...`). A warning that "
            "`-Werror` promotes ends in `[-Werror=NAME]` (gcc) or `[-Werror,-WNAME]` (clang); the flag is recorded.",
            "The code does not compile: an undeclared identifier, a type mismatch, a header that is not on the "
            "include path, or a warning turned into an error by `-Werror` (often after a compiler upgrade or a "
            "stricter `-std=`).",
            "src/logger.c:6:18: error: implicit declaration of function ‘strdup’; did you mean ‘strcmp’? "
            "[-Werror=implicit-function-declaration]\n    6 |     char *copy = strdup(msg);\n      |                  ^~~~~~",
            "Open the file at the line given and fix the first error. For a missing header install the package "
            "that provides it or add its directory to the include path; for a `-Werror=` warning fix the code "
            "the warning names (e.g. declare the function: include the header or define the feature-test macro).",
        ),
    ),
    Rule(
        code="C-LD-001",
        name="linker-error",
        category="compilation",
        severity="high",
        pattern=_LD_TRIGGER,
        literal=None,
        extract=_ld_extract,
        priority=82,
        confidence=0.85,
        ecosystem=_ECO,
        fix="unsafe",
        title="Linker error: undefined or duplicate symbol {symbol}",
        root_cause="Linking failed: the symbol {symbol} is referenced but no object file or library defines it "
        "(or it is defined twice).",
        suggestion="Add the source file or library that defines {symbol} to the link (e.g. the target's sources "
        "or `-l` flags), or fix the name/signature mismatch between declaration and definition.",
        doc=_doc(
            "The linker could not produce the binary: GNU ld's ``undefined reference to `sym'`` and "
            "`collect2: error: ld returned 1 exit status`, lld's `error: undefined symbol: sym`, Apple ld's "
            "`Undefined symbols for architecture arm64`, clang's `linker command failed`, MSVC's `error LNK2019: "
            "unresolved external symbol`, or a missing library (`cannot find -lfoo`).",
            "A function is declared and called but never defined in the linked objects: a source file missing "
            "from the build, a library not linked, a renamed function, C++ name mangling across a C boundary "
            "(`extern \"C\"`), or two definitions of one symbol.",
            "/usr/bin/ld: src/main.o: in function `main':\nmain.c:(.text.startup+0x2c): undefined reference to "
            "`median'\ncollect2: error: ld returned 1 exit status",
            "Define the symbol, add the file that defines it to the target, or link the library that provides it.",
        ),
    ),
    Rule(
        code="C-FMT-001",
        name="clang-format-check",
        category="format",
        severity="low",
        pattern=_FMT,
        literal="clang-format",
        extract=_fmt_extract,
        priority=74,
        confidence=0.9,
        ecosystem=_ECO,
        fix="unsafe",
        title="clang-format: {file} is not formatted",
        root_cause="clang-format's check (`--dry-run -Werror`) found lines in {file} that differ from the "
        "project's .clang-format style.",
        suggestion="Run `clang-format -i` on the listed files (with the same clang-format version as CI) and commit.",
        doc=_doc(
            "`clang-format --dry-run -Werror` reported `path:LINE:COL: error: code should be clang-formatted "
            "[-Wclang-format-violations]` (a `warning:` without `-Werror`).",
            "The changed C/C++ code does not follow the project's `.clang-format` style; a different clang-format "
            "version also formats differently.",
            "src/ringbuf.cpp:3:26: error: code should be clang-formatted [-Wclang-format-violations]",
            "Run `clang-format -i FILES` with the version CI uses, then commit the result.",
        ),
    ),
]
