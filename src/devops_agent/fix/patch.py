"""The Patch value type: whole-file edits and mode changes, with a unified diff and a hash.

Fixers return a Patch; nothing is written until the engine applies it inside a scratch worktree.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Applicability = Literal["safe", "unsafe", "display-only"]


@dataclass(frozen=True, slots=True)
class FileEdit:
    """One file's new content (``after``); ``before`` is None for a new file."""

    path: str
    before: str | None
    after: str


@dataclass(frozen=True)
class Patch:
    rule: str
    fixer: str
    applicability: Applicability
    description: str
    edits: tuple[FileEdit, ...] = ()
    executable: tuple[str, ...] = ()  # paths that gain the execute bit
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([e.path for e in self.edits] + list(self.executable)))

    @property
    def empty(self) -> bool:
        return not self.executable and all(e.before == e.after for e in self.edits)

    def diff(self) -> str:
        out: list[str] = []
        for e in self.edits:
            if e.before == e.after:
                continue
            out.extend(_file_diff(e))
        for path in self.executable:
            out += [f"diff --git a/{path} b/{path}\n", "old mode 100644\n", "new mode 100755\n"]
        return "".join(out)

    def added_lines(self) -> list[tuple[str, str]]:
        """``(path, text)`` of every line the patch adds."""
        rows: list[tuple[str, str]] = []
        for e in self.edits:
            for line in difflib.unified_diff((e.before or "").splitlines(), e.after.splitlines(), lineterm="", n=0):
                if line.startswith("+") and not line.startswith("+++"):
                    rows.append((e.path, line[1:]))
        return rows

    def removed_lines(self) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        for e in self.edits:
            for line in difflib.unified_diff((e.before or "").splitlines(), e.after.splitlines(), lineterm="", n=0):
                if line.startswith("-") and not line.startswith("---"):
                    rows.append((e.path, line[1:]))
        return rows

    def sha256(self) -> str:
        return hashlib.sha256(self.diff().encode("utf-8")).hexdigest()

    def apply_to(self, root: Path) -> None:
        """Write the edits and modes under ``root`` (a scratch worktree, never the user's tree)."""
        for e in self.edits:
            target = root / e.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(e.after.encode("utf-8"))
        for path in self.executable:
            target = root / path
            target.chmod(target.stat().st_mode | 0o111)

    def to_json(self) -> dict[str, object]:
        return {"rule": self.rule, "fixer": self.fixer, "applicability": self.applicability,
                "description": self.description, "files": list(self.paths), "diff": self.diff(),
                "sha256": self.sha256()}


def _file_diff(e: FileEdit) -> list[str]:
    before = (e.before or "").splitlines(keepends=True)
    after = e.after.splitlines(keepends=True)
    lines = list(difflib.unified_diff(before, after, fromfile=f"a/{e.path}" if e.before is not None else "/dev/null",
                                      tofile=f"b/{e.path}"))
    return [ln if ln.endswith("\n") else ln + "\n\\ No newline at end of file\n" for ln in lines]


def edit_file(root: Path, path: str, after: str) -> FileEdit:
    """A FileEdit of ``path`` (relative to ``root``) from its current content to ``after``."""
    target = root / path
    before = target.read_text(encoding="utf-8") if target.is_file() else None
    return FileEdit(path, before, after)
