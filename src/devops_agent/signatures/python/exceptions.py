"""Python exceptions: missing modules, bad imports, removed stdlib APIs, attribute errors, syntax
errors and any other uncaught exception (read from its ``Traceback (most recent call last):``)."""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.python import stdlib
from devops_agent.signatures.python.common import ECO as _ECO
from devops_agent.signatures.python.common import (
    EXC_LINE,
    PY_FRAME,
    TB_HEADER,
    nearest_frame,
    project_frame,
)
from devops_agent.signatures.python.common import doc as _doc

_LEAD = r"(?:^|(?<=[\s:\]>|]))"  # the exception name starts the message (after `E   `, `[rank0]: `...)
_NO_MODULE = rx(_LEAD + r"(?P<exc>ModuleNotFoundError|ImportError): No module named '?(?P<module>[A-Za-z_][\w.]{0,200})'?")
_CANNOT_IMPORT = rx(
    _LEAD + r"ImportError: cannot import name '?(?P<name>\w{1,200})'?"
    r"(?: from '(?P<module>[\w.]{1,200})'| from partially initialized module '(?P<partial>[\w.]{1,200})')?"
    r"(?P<rest>[^\n]{0,600})"
)
_NO_ATTR = rx(
    _LEAD + r"AttributeError: (?P<owner>module '(?P<mod>[\w.]{1,200})'|type object '[\w.]{1,200}'|'[\w.]{1,200}' object"
    r"|partially initialized module '(?P<pmod>[\w.]{1,200})')"
    r" has no attribute '(?P<attr>\w{1,200})'(?P<rest>[^\n]{0,600})"
)
_REMOVED = rx(
    _LEAD + r"(?:(?:ModuleNotFoundError|ImportError): No module named '?(?P<module>[A-Za-z_][\w.]{0,200})'?"
    r"|ImportError: cannot import name '(?P<name>\w{1,200})' from '(?P<from>[\w.]{1,200})'"
    r"|AttributeError: (?:module '(?P<mod>[\w.]{1,200})'|'(?P<obj>\w{1,200})' object|type object '(?P<type>\w{1,200})')"
    r" has no attribute '(?P<attr>\w{1,200})')"
)
_DID_YOU_MEAN = re.compile(r"Did you mean:? '?(?P<s>\w+)'?\??")
_STRICT = r"(?:^(?:E\s+)?|(?<=[\]:|>] ))"  # Python prints these at column 0 (JS tools indent theirs)
_SYNTAX = rx(_STRICT + r"(?P<kind>SyntaxError): (?P<message>[^\n]{1,500})")
_INDENT = rx(_STRICT + r"(?P<kind>IndentationError): (?P<message>[^\n]{1,500})")
# `raise X from cause`: the final exception wraps its cause with context, so it reports; an exception
# raised *while handling* another is secondary (a broken handler): the first one reports.
_DIRECT_CAUSE = "The above exception was the direct cause"
_DURING_HANDLING = "During handling of the above exception"
_TRACEBACK = rx(r"^\s{0,8}(?:E\s+)?Traceback \(most recent call last\):\s*$")


def _removed_api(m: re.Match[str]) -> tuple[str, str] | None:
    if m["module"]:
        return stdlib.removed_module(m["module"])
    if m["name"]:
        return stdlib.removed_attr(m["from"], m["name"])
    if m["mod"]:
        return stdlib.removed_attr(m["mod"], m["attr"])
    return stdlib.removed_method(m["obj"] or m["type"], m["attr"])


def _removed_extract(m: re.Match[str], win: Window) -> Extract | None:
    found = _removed_api(m)
    if found is None:
        return None
    file, line = project_frame(win)
    return Extract(file=file, line=line, data={"api": found[0], "replacement": found[1]})


def _no_module_extract(m: re.Match[str], win: Window) -> Extract | None:
    if stdlib.removed_module(m["module"]):
        return None  # PY-RUN-002
    file, line = project_frame(win)
    return Extract(file=file, line=line, data={"module": m["module"].split(".", 1)[0], "full_module": m["module"]})


def _cannot_import_extract(m: re.Match[str], win: Window) -> Extract | None:
    if m["module"] and stdlib.removed_attr(m["module"], m["name"]):
        return None  # PY-RUN-002
    data: dict[str, object] = {"name": m["name"], "module": m["module"] or m["partial"] or "?"}
    if m["partial"]:
        data["circular"] = True
    hint = _DID_YOU_MEAN.search(m["rest"] or "")
    if hint:
        data["suggestion"] = hint["s"]
    file, line = project_frame(win)
    return Extract(file=file, line=line, data=data)


def _attr_extract(m: re.Match[str], win: Window) -> Extract | None:
    owner = m["owner"]
    data: dict[str, object] = {"owner": m["mod"] or m["pmod"] or owner.split("'")[1], "attr": m["attr"]}
    module = m["mod"]
    if module and stdlib.removed_attr(module, m["attr"]):
        return None
    if not module and stdlib.removed_method(owner.split("'")[1], m["attr"]):
        return None
    hint = _DID_YOU_MEAN.search(m["rest"] or "")
    if hint:
        data["suggestion"] = hint["s"]
    file, line = project_frame(win)
    return Extract(file=file, line=line, data=data)


_JS_CONTEXT = re.compile(r"\.(?:m?js|jsx|tsx?|vue)\b[:(]|\bat \S+ \(|^node:|\bnode_modules/")


def _syntax_extract(m: re.Match[str], win: Window) -> Extract | None:
    file, line = nearest_frame(win)
    if file is None and any(_JS_CONTEXT.search(t) for _, t in win.before(6)):
        return None  # a JavaScript/TypeScript SyntaxError (node, babel, jest)
    if file is None:
        # pyflakes/compileall style "path.py:13:5: SyntaxError"? only the bare message: still a syntax error
        return Extract(data={"message": m["message"].strip(), "kind": m["kind"]})
    evidence = tuple(n for n, t in win.before(4) if PY_FRAME.match(t) or t.strip())[:3]
    return Extract(file=file, line=line, evidence=evidence, data={"message": m["message"].strip(), "kind": m["kind"]})


def _final_exception(win: Window, limit: int = 400) -> tuple[int, re.Match[str]] | None:
    """The exception line closing the traceback that starts at the match."""
    seen_frame = False
    for n, text in win.after(limit):
        if PY_FRAME.match(text):
            seen_frame = True
            continue
        if not text.strip() or text[:1] in " \t":
            continue
        body = text[4:].lstrip() if text.startswith("E   ") else text
        m = EXC_LINE.match(body)
        if m and seen_frame:
            return n, m
        if text.startswith(TB_HEADER):
            return None
    return None


def _traceback_extract(m: re.Match[str], win: Window) -> Extract | None:
    prev = win.text(win.lineno - 1) or ""
    if "Exception ignored in" in prev:
        return None  # an atexit/__del__ traceback: Python went on
    if any(t.startswith(_DURING_HANDLING) for _, t in win.before(3)):
        return None
    found = _final_exception(win)
    if found is None:
        return None
    n, exc = found
    for _, text in win.after(3, n + 1):
        if text.startswith(_DIRECT_CAUSE):
            return None  # the cause of a chained exception: the final traceback below reports
    file, line = project_frame(win, start=n)
    name = exc["exc"]
    data = {"exception": name, "message": (exc["msg"] or "").strip()[:300]}
    return Extract(file=file, line=line, primary=n, data=data)


RULES = [
    Rule(
        code="PY-RUN-002",
        name="python-removed-stdlib-api",
        category="runtime",
        severity="high",
        pattern=_REMOVED,
        literal="Error: ",
        extract=_removed_extract,
        priority=90,
        confidence=0.9,
        fix="safe",
        ecosystem=_ECO,
        title="Removed standard-library API {api} (use {replacement})",
        root_cause="The code uses {api}, which the running Python no longer has; the replacement is {replacement}.",
        suggestion="Replace {api} with {replacement} at {file}:{line}.",
        doc=_doc(
            "Code (yours or a dependency's) uses a standard-library module or name that newer Pythons removed: the "
            "ABC aliases in `collections` (3.10), `imp`/`distutils`/`asynchat` (3.12), the PEP 594 modules "
            "(`cgi`, `telnetlib`, `pipes`... in 3.13) or old functions such as `inspect.getargspec`.",
            "The CI runs a newer Python than the code was written for.",
            "E   ImportError: cannot import name 'Mapping' from 'collections' (/usr/lib/python3.11/collections/__init__.py)",
            "Switch to the replacement (`collections.abc.Mapping`, `importlib`, `inspect.getfullargspec`...), or "
            "upgrade the dependency that still uses the old API.",
        ),
    ),
    Rule(
        code="PY-DEP-001",
        name="python-module-not-found",
        category="dependency",
        severity="high",
        pattern=_NO_MODULE,
        literal="No module named",
        extract=_no_module_extract,
        priority=86,
        confidence=0.85,
        fix="safe",
        ecosystem=_ECO,
        title="Python module '{module}' is not installed",
        root_cause="`import {module}` failed: no installed distribution provides the module '{module}'.",
        suggestion="Add the distribution that provides '{module}' to the project's dependencies "
        "(requirements.txt / pyproject.toml) and reinstall.",
        doc=_doc(
            "Python raised `ModuleNotFoundError: No module named 'x'` while importing (often during pytest "
            "collection).",
            "The code imports a third-party module whose distribution is not declared in the dependencies (or "
            "the CI installs a different extra/group than you do locally). Note the distribution name can "
            "differ from the module (`yaml` comes from PyYAML).",
            "src/confmerge/loader.py:5: in <module>\n    import yaml\nE   ModuleNotFoundError: No module named 'yaml'",
            "Declare the distribution (PyYAML for `yaml`) in requirements.txt or pyproject.toml.",
        ),
    ),
    Rule(
        code="PY-IMP-001",
        name="python-cannot-import-name",
        category="runtime",
        severity="high",
        pattern=_CANNOT_IMPORT,
        literal="cannot import name",
        extract=_cannot_import_extract,
        priority=85,
        confidence=0.85,
        fix="unsafe",
        ecosystem=_ECO,
        title="cannot import name '{name}' from '{module}'",
        root_cause="The module '{module}' has no name '{name}' (renamed, removed, or a circular import).",
        suggestion="Import the current name from '{module}' at {file}:{line} (or pin the dependency version that "
        "still exports '{name}').",
        doc=_doc(
            "`ImportError: cannot import name 'X' from 'pkg.mod'`: the module was found but does not define `X`.",
            "`X` was renamed or removed (in your code or in a dependency's new release), or two modules import "
            "each other (\"partially initialized module\").",
            "src/inkwell/posts.py:6: in <module>\n    from inkwell.text import excerpt, slugify_title\n"
            "E   ImportError: cannot import name 'slugify_title' from 'inkwell.text' (/builds/web/inkwell/src/inkwell/text.py)",
            "Update the import to the new name, or pin the dependency release that still has it; break circular "
            "imports by moving the import into the function.",
        ),
    ),
    Rule(
        code="PY-RUN-001",
        name="python-attribute-error",
        category="runtime",
        severity="high",
        pattern=_NO_ATTR,
        literal="has no attribute",
        extract=_attr_extract,
        priority=78,
        confidence=0.75,
        fix="unsafe",
        ecosystem=_ECO,
        title="AttributeError: {owner} has no attribute '{attr}'",
        root_cause="The code reads '{attr}' on {owner}, which does not have it.",
        suggestion="Use the attribute's current name at {file}:{line} (Python suggests '{suggestion}').",
        doc=_doc(
            "`AttributeError: module 'm' has no attribute 'x'` (or `'T' object has no attribute 'x'`).",
            "An API was renamed or removed (often by a dependency upgrade), a name is misspelt, or a value has an "
            "unexpected type (None).",
            "AttributeError: module 'numpy' has no attribute 'float'",
            "Use the current name (Python 3.10+ prints `Did you mean: 'y'?`) or pin the dependency release that "
            "still has it.",
        ),
    ),
    Rule(
        code="PY-SYN-001",
        name="python-syntax-error",
        category="compilation",
        severity="high",
        pattern=_SYNTAX,
        literal="SyntaxError",
        extract=_syntax_extract,
        priority=88,
        confidence=0.9,
        fix="safe",
        ecosystem=_ECO,
        title="SyntaxError: {message}",
        root_cause="Python cannot parse {file}:{line}: {message}.",
        suggestion="Fix the syntax at {file}:{line} ({message}).",
        doc=_doc(
            "The interpreter could not parse a source file: `SyntaxError: ...` after `File \"x.py\", line N`, "
            "the source line and a caret.",
            "A typo (missing `:` or bracket), an unresolved merge conflict marker, or syntax newer than the "
            "Python the CI runs (`match`, `except*`, PEP 695 generics).",
            'E     File "/home/grace/src/tallyho/src/tallyho/ranked.py", line 13\n'
            "E       def eliminate(self, candidate: str)\nE                                          ^\n"
            "E   SyntaxError: expected ':'",
            "Fix the line the caret points at, or raise the CI's Python version.",
        ),
    ),
    Rule(
        code="PY-SYN-002",
        name="python-indentation-error",
        category="compilation",
        severity="high",
        pattern=_INDENT,
        literal="IndentationError",
        extract=_syntax_extract,
        priority=88,
        confidence=0.9,
        ecosystem=_ECO,
        title="IndentationError: {message}",
        root_cause="Python cannot parse {file}:{line}: {message}.",
        suggestion="Fix the indentation at {file}:{line}.",
        doc=_doc(
            "`IndentationError: unexpected indent` / `expected an indented block` / `unindent does not match any "
            "outer indentation level`, after `File \"x.py\", line N`.",
            "A block is indented inconsistently (often after a bad merge or mixed tabs and spaces).",
            'File "/work/app/src/app.py", line 3\n    return 1\nIndentationError: unexpected indent',
            "Re-indent the block (a formatter such as black or ruff format will do it).",
        ),
    ),
    Rule(
        code="PY-RUN-003",
        name="python-uncaught-exception",
        category="runtime",
        severity="high",
        pattern=_TRACEBACK,
        literal="Traceback (most recent call last)",
        extract=_traceback_extract,
        priority=64,
        confidence=0.6,
        ecosystem=_ECO,
        title="Uncaught {exception}: {message}",
        root_cause="The program stopped on an uncaught {exception} raised at {file}:{line}: {message}",
        suggestion="Read the traceback's last project frame ({file}:{line}) and handle or fix the failing case.",
        doc=_doc(
            "A Python program ended on an uncaught exception: `Traceback (most recent call last):`, the frames, "
            "and the exception line (`RuntimeError: ...`). The exception line is the evidence; the location is "
            "the deepest frame in the project (not site-packages or the interpreter).",
            "Whatever the exception says: bad input, a failed subprocess, an unexpected state.",
            'Traceback (most recent call last):\n  File "/work/app/tools/report.py", line 9, in <module>\n'
            "    main()\n  File \"/work/app/tools/report.py\", line 6, in main\n"
            "    raise RuntimeError(\"no rows to report\")\nRuntimeError: no rows to report",
            "Fix the cause the message names at the deepest project frame.",
        ),
    ),
]
