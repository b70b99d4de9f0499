"""The C/C++ signatures on real tool output: gcc/g++/clang/make/cmake are run here on small broken
sources; MSVC/nvcc/ninja lines are quoted from the public pytorch and LogDx logs under
/work/shared/datasets (no Windows toolchain here)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from devops_agent.signatures.base import Extract
from devops_agent.signatures.native import RULES
from rule_support import rule_matches

BY_CODE = {r.code: r for r in RULES}


def matches(code: str, text: str) -> list[tuple[int, Extract]]:
    return rule_matches(BY_CODE[code], text)


def run(cmd: list[str], cwd: Path) -> str:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def write(root: Path, files: dict[str, str]) -> None:
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)


needs = {tool: pytest.mark.skipif(shutil.which(tool) is None, reason=f"{tool} not installed") for tool in ("gcc", "g++", "clang", "make", "cmake")}


@needs["gcc"]
def test_gcc_missing_header_is_fatal_error_with_header(tmp_path: Path) -> None:
    write(tmp_path, {"src/main.c": '#include <stdio.h>\n#include "config.h"\nint main(void) { return 0; }\n'})
    out = run(["gcc", "-c", "src/main.c", "-o", "main.o"], tmp_path)
    ((n, ext),) = matches("C-CC-001", out)
    assert (ext.file, ext.line, ext.data["header"]) == ("src/main.c", 2, "config.h")
    assert ext.evidence == (n + 1,)  # the `    2 | #include "config.h"` excerpt


@needs["gcc"]
def test_gcc_werror_flag_and_symbol(tmp_path: Path) -> None:
    write(tmp_path, {"log.c": "#include <string.h>\nchar *copy(const char *s) { return strdup(s); }\n"})
    out = run(["gcc", "-std=c11", "-Wall", "-Werror", "-c", "log.c"], tmp_path)
    got = matches("C-CC-001", out)
    first = got[0][1]
    assert first.data["flag"] == "-Werror=implicit-function-declaration"
    assert first.data["symbol"] == "strdup" and (first.file, first.line) == ("log.c", 2)


@needs["g++"]
def test_error_in_system_header_points_at_the_project_line(tmp_path: Path) -> None:
    write(tmp_path, {"src/sort.cpp": (
        "#include <algorithm>\n#include <list>\n\n"
        "void sort_all(std::list<int>& xs)\n{\n    std::sort(xs.begin(), xs.end());\n}\n"
    )})
    out = run(["g++", "-c", "src/sort.cpp"], tmp_path)
    got = matches("C-CC-001", out)
    assert got, out
    ext = got[0][1]
    assert (ext.file, ext.line) == ("src/sort.cpp", 6)


@needs["clang"]
def test_clang_forms(tmp_path: Path) -> None:
    write(tmp_path, {
        "a.c": "int main(void) { return helper(2); }\n",
        "b.c": '#include "missing.h"\n',
        "c.c": "int helper(int);\nint main(void) { return helper(1); }\n",
    })
    out = run(["clang", "-Werror", "-c", "a.c"], tmp_path)
    ext = matches("C-CC-001", out)[0][1]
    assert ext.data["flag"].startswith("-Werror=") and (ext.file, ext.line) == ("a.c", 1)
    out = run(["clang", "-c", "b.c"], tmp_path)
    ((n, ext),) = matches("C-CC-001", out)
    assert ext.data["header"] == "missing.h" and ext.evidence == (2,)  # clang's bare source line
    out = run(["clang", "c.c", "-o", "c"], tmp_path)
    assert matches("C-CC-001", out) == []  # "clang: error: linker command failed" is the linker's
    got = matches("C-LD-001", out)
    assert got[0][1].data["symbol"] == "helper"
    assert any(e.confidence == 0.6 for _, e in got)  # the driver's summary line, folded in


@needs["gcc"]
def test_gnu_ld_undefined_reference_maps_object_dir(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/main.c": "int helper(int);\nint main(void) { return helper(1); }\n",
    })
    subprocess.run(["gcc", "-c", "src/main.c", "-o", "src/main.o"], cwd=tmp_path, check=True)
    out = run(["gcc", "src/main.o", "-o", "app"], tmp_path)
    got = matches("C-LD-001", out)
    ref = next(e for _, e in got if e.file)
    assert (ref.file, ref.data["symbol"]) == ("src/main.c", "helper")
    out = run(["gcc", "src/main.o", "-lnosuchlib_xyz", "-o", "app"], tmp_path)
    assert any(e.data.get("library") == "nosuchlib_xyz" for _, e in matches("C-LD-001", out))


@needs["make"]
def test_make_lines(tmp_path: Path) -> None:
    write(tmp_path, {"Makefile": "all:\n    echo spaces-not-tab\n", "sub/Makefile": "app: gone.o\n\tcc -o app gone.o\n"})
    out = run(["make"], tmp_path)
    ((_, ext),) = matches("C-MAKE-002", out)
    assert (ext.file, ext.line) == ("Makefile", 2) and "missing separator" in ext.data["message"]
    out = run(["make", "-C", "sub"], tmp_path)
    ((_, ext),) = matches("C-MAKE-002", out)
    assert ext.data["target"] == "gone.o"
    m = BY_CODE["C-MAKE-001"].pattern.search("make[2]: *** [CMakeFiles/app.dir/build.make:76: CMakeFiles/app.dir/a.c.o] Error 1")
    assert m and m["target"] == "CMakeFiles/app.dir/a.c.o" and m["code"] == "1"


@needs["cmake"]
def test_cmake_find_module_failure_points_at_project_call(tmp_path: Path) -> None:
    write(tmp_path, {"CMakeLists.txt": (
        "cmake_minimum_required(VERSION 3.16)\nproject(f NONE)\n\nfind_package(ASPELL REQUIRED)\n"
    )})
    proc = subprocess.run(["cmake", "-S", ".", "-B", "build"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    if proc.returncode == 0:
        pytest.skip("aspell is installed here")
    out = proc.stdout + proc.stderr
    ((n, ext),) = matches("C-CMAKE-002", out)
    assert ext.data["package"] == "ASPELL" and "ASPELL_EXECUTABLE" in ext.data["missing"]
    assert (ext.file, ext.line) == ("CMakeLists.txt", 4)  # the call stack's project frame, not the module
    assert ext.primary is not None and ext.primary < n  # leads with the `CMake Error at` header
    assert matches("C-CMAKE-001", out) == []  # said better by C-CMAKE-002


@needs["cmake"]
def test_cmake_error_in_project_code(tmp_path: Path) -> None:
    write(tmp_path, {"CMakeLists.txt": (
        "cmake_minimum_required(VERSION 3.16)\nproject(f NONE)\nif(NOT DEFINED APP_VERSION)\n"
        "  message(FATAL_ERROR \"APP_VERSION must be set (-DAPP_VERSION=1.2.3)\")\nendif()\n"
    )})
    out = run(["cmake", "-S", ".", "-B", "build"], tmp_path)
    ((n, ext),) = matches("C-CMAKE-001", out)
    assert (ext.file, ext.line, ext.data["command"]) == ("CMakeLists.txt", 4, "message")
    assert ext.data["message"].startswith("APP_VERSION must be set")


# Real MSVC / nvcc / ninja lines (pytorch/test-infra fixtures, BSD-3; LogDx pandas job, CC BY 4.0).
MSVC = (
    "FAILED: [code=2] third_party/kineto/libkineto/CMakeFiles/kineto_base.dir/src/plugin/xpupti/XpuptiActivityApi.cpp.obj \n"
    "sccache C:\\PROGRA~2\\MICROS~1\\2022\\BUILDT~1\\VC\\Tools\\MSVC\\1442~1.344\\bin\\Hostx64\\x64\\cl.exe  /nologo /TP -DENABLE_IPC_FABRIC\n"
    "C:\\actions-runner\\_work\\pytorch\\pytorch\\third_party\\kineto\\libkineto\\src\\plugin\\xpupti\\XpuptiActivityApi.cpp(253): "
    "error C2065: 'PTI_VIEW_COMMUNICATION': undeclared identifier\n"
    "C:\\actions-runner\\_work\\pytorch\\pytorch\\third_party\\kineto\\libkineto\\include\\GenericTraceActivity.h(109): note: could be 'void f()'"
)


def test_msvc_error_with_code() -> None:
    ((n, ext),) = matches("C-CC-001", MSVC)
    assert n == 3 and ext.line == 253 and ext.data["error_code"] == "C2065"
    assert ext.file.endswith("XpuptiActivityApi.cpp") and ext.data["symbol"] == "PTI_VIEW_COMMUNICATION"
    assert [n for n, _ in matches("C-NINJA-001", MSVC)] == [1]


def test_nvcc_and_msvc_column_forms() -> None:
    text = (
        "/home/runner/work/k/k/src/kernel.cu(42): error: identifier \"blockDim_x\" is undefined\n"
        "D:\\a\\proj\\proj\\src\\main.cpp(12,5): fatal error C1083: Cannot open include file: 'zlib.h': No such file or directory\n"
    )
    got = matches("C-CC-001", text)
    assert [(e.line, e.data.get("error_code")) for _, e in got] == [(42, None), (12, "C1083")]


@pytest.mark.parametrize("line", [
    "src/app/models.py:12: error: Incompatible return value type (got \"str\", expected \"int\")  [return-value]",
    "src/a.ts(3,5): error TS2322: Type 'string' is not assignable to type 'number'.",
    "src/main/java/a/B.java:3: error: cannot find symbol",
    "src/x.c:3:5: warning: unused variable 'y' [-Wunused-variable]",
    "src/x.c:3:5: note: each undeclared identifier is reported only once",
    "-- Could NOT find PythonInterp (missing: PYTHON_EXECUTABLE)",
    "cc1: all warnings being treated as errors",
    "make: Nothing to be done for 'all'.",
    "error: could not compile `wordfreq` (lib) due to 1 previous error",
])
def test_ordinary_lines_do_not_match(line: str) -> None:
    for code in ("C-CC-001", "C-LD-001", "C-MAKE-002", "C-CMAKE-001", "C-CMAKE-002"):
        assert matches(code, line) == [], (code, line)


@needs["g++"]
def test_googletest_failure_leads_with_the_assertion(tmp_path: Path) -> None:
    if not Path("/usr/include/gtest/gtest.h").is_file():
        pytest.skip("GoogleTest headers not installed")
    write(tmp_path, {"tests/calc_test.cpp": (
        "#include <gtest/gtest.h>\n\nint add(int a, int b) { return a - b; }\n\n"
        "TEST(Calc, Adds) {\n    EXPECT_EQ(add(2, 3), 5);\n}\n"
    )})
    subprocess.run(["g++", "tests/calc_test.cpp", "-o", "calc_test", "-lgtest", "-lgtest_main", "-pthread"],
                   cwd=tmp_path, check=True, capture_output=True, timeout=120)
    out = run(["./calc_test"], tmp_path)
    got = matches("C-TEST-001", out)
    assertion = next(n for n, t in enumerate(out.split("\n"), 1) if t.endswith(": Failure"))
    assert {(e.primary or n, e.file, e.line) for n, e in got} == {(assertion, "tests/calc_test.cpp", 6)}
    assert {e.data["test"] for _, e in got} == {"Calc.Adds"}
    assert "Which is: -1" in got[0][1].data["message"]


def test_ctest_lines_from_the_fixture() -> None:
    text = (Path(__file__).parent / "fixtures" / "rules" / "C-TEST-001.log").read_text()
    got = matches("C-TEST-001", text)
    tests = {e.data["test"] for _, e in got}
    assert tests == {"RingBuf.OverwritesOldest"}
    ctest_line = next(e for n, e in got if "***Failed" in text.split("\n")[n - 1])
    assert (ctest_line.file, ctest_line.line) == ("/home/runner/work/ringbuf/ringbuf/tests/ringbuf_test.cpp", 15)


def test_gtest_assertion_on_windows_is_a_test_not_a_compile_error() -> None:
    line = "D:\\a\\ringbuf\\ringbuf\\tests\\ringbuf_test.cpp(15): error: Expected equality of these values:"
    assert matches("C-CC-001", line) == []
    ((_, ext),) = matches("C-TEST-001", line)
    assert ext.line == 15


def test_clang_format_check(tmp_path: Path) -> None:
    if shutil.which("clang-format") is None:
        pytest.skip("clang-format not installed")
    write(tmp_path, {"src/a.c": "int  main( void ){return 0;}\n", "src/b.c": "int x ;\n"})
    out = run(["clang-format", "--dry-run", "-Werror", "src/a.c", "src/b.c"], tmp_path)
    got = matches("C-FMT-001", out)
    assert got and got[0][1].data["files"] == ["src/a.c", "src/b.c"]
    assert matches("C-CC-001", out) == []


def test_configure_probes_are_not_build_errors() -> None:
    text = (  # logdx numpy job: meson's compiler checks, expected to fail (lines 1809-1813, 2584-2587)
        " Command line: `c++ /home/runner/work/numpy/numpy/build/meson-private/tmpkwsw687w/testfile.cpp -o "
        "/home/runner/work/numpy/numpy/build/meson-private/tmpkwsw687w/output.exe -D_FILE_OFFSET_BITS=64 -lmkl_rt` -> 1\n"
        " stderr:\n"
        " /usr/bin/ld: cannot find -lmkl_rt: No such file or directory\n"
        " collect2: error: ld returned 1 exit status\n"
        " -----------\n"
        " /home/runner/work/numpy/numpy/build/meson-private/tmpati5_57k/testfile.c:9:32: error: 'isfinite' undeclared (first use in this function)\n"
    )
    assert matches("C-LD-001", text.replace("\n ", "\n")) == []
    assert matches("C-CC-001", text.replace("\n ", "\n")) == []


@needs["gcc"]
def test_sanitizer_reports_point_at_the_project_frame(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/dup.c": "#include <stdlib.h>\n#include <string.h>\nchar *dup(const char *s)\n{\n"
                     "    size_t n = strlen(s);\n    char *out = malloc(n);\n    memcpy(out, s, n + 1);\n    return out;\n}\n",
        "main.c": "#include <stdlib.h>\nchar *dup(const char *s);\nint main(void) { char *p = dup(\"abc\"); free(p); return 0; }\n",
        "ub.c": "#include <limits.h>\nint twice(int x) { return x * 2; }\nint main(void) { return twice(INT_MAX) > 0; }\n",
    })
    built = subprocess.run(["gcc", "-g", "-fsanitize=address", "-o", "t", "main.c", "src/dup.c"], cwd=tmp_path,
                           capture_output=True, text=True)
    if built.returncode != 0:
        pytest.skip("no libasan here")
    out = run(["./t"], tmp_path)
    ((_, ext),) = matches("C-SAN-001", out)
    assert (ext.file, ext.line, ext.data["kind"]) == ("src/dup.c", 7, "heap-buffer-overflow")
    subprocess.run(["gcc", "-fsanitize=undefined", "-fno-sanitize-recover=undefined", "-o", "u", "ub.c"], cwd=tmp_path, check=True)
    out = run(["./u"], tmp_path)
    ((_, ext),) = matches("C-SAN-001", out)
    assert (ext.file, ext.line) == ("ub.c", 2) and ext.data["kind"].startswith("signed integer overflow")
    assert matches("C-CC-001", out) == []


def test_meson_errors() -> None:
    text = (  # meson 1.12.1, captured here (tests/fixtures/rules/C-MESON-00[12].log)
        "Run-time dependency glib-2.0 found: NO  (tried pkg-config and cmake)\n"
        "\n"
        "meson.build:4:7: ERROR: Dependency \"glib-2.0\" not found (tried pkg-config and cmake)\n"
        "subprojects/tiles/meson.build:2:0: ERROR: File src/tile.c does not exist.\n"
    )
    ((n, dep),) = matches("C-MESON-002", text)
    assert (n, dep.file, dep.line, dep.data["package"]) == (3, "meson.build", 4, "glib-2.0")
    ((n, cfg),) = matches("C-MESON-001", text)
    assert (n, cfg.file, cfg.line) == (4, "subprojects/tiles/meson.build", 2)


def test_autoconf_configure_error(tmp_path: Path) -> None:
    if shutil.which("autoconf") is None:
        pytest.skip("autoconf not installed")
    write(tmp_path, {"configure.ac": (
        "AC_INIT([t], [1.0])\nAC_PROG_CC\n"
        "AC_SEARCH_LIBS([no_such_function_xyz], [nosuchlibxyz], [], [AC_MSG_ERROR([libnosuchlibxyz is required])])\n"
        "AC_OUTPUT\n"
    )})
    subprocess.run(["autoconf"], cwd=tmp_path, check=True, timeout=60)
    out = run(["sh", "./configure"], tmp_path)
    ((n, ext),) = matches("C-CONF-001", out)
    assert ext.data["message"] == "libnosuchlibxyz is required"
    assert "no_such_function_xyz... no" in out.split("\n")[ext.evidence[0] - 1]


# -- any compiler's diagnostic (GEN-DIAG-001) ------------------------------------------------------
def _diag(text: str):  # type: ignore[no-untyped-def]
    from devops_agent.signatures.generic import RULES as GENERIC
    from rule_support import rule_matches

    return rule_matches(next(r for r in GENERIC if r.code == "GEN-DIAG-001"), text)


@pytest.mark.skipif(shutil.which("mcs") is None, reason="mcs (Mono's C# compiler) not installed")
def test_csharp_compiler_error_in_msbuild_layout(tmp_path: Path) -> None:
    (tmp_path / "Program.cs").write_text("using System;\n\nclass Cart\n{\n    static void Main()\n    {\n"
                                         "        Console.WriteLine(totl);\n    }\n}\n")
    proc = subprocess.run(["mcs", "Program.cs"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 1
    ((_, ext),) = _diag(proc.stdout + proc.stderr)
    assert (ext.file, ext.line, ext.data["code"]) == ("Program.cs", 7, "CS0103")


@pytest.mark.parametrize("line, where", [
    # dotnet build appends the project (the layout MSBuild gives every compiler it drives)
    ("/src/Shop/Cart.cs(12,9): error CS1002: ; expected [/src/Shop/Shop.csproj]", ("/src/Shop/Cart.cs", 12)),
    ("main.swift:3:5: error: cannot find 'foo' in scope", ("main.swift", 3)),
    ("lib/main.dart:7:3: Error: Method not found: 'totl'.", ("lib/main.dart", 7)),
])
def test_diagnostic_layouts(line: str, where: tuple[str, int]) -> None:
    ((_, ext),) = _diag(line)
    assert (ext.file, ext.line) == where
    assert "project" not in ext.data or ext.data["project"] == "/src/Shop/Shop.csproj"


def test_haskell_message_on_the_next_line() -> None:
    ((_, ext),) = _diag("Main.hs:3:5: error:\n    • Variable not in scope: totl :: Int\n")
    assert (ext.file, ext.line, ext.data["message"]) == ("Main.hs", 3, "• Variable not in scope: totl :: Int")


@pytest.mark.parametrize("line", ["error: could not compile `x`", "make: *** [Makefile:3: all] Error 1",
                                  "src/a.c:3:5: error: x",  # C-CC-001's to decide (it skips meson's probes)
                                  "src/app.ts:3:5: error: y",
                                  "Makefile:3: *** missing separator.  Stop.", "ERROR: 1 error"])
def test_not_a_diagnostic(line: str) -> None:
    assert _diag(line) == []
