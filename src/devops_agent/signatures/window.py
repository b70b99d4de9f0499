"""A :class:`~devops_agent.signatures.base.Window` over retained, cleaned log lines."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence


class LineWindow:
    """Window over a mapping ``{lineno: cleaned text}`` (or a list, numbered from 1)."""

    __slots__ = ("_lines", "lineno", "_first", "_last")

    def __init__(self, lines: Mapping[int, str] | Sequence[str], lineno: int = 1) -> None:
        if isinstance(lines, Mapping):
            self._lines: Mapping[int, str] = lines
            self._first = min(lines) if lines else 1
            self._last = max(lines) if lines else 0
        else:
            self._lines = {i + 1: t for i, t in enumerate(lines)}
            self._first, self._last = 1, len(lines)
        self.lineno = lineno

    def at(self, lineno: int) -> LineWindow:
        win = LineWindow.__new__(LineWindow)
        win._lines, win._first, win._last, win.lineno = self._lines, self._first, self._last, lineno
        return win

    def text(self, n: int) -> str | None:
        return self._lines.get(n)

    def after(self, count: int, start: int | None = None) -> Iterator[tuple[int, str]]:
        n = self.lineno + 1 if start is None else start
        end = min(self._last, n + count - 1)
        while n <= end:
            t = self._lines.get(n)
            if t is None:
                return
            yield n, t
            n += 1

    def before(self, count: int, start: int | None = None) -> Iterator[tuple[int, str]]:
        n = (self.lineno if start is None else start) - 1
        stop = max(self._first, n - count + 1)
        while n >= stop:
            t = self._lines.get(n)
            if t is None:
                return
            yield n, t
            n -= 1
