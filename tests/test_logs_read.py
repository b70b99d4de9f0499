"""Intake: files, stdin, gzip, zip archives and folders; bad input is a clear InputError."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from devops_agent.errors import InputError
from devops_agent.logs.read import iter_raw_lines, looks_binary, open_sources

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench" / "public" / "cases"
LOG = b"$ python -m pytest -q\nE   ModuleNotFoundError: No module named 'yaml'\n1 error in 0.1s\n"


def _lines(src) -> list[bytes]:
    with src.open() as fh:
        return list(iter_raw_lines(fh))


def test_plain_file(tmp_path: Path) -> None:
    p = tmp_path / "build.log"
    p.write_bytes(LOG)
    (src,) = open_sources(str(p))
    assert src.name == "build.log" and src.path == p
    assert _lines(src)[1] == b"E   ModuleNotFoundError: No module named 'yaml'"


def test_gzip(tmp_path: Path) -> None:
    p = tmp_path / "build.log.gz"
    p.write_bytes(gzip.compress(LOG))
    (src,) = open_sources(str(p))
    assert src.name == "build.log"
    assert len(_lines(src)) == 3


def test_stdin_is_spooled_and_rereadable() -> None:
    (src,) = open_sources("-", stdin=io.BytesIO(LOG))
    assert _lines(src) == _lines(src)  # several passes over the same input


def test_zip_prefers_whole_job_logs(tmp_path: Path) -> None:
    p = tmp_path / "logs_42.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("0_lint.txt", b"all good\n")
        zf.writestr("1_test.txt", LOG)
        zf.writestr("test/1_Set up job.txt", b"setup\n")
        zf.writestr("test/2_Run pytest.txt", LOG)
    names = [s.name for s in open_sources(str(p))]
    assert names == ["logs_42.zip:0_lint.txt", "logs_42.zip:1_test.txt"]


def test_folder_of_logs(tmp_path: Path) -> None:
    (tmp_path / "job").mkdir()
    (tmp_path / "job" / "2_test.txt").write_bytes(LOG)
    (tmp_path / "job" / "10_deploy.txt").write_bytes(b"skipped\n")
    names = [s.name for s in open_sources(str(tmp_path / "job"))]
    assert names == ["job/2_test.txt", "job/10_deploy.txt"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "is empty"), (b"\x7fELF\x02\x01\x01" + bytes(200), "binary"), (bytes(range(256)) * 40, "binary")],
)
def test_unusable_input(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / "x.log"
    p.write_bytes(content)
    with pytest.raises(InputError, match=message):
        open_sources(str(p))


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        open_sources(str(tmp_path / "nope.log"))
    assert "not found" in exc.value.message and exc.value.hint


def test_corrupt_zip(tmp_path: Path) -> None:
    p = tmp_path / "logs.zip"
    p.write_bytes(b"PK\x03\x04" + b"garbage" * 10)
    with pytest.raises(InputError, match="zip"):
        open_sources(str(p))


def test_overlong_line_is_cut_and_numbering_stays_right() -> None:
    data = b"a" * 5000 + b"\nsecond\n"
    lines = list(iter_raw_lines(io.BufferedReader(io.BytesIO(data)), max_len=1024))
    assert len(lines) == 2 and lines[1] == b"second" and len(lines[0]) == 1024


def test_lone_carriage_return_is_not_a_line_break() -> None:
    data = b"progress 10%\rprogress 100%\nnext\r\n"
    assert list(iter_raw_lines(io.BufferedReader(io.BytesIO(data)))) == [
        b"progress 10%\rprogress 100%", b"next\r"
    ]


def test_log_with_some_invalid_utf8_is_text() -> None:
    assert not looks_binary(b"caf\xe9 au lait\nok\x1b[31m red\x1b[0m\n" * 50)


@pytest.mark.skipif(not BENCH.is_dir(), reason="shared bench not present")
def test_real_bench_logs_are_text() -> None:
    for log in BENCH.glob("*/build.log"):
        assert len(open_sources(str(log))) == 1
