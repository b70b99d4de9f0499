"""Choose a satisfiable version from pip's resolver messages (and the index, when it is reachable)."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

_NOT_FOUND = re.compile(r"satisfies the requirement (?P<req>[A-Za-z0-9][\w.\-\[\],]*\s*(?:[=<>!~]=?[^\s(]+)?)"
                        r"\s*\(from versions: (?P<versions>[^)]*)\)")
_USER = re.compile(r"The user requested (?P<req>[A-Za-z0-9][\w.-]*\s*[=<>!~]=?\s*[^\s]+)")
_DEPENDS = re.compile(r"(?P<who>[A-Za-z0-9][\w.-]* [\w.+!-]+) depends on (?P<req>[A-Za-z0-9][\w.-]*(?:\[[^\]]*\])?"
                      r"\s*[^\s]*)")


def choose(data: dict[str, Any], text: str) -> tuple[str, str] | None:
    """``(package, specifier)`` to write, or None when the messages do not determine one."""
    if data.get("versions") is not None or _NOT_FOUND.search(text):
        return _from_version_list(data, text)
    return _from_conflict(data, text)


def _from_version_list(data: dict[str, Any], text: str) -> tuple[str, str] | None:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.version import InvalidVersion, Version

    m = _NOT_FOUND.search(text)
    requested = data.get("requested") or (m.group("req") if m else None)
    raw = data.get("versions") if data.get("versions") is not None else (m.group("versions").split(",") if m else [])
    package = data.get("package")
    try:
        req = Requirement(str(requested if package is None or package in str(requested) else f"{package}{requested}"))
    except InvalidRequirement:
        return None
    versions = []
    for v in raw or []:
        try:
            parsed = Version(str(v).strip())
        except InvalidVersion:
            continue
        if not parsed.is_prerelease:
            versions.append(parsed)
    if not versions:
        return None
    pins = [Version(s.version) for s in req.specifier if s.operator in ("==", "<=", "<") and _valid(s.version)]
    ceiling = min(pins) if pins else None
    below = [v for v in versions if ceiling is None or v <= ceiling]
    best = max(below or versions)
    return req.name, f"=={best}"


def _valid(v: str) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        Version(v)
    except InvalidVersion:
        return False
    return True


def _from_conflict(data: dict[str, Any], text: str) -> tuple[str, str] | None:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.utils import canonicalize_name

    constraints = [str(c).removeprefix("The user requested ").strip() for c in data.get("constraints") or []]
    constraints += [m.group("req") for m in _USER.finditer(text)]
    constraints += [f"{m.group('who')} depends on {m.group('req')}" for m in _DEPENDS.finditer(text)]
    user: dict[str, Requirement] = {}
    needed: dict[str, SpecifierSet] = {}
    for c in constraints:
        body = c.split(" depends on ", 1)
        try:
            req = Requirement(body[-1].replace(" ", ""))
        except InvalidRequirement:
            continue
        key: str = canonicalize_name(req.name)
        if len(body) == 2:
            needed[key] = needed.get(key, SpecifierSet()) & req.specifier
        else:
            user[key] = req
    package = canonicalize_name(str(data["package"])) if data.get("package") else None
    for key in [package] if package else list(user):
        if key in user and key in needed and not _compatible(user[key].specifier, needed[key]):
            version = _best(user[key].name, needed[key])
            if version:
                return user[key].name, f"=={version}"
    return None


def _compatible(user: Any, needed: Any) -> bool:
    pins = [s.version for s in user if s.operator == "=="]
    return all(needed.contains(p, prereleases=True) for p in pins) if pins else True


def _best(name: str, spec: Any) -> str | None:
    """The newest release on the index that ``spec`` allows; else the lowest bound it names."""
    for version in sorted(_index_versions(name), key=_key, reverse=True):
        if spec.contains(version):
            return version
    bounds = [s.version for s in spec if s.operator in (">=", "==", "~=")]
    return next((b for b in sorted(bounds, key=_key, reverse=True) if spec.contains(b)), None)


def _key(v: str) -> Any:
    from packaging.version import Version

    return Version(v)


def _index_versions(name: str) -> list[str]:
    """Release versions from the package index (``pip index versions``), [] when unreachable."""
    try:
        proc = subprocess.run([sys.executable, "-m", "pip", "index", "versions", name,
                               "--disable-pip-version-check"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return []
    m = re.search(r"^Available versions: (.+)$", proc.stdout, re.M)
    return [v.strip() for v in m.group(1).split(",") if _valid(v.strip())] if m else []
