"""C/C++ signatures: gcc/clang/MSVC/nvcc compile errors, linker errors, make, ninja and CMake.

Formats learned from the tools' own output:

- gcc/clang: ``path:LINE:COL: error: MESSAGE`` (``fatal error:`` for a missing header), then the
  source line and a caret line; warnings promoted by ``-Werror`` end in ``[-Werror=NAME]`` (gcc)
  or ``[-Werror,-WNAME]`` (clang). Driver errors: ``gcc: error: x.c: No such file or directory``.
- MSVC: ``path(LINE): error C2065: MESSAGE`` (``path(LINE,COL)`` with ``/diagnostics:column``);
  nvcc: ``path(LINE): error: MESSAGE``.
- GNU ld / lld / ld64 / link.exe: ``undefined reference to `sym'``, ``ld.lld: error: undefined
  symbol: sym``, ``Undefined symbols for architecture arm64:``, ``error LNK2019: unresolved external
  symbol``, and their summaries ``collect2: error: ld returned 1 exit status`` / ``clang: error:
  linker command failed``.
- make: ``make[1]: *** [Makefile:12: build/x.o] Error 1`` (a symptom), ``No rule to make target``,
  ``missing separator``; ninja: ``FAILED: target`` and ``ninja: build stopped`` (symptoms).
- CMake: ``CMake Error at CMakeLists.txt:5 (find_package):`` + an indented message and a call stack.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx

_ECO = "c"

_SRC_EXT = r"(?:c|cc|cp|cpp|cxx|c\+\+|C|h|hh|hpp|hxx|h\+\+|H|inl|ipp|tcc|tpp|ixx|cppm|m|mm|cu|cuh|S|s|metal|ispc)"


def _doc(what: str, why: str, example: str, fix: str) -> str:
    return f"## What it means\n{what}\n\n## Why it fails\n{why}\n\n## Example\n```\n{example}\n```\n\n## Fix\n{fix}\n"


# --- compiler errors -----------------------------------------------------------------------------
_CC = rx(
    # gcc/clang: path:line[:col]: [fatal ]error: message
    r"^\s{0,4}(?P<file>(?:[A-Za-z]:)?[^\s:(][^:\n]{0,400}?\." + _SRC_EXT + r"):(?P<line>\d+):(?:(?P<col>\d+):)? "
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


def _cc_extract(m: re.Match[str], win: Window) -> Extract | None:
    if m["driver"]:
        if _DRIVER_NOT_OURS.match(m["dmessage"]):
            return None  # the linker's summary: C-LD-001
        return Extract(data={"message": m["dmessage"][:300]})
    message = m["message"] or m["wmessage"]
    file = m["file"] or m["wfile"]
    line = int(m["line"] or m["wline"])
    data: dict[str, object] = {"message": message[:300]}
    if m["code"]:
        data["error_code"] = m["code"]
    flag = _werror_flag(message)
    if flag:
        data["flag"] = flag
    header = _MISSING_HEADER.match(message)
    if header and ("fatal" in (m["kind"] or m["wkind"] or "") or "file not found" in message):
        data["header"] = header["h"]
    else:
        q = _QUOTED.search(message)
        if q:
            data["symbol"] = q["q"]
    evidence = [n for n, text in win.after(3) if _SOURCE_EXCERPT.match(text) and text.strip() != "|"][:1]
    if not evidence:  # clang prints the bare source line, then the caret line
        nxt = win.text(win.lineno + 1)
        after = win.text(win.lineno + 2) or ""
        if nxt is not None and after.strip().startswith("^"):
            evidence = [win.lineno + 1]
    if _SYSTEM.match(file):
        user = _user_location(win)
        if user:
            file, line = user
    return Extract(file=file, line=line, evidence=tuple(evidence), data=data)


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


def _ld_extract(m: re.Match[str], win: Window) -> Extract | None:
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


# --- make / ninja --------------------------------------------------------------------------------
_MAKE = rx(
    r"^(?P<tool>(?:g|mingw32-)?make)(?:\[\d+\])?: \*\*\* (?:\[(?:(?P<makefile>[^:\]\n]{1,200}):(?P<makeline>\d+): )?(?P<target>[^\]\n]{1,300})\] )?Error (?P<code>\d+)"
    r"|^NMAKE : fatal error U1077: [^\n]{0,400}"
)
_MAKE_CFG = rx(
    r"^(?:(?:g|mingw32-)?make(?:\[\d+\])?: )?(?:(?P<mfile>[^\s:][^:\n]{0,300}):(?P<mline>\d+): )?\*\*\* "
    r"(?P<message>No rule to make target [`'‘](?P<missing>[^'’\n]{1,300})['’](?:, needed by [`'‘](?P<needed>[^'’\n]{1,300})['’])?"
    r"|missing separator[^\n]{0,100}|No targets specified and no makefile found|multiple target patterns"
    r"|target pattern contains no [^\n]{0,50}|recipe commences before first target|commands commence before first target)"
)


def _make_cfg_extract(m: re.Match[str], win: Window) -> Extract | None:
    data: dict[str, object] = {"message": m["message"].rstrip(". ")}
    if m["missing"]:
        data["target"] = m["missing"]
        # a source file the Makefile names but the tree lacks; point at the dependent target
        return Extract(data=data)
    if m["mfile"]:
        return Extract(file=m["mfile"], line=int(m["mline"]), data=data)
    return Extract(data=data)


_NINJA = rx(r"^FAILED: (?:\[code=(?P<code>\d+)\] )?(?P<target>\S[^\n]{0,400})|^ninja: build stopped: (?P<why>[^\n]{1,200})")


# --- CMake ---------------------------------------------------------------------------------------
_CMAKE = rx(r"^CMake Error(?: at (?P<file>[^\n:]{1,300}?):(?P<line>\d+)(?: \((?P<command>\w+)\))?| in (?P<infile>[^\n:]{1,300}?))?:\s*(?P<inline>\S[^\n]{0,400})?$")
_CMAKE_STACK = re.compile(r"^\s+(?P<file>[^\s:][^\n:]{0,300}):(?P<line>\d+) \((?P<command>\w+)\)\s*$")
_CMAKE_SYSTEM = re.compile(r"^(?:/usr/|/opt/|/Applications/|[A-Za-z]:[\\/]Program Files)|/share/cmake-[\d.]+/Modules/")


def _cmake_body(win: Window, start: int, limit: int = 30) -> tuple[list[tuple[int, str]], tuple[str, int] | None]:
    """The indented message lines under the `CMake Error` line at ``start - 1``, and the first
    project frame of the call stack."""
    body: list[tuple[int, str]] = []
    frame: tuple[str, int] | None = None
    in_stack = False
    blank = 0
    for n, text in win.after(limit, start):
        if text.startswith("Call Stack (most recent call first):"):
            in_stack = True
            continue
        if in_stack:
            s = _CMAKE_STACK.match(text)
            if not s:
                break
            if frame is None and not _CMAKE_SYSTEM.search(s["file"]):
                frame = (s["file"], int(s["line"]))
            continue
        if not text.strip():
            blank += 1
            if blank > 1:
                break
            continue
        if not text.startswith(" "):
            break
        blank = 0
        body.append((n, text))
    return body, frame


def _cmake_location(m: re.Match[str], frame: tuple[str, int] | None) -> tuple[str | None, int | None]:
    file, line = m["file"] or m["infile"], int(m["line"]) if m["line"] else None
    if file and _CMAKE_SYSTEM.search(file) and frame:
        return frame
    return file, line


def _cmake_extract(m: re.Match[str], win: Window) -> Extract | None:
    body, frame = _cmake_body(win, win.lineno + 1)
    if any(_CMAKE_PKG.search(t) for _, t in body) or any(_CMAKE_PKG.search(t) for _, t in win.before(4)):
        return None  # a package that was not found: C-CMAKE-002 says it better
    message = (m["inline"] or " ".join(t.strip() for _, t in body[:2]))[:300]
    data: dict[str, object] = {"message": message}
    if m["command"]:
        data["command"] = m["command"]
    file, line = _cmake_location(m, frame)
    evidence = tuple(n for n, _ in body[:2])
    return Extract(file=file, line=line, evidence=evidence, data=data)


_CMAKE_PKG = rx(
    r"(?:Could not find a package configuration file provided by \"(?P<cfg>[\w.+-]{1,100})\""
    r"|^\s*Could NOT find (?P<mod>[\w.+-]{1,100})(?: \(missing: (?P<missing>[^)\n]{1,300})(?P<closed>\))?)?"
    r"|^\s*(?:-- )?(?:Package '(?P<pc>[\w.+-]{1,100})',? required by '[^'\n]{0,200}', not found|No package '(?P<pc2>[\w.+-]{1,100})' found))"
)


def _cmake_pkg_extract(m: re.Match[str], win: Window) -> Extract | None:
    """Lead with the `CMake Error at` header (above the message; below pkg-config's line)."""
    package = m["cfg"] or m["mod"] or m["pc"] or m["pc2"]
    data: dict[str, object] = {"package": package}
    if m["missing"]:
        missing = m["missing"].strip()
        if not m["closed"]:  # CMake wraps its messages at 80 columns
            more = (win.text(win.lineno + 1) or "").strip().split(")", 1)[0]
            missing = f"{missing} {more}".strip()
        data["missing"] = missing
    near = win.after(6) if (m["pc"] or m["pc2"]) else win.before(25)
    for n, text in near:
        c = _CMAKE.match(text)
        if c:
            _, frame = _cmake_body(win, n + 1)
            file, line = _cmake_location(c, frame)
            return Extract(file=file, line=line, primary=n, evidence=(win.lineno,), data=data)
        if not (m["pc"] or m["pc2"]) and text and not text.startswith(" ") and text.strip():
            break  # left the indented message without meeting its header
    if m["pc"] or m["pc2"]:
        return None  # an optional pkg-config module: CMake carried on
    return Extract(data=data)


# --- catalogue -----------------------------------------------------------------------------------
RULES = [
    Rule(
        code="C-CC-001",
        name="c-compiler-error",
        category="compilation",
        severity="high",
        pattern=_CC,
        literal="error",
        extract=_cc_extract,
        priority=86,
        confidence=0.9,
        ecosystem=_ECO,
        fix="display-only",
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
        pattern=_LD,
        literal=None,
        extract=_ld_extract,
        priority=82,
        confidence=0.85,
        ecosystem=_ECO,
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
        code="C-MAKE-001",
        name="make-recipe-failed",
        category="compilation",
        severity="medium",
        pattern=_MAKE,
        literal="***",
        symptom=True,
        priority=15,
        confidence=0.3,
        ecosystem=_ECO,
        title="make: target {target} failed with exit code {code}",
        root_cause="A recipe for target {target} failed (exit code {code}); its own error is printed above.",
        suggestion="Read the output of the failing recipe above this line.",
        doc=_doc(
            "GNU make's summary `make[1]: *** [Makefile:12: build/x.o] Error 1` (or NMAKE's `fatal error U1077`): "
            "a recipe command exited non-zero.",
            "It only reports that a command failed; the compiler, linker or script printed the cause above it.",
            "make: *** [Makefile:12: build/logger.o] Error 1",
            "Fix the first error printed by the failing recipe.",
        ),
    ),
    Rule(
        code="C-MAKE-002",
        name="makefile-error",
        category="configuration",
        severity="high",
        pattern=_MAKE_CFG,
        literal="***",
        extract=_make_cfg_extract,
        priority=72,
        confidence=0.8,
        ecosystem=_ECO,
        title="make: {message}",
        root_cause="make cannot run the build as written: {message}",
        suggestion="Check the Makefile: a prerequisite that no longer exists (renamed or deleted source), a "
        "recipe indented with spaces instead of a tab, or make run in the wrong directory.",
        doc=_doc(
            "GNU make stopped before running a recipe: `make: *** No rule to make target 'x', needed by 'y'.  Stop.`, "
            "`Makefile:5: *** missing separator.  Stop.` or `No targets specified and no makefile found`.",
            "The Makefile names a file that does not exist and has no rule to build it (a source renamed or "
            "deleted without updating the Makefile), or the Makefile itself is malformed.",
            "make: *** No rule to make target 'src/render.o', needed by 'app'.  Stop.",
            "Restore or rename the missing prerequisite, update the Makefile's file lists, or indent recipes with tabs.",
        ),
    ),
    Rule(
        code="C-NINJA-001",
        name="ninja-edge-failed",
        category="compilation",
        severity="medium",
        pattern=_NINJA,
        literal=None,
        symptom=True,
        priority=20,
        confidence=0.3,
        ecosystem=_ECO,
        title="ninja: building {target} failed",
        root_cause="ninja's build step for {target} failed; the command's own error follows the FAILED line.",
        suggestion="Read the compiler/tool output printed right after the `FAILED:` line.",
        doc=_doc(
            "ninja's `FAILED: [code=1] target` line (printed before the failing command and its output) or its "
            "closing `ninja: build stopped: subcommand failed.`",
            "It marks which build edge failed; the cause is the output of the command printed under it.",
            "FAILED: CMakeFiles/shapes.dir/src/area.cpp.o",
            "Fix the error printed by the command under the `FAILED:` line.",
        ),
    ),
    Rule(
        code="C-CMAKE-001",
        name="cmake-error",
        category="configuration",
        severity="high",
        pattern=_CMAKE,
        literal="CMake Error",
        extract=_cmake_extract,
        priority=74,
        confidence=0.75,
        ecosystem=_ECO,
        title="CMake error in {file}: {message}",
        root_cause="CMake failed to configure the project: {message}",
        suggestion="Fix the CMake code at {file}:{line} or provide what it asks for (a package, a variable, a path).",
        doc=_doc(
            "CMake stopped configuring: `CMake Error at CMakeLists.txt:LINE (COMMAND):` followed by an indented "
            "message and, for errors inside modules, a `Call Stack (most recent call first):`.",
            "A command in the project's CMake code failed: a wrong argument, a missing source file, a required "
            "package or tool that is not installed, or a policy/version requirement.",
            "CMake Error at CMakeLists.txt:5 (find_package):\n  By not providing \"FindPNGPP.cmake\" in "
            "CMAKE_MODULE_PATH this project has\n  asked CMake to find a package configuration file provided by "
            "\"PNGPP\", but\n  CMake did not find one.",
            "Read the indented message; fix the command at the given line (the first project frame of the call "
            "stack when the error is raised inside a CMake module).",
        ),
    ),
    Rule(
        code="C-CMAKE-002",
        name="cmake-package-not-found",
        category="dependency",
        severity="high",
        pattern=_CMAKE_PKG,
        literal=None,
        extract=_cmake_pkg_extract,
        priority=80,
        confidence=0.85,
        ecosystem=_ECO,
        title="CMake could not find package {package}",
        root_cause="The build requires {package}, which is not installed (or not on CMAKE_PREFIX_PATH) on the runner.",
        suggestion="Install {package}'s development package in the CI image (apt/brew/vcpkg/conan), or point "
        "CMAKE_PREFIX_PATH / {package}_DIR at it.",
        doc=_doc(
            "CMake's `find_package` or `pkg_check_modules` did not find a required package: `Could not find a "
            "package configuration file provided by \"X\"`, `Could NOT find X (missing: X_LIBRARY X_INCLUDE_DIR)`, "
            "or pkg-config's `Package 'x', required by 'virtual:world', not found`.",
            "The dependency's development files are not installed on the runner, or are installed where CMake "
            "does not look.",
            "CMake Error at CMakeLists.txt:5 (find_package):\n  ...\n  Could not find a package configuration "
            "file provided by \"PNGPP\" (requested\n  version 1.2) with any of the following names:",
            "Install the package (e.g. `apt-get install libfoo-dev`) in the CI job, or set CMAKE_PREFIX_PATH.",
        ),
    ),
]
