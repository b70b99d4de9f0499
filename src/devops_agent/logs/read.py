"""Log intake: a path, '-' for stdin, gzip, a zip of a CI run's logs, or a folder of logs.

Everything is streamed: a source is re-opened for each pass and read line by line with a bounded
line length, so memory stays bounded for multi-GB logs. Lines are split at ``\\n`` only (a lone
``\\r`` is a progress-bar redraw, not a line break), which is how line numbers are reported.
"""

from __future__ import annotations

import gzip
import io
import os
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from devops_agent.errors import InputError

MAX_LINE = 1 << 20  # bytes kept of an overlong line; the rest is skipped (the count stays right)
_SNIFF = 8192
_BINARY_MAGIC = (
    b"\x7fELF", b"\x89PNG", b"%PDF", b"\xff\xd8\xff", b"GIF8", b"MZ", b"\xca\xfe\xba\xbe",
    b"\xcf\xfa\xed\xfe", b"7z\xbc\xaf", b"Rar!", b"BZh", b"\xfd7zXZ", b"SQLite format 3",
)  # fmt: skip


@dataclass(frozen=True)
class LogSource:
    """One log to diagnose; ``open()`` returns a fresh binary stream each time."""

    name: str
    open: Callable[[], BinaryIO]
    size: int | None = None
    path: Path | None = None  # set for plain files on disk (lets big logs use a grep prefilter)


def open_sources(spec: str, stdin: BinaryIO | None = None) -> list[LogSource]:
    """Resolve a command-line LOG argument into one or more readable sources."""
    if spec == "-":
        return _from_stdin(stdin if stdin is not None else sys.stdin.buffer)
    path = Path(spec).expanduser()
    if not path.exists():
        raise InputError(f"log file not found: {spec}", "check the path, or pass '-' to read stdin")
    if path.is_dir():
        return _from_dir(path)
    if not os.access(path, os.R_OK):
        raise InputError(f"cannot read {spec}: permission denied", "check the file's permissions")
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise InputError(f"cannot read {spec}: {exc.strerror or exc}", "check the path") from exc
    return _classify(path.name, lambda: path.open("rb"), head, path.stat().st_size, path)


def _from_stdin(stream: BinaryIO) -> list[LogSource]:
    spool = tempfile.SpooledTemporaryFile(max_size=32 << 20)  # noqa: SIM115 - lives with the source
    while chunk := stream.read(1 << 20):
        spool.write(chunk)
    size = spool.tell()

    def reopen() -> BinaryIO:
        spool.seek(0)
        return _NoClose(spool)  # type: ignore[return-value,arg-type]

    spool.seek(0)
    return _classify("<stdin>", reopen, spool.read(4), size)


class _NoClose(io.RawIOBase):
    """A view of the stdin spool that survives ``with`` blocks (the spool is read several times)."""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, b):  # type: ignore[no-untyped-def]
        data = self._inner.read(len(b))
        b[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        return self._inner.readline(size if size is not None else -1)


def _classify(
    name: str, opener: Callable[[], BinaryIO], head: bytes, size: int | None, path: Path | None = None
) -> list[LogSource]:
    if size == 0 or not head:
        raise InputError(f"{name} is empty", "pass the log of a failed CI run")
    if head.startswith(b"\x1f\x8b"):
        gz_name = name[:-3] if name.endswith(".gz") else name

        def gz_open() -> BinaryIO:
            return gzip.open(opener(), "rb")  # type: ignore[return-value]

        try:
            with gz_open() as fh:
                inner_head = fh.read(4)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise InputError(f"{name} is not a readable gzip file: {exc}", "re-download the log") from exc
        return _classify(gz_name, gz_open, inner_head, None)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _from_zip(name, opener)
    src = LogSource(name, opener, size, path)
    _check_text(src)
    return [src]


def _check_text(src: LogSource) -> None:
    with src.open() as fh:
        sample = fh.read(_SNIFF)
    if not sample:
        raise InputError(f"{src.name} is empty", "pass the log of a failed CI run")
    if looks_binary(sample):
        raise InputError(
            f"{src.name} looks like a binary file, not a log",
            "pass a text log, a .gz of one, or the .zip your CI offers for download",
        )


def looks_binary(sample: bytes) -> bool:
    if sample.startswith(_BINARY_MAGIC):
        return True
    if not sample:
        return False
    nul = sample.count(b"\x00")
    if nul > len(sample) // 10:
        return True
    # Control bytes other than tab, newline, carriage return, form feed, escape and backspace.
    ctrl = sum(1 for b in sample if b < 32 and b not in (8, 9, 10, 12, 13, 27))
    if ctrl > len(sample) // 5:
        return True
    # Mostly undecodable bytes: compressed or encrypted data, not a log in some legacy encoding.
    bad = sample[:-4].decode("utf-8", "replace").count("\ufffd")
    return bad > len(sample) * 0.3


def _from_zip(name: str, opener: Callable[[], BinaryIO]) -> list[LogSource]:
    try:
        with opener() as fh, zipfile.ZipFile(fh) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir() and i.file_size > 0]
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{name} is not a readable zip archive: {exc}", "re-download the logs") from exc
    names = [i.filename for i in infos if _is_log_name(i.filename)]
    # GitHub's archive holds each job's whole log at the top level and its steps in a folder:
    # prefer the whole-job files when both are present.
    top = [n for n in names if "/" not in n.strip("/")]
    chosen = top if top and len(top) < len(names) else names
    if not chosen:
        raise InputError(f"{name} holds no log files", "pass the zip of a CI run's logs")
    sources = []
    for member in sorted(chosen, key=_natural_key):
        sources.append(LogSource(f"{name}:{member}", _zip_opener(opener, member), None))
    text_sources = []
    for src in sources:
        with src.open() as fh:
            if not looks_binary(fh.read(_SNIFF)):
                text_sources.append(src)
    if not text_sources:
        raise InputError(f"{name} holds no text logs", "pass the zip of a CI run's logs")
    return text_sources


def _is_log_name(member: str) -> bool:
    base = member.rsplit("/", 1)[-1]
    return not base.startswith(".") and not base.endswith((".png", ".jpg", ".zip", ".gz", ".json"))


def _natural_key(s: str) -> list[object]:
    import re

    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def _zip_opener(opener: Callable[[], BinaryIO], member: str) -> Callable[[], BinaryIO]:
    def open_member() -> BinaryIO:
        outer = opener()
        zf = zipfile.ZipFile(outer)
        return _ZipMember(zf, zf.open(member), outer)  # type: ignore[return-value,arg-type]

    return open_member


class _ZipMember(io.RawIOBase):
    def __init__(self, zf: zipfile.ZipFile, inner: BinaryIO, outer: BinaryIO) -> None:
        self._zf, self._inner, self._outer = zf, inner, outer

    def readable(self) -> bool:
        return True

    def readinto(self, b):  # type: ignore[no-untyped-def]
        data = self._inner.read(len(b))
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._inner.close()
            self._zf.close()
            self._outer.close()
        super().close()


def _from_dir(path: Path) -> list[LogSource]:
    files = sorted(
        (p for p in path.rglob("*") if p.is_file() and _is_log_name(p.name)),
        key=lambda p: _natural_key(str(p)),
    )
    if not files:
        raise InputError(f"{path} holds no log files", "pass a log file or a folder of logs")
    out: list[LogSource] = []
    for p in files:
        rel = p.relative_to(path).as_posix()
        with p.open("rb") as fh:
            head = fh.read(4)
        out.extend(_classify(f"{path.name}/{rel}", _file_opener(p), head, p.stat().st_size, p))
    return out


def _file_opener(p: Path) -> Callable[[], BinaryIO]:
    return lambda: p.open("rb")


def iter_raw_lines(stream: BinaryIO, max_len: int = MAX_LINE) -> Iterator[bytes]:
    """Yield lines split at b'\\n' (without it); an overlong line is cut at ``max_len``."""
    reader = stream if isinstance(stream, io.BufferedIOBase) else io.BufferedReader(stream)  # type: ignore[arg-type,type-var]
    readline = reader.readline
    while True:
        chunk = readline(max_len)
        if not chunk:
            return
        if chunk[-1:] != b"\n":
            if len(chunk) >= max_len:
                while True:  # skip the rest of an overlong line
                    more = readline(max_len)
                    if not more or more[-1:] == b"\n":
                        break
            yield chunk
            continue
        yield chunk[:-1]
