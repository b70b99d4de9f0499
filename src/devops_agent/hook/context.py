"""What is being pushed: the commit range, the changed files and their contents before and after.

Predictors read the files *as committed* at the end of the range (``git cat-file``), never the
working tree: what CI will build is what is pushed, not what is on disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from devops_agent import gitcli
from devops_agent.errors import UsageError

CI_FILES = re.compile(
    r"^(?:\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.yml|\.gitlab/ci/.+\.ya?ml|Jenkinsfile|\.travis\.yml"
    r"|\.circleci/config\.yml|azure-pipelines\.yml|bitbucket-pipelines\.yml|Makefile|makefile|GNUmakefile"
    r"|tox\.ini|noxfile\.py|\.pre-commit-config\.yaml|package\.json)$"
)


@dataclass(frozen=True)
class Change:
    path: str
    status: str  # A, M, T (D and others are not checked)
    old_mode: str
    new_mode: str


@dataclass
class PushContext:
    root: Path
    base: str | None  # None: the range starts at the empty tree (first push of a new history)
    head: str
    changes: list[Change]
    _blobs: dict[str, bytes | None] = field(default_factory=dict, repr=False)

    @property
    def range(self) -> str:
        return f"{(self.base or gitcli.EMPTY_TREE)[:7]}..{self.head[:7]}"

    @property
    def changed_paths(self) -> list[str]:
        return [c.path for c in self.changes]

    def _load(self, specs: list[str]) -> None:
        missing = [s for s in specs if s not in self._blobs]
        self._blobs.update(gitcli.read_blobs(self.root, missing))

    def new(self, path: str) -> str | None:
        """The file's text at the end of the range (None when absent or binary)."""
        return self._text(f"{self.head}:{path}")

    def old(self, path: str) -> str | None:
        """The file's text at the start of the range (None when new)."""
        return None if self.base is None else self._text(f"{self.base}:{path}")

    def _text(self, spec: str) -> str | None:
        self._load([spec])
        data = self._blobs.get(spec)
        if data is None or b"\0" in data[:8192]:
            return None
        return data.decode("utf-8", "replace")

    def preload(self, paths: list[str]) -> None:
        specs = [f"{self.head}:{p}" for p in paths]
        if self.base:
            specs += [f"{self.base}:{p}" for p in paths]
        self._load(specs)

    @cached_property
    def tree(self) -> dict[str, str]:
        """Every file at the end of the range -> its git mode (100644, 100755, 120000...)."""
        out: dict[str, str] = {}
        raw = gitcli.text(self.root, "ls-tree", "-r", "-z", "--full-tree", self.head)
        for entry in raw.split("\0"):
            if not entry:
                continue
            meta, _, path = entry.partition("\t")
            mode, kind, _sha = meta.split()
            if kind == "blob":
                out[path] = mode
        return out

    def files_matching(self, pattern: re.Pattern[str]) -> list[str]:
        return [p for p in self.tree if pattern.search(p)]

    @cached_property
    def ci_config(self) -> dict[str, str]:
        """CI and build configuration files at the end of the range (path -> text)."""
        paths = self.files_matching(CI_FILES)
        self.preload(paths)
        return {p: t for p in paths if (t := self.new(p)) is not None}


def resolve(root: Path, spec: str | None, stdin_text: str | None) -> list[tuple[str | None, str]]:
    """The ``(base, head)`` ranges to check.

    ``spec``: ``A..B`` or a single commit ``C`` (meaning ``C^..C``). Otherwise the lines git hands
    a pre-push hook on stdin (``<local ref> <local sha> <remote ref> <remote sha>``); otherwise
    ``@{upstream}..HEAD``; otherwise the commits not on any remote, or the merge-base with the
    default branch.
    """
    if spec:
        return [_parse_spec(root, spec)]
    if stdin_text and stdin_text.strip():
        ranges: list[tuple[str | None, str]] = []
        for line in stdin_text.splitlines():
            parts = line.split()
            if len(parts) != 4:
                continue
            _lref, lsha, _rref, rsha = parts
            if lsha == gitcli.ZERO_SHA:
                continue  # deleting a remote branch: nothing to build
            if rsha != gitcli.ZERO_SHA and gitcli.rev(root, rsha):
                ranges.append((rsha, lsha))
            else:
                ranges.append((_unpushed_base(root, lsha), lsha))
        return ranges
    head = gitcli.rev(root, "HEAD")
    if head is None:
        raise UsageError("the repository has no commits yet", "commit something, or pass --range A..B")
    upstream = gitcli.rev(root, "@{upstream}")
    if upstream:
        return [(upstream, head)]
    return [(_unpushed_base(root, head), head)]


def _parse_spec(root: Path, spec: str) -> tuple[str | None, str]:
    if ".." in spec:
        a, _, b = spec.partition("...") if "..." in spec else spec.partition("..")
        base = gitcli.rev(root, a or "HEAD")
        head = gitcli.rev(root, b or "HEAD")
        if base is None or head is None:
            bad = a if base is None else b
            raise UsageError(f"--range {spec}: unknown revision {bad!r}", "use commits or refs that exist locally")
        return base, head
    head = gitcli.rev(root, spec)
    if head is None:
        raise UsageError(f"--range {spec}: unknown revision", "use A..B or a single commit")
    return gitcli.rev(root, f"{head}^"), head


def _unpushed_base(root: Path, head: str) -> str | None:
    """Where a push of ``head`` starts: the parent of its oldest commit on no remote, else the
    merge-base with the default branch, else the first commit's empty tree."""
    unpushed = gitcli.text(root, "rev-list", "--topo-order", "--reverse", head, "--not", "--remotes", check=False).split()
    if unpushed and len(unpushed) < 1000:
        parent = gitcli.rev(root, f"{unpushed[0]}^")
        if parent:
            return parent
    for ref in ("origin/HEAD", "origin/main", "origin/master", "main", "master"):
        other = gitcli.rev(root, ref)
        if other and other != head:
            base = gitcli.text(root, "merge-base", other, head, check=False).strip()
            if base and base != head:
                return base
    return gitcli.rev(root, f"{head}^")


def load(root: Path, base: str | None, head: str) -> PushContext:
    args = ["diff", "--raw", "-z", "--no-renames", "--no-ext-diff", base or gitcli.EMPTY_TREE, head]
    raw = gitcli.text(root, *args)
    changes: list[Change] = []
    items = raw.split("\0")
    i = 0
    while i < len(items) - 1:
        meta = items[i]
        path = items[i + 1]
        i += 2
        if not meta.startswith(":"):
            continue
        old_mode, new_mode, _a, _b, status = meta[1:].split()
        if status[0] in "AMT":
            changes.append(Change(path, status[0], old_mode, new_mode))
    ctx = PushContext(root, base, head, changes)
    ctx.preload([c.path for c in changes if not _probably_binary(c.path)][:2000])
    return ctx


_BINARY_EXT = re.compile(r"\.(?:png|jpe?g|gif|ico|pdf|zip|gz|tgz|jar|whl|so|dll|exe|woff2?|ttf|mp4|bin)$", re.I)


def _probably_binary(path: str) -> bool:
    return bool(_BINARY_EXT.search(path))
