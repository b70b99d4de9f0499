"""One streaming pass over a log: clean lines, track steps, collect rule hits, retain context.

Small logs keep every cleaned line; big ones keep only windows around hits and step boundaries, so
memory stays bounded whatever the size.
"""

from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass, field

from devops_agent.logs.clean import clean_line, message_of
from devops_agent.logs.dialects import StepTracker, detect_dialect
from devops_agent.logs.read import LogSource, iter_raw_lines
from devops_agent.matcher import Hit, Matcher
from devops_agent.models import Step

KEEP_ALL_BYTES = 48 << 20
GREP_BYTES = 16 << 20  # above this, plain files go through the grep prefilter (bigscan)  # below this, every cleaned line is kept
WINDOW = 40  # lines kept before and after each hit in big logs
MAX_HITS_PER_RULE = 200  # first ones kept; later cascades only matter as counts
TAIL_HITS_PER_RULE = 50


@dataclass
class Scan:
    name: str
    dialect: str
    total: int
    nbytes: int
    sha256: str
    lines: dict[int, str]  # retained cleaned lines (all of them for small logs)
    hits: list[Hit]
    steps: list[Step]
    tracker: StepTracker
    rule_counts: dict[str, int] = field(default_factory=dict)


def _sha256(src: LogSource) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    with src.open() as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            n += len(chunk)
    return h.hexdigest(), n


def _detect(src: LogSource) -> str:
    with src.open() as fh:
        head = []
        for i, raw in enumerate(iter_raw_lines(fh, 1 << 14)):
            head.append(raw)
            if i >= 400:
                break
    return detect_dialect(head)


def scan(src: LogSource, matcher: Matcher, dialect: str | None = None) -> Scan:
    if src.path is not None and (src.size or 0) > GREP_BYTES:
        from devops_agent import bigscan

        if bigscan.available():
            return bigscan.scan_with_grep(src, matcher, dialect or _detect(src))
    sha, nbytes = _sha256(src)
    dialect = dialect or _detect(src)
    tracker = StepTracker(dialect)
    keep_all = nbytes <= KEEP_ALL_BYTES
    lines: dict[int, str] = {}
    recent: deque[tuple[int, str]] = deque(maxlen=WINDOW)
    keep_until = 0
    hits: list[Hit] = []
    per_rule: dict[str, int] = {}
    tails: dict[str, deque[Hit]] = {}
    n = 0
    feed = tracker.feed
    match = matcher.match
    with src.open() as fh:
        for raw in iter_raw_lines(fh):
            n += 1
            text = clean_line(raw.decode("utf-8", "replace"))
            feed(n, text)
            markers = tracker.markers
            # CI wrapper lines ("Process completed with exit code 1") are a cause only for the few
            # rules that read exit statuses and runner verdicts (timeout 124, SIGKILL 137, cancel).
            found: list[Hit]
            if not text:
                found = []
            elif markers and markers[-1] == n:
                found = matcher.match_wrapper(n, message_of(text), text)
            else:
                found = match(n, message_of(text), text)
            if keep_all:
                lines[n] = text
            elif found or n <= keep_until:
                if found:
                    lines.update(recent)
                    keep_until = n + WINDOW
                lines[n] = text
            else:
                recent.append((n, text))
            for hit in found:
                code = hit.rule.code
                count = per_rule.get(code, 0) + 1
                per_rule[code] = count
                if count <= MAX_HITS_PER_RULE:
                    hits.append(hit)
                else:
                    tails.setdefault(code, deque(maxlen=TAIL_HITS_PER_RULE)).append(hit)
    for tail in tails.values():
        hits.extend(tail)
    steps = tracker.finish(n)
    return Scan(src.name, dialect, n, nbytes, sha, lines, hits, steps, tracker, per_rule)
