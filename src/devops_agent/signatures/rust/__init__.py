"""Rust signatures: rustc errors, clippy/rustc lints denied by ``-D warnings``, cargo test failures
(libtest and cargo-nextest), panics, cargo dependency resolution, and cargo's summary lines.

Formats learned from rustc/cargo output: a diagnostic is ``error[E0425]: MESSAGE`` (or a plain
``error: MESSAGE``) followed by `` --> src/lib.rs:8:27``, a gutter with the source line, and
``= note:`` lines; a denied lint carries ``= note: `-D clippy::x` implied by `-D warnings```.
libtest prints ``test name ... FAILED``, then ``---- name stdout ----`` and
``thread 'name' panicked at src/lib.rs:23:9:`` + the message (Rust >= 1.73; older releases put the
location after the quoted message). nextest prints ``FAIL [ 0.01s] crate::bin test_name``.
"""

from __future__ import annotations

from devops_agent.signatures.rust import cargo, diagnostics, testing

RULES = [*diagnostics.RULES, *testing.RULES, *cargo.RULES]
