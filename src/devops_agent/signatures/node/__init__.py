"""JavaScript/TypeScript signatures: npm/pnpm/yarn errors, peer-dependency conflicts, missing
modules, tsc, eslint, prettier, jest/vitest/mocha/node:test failures and uncaught Node errors.

Formats learned from the tools' output: npm's ``npm error code EXXX`` block (``npm ERR!`` before
npm 9), pnpm's `` ERR_PNPM_CODE  message``, yarn's ``error ...`` / ``➤ YN0035``; tsc's
``file(l,c): error TS2322:`` and ``--pretty`` ``file:l:c - error TS2322:``; eslint's stylish
output (a file header, then ``  l:c  error  message  rule``); jest's ``FAIL file`` + ``● Suite ›
test`` blocks with an ``at fn (file:l:c)`` frame; vitest's `` FAIL  file > suite > test`` +
`` ❯ file:l:c``; mocha's ``N failing``; node:test's TAP ``not ok`` and spec ``✖``; Node's
uncaught-exception report (``file:line``, source, caret, ``TypeError: ...``, frames, ``Node.js v20``).
"""

from __future__ import annotations

from devops_agent.signatures.node import code, packages, testing

RULES = [*packages.RULES, *code.RULES, *testing.RULES]
