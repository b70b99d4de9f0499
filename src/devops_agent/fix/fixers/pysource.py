"""Source rewriting helpers for the Python fixers: token-level renames and removed stdlib APIs."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from devops_agent import gitcli

_ABC = ("Mapping", "MutableMapping", "Sequence", "MutableSequence", "Set", "MutableSet", "Iterable", "Iterator",
        "Callable", "Hashable", "Sized", "Container", "Generator", "KeysView", "ItemsView", "ValuesView",
        "MappingView", "Awaitable", "Coroutine", "AsyncIterable", "AsyncIterator", "AsyncGenerator",
        "Reversible", "Collection", "ByteString")

# Removed API -> its replacement (same call shape). Whole modules map to their successor module.
STDLIB_MOVES: dict[str, str] = {
    **{f"collections.{n}": f"collections.abc.{n}" for n in _ABC},
    "inspect.getargspec": "inspect.getfullargspec",
    "imp.reload": "importlib.reload",
    "imp": "importlib",
    "fractions.gcd": "math.gcd",
    "base64.encodestring": "base64.encodebytes",
    "base64.decodestring": "base64.decodebytes",
    "time.clock": "time.perf_counter",
    "cgi.escape": "html.escape",
    "os.errno": "errno",
    "xml.etree.cElementTree": "xml.etree.ElementTree",
    "asyncio.async": "asyncio.ensure_future",
}


def replace_api(text: str, api: str) -> str | None:
    """``text`` with the removed ``api`` replaced, or None when a use cannot be rewritten safely."""
    module, _, name = api.rpartition(".")
    if api == "imp":
        return _replace_imp(text)
    if api == "inspect.getargspec" and re.search(r"\.keywords\b", text):
        return None  # FullArgSpec renamed .keywords to .varkw: not a drop-in change
    if api == "xml.etree.cElementTree":
        return re.sub(r"\bxml\.etree\.cElementTree\b", "xml.etree.ElementTree", text)
    new_module, _, new_name = STDLIB_MOVES[api].rpartition(".")
    if not new_module:  # os.errno -> errno
        return re.sub(rf"\b{re.escape(api)}\b", STDLIB_MOVES[api], _ensure_import(text, STDLIB_MOVES[api]))
    text = _split_from_import(text, module, name, new_module, new_name)
    if re.search(rf"(?<![\w.]){re.escape(api)}\b", text):
        text = re.sub(rf"(?<![\w.]){re.escape(api)}\b", f"{new_module}.{new_name}", text)
        text = _ensure_import(text, new_module)
    return text


def _split_from_import(text: str, module: str, name: str, new_module: str, new_name: str) -> str:
    """``from m import a, X, b`` -> ``from m import a, b`` + ``from new import X`` (single-line forms)."""
    pattern = re.compile(rf"^(?P<ind>[ \t]*)from {re.escape(module)} import (?P<names>[^\n(\\#]+?)[ \t]*(?P<cm>#[^\n]*)?$",
                         re.M)

    def fix(m: re.Match[str]) -> str:
        names = [n.strip() for n in m.group("names").split(",") if n.strip()]
        moved = [n for n in names if n.split(" as ")[0].strip() == name]
        if not moved:
            return m.group(0)
        rest = [n for n in names if n not in moved]
        alias = moved[0].split(" as ")[1].strip() if " as " in moved[0] else None
        new = f"{m.group('ind')}from {new_module} import {new_name}{' as ' + alias if alias else ''}"
        if alias is None and new_name != name:
            new += f" as {name}"
        lines = ([f"{m.group('ind')}from {module} import {', '.join(rest)}"] if rest else []) + [new]
        return "\n".join(lines)

    return pattern.sub(fix, text)


def _ensure_import(text: str, module: str) -> str:
    if re.search(rf"^\s*import {re.escape(module)}\b", text, re.M):
        return text
    top = module.split(".")[0]
    m = re.search(rf"^(?P<ind>[ \t]*)import {re.escape(top)}[ \t]*$", text, re.M)
    if m:
        return text[: m.end()] + f"\n{m.group('ind')}import {module}" + text[m.end():]
    return _after_future(text, f"import {module}\n")


def _after_future(text: str, line: str) -> str:
    """Insert an import line after the module docstring / __future__ imports."""
    lines = text.splitlines(keepends=True)
    at = 0
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        toks = []
    if toks and toks[0].type == tokenize.STRING:
        at = toks[0].end[0]
    for i, ln in enumerate(lines):
        if ln.startswith("from __future__ import"):
            at = i + 1
    return "".join(lines[:at] + [line] + lines[at:])


def _replace_imp(text: str) -> str | None:
    uses = set(re.findall(r"\bimp\.(\w+)", text))
    if uses - {"reload"} or re.search(r"from imp import (?!reload\b)", text):
        return None  # other imp functions have no drop-in successor
    text = re.sub(r"^(\s*)import imp\s*$", r"\1import importlib", text, flags=re.M)
    text = re.sub(r"^(\s*)from imp import reload\b", r"\1from importlib import reload", text, flags=re.M)
    return re.sub(r"\bimp\.reload\b", "importlib.reload", text)


def rename_names(text: str, old: str, new: str) -> str | None:
    """Replace the NAME tokens ``old`` by ``new`` (strings and comments untouched)."""
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    lines = text.splitlines(keepends=True)
    for tok in reversed([t for t in toks if t.type == tokenize.NAME and t.string == old]):
        (row, col), (_, end) = tok.start, tok.end
        line = lines[row - 1]
        lines[row - 1] = line[:col] + new + line[end:]
    return "".join(lines)


_DEF = re.compile(r"^[-+]\s*(?:async\s+)?(?:def|class)\s+(\w+)")


def renamed_in_history(root: Path, old: str, module_file: str | None, depth: int = 30) -> str | None:
    """The new name of ``old`` when a recent commit removed ``def old`` and added one ``def new``."""
    args = ["log", f"-{depth}", "-p", "--format=%x00%H", "HEAD"]
    out = gitcli.text(root, *args, *(["--", module_file] if module_file else []), check=False)
    for commit in out.split("\0")[1:]:
        removed = [m.group(1) for m in map(_DEF.match, commit.splitlines()) if m and m.string.startswith("-")]
        added = [m.group(1) for m in map(_DEF.match, commit.splitlines()) if m and m.string.startswith("+")]
        if old in removed and old not in added:
            fresh = [n for n in added if n not in removed]
            if len(fresh) == 1:
                return fresh[0]
    return None
