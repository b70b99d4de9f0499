"""Go signatures: compile errors, go vet, golangci-lint/staticcheck, `go test` failures and panics,
module resolution, and the `FAIL pkg` summaries.

Formats learned from the go command's output: the compiler prints ``# import/path`` and then
``./file.go:LINE:COL: MESSAGE`` lines (go vet uses the same form, so the command above decides);
linters append the linter's name or check code: ``file.go:12:5: Error return value is not checked
(errcheck)``, ``... is unused (U1000)``. ``go test`` prints ``--- FAIL: TestX (0.00s)`` followed by
indented ``x_test.go:42: message`` lines (``t.Errorf``), nested for subtests, and
``FAIL\\tpkg\\t0.01s``; a panic prints ``panic: msg [recovered]`` and a goroutine trace with
``\\t/abs/path/file.go:LINE +0x1d`` frames.
"""

from __future__ import annotations

from devops_agent.signatures.go import build, testing

RULES = [*build.RULES, *testing.RULES]
