"""Build-time and run-time code errors: bundlers, tsc, eslint, prettier and uncaught Node errors."""

from __future__ import annotations

import re

from devops_agent.signatures.base import GREP_ERROR_COLON, Extract, Rule, Window, rx
from devops_agent.signatures.node.common import (
    ECO,
    OUTSIDE,
    package_of,
    rule_doc,
    user_frame,
)

# --- bundlers (vite/rollup/rolldown, webpack, esbuild) ------------------------------------------
_UNRESOLVED = rx(
    r"(?:Rollup|Rolldown) failed to resolve import \"(?P<vspec>[^\"\n]{1,200})\" from \"(?P<vfrom>[^\"\n]{1,400})\""
    r"|^Module not found: (?:Error: )?Can't resolve '(?P<wspec>[^'\n]{1,200})'(?: in '(?P<wdir>[^'\n]{1,400})')?"
    r"|^✘ \[ERROR\] Could not resolve \"(?P<espec>[^\"\n]{1,200})\""
)
_ESBUILD_LOC = re.compile(r"^\s+(?P<f>[^\s:][^\n:]{0,400}):(?P<l>\d+):\d+:\s*$")
_MODULE_LINE = re.compile(r"^(?P<f>\.{1,2}/[^\s:]{1,400}\.(?:[cm]?[jt]sx?|vue|svelte))(?P<l>)\s*$")
_WEBPACK_ERROR_IN = re.compile(r"^ERROR in (?P<f>\S+?)(?: (?P<l>\d+):\d+(?:-\d+)?)?\s*$")


def _bare(spec: str) -> bool:
    return not spec.startswith((".", "/", "~/", "node:", "virtual:", "\0")) and not re.match(r"^[A-Za-z]:[\\/]", spec)


def _unresolved_extract(m: re.Match[str], win: Window) -> Extract | None:
    spec = m["vspec"] or m["wspec"] or m["espec"]
    if not _bare(spec) or spec.startswith(("@/", "#", "$")):
        return None  # relative paths and project aliases are the build's own error (JS-BUILD-001)
    file, line, evidence = m["vfrom"], None, []
    if m["wspec"]:
        for n, text in win.before(2):  # webpack's `ERROR in ./src/a.js 2:0-39`, Next.js's bare `./app/page.tsx`
            w = _WEBPACK_ERROR_IN.match(text) or _MODULE_LINE.match(text)
            if w:
                file, line = w["f"], int(w["l"]) if w["l"] else None
                evidence.append(n)
                break
    if m["espec"]:
        for n, text in win.after(3):
            e = _ESBUILD_LOC.match(text)
            if e:
                file, line = e["f"], int(e["l"])
                evidence.append(n)
                break
    return Extract(file=file, line=line, evidence=tuple(evidence), data={"module": package_of(spec)})


_BUILD = rx(r"^✘ \[ERROR\] (?P<message>\S[^\n]{0,400})|^ERROR in (?P<wfile>\S+?)(?: (?P<wline>\d+):\d+(?:-\d+)?)?\s*$")


def _build_extract(m: re.Match[str], win: Window) -> Extract | None:
    if m["message"]:  # esbuild: the location follows on an indented `path:l:c:` line
        for n, text in win.after(3):
            e = _ESBUILD_LOC.match(text)
            if e:
                return Extract(file=e["f"], line=int(e["l"]), evidence=(n,), data={"message": m["message"]})
        return Extract(data={"message": m["message"]})
    nxt = next(((n, t) for n, t in win.after(2) if t.strip()), None)
    if nxt is None:
        return None
    file = None if m["wfile"].startswith(("multi ", "child ")) else m["wfile"]
    line = int(m["wline"]) if m["wline"] and file else None
    return Extract(file=file, line=line, primary=nxt[0], evidence=(win.lineno,), data={"message": nxt[1].strip()[:300]})

# --- tsc -----------------------------------------------------------------------------------------
_TSC = rx(r"error(?: (?P<ts_code>TS\d{3,5}): (?P<message>[^\n]{1,500})|: (?P<nmessage>\S[^\n]{0,500}))")
# What precedes `error TS2322:`: `src/a.ts(10,9): ` (plain), `src/a.ts:10:9 - ` (--pretty), nothing (global errors).
_TSC_LOC = re.compile(
    r"(?:^|[\s:>])(?P<file>[^\s():'\"]{1,300}?\.(?:[cm]?[jt]sx?|vue|svelte|json))"
    r"(?:\((?P<line>\d+),(?P<col>\d+)\): | ?:(?P<lineb>\d+):(?P<colb>\d+) - )$"
)
_NEXT_LOC = re.compile(r"^(?P<f>\.{0,2}/?[^\s:]{1,400}\.(?:[cm]?[jt]sx?|vue|svelte)):(?P<l>\d+):\d+\s*$")


def _tsc_extract(m: re.Match[str], win: Window) -> Extract | None:
    if m["nmessage"]:  # next build: `Type error: ...` under its `./app/page.tsx:5:21` line
        if m.string[: m.start()] != "Type ":
            return None
        loc = _NEXT_LOC.match(win.text(win.lineno - 1) or "")
        if loc is None:
            return None
        return Extract(file=loc["f"], line=int(loc["l"]), evidence=(win.lineno - 1,), data={"message": m["nmessage"]})
    head = m.string[: m.start()]
    data = {"ts_code": m["ts_code"]}
    loc = _TSC_LOC.search(head[-400:])
    if loc is None:
        if head.strip():
            return None  # `error TS` inside some other sentence
        return Extract(data=data)
    evidence: list[int] = []
    if loc["lineb"]:  # --pretty: a blank line, the numbered source line and the squiggle follow
        evidence = [n for n, t in win.after(4) if re.match(r"^\s*\d+\s{2,}\S|^\s+~", t)][:2]
    line = int(loc["line"] or loc["lineb"])
    return Extract(file=loc["file"], line=line, evidence=tuple(evidence), data=data)


# --- eslint --------------------------------------------------------------------------------------
# stylish: `  2:9  error  msg  rule`; Next.js's `next lint`/`next build`: `10:21  Error: msg  rule`.
_ESLINT_PROBLEM = re.compile(r"^\s*\d+:\d+\s+(?:error|warning|Error:|Warning:)\s+\S")
_ESLINT_IS_ERROR = re.compile(r"^\s*\d+:\d+\s+(?:error|Error:)\s")
_NEXT_LINT = rx(r"^(?P<line>\d+):(?P<col>\d+)  Error: (?P<message>\S[^\n]{0,400}?)(?:\s{2,}(?P<rule>[@\w][\w@/.-]{0,100}))?\s*$")
_ESLINT = rx(r"^\s+(?P<line>\d+):(?P<col>\d+)\s+error  \s*(?P<message>\S[^\n]{0,400}?)(?:\s{2,}(?P<rule>[@\w][\w@/.-]{0,100}))?\s*$")
_HEADER = re.compile(r"^(?P<f>(?:[A-Za-z]:)?[^\s][^\n]{0,400}\.(?:[cm]?[jt]sx?|vue|svelte|json|md|html|astro))\s*$")


def _eslint_header(win: Window) -> tuple[str | None, int | None]:
    for n, text in win.before(400):
        if _ESLINT_PROBLEM.match(text):
            continue
        h = _HEADER.match(text)
        return (h["f"], n) if h else (None, None)
    return None, None


def _eslint_extract(m: re.Match[str], win: Window) -> Extract | None:
    file, header = _eslint_header(win)
    if file is None:
        return None  # stylish problems always sit under their file's header
    codes: list[str] = []
    files: list[str] = [file]
    for _, text in win.after(300):
        if _ESLINT_PROBLEM.match(text):
            r = re.search(r"\s{2,}(?P<r>[@\w][\w@/.-]{0,100})\s*$", text)
            if r and _ESLINT_IS_ERROR.match(text) and r["r"] not in codes:
                codes.append(r["r"])
            continue
        h = _HEADER.match(text)
        if h:
            files.append(h["f"])
            continue
        if text.strip():
            break
    if m["rule"] and m["rule"] not in codes:
        codes.insert(0, m["rule"])
    data = {"rule": m["rule"], "codes": codes, "files": files}
    return Extract(file=file, line=int(m["line"]), evidence=(header,) if header else (), data=data)

_MAX_WARNINGS = rx(r"^ESLint found too many warnings \(maximum: (?P<maximum>\d+)\)")
_ESLINT_WARNING = re.compile(r"^\s+(?P<line>\d+):\d+\s+warning  \s*\S[^\n]{0,400}?(?:\s{2,}(?P<rule>[@\w][\w@/.-]{0,100}))?\s*$")


def _max_warnings_extract(m: re.Match[str], win: Window) -> Extract | None:
    """The warnings listed above the verdict, with the file from their stylish header."""
    warnings: list[tuple[int, re.Match[str]]] = []
    file = None
    for n, text in win.before(300):
        w = _ESLINT_WARNING.match(text)
        h = None if w else _HEADER.match(text)
        if w:
            warnings.append((n, w))
        elif h:
            file = h["f"]  # walking up: the last header seen is the first file's
        elif text.strip() and not text.startswith("✖") and not _ESLINT_PROBLEM.match(text):
            break
    warnings.reverse()
    codes = list(dict.fromkeys(w["rule"] for _, w in warnings if w["rule"]))
    line = int(warnings[0][1]["line"]) if warnings and file else None
    data = {"codes": codes, "rules": ", ".join(codes) or "no rule id"}
    return Extract(file=file, line=line, evidence=tuple(n for n, _ in warnings[:3]), data=data)


# --- prettier ------------------------------------------------------------------------------------
_PRETTIER = rx(r"^\[warn\] Code style issues (?:found in (?:the above file|\d+ files)|were found in the above file)")
_PRETTIER_FILE = re.compile(r"^\[warn\] (?P<f>[^\s\[][^\n]{0,400})$")


def _prettier_extract(m: re.Match[str], win: Window) -> Extract | None:
    files: list[tuple[int, str]] = []
    for n, text in win.before(500):
        f = _PRETTIER_FILE.match(text)
        if f and not f["f"].startswith("Code style"):
            files.append((n, f["f"].strip()))
        elif text.startswith("Checking formatting") or files and not text.startswith("[warn]"):
            break
    files.reverse()
    names = [f for _, f in files]
    file = names[0] if names else None
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    title = f"Prettier would reformat {shown}" if names else None
    return Extract(file=file, evidence=tuple(n for n, _ in files[:4]), data={"files": names}, title=title)

# --- uncaught Node errors ------------------------------------------------------------------------
_RUN = rx(r"^(?:Uncaught )?(?P<exc>(?:[A-Z][A-Za-z]{0,60})?Error)(?: \[(?P<code>[A-Z_0-9]{2,60})\])?: (?P<message>\S[^\n]{0,400})")
_NODE_TRAILER = re.compile(r"^Node\.js v\d+")
_THROW_SITE = re.compile(r"^(?P<f>(?:file://)?(?:[A-Za-z]:)?/[^\s:]{1,400}|[^\s:]{1,400}\.[cm]?[jt]sx?):(?P<l>\d+)\s*$")


def _run_extract(m: re.Match[str], win: Window) -> Extract | None:
    site = None
    for _, text in win.before(6):
        s = _THROW_SITE.match(text)
        if s:
            site = (s["f"], int(s["l"]))
            break
    trailer = any(_NODE_TRAILER.match(t) for _, t in win.after(40))
    if site is None and not trailer:
        return None
    if site and (site[0].startswith("node:") or OUTSIDE.search(site[0])):
        site = None
    loc = user_frame(win, win.lineno + 1) or site
    file, line = loc if loc else (None, None)
    evidence = [n for n, t in win.before(4) if t.strip() == "^" or t.rstrip().endswith("^")][:1]
    return Extract(file=file, line=line, evidence=tuple(evidence))


RULES = [
    Rule(
        code="JS-DEP-003",
        name="bundler-unresolved-package",
        category="dependency",
        severity="high",
        pattern=_UNRESOLVED,
        literal="esolve",
        extract=_unresolved_extract,
        priority=82,
        confidence=0.85,
        ecosystem=ECO,
        title="The bundler cannot resolve package '{module}'",
        root_cause="{file} imports '{module}', which is not installed (missing from package.json dependencies).",
        suggestion="Add {module} to package.json dependencies (npm install {module}) and commit the lockfile.",
        doc=rule_doc(
            "A bundler could not resolve a bare package import: vite's `[vite]: Rollup failed to resolve import "
            "\"x\" from \"src/main.js\"` (Rolldown in vite 8), webpack's `Module not found: Error: Can't resolve "
            "'x' in '/app/src'` (Next.js: `Module not found: Can't resolve 'x'`) or esbuild's `✘ [ERROR] Could not resolve \"x\"`. Relative paths are build errors "
            "(JS-BUILD-001).",
            "The code imports a package that package.json does not declare.",
            "ERROR in ./src/main.js 2:0-39\nModule not found: Error: Can't resolve 'canvas-confetti' in "
            "'/home/runner/work/shop/shop/src'",
            "Declare the package in dependencies and reinstall (or fix a misspelt package name).",
        ),
    ),
    Rule(
        code="JS-BUILD-001",
        name="bundler-build-error",
        category="compilation",
        severity="high",
        pattern=_BUILD,
        literal="ERROR",
        extract=_build_extract,
        priority=72,
        confidence=0.75,
        ecosystem=ECO,
        title="Build error: {message}",
        root_cause="The bundler could not build {file}: {message}",
        suggestion="Fix the reported code at {file}:{line} (syntax, a wrong relative import path, a missing loader).",
        doc=rule_doc(
            "A JavaScript bundler failed on a module: esbuild's `✘ [ERROR] MESSAGE` followed by the `path:l:c:` "
            "location, or webpack's `ERROR in ./src/a.js 3:26` followed by the message (`Module parse failed`, "
            "`Module not found: Error: Can't resolve './x'`).",
            "The source does not parse, imports a file that does not exist, or needs a loader the config lacks.",
            "✘ [ERROR] Expected \"]\" but found \";\"\n\n    src/main.js:3:26:\n      3 │ const prices = [1999, 2499;",
            "Open the file at the location given and fix the syntax or the import path; add the loader when a file "
            "type is not handled.",
        ),
    ),
    Rule(
        code="JS-TSC-001",
        name="typescript-error",
        category="type-check",
        severity="high",
        pattern=_TSC,
        literal="error",
        grep=GREP_ERROR_COLON,
        extract=_tsc_extract,
        priority=85,
        confidence=0.9,
        ecosystem=ECO,
        title="TypeScript {ts_code}: {message}",
        root_cause="tsc rejected {file}: {message}",
        suggestion="Fix the types at {file}:{line} (or the declaration that changed), then re-run tsc --noEmit.",
        doc=rule_doc(
            "The TypeScript compiler reported an error: `src/a.ts(10,9): error TS2322: ...` (plain) or "
            "`src/a.ts:10:9 - error TS2322: ...` (`--pretty`, followed by the source line and a squiggle); "
            "`next build` prints the location on its own line, then `Type error: ...`.",
            "A value's type does not match its use: a function's return type changed, a property was renamed, "
            "a module or declaration is missing.",
            "src/quote.ts(5,3): error TS2322: Type 'string' is not assignable to type 'number'.",
            "Change the code or the declaration so the types agree (convert explicitly where a conversion is meant).",
        ),
    ),
    Rule(
        code="JS-LINT-001",
        name="eslint-error",
        category="lint",
        severity="medium",
        pattern=_ESLINT,
        literal="error  ",
        extract=_eslint_extract,
        priority=75,
        confidence=0.85,
        ecosystem=ECO,
        title="ESLint: {rule} in {file}",
        root_cause="ESLint reported {rule} (and possibly other rules) errors in {file}.",
        suggestion="Fix the reported problems (`npx eslint --fix` handles the fixable ones).",
        doc=rule_doc(
            "ESLint found rule violations at error level. Its default `stylish` output prints the file, then one "
            "`  LINE:COL  error  MESSAGE  RULE` line per problem and a `✖ N problems` summary.",
            "The change introduced code that breaks a configured rule (unused variables, undefined names...).",
            "/home/runner/work/shop/shop/lib/cart.js\n   2:9   error  'discount' is assigned a value but never used  no-unused-vars",
            "Fix each reported line; run `npx eslint --fix` for auto-fixable rules.",
        ),
    ),
    Rule(
        code="JS-LINT-003",
        name="next-lint-error",
        category="lint",
        severity="medium",
        pattern=_NEXT_LINT,
        literal="  Error: ",
        extract=_eslint_extract,
        priority=75,
        confidence=0.85,
        ecosystem=ECO,
        title="ESLint (Next.js): {rule} in {file}",
        root_cause="`next lint`/`next build` reported ESLint errors ({rule}) in {file}.",
        suggestion="Fix the reported problems (`npx next lint --fix` handles the fixable ones).",
        doc=rule_doc(
            "Next.js ran ESLint (`next build` lints before type-checking; `next lint`) and prints problems in its "
            "own format: the file (`./app/page.tsx`), then `LINE:COL  Error: MESSAGE  RULE` lines; `next build` "
            "stops with `Failed to compile.`",
            "The change breaks an ESLint rule configured at error level (next/core-web-vitals, next/typescript...).",
            "./app/page.tsx\n10:21  Error: `'` can be escaped with `&apos;`, `&lsquo;`, `&#39;`, `&rsquo;`.  "
            "react/no-unescaped-entities",
            "Fix the code at the reported line; do not silence the rule unless the project agrees.",
        ),
    ),
    Rule(
        code="JS-LINT-002",
        name="eslint-max-warnings",
        category="lint",
        severity="medium",
        pattern=_MAX_WARNINGS,
        literal="ESLint found too many warnings",
        extract=_max_warnings_extract,
        priority=72,
        confidence=0.85,
        ecosystem=ECO,
        title="ESLint warnings exceed --max-warnings {maximum}",
        root_cause="ESLint reported warnings ({rules}) while the job allows at most {maximum}.",
        suggestion="Fix the listed warnings (first in {file}:{line}); `npx eslint --fix` handles the fixable ones.",
        doc=rule_doc(
            "ESLint ran with `--max-warnings N` (common as `--max-warnings 0` in CI and `next lint`) and found more "
            "warnings than allowed: `ESLint found too many warnings (maximum: 0).` after the stylish listing.",
            "The change introduced code that trips rules configured at warning level.",
            "/home/runner/work/shop/shop/lib/cart.js\n  2:9  warning  'discount' is assigned a value but never used  "
            "no-unused-vars\n\n✖ 1 problem (0 errors, 1 warning)\n\nESLint found too many warnings (maximum: 0).",
            "Fix the warnings listed above the message.",
        ),
    ),
    Rule(
        code="JS-FMT-001",
        name="prettier-check",
        category="format",
        severity="low",
        pattern=_PRETTIER,
        literal="Code style issues",
        extract=_prettier_extract,
        priority=74,
        confidence=0.88,
        ecosystem=ECO,
        title="Prettier found unformatted files",
        root_cause="prettier --check found files that are not formatted (first: {file}).",
        suggestion="Run `npx prettier --write` on the listed files and commit the result.",
        doc=rule_doc(
            "`prettier --check` listed files (`[warn] path`) whose formatting differs from Prettier's, then "
            "`[warn] Code style issues found in N files. Run Prettier with --write to fix.`",
            "The files were edited without running the formatter.",
            "[warn] web/price.js\n[warn] Code style issues found in 2 files. Run Prettier with --write to fix.",
            "Run `npx prettier --write <files>` (the project's pinned version) and commit.",
        ),
    ),
    Rule(
        code="JS-RUN-001",
        name="node-uncaught-error",
        category="runtime",
        severity="high",
        pattern=_RUN,
        literal="Error",
        extract=_run_extract,
        priority=70,
        confidence=0.75,
        ecosystem=ECO,
        title="Node.js {exc}: {message}",
        root_cause="The Node.js process crashed with an uncaught {exc}: {message}",
        suggestion="Fix the code at {file}:{line} (the first project frame of the stack).",
        doc=rule_doc(
            "Node printed an uncaught exception: the throwing `file:line`, the source line and a caret, then "
            "`TypeError: ...`, the stack frames and `Node.js v20.x`.",
            "The program hit an unexpected value (undefined property access, a bad argument) at runtime.",
            "/home/runner/work/widgets/widgets/server.js:4\n  return cfg.server.port.toString();\n"
            "                    ^\n\nTypeError: Cannot read properties of undefined (reading 'port')",
            "Guard or correct the value at the reported line; the stack shows how it was reached.",
        ),
    ),
]
