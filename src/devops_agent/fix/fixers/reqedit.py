"""Text-level edits of dependency files that keep their formatting and ordering.

requirements*.txt/.in, ``[project] dependencies`` and Poetry tables in pyproject.toml, and
``[options] install_requires`` in setup.cfg. We edit lines, never re-serialise a file.
"""

from __future__ import annotations

import re
from importlib import metadata

from devops_agent.pydeps import normalize, requirement_name

_NAME_TAIL = re.compile(r"^(?P<ind>\s*)(?P<q>[\"']?)(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?P<extras>\[[^\]]*\])?"
                        r"(?P<spec>[^;#\"',\n]*)")


def _installed_version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _requirement(dist: str, pinned_style: bool) -> str:
    version = _installed_version(dist) if pinned_style else None
    return f"{dist}=={version}" if version else dist


def _insert_sorted(entries: list[tuple[int, str]], new_name: str) -> int | None:
    """Index (into ``entries``) before which ``new_name`` goes when entries are sorted, else None."""
    names = [normalize(n) for _, n in entries]
    if names != sorted(names):
        return None
    key = normalize(new_name)
    return next((i for i, n in enumerate(names) if n > key), len(names))


def add_requirement(path: str, text: str, dist: str) -> str | None:
    name = path.rsplit("/", 1)[-1].lower()
    if name == "pyproject.toml":
        return _add_pyproject(text, dist)
    if name == "setup.cfg":
        return _add_setup_cfg(text, dist)
    return _add_requirements_txt(text, dist)


def _add_requirements_txt(text: str, dist: str) -> str:
    lines = text.splitlines(keepends=True)
    entries = [(i, n) for i, ln in enumerate(lines) if (n := requirement_name(ln))]
    pinned = sum("==" in lines[i] for i, _ in entries) > len(entries) / 2 if entries else False
    new = _requirement(dist, pinned) + "\n"
    at = _insert_sorted(entries, dist)
    if at is not None and at < len(entries):
        pos = entries[at][0]
        return "".join(lines[:pos] + [new] + lines[pos:])
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    pos = entries[-1][0] + 1 if entries else len(lines)
    return "".join(lines[:pos] + [new] + lines[pos:])


def declares_dependencies(name: str, text: str) -> bool:
    if name == "pyproject.toml":
        return _project_deps_span(text) is not None or _poetry_table(text) is not None
    return re.search(r"^install_requires\s*=", text, re.M) is not None


def _section(text: str, header: str) -> tuple[int, int] | None:
    m = re.search(rf"^\[{re.escape(header)}\]\s*$", text, re.M)
    if m is None:
        return None
    nxt = re.search(r"^\[", text[m.end():], re.M)
    return m.end(), m.end() + nxt.start() if nxt else len(text)


def _project_deps_span(text: str) -> tuple[int, int] | None:
    sec = _section(text, "project")
    if sec is None:
        return None
    m = re.search(r"^dependencies\s*=\s*\[", text[sec[0]:sec[1]], re.M)
    if m is None:
        return None
    start = sec[0] + m.end()
    depth, i = 1, start
    while i < len(text) and depth:
        depth += {"[": 1, "]": -1}.get(text[i], 0)
        i += 1
    return start, i - 1  # between the brackets


def _add_pyproject(text: str, dist: str) -> str | None:
    span = _project_deps_span(text)
    if span is not None:
        return _add_to_array(text, span, dist)
    table = _poetry_table(text)
    if table is not None:
        return _add_poetry(text, table, dist)
    return None


def _add_to_array(text: str, span: tuple[int, int], dist: str) -> str:
    start, end = span
    body = text[start:end]
    items = list(re.finditer(r"([\"'])([^\"']+)\1", body))
    quote = items[0].group(1) if items else '"'
    pinned = sum("==" in m.group(2) for m in items) > len(items) / 2 if items else False
    entry = f"{quote}{_requirement(dist, pinned)}{quote}"
    if "\n" not in body:  # one line: [] or ["a", "b"]
        inner = body.strip()
        new_body = entry if not inner else f"{inner.rstrip(',')}, {entry}"
        return text[:start] + new_body + text[end:]
    indent = re.search(r"\n([ \t]+)[\"']", body)
    ind = indent.group(1) if indent else "    "
    names = [(m.start(), requirement_name(m.group(2)) or m.group(2)) for m in items]
    at = _insert_sorted(names, dist)
    if items and at is not None and at < len(items):
        line_start = body.rfind("\n", 0, items[at].start()) + 1
        new_body = body[:line_start] + f"{ind}{entry},\n" + body[line_start:]
    else:
        tail = body.rstrip(" \t\n")
        sep = "" if tail.endswith(",") or not tail.strip() else ","
        new_body = tail + sep + f"\n{ind}{entry},\n" + body[len(body.rstrip(' \t\n')):].lstrip("\n")
        if not new_body.endswith("\n"):
            new_body = new_body.rstrip(" \t") + "\n"
    return text[:start] + new_body + text[end:]


def _poetry_table(text: str) -> tuple[int, int] | None:
    return _section(text, "tool.poetry.dependencies")


def _add_poetry(text: str, span: tuple[int, int], dist: str) -> str:
    start, end = span
    body = text[start:end]
    rows = list(re.finditer(r"^([A-Za-z0-9][\w.-]*)\s*=.*$", body, re.M))
    line = f'{dist.lower()} = "*"'
    entries = [(m.start(), m.group(1)) for m in rows if m.group(1).lower() != "python"]
    at = _insert_sorted(entries, dist)
    if entries and at is not None and at < len(entries):
        pos = start + entries[at][0]
        return text[:pos] + line + "\n" + text[pos:]
    pos = start + (rows[-1].end() if rows else 0)
    return text[:pos] + "\n" + line + text[pos:]


def _add_setup_cfg(text: str, dist: str) -> str | None:
    m = re.search(r"^install_requires\s*=[ \t]*\n((?:[ \t]+\S[^\n]*\n?)*)", text, re.M)
    if m is None:
        return None
    block = m.group(1)
    ind = re.match(r"[ \t]+", block).group(0) if block else "    "  # type: ignore[union-attr]
    lines = block.splitlines(keepends=True)
    entries = [(i, n) for i, ln in enumerate(lines) if (n := requirement_name(ln))]
    at = _insert_sorted(entries, dist)
    new_line = f"{ind}{dist}\n"
    if entries and at is not None and at < len(entries):
        lines.insert(entries[at][0], new_line)
    else:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines.append(new_line)
    return text[: m.start(1)] + "".join(lines) + text[m.end(1):]


def replace_pin(path: str, text: str, package: str, spec: str) -> str | None:
    """Rewrite the version specifier of ``package`` wherever this file declares it."""
    key = normalize(package)
    out, changed = [], False
    for line in text.splitlines(keepends=True):
        m = _NAME_TAIL.match(line)
        stripped = line.lstrip()
        is_req = m is not None and not stripped.startswith(("#", "[", "-")) and normalize(m.group("name")) == key
        if m is not None and is_req and ("=" in line or "<" in line or ">" in line or "~" in line
                                         or line.strip().strip("\"',") == m.group("name")):
            if path.endswith(".toml") and not m.group("q"):
                continue  # a TOML key (poetry table): not handled here
            end = m.start("spec") + len(m.group("spec").rstrip())
            line = line[: m.start("spec")] + spec + line[end:]
            changed = True
        out.append(line)
    return "".join(out) if changed else None
