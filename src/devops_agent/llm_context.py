"""Pack what a model needs to reason about a failure into a token budget.

Blocks, most useful first: the failure summary and the failing step's command; the log around
each evidence line (LogSage's window: 4 lines before, 6 after, merged when they overlap); the
implicated source (the file ± 20 lines); the culprit commit's diff. A block that does not fit is
shortened, then dropped. Everything is redacted here already (the client redacts again).

Prompt-injection safety: log and code text is *data*. Each block is fenced by a marker derived from
the sha256 of its own content, so no text inside can close it, and the system prompt says that
nothing inside a fence is an instruction. Nothing a model answers is ever executed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from devops_agent.models import Diagnosis, Finding

BEFORE, AFTER = 4, 6  # log lines around each key line (LogSage)
SOURCE_RADIUS = 20  # source lines either side of the implicated line
MAX_LINE_CHARS = 400
TAIL = 30  # last lines of the failing step packed when no rule is confident
WEAK_CONFIDENCE = 0.5


def approx_tokens(text: str) -> int:
    """A tokenizer-free estimate (~4 characters a token) used while packing; the budget check
    before a call uses the model's own tokenizer."""
    return len(text) // 4 + 1


@dataclass(frozen=True)
class Block:
    kind: str  # summary | log | source | diff
    label: str
    body: str

    def render(self) -> str:
        fence = "DATA-" + hashlib.sha256(self.body.encode("utf-8")).hexdigest()[:12]
        return f"<<<{fence} {self.kind}: {self.label}>>>\n{self.body}\n<<<END {fence}>>>"


@dataclass(frozen=True)
class Packed:
    blocks: tuple[Block, ...]
    dropped: tuple[str, ...] = ()

    def render(self) -> str:
        return "\n\n".join(b.render() for b in self.blocks)

    @property
    def tokens(self) -> int:
        return approx_tokens(self.render())


def pack(diag: Diagnosis, *, log_spec: str | None, repo: Path | None, budget: int) -> Packed:
    """The context for the top finding of ``diag`` within ``budget`` tokens (approximate)."""
    tail = _tail_span(diag)
    if not diag.findings and tail is None:
        return Packed(())
    want = _wanted(diag.findings) | (set(range(tail[0], tail[1] + 1)) if tail else set())
    lines = _log_lines(diag, log_spec, want)
    top = diag.findings[0] if diag.findings else None
    candidates = [
        _summary(diag, top),
        *_log_blocks(diag.findings, lines),
        _tail_block(tail, lines),
        *_source_blocks(diag.findings, repo),
        *_diff_blocks(top, repo),
    ]
    return _fit([b for b in candidates if b is not None], budget)


def _fit(blocks: list[Block], budget: int) -> Packed:
    kept: list[Block] = []
    dropped: list[str] = []
    used = 0
    for block in blocks:
        cost = approx_tokens(block.render())
        if used + cost <= budget:
            kept.append(block)
            used += cost
            continue
        short = _shorten(block, budget - used)
        if short is not None:
            kept.append(short)
            used += approx_tokens(short.render())
        else:
            dropped.append(f"{block.kind}: {block.label}")
    return Packed(tuple(kept), tuple(dropped))


def _shorten(block: Block, room: int) -> Block | None:
    """The first lines of a block that fit in ``room`` tokens (at least 5 lines), else None."""
    if block.kind == "summary" or room < 40:
        return None
    out: list[str] = []
    size = approx_tokens(Block(block.kind, block.label, "").render()) + 8
    for line in block.body.split("\n"):
        size += approx_tokens(line) + 1
        if size > room:
            break
        out.append(line)
    if len(out) < 5:
        return None
    return Block(block.kind, block.label + " (truncated)", "\n".join(out) + "\n[...]")


# -- summary --------------------------------------------------------------------------------------


def _summary(diag: Diagnosis, top: Finding | None) -> Block:
    step = diag.failing_step
    rows = [f"log: {diag.source.name} ({diag.source.dialect}, {diag.source.lines} lines)"]
    if top is None:
        rows.append(f"no known error signature matched (status: {diag.status})")
        if step is not None:
            rows.append(f"failing step: {step.name}" + (f"\nstep command: {step.command}" if step.command else ""))
        return Block("summary", "diagnosis", _redacted("\n".join(rows)))
    rows.append(f"finding: {top.rule} {top.title} [{top.category}, confidence {top.confidence:.2f}]")
    step_name = top.step or (step.name if step else None)
    if step_name:
        rows.append(f"failing step: {step_name}")
    command = top.command or (step.command if step else None)
    if command:
        rows.append(f"step command: {command}")
    if top.file:
        rows.append(f"implicated file: {top.file}" + (f":{top.line}" if top.line else ""))
    if top.root_cause:
        rows.append(f"rule's root cause: {top.root_cause}")
    if top.culprit:
        rows.append(f"suspected culprit commit: {top.culprit.commit[:12]} {top.culprit.subject!r}")
    for other in diag.findings[1:3]:
        rows.append(f"other finding: {other.rule} {other.title}")
    return Block("summary", "diagnosis", _redacted("\n".join(rows)))


# -- log windows ----------------------------------------------------------------------------------


def _wanted(findings: Iterable[Finding]) -> set[int]:
    want: set[int] = set()
    for f in findings:
        for e in f.evidence:
            want.update(range(max(1, e.line - BEFORE), e.line + AFTER + 1))
    return want


def _log_lines(diag: Diagnosis, log_spec: str | None, want: set[int]) -> dict[int, str]:
    """The cleaned, redacted lines numbered in ``want``, re-read from the log when it can be
    (one plain source on disk), else only what the diagnosis carries (evidence and context)."""
    got: dict[int, str] = {}
    for f in diag.findings:
        for e in (*f.context, *f.evidence):
            got[e.line] = e.text
    if not log_spec or log_spec == "-" or not want:
        return got
    from devops_agent.errors import InputError
    from devops_agent.logs.clean import clean_line
    from devops_agent.logs.read import iter_raw_lines, open_sources

    try:
        sources = open_sources(log_spec)
    except InputError:
        return got
    if len(sources) != 1:
        return got
    from devops_agent.logs.redact import MASK, PrivateKeyTracker

    last = max(want)
    keys = PrivateKeyTracker()  # every line passes through it: a window may open inside a key block
    with sources[0].open() as fh:
        for n, raw in enumerate(iter_raw_lines(fh), start=1):
            if n > last:
                break
            text = clean_line(raw.decode("utf-8", "replace"))
            inside = keys.feed(text)
            if n in want:
                got[n] = MASK if inside else _redacted(text[:MAX_LINE_CHARS])
    return got


def _tail_span(diag: Diagnosis) -> tuple[int, int] | None:
    """The last TAIL lines of the failing step (else of the log) when no rule is confident:
    where a generic failure usually says what went wrong."""
    if diag.findings and diag.findings[0].confidence >= WEAK_CONFIDENCE:
        return None
    step = diag.failing_step
    lo, hi = (step.start, step.end) if step is not None else (1, diag.source.lines)
    if hi < 1:
        return None
    return max(lo, hi - TAIL + 1), hi


def _tail_block(span: tuple[int, int] | None, lines: dict[int, str]) -> Block | None:
    if span is None:
        return None
    body = [f"{n:>6}| {lines[n]}" for n in range(span[0], span[1] + 1) if n in lines]
    return Block("log", f"last lines of the failing step ({span[0]}-{span[1]})", "\n".join(body)) if body else None


def _log_blocks(findings: tuple[Finding, ...], lines: dict[int, str]) -> list[Block]:
    blocks: list[Block] = []
    seen: set[int] = set()
    for f in findings:
        for lo, hi in _windows(e.line for e in f.evidence):
            if all(n in seen for n in range(lo, hi + 1)):
                continue
            seen.update(range(lo, hi + 1))
            body = [f"{n:>6}| {lines[n]}" for n in range(lo, hi + 1) if n in lines]
            if body:
                blocks.append(Block("log", f"lines {lo}-{hi} ({f.rule})", "\n".join(body)))
    return blocks


def _windows(keys: Iterable[int]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for k in sorted(set(keys)):
        lo, hi = max(1, k - BEFORE), k + AFTER
        if spans and lo <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], max(hi, spans[-1][1]))
        else:
            spans.append((lo, hi))
    return spans


# -- source and diff ------------------------------------------------------------------------------


def _source_blocks(findings: tuple[Finding, ...], repo: Path | None) -> list[Block]:
    if repo is None:
        return []
    blocks: list[Block] = []
    seen: set[tuple[str, int]] = set()
    for f in findings:
        if not f.file or (f.file, f.line or 0) in seen:
            continue
        seen.add((f.file, f.line or 0))
        block = source_block(repo, f.file, f.line)
        if block is not None:
            blocks.append(block)
    return blocks


def source_block(repo: Path, rel: str, line: int | None, radius: int = SOURCE_RADIUS) -> Block | None:
    """``rel`` around ``line`` (± radius), numbered; the whole head of the file when no line."""
    path = (repo / rel).resolve()
    if not path.is_relative_to(repo.resolve()) or not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    rows = text.splitlines()
    center = line or 1
    lo = max(1, center - radius) if line else 1
    hi = min(len(rows), center + radius if line else 2 * radius)
    body = "\n".join(f"{n:>5}| {rows[n - 1][:MAX_LINE_CHARS]}" for n in range(lo, hi + 1))
    return Block("source", f"{rel} lines {lo}-{hi}", _redacted(body))


def _diff_blocks(top: Finding | None, repo: Path | None) -> list[Block]:
    if repo is None or top is None or top.culprit is None:
        return []
    from devops_agent import gitcli

    try:
        diff = gitcli.text(repo, "show", "--format=%H %s", "--no-color", "--unified=3", top.culprit.commit)
    except gitcli.GitError:
        return []
    lines = [ln[:MAX_LINE_CHARS] for ln in diff.splitlines()]
    return [Block("diff", f"culprit commit {top.culprit.commit[:12]}", _redacted("\n".join(lines)))]


def _redacted(text: str) -> str:
    from devops_agent.llm_client import redact_messages

    return redact_messages([{"role": "user", "content": text}])[0][0]["content"]
