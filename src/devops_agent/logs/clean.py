"""Line cleaning: CI timestamps, ANSI codes, carriage-return overwrites, annotation prefixes.

Two views of a raw line are produced:

* ``clean_line`` -- what a human should see (and what evidence ``text`` carries): timestamps,
  ANSI escapes, GitLab section markers and progress overwrites removed, CI annotations kept.
* ``message_of`` -- what rules match against: additionally without the CI annotation prefix
  (``##[error]``, ``::error file=...::``), so one pattern serves every CI system.
"""

from __future__ import annotations

import re

# ESC [ ... final byte, OSC ... BEL/ST, charset selection, and stray "[0K"-style remnants.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Z0-9]|\x1b[=>78]")
# The same colour/erase codes in caret notation ("^[[31;1m"), as logs saved through `cat -v` or a
# web UI's raw view show them (half of the public LogDx logs). Only SGR/erase forms: regex text such
# as "^[[:space:]]" must survive.
_CARET_ANSI = re.compile(r"\^\[\[[0-9;]*[mK]")
# GitHub Actions: "2026-02-17T08:41:03.0025604Z " ; Jenkins timestamper / generic ISO prefixes.
_TS = re.compile(
    r"^(?:\ufeff)?(?:"
    r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)? ?"
    r"|\[\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\] ?"
    r"|\[\d\d:\d\d:\d\d(?:\.\d+)?\] "
    r")"
)
_SECTION = re.compile(r"section_(?:start|end):\d+:[A-Za-z0-9_.\-]+(?:\[[^\]]*\])?")
_ANNOT = re.compile(
    r"^(?:##\[(?:error|warning|notice|debug)\]|::(?:error|warning|notice)(?: [^:]*)?::)"
)
_BUILDKIT = re.compile(r"#\d{1,4} \d{1,6}\.\d{1,4} ")  # docker build --progress=plain output lines
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Monorepo task runners prefix each line of a package's output with its name and task: Turborepo
# `web:build: ` / `@acme/ui:test:unit: ` and pnpm's recursive runs `apps/web build: ` (its command
# echo: `apps/web build$ tsc`). Without the prefix, the tool's own line is what rules know.
_TASK_PREFIX = re.compile(
    r"(?!(?:ERROR|WARNING|WARN|INFO|DEBUG|TRACE|CRITICAL|FATAL|NOTICE|error|warning|warn|info|debug|trace|fatal|notice)[:\s])"
    r"(?:(?:@[\w.-]{1,60}/)?[A-Za-z0-9][\w.-]{0,80}:[A-Za-z][\w-]{0,60}(?::[A-Za-z][\w-]{0,60}){0,3}:(?: |$|(?=\$))"
    r"|[\w@.-]{1,80}(?:/[\w@.-]{1,80}){1,4} [A-Za-z][\w:.-]{0,60}(?=: |\$ )(?:: ?|(?=\$ )))"
)


# `gh run view --log` prefixes every line with "<job>\t<step>\t" before the timestamp.
_GH_CLI = re.compile(r"^[^\t]{1,200}\t[^\t]{0,200}\t(?=\ufeff?\d{4}-\d\d-\d\dT)")


def strip_timestamp(line: str) -> str:
    if "\t" in line:
        m = _GH_CLI.match(line)
        if m:
            line = line[m.end() :]
    m = _TS.match(line)
    return line[m.end() :] if m else line


def clean_line(raw: str) -> str:
    """The human view of a raw log line (no trailing newline expected)."""
    line = raw.rstrip("\r\n")
    if "\x1b" in line:
        line = _ANSI.sub("", line)
    if "^[[" in line:
        line = _CARET_ANSI.sub("", line)
    if "section_" in line:
        line = _SECTION.sub("", line)
    if "\r" in line:
        # A progress bar redrawn with "\r": the terminal shows the last non-empty segment.
        parts = [p for p in line.split("\r") if p.strip()]
        line = parts[-1] if parts else ""
    line = strip_timestamp(line)
    m = _TASK_PREFIX.match(line)
    if m:
        line = line[m.end() :]
    if "\x00" in line or _CTRL.search(line):
        line = _CTRL.sub("", line)
    return line.rstrip()


def message_of(clean: str) -> str:
    """What rules match: the clean line without a CI annotation prefix, and without BuildKit's
    ``#12 3.456 `` step/time prefix (so a compiler or installer error inside a Docker build's
    ``RUN`` step is recognised as that tool's error)."""
    if clean.startswith(("##[", "::")):
        m = _ANNOT.match(clean)
        if m:
            return clean[m.end() :]
    if clean.startswith("#"):
        m = _BUILDKIT.match(clean)
        if m:
            return clean[m.end() :]
    return clean


def annotation_of(clean: str) -> str | None:
    """'error'/'warning'/'notice' when the line is a CI annotation, else None."""
    if clean.startswith("##["):
        end = clean.find("]")
        return clean[3:end] if end > 3 else None
    if clean.startswith("::"):
        m = _ANNOT.match(clean)
        if m:
            return clean[2:].split(" ", 1)[0].split("::", 1)[0]
    return None
