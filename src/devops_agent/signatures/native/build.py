"""Build drivers: make and ninja summaries, Makefile errors, CMake errors and missing packages."""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.native.common import ECO as _ECO
from devops_agent.signatures.native.common import doc as _doc

# --- make / ninja --------------------------------------------------------------------------------
_MAKE = rx(
    r"^(?P<tool>(?:g|mingw32-)?make)(?:\[\d+\])?: \*\*\* (?:\[(?:(?P<makefile>[^:\]\n]{1,200}):(?P<makeline>\d+): )?(?P<target>[^\]\n]{1,300})\] )?Error (?P<code>\d+)"
    r"|^NMAKE : fatal error U1077: [^\n]{0,400}"
)
def _make_extract(m: re.Match[str], win: Window) -> Extract | None:
    if m["target"]:
        return Extract(title=f"make: target {m['target']} failed with exit code {m['code']}")
    return Extract(title="make/nmake: a build command failed")


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
_CMAKE = rx(r"^CMake Error(?: at (?P<path>[^\n:]{1,300}?):(?P<line>\d+)(?: \((?P<command>\w+)\))?| in (?P<infile>[^\n:]{1,300}?))?:\s*(?P<inline>\S[^\n]{0,400})?$")
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
    file, line = m["path"] or m["infile"], int(m["line"]) if m["line"] else None
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


# A cheap literal alternation finds candidate lines; _CMAKE_PKG parses them (only on those lines).
_CMAKE_PKG_TRIGGER = rx(r"Could not find a package configuration file|Could NOT find |Package '|No package '")


def _cmake_pkg_extract(trigger: re.Match[str], win: Window) -> Extract | None:
    m = _CMAKE_PKG.search(trigger.string)
    if m is None:
        return None
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


# --- meson / autoconf ----------------------------------------------------------------------------
_MESON = rx(r"^(?P<path>(?:[^\s:][^:\n]{0,300}?/)?(?:meson\.build|meson_options\.txt|meson\.options)):(?P<line>\d+):(?P<col>\d+): ERROR: (?P<message>\S[^\n]{0,500})")
_MESON_DEP = re.compile(r"^Dependency \\?\"?(?P<dep>[^\"\s]{1,100})\\?\"? not found|^(?:C|C\+\+) (?:shared or static )?library '(?P<lib>[^'\n]{1,100})' not found")


def _meson_extract(kind: str):  # type: ignore[no-untyped-def]
    def extract(m: re.Match[str], win: Window) -> Extract | None:
        dep = _MESON_DEP.match(m["message"])
        if (kind == "dependency") != bool(dep):
            return None
        data: dict[str, object] = {"message": m["message"][:300]}
        if dep:
            data["package"] = dep["dep"] or dep["lib"]
        return Extract(file=m["path"], line=int(m["line"]), data=data)

    return extract


_CONFIGURE = rx(r"^(?:\S{0,200}/)?configure: error: (?P<message>\S[^\n]{0,500})")


def _configure_extract(m: re.Match[str], win: Window) -> Extract | None:
    data: dict[str, object] = {"message": m["message"][:300]}
    evidence = []
    for n, text in win.before(3):
        if text.startswith("checking ") and text.rstrip().endswith((" no", "... no")):
            evidence.append(n)  # the failed check that led to the error
            break
    return Extract(evidence=tuple(evidence), data=data)


# --- catalogue -----------------------------------------------------------------------------------
RULES = [
    Rule(
        code="C-MAKE-001",
        name="make-recipe-failed",
        category="compilation",
        severity="medium",
        pattern=_MAKE,
        literal="***",
        extract=_make_extract,
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
        fix="unsafe",
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
        priority=32,  # claims its line from the generic `FAILED:` error rule; as a symptom it never leads
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
        fix="unsafe",
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
        pattern=_CMAKE_PKG_TRIGGER,
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
    Rule(
        code="C-MESON-001",
        name="meson-error",
        category="configuration",
        severity="high",
        pattern=_MESON,
        literal=": ERROR: ",
        extract=_meson_extract("configuration"),
        priority=74,
        confidence=0.8,
        ecosystem=_ECO,
        fix="unsafe",
        title="Meson error in {file}: {message}",
        root_cause="Meson could not configure the project: {message}",
        suggestion="Fix the meson.build statement at {file}:{line} (a missing file, a wrong argument, an option).",
        doc=_doc(
            "Meson stopped configuring with `meson.build:LINE:COL: ERROR: MESSAGE`.",
            "A statement in meson.build failed: a source file that does not exist, a wrong keyword argument, an "
            "unknown option, a subproject problem.",
            "meson.build:2:0: ERROR: File src/tile.c does not exist.",
            "Fix the statement at the given line and run `meson setup --reconfigure`.",
        ),
    ),
    Rule(
        code="C-MESON-002",
        name="meson-dependency-not-found",
        category="dependency",
        severity="high",
        pattern=_MESON,
        literal=": ERROR: ",
        extract=_meson_extract("dependency"),
        priority=80,
        confidence=0.85,
        ecosystem=_ECO,
        title="Meson could not find dependency {package}",
        root_cause="meson.build requires {package}, which neither pkg-config nor CMake found on the runner.",
        suggestion="Install {package}'s development package in the CI image (e.g. `apt-get install lib...-dev`), "
        "set PKG_CONFIG_PATH, or make the dependency optional/fallback to a subproject.",
        doc=_doc(
            "Meson's `dependency()` failed: `meson.build:LINE:COL: ERROR: Dependency \"glib-2.0\" not found (tried "
            "pkg-config and cmake)` (or `C library 'm' not found`).",
            "The dependency's development files (its .pc file) are not installed on the runner, or an older "
            "version than required is.",
            "meson.build:4:7: ERROR: Dependency \"glib-2.0\" not found (tried pkg-config and cmake)",
            "Install the -dev package, point PKG_CONFIG_PATH at it, or add a wrap-file fallback.",
        ),
    ),
    Rule(
        code="C-CONF-001",
        name="autoconf-configure-error",
        category="configuration",
        severity="high",
        pattern=_CONFIGURE,
        literal="configure: error: ",
        extract=_configure_extract,
        priority=76,
        confidence=0.8,
        ecosystem=_ECO,
        title="configure: {message}",
        root_cause="The autoconf configure script stopped: {message}",
        suggestion="Provide what configure asks for (usually a library's -dev package or a tool) in the CI image, "
        "or pass the right --with-/--enable- option; config.log has the failed check's details.",
        doc=_doc(
            "An autoconf `configure` script failed: `configure: error: MESSAGE`, usually right after the `checking "
            "for X... no` line of the check that failed.",
            "A required header, library, tool or compiler feature is missing on the runner, or an option is wrong.",
            "checking for library containing zstd_compress_nothing... no\nconfigure: error: libzstd is required "
            "(looked for zstd_compress_nothing in -lzstd)",
            "Install the missing package (or its -dev variant) before running configure, or adjust the options.",
        ),
    ),
]
