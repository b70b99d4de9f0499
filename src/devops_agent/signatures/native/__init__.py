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

from devops_agent.signatures.native import build, compilers, testing

RULES = [*compilers.RULES, *build.RULES, *testing.RULES]
