"""Shared helpers of the C/C++ signatures."""

from __future__ import annotations

import re

from devops_agent.signatures.base import doc  # noqa: F401 - shared by this package's rule modules

ECO = "c"

# Extensions of C-family sources and headers (gcc/clang/MSVC/nvcc/Objective-C/assembly).
SRC_EXT = r"(?:c|cc|cp|cpp|cxx|c\+\+|C|h|hh|hpp|hxx|h\+\+|H|inl|ipp|tcc|tpp|ixx|cppm|m|mm|cu|cuh|S|s|metal|ispc)"

# Configure-time probes: meson, CMake try_compile and autoconf compile throw-away test programs and
# expect many of them to fail; their errors are not the build's.
PROBE = re.compile(r"meson-private/|CMakeFiles/CMake(?:Tmp|Scratch)/|(?:^|/)conftest\.(?:c|cc|cpp|cxx)\b|/try_compile/")


