"""Invariants over the whole signature catalogue (ruff-style): one test, every rule.

Every rule has a permanent unique code, documentation in the fixed sections, a fixture of real tool
output (tests/fixtures/rules/<CODE>.log, with <CODE>.cmd saying how it was captured) and a snapshot of
the finding that diagnosing that fixture produces. Refresh snapshots deliberately with
``UPDATE_SNAPSHOTS=1 pytest tests/test_catalogue.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from devops_agent.commands.catalog import render_rule_docs
from devops_agent.diagnose import diagnose_path, matcher
from devops_agent.logs.read import open_sources
from devops_agent.scan import scan
from devops_agent.signatures import all_rules
from devops_agent.signatures.base import DOC_SECTIONS

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
DOCS = Path(__file__).parent.parent / "docs" / "rules"
RULES = sorted(all_rules(), key=lambda r: r.code)


def test_codes_are_unique() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    names = [r.name for r in RULES]
    assert len(names) == len(set(names)), "rule names must be unique too"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_doc_has_fixed_sections(rule) -> None:
    positions = [rule.doc.find(section) for section in DOC_SECTIONS]
    assert all(p >= 0 for p in positions), f"{rule.code}: doc needs sections {DOC_SECTIONS}"
    assert positions == sorted(positions), f"{rule.code}: sections out of order"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_fixture_exists(rule) -> None:
    assert (FIXTURES / f"{rule.code}.log").is_file(), f"missing real-output fixture for {rule.code}"
    assert (FIXTURES / f"{rule.code}.cmd").is_file(), f"{rule.code}: say how the fixture was captured"


def _snapshot(diag, rule) -> dict:
    finding = next((f for f in diag.findings if f.rule == rule.code), None)
    assert finding is not None
    return {
        "rule": finding.rule,
        "rank": diag.findings.index(finding),
        "category": finding.category,
        "title": finding.title,
        "file": finding.file,
        "line": finding.line,
        "evidence": [e.line for e in finding.evidence[:3]],
        "first_evidence": finding.evidence[0].text if finding.evidence else None,
    }


@pytest.mark.parametrize("rule", [r for r in RULES if not r.symptom], ids=lambda r: r.code)
def test_fixture_diagnosis_leads_with_rule(rule) -> None:
    log = FIXTURES / f"{rule.code}.log"
    if not log.is_file():
        pytest.fail(f"missing fixture {log.name}")
    diag = diagnose_path(str(log), max_findings=10)
    assert diag.findings, f"{rule.code}: no finding on its own fixture"
    assert diag.findings[0].rule == rule.code, (
        f"{rule.code}: fixture is led by {diag.findings[0].rule} ({diag.findings[0].title})"
    )
    snap = _snapshot(diag, rule)
    path = FIXTURES / f"{rule.code}.json"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(json.dumps(snap, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert path.is_file(), f"no snapshot {path.name}: run UPDATE_SNAPSHOTS=1 pytest {__file__}"
    assert json.loads(path.read_text(encoding="utf-8")) == snap


_GH_TS = re.compile(r"^\d{4}-\d\d-\d\dT[\d:.]+Z ")


@pytest.mark.parametrize("prefix", ["web:build: ", "apps/web build: "], ids=["turbo", "pnpm"])
@pytest.mark.parametrize("rule", [r for r in RULES if not r.symptom], ids=lambda r: r.code)
def test_fixture_still_leads_inside_a_monorepo_task_prefix(rule, prefix: str, tmp_path: Path) -> None:
    """Every line of the tool's output prefixed the way Turborepo / `pnpm -r` print a package's task."""
    out = []
    for line in (FIXTURES / f"{rule.code}.log").read_text(encoding="utf-8", errors="replace").split("\n"):
        ts = _GH_TS.match(line)
        head, body = (line[: ts.end()], line[ts.end():]) if ts else ("", line)
        out.append(line if not body or body.startswith("##[") else head + prefix + body)
    log = tmp_path / "prefixed.log"
    log.write_text("\n".join(out), encoding="utf-8")
    diag = diagnose_path(str(log), max_findings=10)
    assert diag.findings and diag.findings[0].rule == rule.code, [f.rule for f in diag.findings]


def _tool_output(rule) -> tuple[str, list[str]]:
    """The command and the tool's own lines of a fixture, without GitHub's chrome."""
    lines = [_GH_TS.sub("", ln) for ln in (FIXTURES / f"{rule.code}.log").read_text(encoding="utf-8", errors="replace").split("\n")]
    command = "make"
    ends = [i for i, ln in enumerate(lines) if ln.startswith("##[endgroup]")]
    if ends:
        command = next((ln[13:] for ln in reversed(lines[: ends[-1]]) if ln.startswith("##[group]Run ")), command)
        lines = lines[ends[-1] + 1 :]
    return command, [ln for ln in lines if not ln.startswith("##[error]Process completed")]


# The same tool output as other CI systems print it (their runners cannot run here: the chrome
# follows each system's documented raw-log layout).
_OTHER_CI = {
    "gitlab": lambda c, b: ["Running with gitlab-runner 17.0.0 (44feccdf)",
                            "\x1b[0Ksection_start:1700000000:step_script\r\x1b[0K\x1b[36;1mExecuting \"step_script\" stage\x1b[0;m",
                            f"\x1b[32;1m$ {c}\x1b[0;m", *b, "\x1b[0Ksection_end:1700000001:step_script\r\x1b[0K",
                            "\x1b[31;1mERROR: Job failed: exit code 1\x1b[0;m"],
    "jenkins": lambda c, b: [f"[2026-03-02T09:14:{i % 60:02d}.137Z] {ln}" for i, ln in enumerate(
        ["Started by user admin", "[Pipeline] stage", "[Pipeline] { (Build)", "[Pipeline] sh", f"+ {c}", *b,
         "[Pipeline] }", "[Pipeline] End of Pipeline", "ERROR: script returned exit code 1", "Finished: FAILURE"])],
    "azure": lambda c, b: ["##[section]Starting: Build", "Script contents:", c,
                           "========================== Starting Command Output ===========================",
                           "/usr/bin/bash --noprofile --norc /home/vsts/work/_temp/abc.sh", *b,
                           "##[error]Bash exited with code '1'.", "##[section]Finishing: Build"],
    "buildkite": lambda c, b: ["~~~ Running commands", f"$ {c}", *b, "🚨 Error: The command exited with status 1"],
}


@pytest.mark.parametrize("ci", sorted(_OTHER_CI))
@pytest.mark.parametrize("rule", [r for r in RULES if not r.symptom and r.code != "INF-CANCEL-001"], ids=lambda r: r.code)
def test_fixture_still_leads_under_other_ci_systems(rule, ci: str, tmp_path: Path) -> None:
    command, body = _tool_output(rule)
    log = tmp_path / f"{ci}.log"
    log.write_text("\n".join(_OTHER_CI[ci](command, body)) + "\n", encoding="utf-8")
    diag = diagnose_path(str(log), max_findings=10)
    assert diag.findings and diag.findings[0].rule == rule.code, [f.rule for f in diag.findings]


@pytest.mark.parametrize("rule", [r for r in RULES if r.symptom], ids=lambda r: r.code)
def test_symptom_rule_matches_its_fixture_but_never_leads(rule) -> None:
    log = FIXTURES / f"{rule.code}.log"
    if not log.is_file():
        pytest.fail(f"missing fixture {log.name}")
    (src,) = open_sources(str(log))
    sc = scan(src, matcher())
    assert any(h.rule.code == rule.code for h in sc.hits), f"{rule.code} does not match its fixture"
    diag = diagnose_path(str(log))
    if any(not h.rule.symptom for h in sc.hits):
        assert diag.findings and diag.findings[0].rule != rule.code


def test_rule_docs_are_fresh() -> None:
    pages = render_rule_docs()
    stale = [n for n, text in pages.items()
             if not (DOCS / n).is_file() or (DOCS / n).read_text(encoding="utf-8") != text]
    extra = sorted(p.name for p in DOCS.glob("*.md") if p.name not in pages) if DOCS.is_dir() else []
    assert not stale and not extra, (
        "docs/rules is stale: run `python -m devops_agent.commands.catalog docs/rules` "
        f"(stale: {stale[:5]}, extra: {extra[:5]})"
    )


@pytest.mark.parametrize("rule", [r for r in RULES if r.grep], ids=lambda r: r.code)
def test_grep_prefilter_admits_every_line_the_rule_matches(rule) -> None:
    """``Rule.grep`` narrows the big-log prefilter; it must never drop a line the rule matches.
    grep reads raw lines (timestamps, colour codes), so it is checked against the raw fixture."""
    import re

    from devops_agent.logs.clean import clean_line, message_of

    grep = re.compile(rule.grep)
    raw_lines = (FIXTURES / f"{rule.code}.log").read_bytes().decode("utf-8", "replace").split("\n")
    matched = 0
    for raw in raw_lines:
        text = clean_line(raw)
        if rule.pattern.search(text if rule.annotated else message_of(text)):
            matched += 1
            assert grep.search(raw), f"{rule.code}: grep prefilter misses {raw!r}"
    assert matched, f"{rule.code}: its fixture has no line the pattern matches"


def test_literal_gates_admit_every_line_their_rule_matches() -> None:
    """The matcher tries a rule only on lines holding its literal (or one of its alternatives'):
    over every fixture, no line a rule matches may be kept from it by its gate."""
    from devops_agent.logs.clean import clean_line, message_of
    from devops_agent.matcher import branch_literals, required_literal

    checked = 0
    for rule in RULES:
        single = rule.literal or required_literal(rule.pattern)
        gate = (single,) if single else branch_literals(rule.pattern)
        if not gate:
            continue
        for log in FIXTURES.glob("*.log"):
            for raw in log.read_text(encoding="utf-8", errors="replace").split("\n"):
                text = clean_line(raw)
                if rule.pattern.search(text if rule.annotated else message_of(text)):
                    checked += 1
                    assert any(lit in text for lit in gate), f"{rule.code}: gate {gate} misses {text!r}"
    assert checked > 100


def test_branch_literals() -> None:
    from devops_agent.matcher import branch_literals

    assert branch_literals(re.compile(r"^(?:foo\d+|bar baz|qux)")) == ("foo", "bar baz", "qux")
    assert branch_literals(re.compile(r"Connection refused|\bECONNRESET\b")) == ("Connection refused", "ECONNRESET")
    assert branch_literals(re.compile(r"foo|\d+")) is None  # a branch with no literal: no gate
    assert branch_literals(re.compile(r"(?:foo)?bar|baz", re.I)) is None


def test_grep_prefilters_pass_over_ordinary_chatter() -> None:
    """The big-log prefilter must stay selective: ordinary progress lines (with GitHub timestamps,
    whose digits once matched a bare '502') reach Python only through a real error word."""
    import re
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    from bench_diagnose import CHATTER

    from devops_agent.diagnose import matcher

    lines = [f"2026-02-17T08:41:{i % 60:02d}.{5020000 + i * 4291:07d}Z {text}" for i, text in enumerate(CHATTER * 30)]
    # chatter that mentions errors in passing ("test_error_handler_returns_json PASSED") must not pass
    # either: a bare "rror" gate once let one line in ten through (150 MB: 0.9 s -> 3.7 s)
    for pattern in matcher().prefilters:
        hits = [ln for ln in lines if re.search(pattern, ln)]
        assert not hits, f"prefilter {pattern!r} passes ordinary lines such as {hits[0]!r}"


def test_every_engine_finding_has_a_page() -> None:
    """Codes the engine emits without a rule (its fallbacks) are explained by `devops-agent rule CODE`."""
    import devops_agent.diagnose as engine
    from devops_agent.commands.catalog import ENGINE_FINDINGS, engine_page

    emitted = set(re.findall(r'rule="([A-Z]+-[A-Z]+-\d{3})"', Path(engine.__file__).read_text(encoding="utf-8")))
    assert emitted and emitted == set(ENGINE_FINDINGS)
    for code in emitted:
        page = engine_page(code)
        positions = [page.find(s) for s in DOC_SECTIONS]
        assert all(p >= 0 for p in positions) and positions == sorted(positions), code
