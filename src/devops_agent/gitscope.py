"""Which commit most likely caused a finding: blame, pickaxe and hunk text over the suspect range.

The suspect range runs from the last known green state to HEAD: what the history recorded as the
last passing commit of this branch, ``--since REF``, or the merge-base with the default branch;
without any of those, the most recent commits. One ``git log -p --unified=0`` over the range (at
most ``MAX_COMMITS``) gives every candidate's hunks; ``git blame`` of the implicated lines,
restricted to the range, says who last touched them. Each commit is scored on

- owning the implicated line (or lines near it), or touching the implicated files;
- hunks that add or remove the symbols the error names (a renamed function, a removed attribute, a
  new import, a missing variable), dependency files for dependency failures;
- identifiers of the error text and the evidence lines appearing in its added lines;

and the best one is reported only when its score is clearly strong; otherwise nothing (saying
nothing beats a confident wrong answer). The reason quotes the decisive hunk line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from devops_agent import gitcli
from devops_agent.models import Culprit, Finding

MAX_COMMITS = 200
RECENT = 50
MIN_SCORE = 3.5
DEP_FILES = re.compile(
    r"(?:^|/)(?:requirements[^/]*\.(?:txt|in)|pyproject\.toml|setup\.(?:cfg|py)|Pipfile(?:\.lock)?|poetry\.lock"
    r"|package(?:-lock)?\.json|yarn\.lock|pnpm-lock\.yaml|pom\.xml|build\.gradle(?:\.kts)?|Cargo\.(?:toml|lock)"
    r"|go\.(?:mod|sum)|Gemfile(?:\.lock)?|composer\.json|environment\.ya?ml)$"
)
_CI_CONFIG = re.compile(r"(?:^|/)(?:\.github/workflows/|\.gitlab-ci\.yml|Jenkinsfile|\.travis\.yml|Makefile|ci\.sh|tox\.ini)")
_SOURCE_PATH = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.(?:py|pyi|js|jsx|ts|tsx|mjs|cjs|java|kt|scala|c|h|cc|cpp|hpp|rs|go|rb|php|cs|swift|sh|ya?ml|toml|json|cfg|ini))\b")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{3,}")
_QUOTED = re.compile(r"""['"`‘’“”]([A-Za-z_][\w.:-]{2,80})['"`‘’“”]""")
_DATA_KEYS = ("module", "name", "attr", "symbol", "api", "package", "suggestion", "owner", "script", "var")  # not "test": a test names itself
_COMMON = frozenset(
    "self this that with from import return none true false error errors failed failure line file test tests "
    "main string value type types class def function const print args kwargs assert expected actual object "
    "int str float bool list dict null undefined public private static void new number string boolean "
    "unknown never char long double byte short final export function let var const".split()
)


@dataclass
class Commit:
    sha: str
    subject: str
    author: str
    order: int  # 0 = newest
    files: set[str] = field(default_factory=set)
    created: set[str] = field(default_factory=set)  # files this commit added
    added: list[tuple[str, str]] = field(default_factory=list)  # (file, line text)
    removed: list[tuple[str, str]] = field(default_factory=list)
    score: float = 0.0
    reasons: list[tuple[float, str]] = field(default_factory=list)

    def add(self, points: float, why: str) -> None:
        self.score += points
        self.reasons.append((points, why))


# -- range ------------------------------------------------------------------------------------------
def default_branch(root: Path) -> str | None:
    head = gitcli.text(root, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD", check=False).strip()
    if head:
        return head
    for ref in ("origin/main", "origin/master", "main", "master"):
        if gitcli.rev(root, ref):
            return ref
    return None


def suspect_base(root: Path, since: str | None, last_green: str | None) -> str | None:
    """The last known green commit, or None (then the most recent commits are suspects)."""
    for ref, what in ((last_green, "history"), (since, "--since")):
        if ref:
            sha = gitcli.rev(root, ref)
            if sha is None and what == "--since":
                from devops_agent.errors import UsageError

                raise UsageError(f"--since {ref}: unknown revision", "pass a commit or ref that exists locally")
            if sha:
                return sha
    branch = default_branch(root)
    head = gitcli.rev(root, "HEAD")
    if branch and head:
        base = gitcli.text(root, "merge-base", branch, "HEAD", check=False).strip()
        if base and base != head:
            return base
    return None


def _log(root: Path, base: str | None) -> list[Commit]:
    rng = [f"{base}..HEAD"] if base else ["HEAD"]
    limit = MAX_COMMITS if base else RECENT
    out = gitcli.text(root, "log", f"-n{limit}", "-p", "--unified=0", "--no-color", "--no-ext-diff", "--no-renames",
                      "--format=%x00COMMIT%x00%H%x00%s%x00%an <%ae>", *rng, "--", check=False)
    commits: list[Commit] = []
    current: Commit | None = None
    path = None
    new_file = False
    for line in out.split("\n"):
        if line.startswith("\0COMMIT\0"):
            _, _, sha, subject, author = line.split("\0", 4)
            current = Commit(sha, subject, author, len(commits))
            commits.append(current)
            path = None
        elif current is None:
            continue
        elif line.startswith("+++ "):
            path = None if line[4:] == "/dev/null" else line[6:] if line.startswith("+++ b/") else line[4:]
            if path:
                current.files.add(path)
                if new_file:
                    current.created.add(path)
            new_file = False
        elif line.startswith("--- "):
            new_file = line[4:] == "/dev/null"
            if not new_file:
                current.files.add(line[6:] if line.startswith("--- a/") else line[4:])
        elif line.startswith("+") and not line.startswith("+++") and path:
            current.added.append((path, line[1:]))
        elif line.startswith("-") and not line.startswith("---"):
            current.removed.append((path or "", line[1:]))
        elif line.startswith(("old mode", "new mode")) and current is not None:
            current.added.append((path or "", line))
    return commits


# -- evidence from the finding ---------------------------------------------------------------------
def _symbols(finding: Finding) -> list[str]:
    out: list[str] = []
    for key in _DATA_KEYS:
        val = finding.data.get(key)
        vals = val if isinstance(val, list | tuple) else [val]
        for v in vals:
            if isinstance(v, str) and 2 < len(v) <= 80:
                out.append(v)
    for text in (finding.title, *(e.text for e in finding.evidence[:2])):
        out += _QUOTED.findall(text)
    seen: list[str] = []
    for s in out:
        for part in {s, s.split(".")[-1], s.split("::")[-1]}:
            if len(part) >= 3 and part.lower() not in _COMMON and part not in seen:
                seen.append(part)
    return seen[:8]


def _paths(root: Path, finding: Finding, tracked: set[str]) -> list[str]:
    """Repository files the finding implicates: its file, then paths in evidence and command."""
    found: list[str] = []
    if finding.file and finding.file in tracked:
        found.append(finding.file)
    texts = [e.text for e in finding.evidence] + [finding.command or ""]
    for text in texts:
        for cand in _SOURCE_PATH.findall(text):
            match = _match_tracked(cand, tracked)
            if match and match not in found:
                found.append(match)
        for mod in re.findall(r"python3? -m ([\w.]+)", text):
            for suffix in (mod.replace(".", "/") + ".py", mod.replace(".", "/") + "/__main__.py"):
                match = _match_tracked(suffix, tracked)
                if match and match not in found:
                    found.append(match)
    for path in list(found[:3]):  # the project modules the implicated scripts import
        if path.endswith(".py"):
            for imported in _python_imports(root, path, tracked):
                if imported not in found:
                    found.append(imported)
    return found[:10]


def _python_imports(root: Path, path: str, tracked: set[str]) -> list[str]:
    data = gitcli.read_blobs(root, [f"HEAD:{path}"]).get(f"HEAD:{path}") or b""
    out = []
    for m in re.finditer(rb"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", data, re.M):
        mod = (m.group(1) or m.group(2)).decode()
        for suffix in (mod.replace(".", "/") + ".py", mod.replace(".", "/") + "/__init__.py"):
            hit = _match_tracked(suffix, tracked)
            if hit and hit != path:
                out.append(hit)
                break
    return out[:5]


def _match_tracked(cand: str, tracked: set[str]) -> str | None:
    cand = cand.lstrip("./")
    if cand in tracked:
        return cand
    parts = cand.split("/")
    for i in range(1, len(parts)):
        suffix = "/".join(parts[i:])
        hits = [t for t in tracked if t == suffix or t.endswith("/" + suffix)]
        if len(hits) == 1 and (i < len(parts) - 1 or "/" in suffix or len(hits) == 1):
            return hits[0]
    return None


def _blame(root: Path, base: str | None, path: str, line: int, span: int = 3) -> dict[str, int]:
    """Commit -> distance of the nearest implicated line it owns (0 = the line itself)."""
    lo, hi = max(1, line - span), line + span
    rng = [f"{base}..HEAD"] if base else ["HEAD"]
    out = gitcli.text(root, "blame", "--porcelain", "-L", f"{lo},{hi}", *rng, "--", path, check=False)
    owners: dict[str, int] = {}
    for m in re.finditer(r"^([0-9a-f]{40}) \d+ (\d+)", out, re.M):
        sha, final = m.group(1), int(m.group(2))
        owners[sha] = min(owners.get(sha, 99), abs(final - line))
    return owners


def _line_symbols(root: Path, path: str, line: int) -> list[str]:
    """Identifiers on the implicated source line as it is at HEAD (what the compiler looked at)."""
    data = gitcli.read_blobs(root, [f"HEAD:{path}"]).get(f"HEAD:{path}")
    if not data:
        return []
    lines = data.decode("utf-8", "replace").splitlines()
    if not 1 <= line <= len(lines):
        return []
    return sorted(_words(lines[line - 1]), key=len, reverse=True)[:6]


def _words(text: str) -> set[str]:
    return {w for w in _IDENT.findall(text) if w.lower() not in _COMMON}


# -- scoring -------------------------------------------------------------------------------------------
def _score(commits: list[Commit], finding: Finding, paths: list[str], blame: dict[str, int],
           symbols: list[str], line_symbols: list[str] = (), roots: frozenset[str] = frozenset()) -> None:  # type: ignore[assignment]
    last_touch: dict[str, str] = {}
    for c in reversed(commits):  # oldest first: the newest toucher wins
        for f in c.files:
            last_touch[f] = c.sha
    error_words = _words(" ".join([finding.title, *(e.text for e in finding.evidence[:6])]))
    dependency = finding.category == "dependency"
    for c in commits:
        # A commit that created a file "owns" all of it: weak evidence that it broke anything.
        dist = blame.get(c.sha)
        if dist is not None:
            created = finding.file in c.created
            points = 8.0 if dist == 0 else 4.0 if dist <= 1 else 2.5
            c.add(points * (0.6 if created else 1.0), "owns the implicated line" if dist == 0 else "owns a line next to it")
        for i, p in enumerate(paths):
            if p in c.files:
                weight = 3.0 if i == 0 else (3.5 if finding.category == "test" and not is_test_path(p) else 1.5)
                c.add(weight * (0.3 if p in c.created and finding.line else 1.0), f"changes {p}")
        if finding.category in ("lint", "format") and finding.file and c.sha == last_touch.get(finding.file):
            c.add(2.0, f"last changed {finding.file}, which the checker rejects")
        _score_line_symbols(c, line_symbols, finding.file)
        _score_symbols(c, symbols)
        if dependency and any(DEP_FILES.search(f) for f in c.files):
            dep_line = next(((f, t) for f, t in c.added if DEP_FILES.search(f) and t.strip()), None)
            c.add(3.0, f"+{dep_line[1].strip()[:120]}  ({dep_line[0]})" if dep_line else "changes dependency files")
        if finding.category in _RUN_COST and not finding.file:
            _changed_code_run(c, paths)
        if finding.category == "permission" and finding.file and (
                finding.file in c.created or any(t.startswith("new mode") for f, t in c.added if f == finding.file)):
            c.add(5.0, f"adds {finding.file} without changing its mode" if finding.file in c.created
                  else f"changes the mode of {finding.file}")
        if error_words:
            _score_error_overlap(c, error_words)
        if c.files and all(_is_doc(f) for f in c.files):
            c.score *= 0.2  # a docs-only change rarely breaks a build
        if c.sha in roots and len(commits) > 1:
            c.score *= 0.4  # the first commit "adds" everything; CI was green after it at some point


def _sym_pattern(sym: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){re.escape(sym)}(?![\w])")


def _score_line_symbols(c: Commit, line_symbols: list[str], file: str | None) -> None:
    """A definition the implicated line uses, changed (not created) by this commit elsewhere."""
    for sym in line_symbols:
        pat = _sym_pattern(sym)
        rem = next(((f, t) for f, t in c.removed if pat.search(t) and f not in c.created), None)
        add = next(((f, t) for f, t in c.added if pat.search(t) and f not in c.created and f != file), None)
        if rem and add:
            c.add(4.5, f"+{add[1].strip()[:120]}  ({add[0]})")
        elif rem:
            c.add(4.0, f"-{rem[1].strip()[:120]}  ({rem[0]})")


def _score_symbols(c: Commit, symbols: list[str]) -> None:
    """A symbol the error names: removed outright weighs most, then added, then reworded."""
    for sym in symbols:
        pat = _sym_pattern(sym)
        hit_removed = next(((f, t) for f, t in c.removed if pat.search(t)), None)
        hit_added = next(((f, t) for f, t in c.added if pat.search(t)), None)
        if hit_removed and not any(pat.search(t) for _, t in c.added):
            c.add(5.0, f"-{hit_removed[1].strip()[:120]}  ({hit_removed[0]})")
        elif hit_added:
            c.add(3.5, f"+{hit_added[1].strip()[:120]}  ({hit_added[0]})")
        elif hit_removed:
            c.add(2.0, f"-{hit_removed[1].strip()[:120]}  ({hit_removed[0]})")


def _score_error_overlap(c: Commit, error_words: set[str]) -> None:
    """Added lines sharing words with the error text; the best-matching line is quoted."""
    overlap: dict[tuple[str, str], int] = {}
    for f, t in c.added:
        if f in c.created or _CI_CONFIG.search(f):
            continue  # whole new files and CI scripts echo every word of the build
        common = _words(t) & error_words
        if common:
            overlap.setdefault((f, t), len(common))
    if overlap:
        (f, t), n = max(overlap.items(), key=lambda kv: kv[1])
        c.add(min(3.0, 1.0 + 0.5 * (len(overlap) + n)), f"+{t.strip()[:120]}  ({f})")


_RUN_COST = ("resource", "timeout")


def _changed_code_run(c: Commit, paths: list[str]) -> None:
    """An OOM kill or a time limit names no line: suspect the change to the code the step runs.

    Only edits count (a file's creation was green once, or the job never ran it); the quote is
    the first added statement, not a comment, of the first such file.
    """
    for p in paths:
        if p in c.files and p not in c.created and not _is_doc(p) and not is_test_path(p):
            line = next((t for f, t in c.added if f == p and t.strip() and not t.strip().startswith(("#", "//"))), None)
            c.add(3.5, f"+{line.strip()[:120]}  ({p})" if line else f"changes {p}, which the failing step runs")
            return


def is_test_path(path: str) -> bool:
    """Tests, specs and their folders in the common layouts (Python, JS/TS, Go, Rust)."""
    return bool(re.search(r"(?:^|/)(?:tests?|spec|__tests__)/|(?:^|/)test_[^/]+$|_test\.\w+$|\.(?:test|spec)\.\w+$", path))


def _is_doc(path: str) -> bool:
    return bool(re.search(r"\.(?:md|rst|txt|adoc)$|(?:^|/)(?:docs?|CHANGELOG|LICENSE)", path)) and not DEP_FILES.search(path)


def find_culprit(root: Path, finding: Finding, since: str | None = None, last_green: str | None = None) -> Culprit | None:
    if gitcli.rev(root, "HEAD") is None:
        return None
    base = suspect_base(root, since, last_green)
    commits = _log(root, base)
    if not commits:
        return None
    tracked = set(gitcli.text(root, "ls-files", check=False).splitlines())
    paths = _paths(root, finding, tracked)
    blame: dict[str, int] = {}
    if finding.file and finding.line and finding.file in tracked:
        blame = _blame(root, base, finding.file, finding.line)
    line_symbols = _line_symbols(root, finding.file, finding.line) if blame and finding.file and finding.line else []
    roots = frozenset(gitcli.text(root, "rev-list", "--max-parents=0", "HEAD", check=False).split()) if base is None else frozenset()
    _score(commits, finding, paths, blame, _symbols(finding), line_symbols, roots)
    ranked = sorted(commits, key=lambda c: (-c.score, c.order))
    best = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    if best.score < MIN_SCORE:
        return None
    margin = (best.score - runner_up) / best.score
    confidence = min(0.95, 0.35 + 0.04 * best.score) * (0.6 + 0.4 * margin)
    if base is None:
        confidence *= 0.85  # no known green state: the suspects are only the recent commits
    if confidence < 0.3:
        return None
    reason = max(best.reasons, key=lambda r: (r[0], r[1].startswith(("+", "-"))))[1]
    quote = next((r for _, r in sorted(best.reasons, key=lambda r: -r[0]) if r.startswith(("+", "-"))), None)
    return Culprit(commit=best.sha, subject=best.subject, author=best.author, confidence=round(confidence, 2),
                   reason=quote or reason)


def repo_facts(root: Path) -> dict[str, str | None]:
    return {
        "branch": gitcli.text(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip() or None,
        "commit": gitcli.rev(root, "HEAD"),
        "default_branch": default_branch(root),
    }
