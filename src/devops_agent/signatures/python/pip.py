"""pip install failures: unknown versions, resolver conflicts, wheel/metadata builds.

pip prints ``ERROR: Could not find a version that satisfies the requirement X==9.9 (from versions:
1.0, 2.0)`` then ``ERROR: No matching distribution found for X==9.9``; a resolver conflict is
``ERROR: Cannot install A and B because these package versions have conflicting dependencies.``
followed by ``The conflict is caused by:`` and one constraint per line. Requirements read from a
file are echoed as ``Collecting X==1.0 (from -r requirements.txt (line 2))``.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.python.common import ECO as _ECO
from devops_agent.signatures.python.common import doc as _doc

_NO_VERSION = rx(
    r"Could not find a version that satisfies the requirement (?P<req>[^\s(]{1,300})"
    r"(?: \(from versions: (?P<versions>[^)\n]{0,20000})\))?"
)
_NO_MATCH = re.compile(r"No matching distribution found for (?P<req>\S{1,300})")
_CONFLICT = rx(r"Cannot install (?P<what>[^\n]{1,1000}?) because these package versions have conflicting dependencies")
_CAUSE = re.compile(r"^\s{2,8}(?P<c>(?:The user requested |[\w.-]+ [\w.!+*-]+ depends on )[^\n]{1,300}?)\s*$")
_WHEEL = rx(r"(?:ERROR: )?Failed building wheel for (?P<package>[\w.-]{1,200})")
_METADATA = rx(r"(?:error: |ERROR: )?metadata-generation-failed\b")
_FROM_FILE = re.compile(r"\(from -r (?P<file>[^\s()]{1,300}) \(line (?P<line>\d+)\)\)")
_COLLECTING = re.compile(r"^\s{0,4}(?:Collecting|Processing|Requirement already satisfied:) (?P<what>\S{1,400})")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")
_SPEC_NAME = re.compile(r"(?:The user requested |depends on )(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)")


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_line(win: Window, package: str, limit: int = 3000) -> tuple[str | None, int | None, int | None]:
    """``(from -r requirements.txt (line N))`` echoed when pip collected ``package``."""
    want = _canon(package)
    for n, text in win.before(limit):
        m = _FROM_FILE.search(text)
        c = _COLLECTING.match(text) if m else None
        if m and c:
            name = _NAME.match(c["what"].rsplit("/", 1)[-1])  # `werkzeug==2.3.8` or `./w/werkzeug-2.3.8-py3...whl`
            if name and _canon(name.group(0).split("-")[0] if c["what"].endswith(".whl") else name.group(0)) == want:
                return m["file"], int(m["line"]), n
    return None, None, None


def _no_version_extract(m: re.Match[str], win: Window) -> Extract | None:
    req = m["req"]
    name = _NAME.match(req)
    package = name.group(0) if name else req
    versions = [v.strip() for v in (m["versions"] or "").split(",") if v.strip() and v.strip() != "none"]
    data: dict[str, object] = {"package": package, "requested": req, "versions": versions}
    evidence = tuple(n for n, t in win.after(3) if _NO_MATCH.search(t))
    file, line, collected = _requirement_line(win, package)
    if collected:
        evidence += (collected,)
    if not versions:
        retry = _unreachable_index(win)
        if retry is not None:
            # `(from versions: none)` after pip's connection retries: the index was never reached
            n, reason = retry
            data["why"] = f"pip could not reach the package index ({reason}), so it saw no release of {package}."
            data["advice"] = ("Check the index URL and the runner's network, DNS or proxy settings "
                              "(pip's --index-url / PIP_INDEX_URL), then re-run the job.")
            return Extract(file=file, line=line, evidence=(n, *evidence), data=data, category="infrastructure",
                           title=f"pip could not reach the package index: {reason}")
    data["why"] = f"No release of {package} matches {req} on the package index (available: {', '.join(versions) or 'none'})."
    data["advice"] = f"Pin {package} to a published version (see the `from versions:` list)" + (f" in {file}." if file else ".")
    return Extract(file=file, line=line, evidence=evidence, data=data)


# pip's `WARNING: Retrying (Retry(total=0, ...)) after connection broken by 'NewConnectionError(...:
# Failed to establish a new connection: [Errno -2] Name or service not known')': /simple/attrs/`
_PIP_RETRY = re.compile(r"Retrying \(Retry\(total=\d+[^\n]*?\)\) after connection broken by '(?P<err>\w+)\((?P<rest>[^\n]*)")
_PIP_REASON = re.compile(r"(?:Failed to establish a new connection: )?(?P<r>\[Errno -?\d+\] [^'\")]{1,120}|Read timed out|"
                         r"Connection to \S+ timed out|Tunnel connection failed: [^'\")]{1,80}|certificate verify failed)")


def _unreachable_index(win: Window) -> tuple[int, str] | None:
    for n, text in win.before(80):
        m = _PIP_RETRY.search(text)
        if m:
            r = _PIP_REASON.search(m["rest"])
            return n, (r["r"] if r else m["err"]).strip()
    return None


def _conflict_extract(m: re.Match[str], win: Window) -> Extract | None:
    constraints: list[str] = []
    evidence: list[int] = []
    for n, text in win.after(40):
        c = _CAUSE.match(text)
        if c:
            constraints.append(c["c"])
            evidence.append(n)
        elif constraints and not text.strip():
            break
    names = [_canon(s["name"]) for c in constraints if (s := _SPEC_NAME.search(c))]
    dependents = {_canon(c.split(" ", 1)[0]) for c in constraints if " depends on " in c}
    shared = [n for n in names if names.count(n) > 1 and n not in dependents]
    package = shared[0] if shared else (names[-1] if names else None)
    data: dict[str, object] = {"constraints": constraints}
    file = line = None
    if package:
        data["package"] = package
        file, line, collected = _requirement_line(win, package)
        if collected:
            evidence.append(collected)
    return Extract(file=file, line=line, evidence=tuple(evidence[:4]), data=data)


_UV_NO_SOLUTION = rx(r"(?:^|[\s×:])No solution found when resolving dependencies(?P<rest>[^\n]{0,300})")
_UV_NO_VERSION = re.compile(r"there (?:is|are) no versions? of (?P<req>[A-Za-z0-9][\w.-]{0,200}(?:[=<>!~]=?[^\s,]{1,100})?)")
_UV_DEPENDS = re.compile(r"(?P<who>[A-Za-z0-9][\w.-]{0,200}(?:[=<>!~]=?[^\s,]{1,100})?) depends? on (?P<req>[A-Za-z0-9][\w.-]{0,200}[=<>!~]=?[^\s,]{1,100})")
_UV_REQUIRE = re.compile(r"(?<!conclude that )you require (?P<req>[A-Za-z0-9][\w.-]{0,200}[=<>!~]=?[^\s,]{1,100})")


def _uv_extract(m: re.Match[str], win: Window) -> Extract | None:
    """uv's resolver: `No solution found when resolving dependencies` + `cause:`/`╰─▶ Because ...`."""
    text_lines: list[tuple[int, str]] = []
    for n, text in win.after(30):
        if not text.strip() or (text_lines and not text.startswith((" ", "\t"))):
            break
        text_lines.append((n, text))
    cause = " ".join(t.strip() for _, t in text_lines)
    data: dict[str, object] = {"explanation": cause.removeprefix("cause: ").removeprefix("╰─▶ ")[:500]}
    missing = _UV_NO_VERSION.search(cause)
    if missing:
        req = missing["req"].rstrip(".")
        name = _NAME.match(req)
        data.update(package=name.group(0) if name else req, requested=req, versions=[])
    else:
        constraints = [f"{d['who']} depends on {d['req']}" for d in _UV_DEPENDS.finditer(cause)]
        required = [r["req"].rstrip(".") for r in _UV_REQUIRE.finditer(cause)]
        constraints += [f"The user requested {r}" for r in required]
        names = [_canon(nm.group(0)) for c in constraints if (nm := _NAME.match(c.split(" ")[-1]))]
        shared = [x for x in names if names.count(x) > 1]
        data["constraints"] = constraints
        if shared:
            data["package"] = shared[0]
    evidence = tuple(n for n, _ in text_lines[:3])
    return Extract(primary=evidence[0] if evidence else None, evidence=(win.lineno,), data=data)


def _wheel_extract(m: re.Match[str], win: Window) -> Extract | None:
    return Extract(data={"package": m["package"]})


RULES = [
    Rule(
        code="PY-DEP-002",
        name="pip-no-matching-distribution",
        category="dependency",
        severity="high",
        pattern=_NO_VERSION,
        literal="satisfies the requirement",
        extract=_no_version_extract,
        priority=84,
        confidence=0.85,
        fix="unsafe",
        ecosystem=_ECO,
        title="pip cannot find {requested}",
        root_cause="{why}",
        suggestion="{advice}",
        doc=_doc(
            "pip found no release matching a requirement: `ERROR: Could not find a version that satisfies the "
            "requirement X==9.9 (from versions: ...)` and `ERROR: No matching distribution found for X==9.9`.",
            "The pinned version does not exist (a typo, a yanked release), has no wheel for this Python/platform, "
            "or the index is unreachable/misconfigured (then the version list is `none`).",
            "ERROR: Could not find a version that satisfies the requirement rich==99.0 (from versions: 13.7.1)\n"
            "ERROR: No matching distribution found for rich==99.0",
            "Pin a version from the `from versions:` list, or fix the index URL.",
        ),
    ),
    Rule(
        code="PY-DEP-003",
        name="pip-resolution-impossible",
        category="dependency",
        severity="high",
        pattern=_CONFLICT,
        literal="conflicting dependencies",
        extract=_conflict_extract,
        priority=84,
        confidence=0.85,
        fix="unsafe",
        ecosystem=_ECO,
        title="pip dependency conflict on {package}",
        root_cause="pip cannot satisfy every constraint on {package}: {constraints}",
        suggestion="Relax or change the pin of {package} in {file} so that all constraints agree.",
        doc=_doc(
            "pip's resolver found no set of versions satisfying every requirement: `ERROR: Cannot install A and B "
            "because these package versions have conflicting dependencies.`, then `The conflict is caused by:` "
            "and the constraints, then `ERROR: ResolutionImpossible`.",
            "Two requirements pin incompatible versions of the same distribution (a direct pin against a "
            "dependency's own requirement, usually).",
            "ERROR: Cannot install -r requirements.txt (line 1) and werkzeug==2.3.8 because these package versions "
            "have conflicting dependencies.\n\nThe conflict is caused by:\n    The user requested werkzeug==2.3.8\n"
            "    flask 3.0.3 depends on Werkzeug>=3.0.0",
            "Drop or loosen the direct pin, or pin the dependent package to a release compatible with it.",
        ),
    ),
    Rule(
        code="PY-DEP-004",
        name="pip-wheel-build-failed",
        category="dependency",
        severity="high",
        pattern=_WHEEL,
        literal="Failed building wheel for",
        extract=_wheel_extract,
        priority=76,
        confidence=0.65,
        ecosystem=_ECO,
        title="Building the wheel of {package} failed",
        root_cause="pip had to build {package} from source and the build backend failed (the compiler or "
        "backend error is printed above).",
        suggestion="Use a version of {package} with a wheel for this Python/platform, or install the build "
        "requirements (compiler, headers) the error above names.",
        doc=_doc(
            "pip could not build a wheel from a source distribution: `ERROR: Failed building wheel for X` (also "
            "`Could not build wheels for X`).",
            "No binary wheel exists for this Python/platform, so pip built from source and the compiler, a "
            "header or a build dependency was missing (the real error is in the build output above).",
            "  ERROR: Failed building wheel for pkg-native",
            "Pick a release with wheels for the CI's Python, or install the missing build tools.",
        ),
    ),
    Rule(
        code="PY-DEP-005",
        name="pip-metadata-generation-failed",
        category="dependency",
        severity="high",
        pattern=_METADATA,
        literal="metadata-generation-failed",
        priority=64,
        confidence=0.6,
        ecosystem=_ECO,
        title="Preparing the package metadata failed (metadata-generation-failed)",
        root_cause="The build backend failed while generating the metadata of a source distribution (the error "
        "is printed above the summary).",
        suggestion="Read the backend's error above `metadata-generation-failed`; fix the project's build config "
        "or use a release with a wheel.",
        doc=_doc(
            "pip ran a build backend to read a source distribution's metadata and it failed: `error: "
            "metadata-generation-failed` after `× Preparing metadata (pyproject.toml) did not run successfully.`.",
            "The sdist's setup.py/pyproject.toml fails on this Python (an old setuptools idiom, a missing build "
            "dependency) or the project's own build configuration is invalid.",
            "error: metadata-generation-failed\n\n× Encountered error while generating package metadata.",
            "Fix the build configuration or pick a release with wheels.",
        ),
    ),
    Rule(
        code="PY-DEP-006",
        name="uv-no-solution",
        category="dependency",
        severity="high",
        pattern=_UV_NO_SOLUTION,
        literal="No solution found when resolving",
        extract=_uv_extract,
        priority=84,
        confidence=0.8,
        ecosystem=_ECO,
        title="uv found no solution for the requirements ({package})",
        root_cause="uv's resolver cannot satisfy the requirements: {explanation}",
        suggestion="Pin {package} to a published version compatible with the other requirements.",
        doc=_doc(
            "uv could not resolve the requirements: `error: No solution found when resolving dependencies` (or "
            "`× No solution found ...` on a terminal), then `cause:`/`╰─▶ Because ...` explaining the chain: "
            "`there is no version of X==9.9` (an unknown version) or `A depends on B>=3 ... and you require "
            "B==2` (a conflict).",
            "A pin names a version that does not exist for this index/Python, or two requirements pin "
            "incompatible versions of the same package.",
            "error: No solution found when resolving dependencies\n  cause: Because all versions of flask depend on "
            "werkzeug>=3.0.0 and you require flask==3.0.3, we can conclude that you require werkzeug>=3.0.0.\n"
            "         And because you require werkzeug==2.3.8, we can conclude that your requirements are unsatisfiable.",
            "Change the pin the explanation ends with (a published version, or one compatible with its dependents).",
        ),
    ),
]
