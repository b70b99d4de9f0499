"""Ruby: RSpec and Minitest failures, uncaught exceptions, syntax errors, RuboCop, Bundler.

Formats learned from the tools' own output (Ruby 3.1, RSpec 3.12, Minitest 5, RuboCop 1.39,
Bundler 2.3):

- RSpec numbers each failed example ``  1) Cart sums the prices``, then ``Failure/Error: <the
  line>``, the expectation (``expected: 15`` / ``got: 16.5``) or the exception, and the spec frame
  ``# ./spec/cart_spec.rb:8:in `block (2 levels) ...'``. A spec file that does not load is reported
  as ``An error occurred while loading ./spec/x_spec.rb.`` with the same layout.
- Minitest: ``  1) Failure:`` then ``CartTest#test_total [test/cart_test.rb:8]:`` and the message;
  ``  1) Error:`` then ``CartTest#test_total:`` and the exception.
- An uncaught exception: ``run.rb:3:in `<main>': undefined method `total' for nil:NilClass (NoMethodError)``.
- A syntax error: ``broken.rb:5: syntax error, unexpected end-of-input, expecting `end'``.
- RuboCop: ``lib/cart.rb:1:1: C: [Correctable] Style/Documentation: Missing ...``.
- Bundler: ``Could not find gem 'rake (~> 99.0)' in cached gems or installed locally.``
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.base import doc as _doc

_ECO = "ruby"

# `# ./spec/cart_spec.rb:8:in `block (2 levels) in <top (required)>'`
_SPEC_FRAME = re.compile(r"^\s*# (?P<file>\S+?\.rb):(?P<line>\d+)(?::in |$)")
_EXAMPLE = re.compile(r"^\s{1,6}(?P<n>\d+)\) (?P<desc>\S[^\n]{0,300})$")
_LOADING = rx(r"^\s*An error occurred while loading (?P<file>\S+?\.rb)\.")
_RSPEC_FAIL = rx(r"^\s{0,8}Failure/Error: (?P<code>\S[^\n]{0,400})$")


def _rspec_extract(m: re.Match[str], win: Window) -> Extract | None:
    header = None
    for n, text in win.before(4):
        if _LOADING.match(text):
            return None  # a spec file that did not load: RB-TEST-002
        e = _EXAMPLE.match(text)
        if e:
            header = (n, e["desc"])
            break
    if header is None:
        return None
    evidence: list[int] = [header[0]]
    message: list[str] = []
    file = line = None
    for n, text in win.after(40):
        if _EXAMPLE.match(text) or text.startswith(("Finished in ", "Failures:", "Failed examples:")):
            break
        frame = _SPEC_FRAME.match(text)
        if frame:
            file, line = frame["file"], int(frame["line"])
            evidence.append(n)
            break
        s = text.strip()
        if s and not s.startswith("(compared using") and len(message) < 3:
            message.append(s)
            evidence.insert(len(message), n)
    data = {"test": header[1], "message": " ".join(message)[:300] or m["code"]}
    return Extract(file=file, line=line, evidence=tuple(evidence), data=data)


_EXC_HEAD = re.compile(r"^\s*(?P<exc>[A-Z]\w*(?:::[A-Z]\w*)*):$")


def _load_extract(m: re.Match[str], win: Window) -> Extract | None:
    evidence: list[int] = []
    data: dict[str, object] = {"spec": m["file"]}
    file, line = m["file"], None
    after = list(win.after(20))
    for i, (n, text) in enumerate(after):
        if _EXAMPLE.match(text) or _LOADING.match(text) or text.startswith("Finished in "):
            break
        exc = _EXC_HEAD.match(text)
        if exc and "exc" not in data:
            data["exc"] = exc["exc"]
            evidence.append(n)
            if i + 1 < len(after) and after[i + 1][1].strip():
                evidence.append(after[i + 1][0])
                data["message"] = after[i + 1][1].strip()[:300]
        frame = _SPEC_FRAME.match(text)
        if frame:
            file, line = frame["file"], int(frame["line"])
            evidence.append(n)
            break
    data.setdefault("exc", "error")
    data.setdefault("message", "see the lines below")
    return Extract(file=file, line=line, evidence=tuple(evidence), data=data)


_MINITEST = rx(r"^\s{0,6}\d+\) (?P<kind>Failure|Error):$")
_MT_TEST = re.compile(r"^(?P<test>[\w:]+#\S+?)(?: \[(?P<file>[^\]\s]+?):(?P<line>\d+)\])?:$")
_MT_SUMMARY = re.compile(r"^\d+ runs, \d+ assertions")
_MT_FRAME = re.compile(r"^\s+(?P<file>[^\s:]+\.rb):(?P<line>\d+):in ")


def _minitest_extract(m: re.Match[str], win: Window) -> Extract | None:
    after = list(win.after(20))
    if not after:
        return None
    n0, first = after[0]
    t = _MT_TEST.match(first)
    if t is None:
        return None
    evidence: list[int] = []
    message: list[str] = []
    file, line = t["file"], int(t["line"]) if t["line"] else None
    collecting = True  # the message runs to the first blank line; Ruby's code excerpt follows
    for n, text in after[1:]:
        if _MINITEST.match(text) or _MT_SUMMARY.match(text):
            break
        frame = _MT_FRAME.match(text)
        if frame:
            if file is None:
                file, line = frame["file"], int(frame["line"])
                evidence.append(n)
            break
        if not text.strip():
            collecting = False
        elif collecting and len(message) < 3:
            message.append(text.strip())
            evidence.append(n)
    data = {"test": t["test"], "kind": m["kind"].lower(), "message": " ".join(message)[:300]}
    return Extract(file=file, line=line, primary=n0, evidence=tuple(evidence), data=data)


_EXCEPTION = rx(
    r"^(?P<file>[^\s:][^\s:]{0,300}?\.rb):(?P<line>\d+):in [`'](?P<where>[^'\n]{1,200})': "
    r"(?P<message>\S[^\n]{0,400}?) \((?P<exc>[A-Z]\w*(?:::[A-Z]\w*)*)\)\s*$"
)
_SYNTAX = rx(
    r"^(?P<file>[^\s:][^\s:]{0,300}?\.rb):(?P<line>\d+): (?:(?P<many>syntax errors? found)|syntax error, (?P<message>\S[^\n]{0,300}))"
)
_RUBOCOP = rx(
    r"^(?P<file>[^\s:][^\s:]{0,300}?(?:\.(?:rb|rake|gemspec|ru|builder|jbuilder)|Gemfile|Rakefile|Guardfile)):(?P<line>\d+):(?P<col>\d+): "
    r"(?P<sev>[CWEF]): (?:\[(?:Correctable|Corrected|Todo)\] )?(?P<cop>[A-Z]\w+/[A-Z]\w*): (?P<message>\S[^\n]{0,300})$"
)
_BUNDLER = rx(
    r"^Could not find gem '(?P<gem>[^'\n]{1,200})' in (?P<where>[^\n]{1,200}?)\.?$"
    r"|^Bundler could not find compatible versions for gem \"(?P<gem2>[^\"\n]{1,200})\""
    r"|^Could not find (?P<gem3>[\w.-]{1,100}-\d[\w.]{0,40}) in (?:any of the sources|locally installed gems)"
)
_LOAD_ERROR = rx(r"cannot load such file -- (?P<lib>[^\s()]{1,200})")


def _exception_extract(m: re.Match[str], win: Window) -> Extract | None:
    return Extract(file=m["file"], line=int(m["line"]), data={"exc": m["exc"], "message": m["message"]})


def _syntax_extract(m: re.Match[str], win: Window) -> Extract | None:
    message = m["message"] or "syntax errors found"
    return Extract(file=m["file"], line=int(m["line"]), data={"message": message})


def _rubocop_extract(m: re.Match[str], win: Window) -> Extract | None:
    data = {"cop": m["cop"], "message": m["message"], "severity": m["sev"]}
    return Extract(file=m["file"], line=int(m["line"]), data=data, confidence=0.7 if m["sev"] == "C" else None)


def _bundler_extract(m: re.Match[str], win: Window) -> Extract | None:
    return Extract(data={"gem": m["gem"] or m["gem2"] or m["gem3"]})


def _load_error_extract(m: re.Match[str], win: Window) -> Extract | None:
    return Extract(data={"lib": m["lib"].rstrip(".")})


RULES = [
    Rule(
        code="RB-TEST-001", name="rspec-example-failed", category="test", severity="high",
        pattern=_RSPEC_FAIL, literal="Failure/Error: ", extract=_rspec_extract, priority=82, confidence=0.85,
        ecosystem=_ECO,
        title="RSpec example failed: {test}",
        root_cause="The example '{test}' failed: {message}",
        suggestion="Run `rspec {file}:{line}` locally; fix the code under test (or the expectation, if the "
        "behaviour changed on purpose).",
        doc=_doc(
            "An RSpec example failed: `1) Cart sums the prices`, `Failure/Error: expect(cart.total).to eq(15)`, "
            "the expectation's `expected:`/`got:` (or the exception raised) and the spec line.",
            "The code under test no longer does what the example expects, or the example's setup is wrong.",
            "  1) Cart sums the prices\n     Failure/Error: expect(cart.total).to eq(15)\n\n       expected: 15\n"
            "            got: 16.5",
            "Reproduce with `rspec path/to_spec.rb:LINE`, then fix the code or update the expectation.",
        ),
    ),
    Rule(
        code="RB-TEST-002", name="rspec-file-did-not-load", category="test", severity="high",
        pattern=_LOADING, literal="An error occurred while loading", extract=_load_extract, priority=82,
        confidence=0.8, ecosystem=_ECO,
        title="RSpec could not load {spec}: {exc}",
        root_cause="Loading the spec file {spec} raised {exc}: {message}. None of its examples ran.",
        suggestion="Run `ruby -c {spec}` and `rspec {spec}` locally; fix the require, the missing gem or the "
        "error raised at load time.",
        doc=_doc(
            "RSpec raised an error while loading a spec file, before any of its examples ran: `An error "
            "occurred while loading ./spec/format_spec.rb.` followed by the exception and the spec line.",
            "The file requires something that is not installed or not on the load path, has a syntax "
            "error, or raises at the top level.",
            "An error occurred while loading ./spec/format_spec.rb.\n\nFailure/Error: require \"money_formatter\"\n\n"
            "LoadError:\n  cannot load such file -- money_formatter",
            "Fix the require (add the gem to the Gemfile, fix the path) or the code that raises at load time.",
        ),
    ),
    Rule(
        code="RB-TEST-003", name="minitest-failure", category="test", severity="high",
        pattern=_MINITEST, extract=_minitest_extract, priority=80, confidence=0.85, ecosystem=_ECO,
        grep="[0-9]+\\) (Failure|Error):",
        title="Minitest {kind}: {test}",
        root_cause="The test {test} ended in a {kind}: {message}",
        suggestion="Run the test alone (`ruby -Itest {file} -n {test}`) and fix the code under test or the assertion.",
        doc=_doc(
            "A Minitest test failed (`1) Failure:`, an assertion) or raised (`1) Error:`): the test's name, "
            "its file and line, and the message.",
            "The code under test returns something else than the assertion expects, or raises.",
            "  1) Failure:\nCartTest#test_total [test/cart_test.rb:8]:\nExpected: 15\n  Actual: 11.0",
            "Reproduce the single test, then fix the code or the assertion.",
        ),
    ),
    Rule(
        code="RB-RUN-001", name="ruby-uncaught-exception", category="runtime", severity="high",
        pattern=_EXCEPTION, literal=":in ", extract=_exception_extract, priority=70, confidence=0.75,
        ecosystem=_ECO,
        title="{exc}: {message}",
        root_cause="Ruby raised {exc} at {file}:{line}: {message}",
        suggestion="Look at {file}:{line}: guard the nil, fix the method name or the argument the message names.",
        doc=_doc(
            "A Ruby program stopped on an uncaught exception: `run.rb:3:in `<main>': undefined method `total' "
            "for nil:NilClass (NoMethodError)`.",
            "A value was nil or of another type than the code assumed, a method or constant was renamed, or "
            "an error was raised on purpose and not rescued.",
            "run.rb:3:in `<main>': undefined method `total' for nil:NilClass (NoMethodError)",
            "Fix the code at the reported line (or the caller that passed the wrong value).",
        ),
    ),
    Rule(
        code="RB-SYN-001", name="ruby-syntax-error", category="compilation", severity="high",
        pattern=_SYNTAX, literal="syntax error", extract=_syntax_extract, priority=88, confidence=0.9,
        ecosystem=_ECO,
        title="Ruby syntax error in {file}:{line}",
        root_cause="Ruby could not parse {file}: {message}",
        suggestion="Run `ruby -c {file}`; balance the `end`s, brackets and quotes around line {line}.",
        doc=_doc(
            "Ruby could not parse a file: `broken.rb:5: syntax error, unexpected end-of-input, expecting `end'`.",
            "A missing or extra `end`, an unclosed bracket, string or block, or syntax of a newer Ruby.",
            "broken.rb:5: syntax error, unexpected end-of-input, expecting `end'",
            "Check the file with `ruby -c` and fix the construct the message names.",
        ),
    ),
    Rule(
        code="RB-LINT-001", name="rubocop-offense", category="lint", severity="medium",
        pattern=_RUBOCOP, extract=_rubocop_extract, priority=76, confidence=0.85, ecosystem=_ECO,
        grep="\\.(rb|rake|gemspec|ru|builder|jbuilder)(:[0-9]+){2}: [CWEF]: |(Gemfile|Rakefile|Guardfile)(:[0-9]+){2}: [CWEF]: ",
        title="RuboCop {cop}: {message}",
        root_cause="RuboCop reported {cop} in {file}: {message}",
        suggestion="Run `rubocop -a {file}` for the safe autocorrections (`-A` for all), fix the rest by hand.",
        doc=_doc(
            "RuboCop reported offenses: `lib/cart.rb:1:1: C: [Correctable] Style/FrozenStringLiteralComment: "
            "Missing frozen string literal comment.` (C convention, W warning, E error, F fatal).",
            "The change breaks a cop the project enables in `.rubocop.yml`.",
            "lib/cart.rb:1:1: C: Style/Documentation: Missing top-level documentation comment for class Cart.",
            "Run `rubocop -a` (or `-A`) locally, review, and commit; disable a cop only in `.rubocop.yml`.",
        ),
    ),
    Rule(
        code="RB-DEP-001", name="bundler-gem-not-found", category="dependency", severity="high",
        pattern=_BUNDLER, extract=_bundler_extract, priority=84, confidence=0.85, ecosystem=_ECO,
        grep="Could not find gem '|Bundler could not find compatible versions|Could not find [A-Za-z0-9_.-]+-[0-9][A-Za-z0-9_.]* in ",
        title="Bundler could not find gem {gem}",
        root_cause="Bundler could not install or resolve {gem}: no source has a version that satisfies the Gemfile.",
        suggestion="Check the version constraint of {gem} in the Gemfile (and Gemfile.lock), then run "
        "`bundle install` or `bundle update {gem}` locally and commit the lockfile.",
        doc=_doc(
            "Bundler could not find a gem version: `Could not find gem 'rake (~> 99.0)' in cached gems or "
            "installed locally.`, `Bundler could not find compatible versions for gem \"rack\"`.",
            "The Gemfile asks for a version that does not exist or conflicts with another gem's requirement, "
            "or the lockfile names a gem that was yanked.",
            "Could not find gem 'rake (~> 99.0)' in cached gems or installed locally.",
            "Fix the constraint, run `bundle update GEM` locally and commit Gemfile.lock.",
        ),
    ),
    Rule(
        code="RB-DEP-002", name="ruby-cannot-load-file", category="dependency", severity="high",
        pattern=_LOAD_ERROR, literal="cannot load such file -- ", extract=_load_error_extract, priority=86,
        confidence=0.85, ecosystem=_ECO,
        title="Ruby cannot load '{lib}'",
        root_cause="`require '{lib}'` failed: the gem that provides it is not in the bundle, or the path is wrong.",
        suggestion="Add the gem that provides '{lib}' to the Gemfile (and run `bundle install`), or fix the "
        "require path (`require_relative` for project files).",
        doc=_doc(
            "A `require` failed with LoadError: `cannot load such file -- money_formatter`.",
            "The gem is not in the Gemfile (or its group is not installed in CI), or the file path is wrong.",
            "LoadError:\n  cannot load such file -- money_formatter",
            "Add the gem to the Gemfile or fix the require path.",
        ),
    ),
]
