"""PHP: PHPUnit failures and errors, fatal and parse errors, Composer's resolver.

Formats learned from the tools' own output (PHP 8.2, PHPUnit 9.6, Composer 2.5):

- PHPUnit lists ``There was 1 failure:`` / ``There were 2 errors:``, then per test ``1) CartTest::testTotal``,
  the message (``Failed asserting that 16.5 is identical to 15.0.``, ``Error: Call to undefined method
  ...``) and the test file's line ``/src/tests/CartTest.php:15``; it ends with ``FAILURES!`` / ``ERRORS!``.
- ``PHP Fatal error:  Uncaught Error: Call to undefined method Shop\\Cart::totl() in /src/run.php:4``
  (without ``PHP `` when display_errors writes to stdout).
- ``PHP Parse error:  syntax error, unexpected token "}", expecting ";" in bad.php on line 4``.
- Composer: ``Your requirements could not be resolved to an installable set of packages.`` followed by
  ``  Problem 1`` and its ``    - ...`` lines.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.base import doc as _doc

_ECO = "php"

_PHPUNIT = rx(r"^(?P<n>\d+)\) (?P<test>[A-Za-z_\\][\w\\]{0,300}::\w{1,200})(?: with data set [^\n]{1,200})?$")
_PU_HEADER = re.compile(r"^There (?:was|were) \d+ (?P<kind>failure|error|warning|risky test|incomplete test|skipped test)s?:$")
_PU_LOCATION = re.compile(r"^(?P<file>\S{1,400}?\.php):(?P<line>\d+)$")


def _phpunit_extract(m: re.Match[str], win: Window) -> Extract | None:
    kind = None
    for _, text in win.before(400):
        h = _PU_HEADER.match(text)
        if h:
            kind = h["kind"]
            break
        if text.startswith(("FAILURES!", "ERRORS!", "OK (")):
            break
    if kind not in ("failure", "error"):
        return None  # warnings, risky and skipped tests do not fail the run by default
    message: list[int] = []
    file = line = None
    location = None
    for n, text in win.after(60):
        if _PHPUNIT.match(text) or text == "--" or text.startswith(("FAILURES!", "ERRORS!")):
            break
        loc = _PU_LOCATION.match(text)
        if loc:
            file, line, location = loc["file"], int(loc["line"]), n
            break
        if text.strip() and len(message) < 4:
            message.append(n)
    if not message:
        return None
    lead = message[0]
    text = (win.text(lead) or "").strip()
    evidence = [*message[1:3], *([location] if location else [])]
    data = {"test": m["test"], "kind": kind, "message": text[:300]}
    return Extract(file=file, line=line, primary=lead, evidence=(win.lineno, *evidence), data=data)


_FATAL = rx(
    r"^(?:PHP )?Fatal error: +(?:Uncaught (?P<exc>[A-Za-z_\\][\w\\]{0,200}): )?(?P<message>\S[^\n]{0,400}?)"
    r" in (?P<file>\S{1,400}?\.php)(?::(?P<line>\d+)| on line (?P<line2>\d+))\b"
)
_PARSE = rx(r"^(?:PHP )?Parse error: +(?P<message>\S[^\n]{0,400}?) in (?P<file>\S{1,400}?\.php) on line (?P<line>\d+)")
_COMPOSER = rx(
    r"^(?P<what>Your requirements could not be resolved to an installable set of packages|"
    r"Your lock file does not contain a compatible set of packages)\."
)
_PROBLEM = re.compile(r"^\s+- (?P<detail>\S[^\n]{0,400})$")


def _fatal_extract(m: re.Match[str], win: Window) -> Extract | None:
    data = {"exc": m["exc"] or "Fatal error", "message": m["message"]}
    return Extract(file=m["file"], line=int(m["line"] or m["line2"]), data=data)


def _parse_extract(m: re.Match[str], win: Window) -> Extract | None:
    return Extract(file=m["file"], line=int(m["line"]), data={"message": m["message"]})


def _composer_extract(m: re.Match[str], win: Window) -> Extract | None:
    details: list[tuple[int, str]] = []
    for n, text in win.after(40):
        d = _PROBLEM.match(text)
        if d:
            details.append((n, d["detail"]))
        elif details and not text.strip():
            break
    if not details:
        return Extract(data={"detail": "see Composer's problems below"})
    # Composer's last line of a problem says why it cannot be installed ("your php version ...").
    return Extract(evidence=tuple(n for n, _ in details[-2:][::-1]), data={"detail": details[-1][1]})


RULES = [
    Rule(
        code="PHP-TEST-001", name="phpunit-test-failed", category="test", severity="high",
        pattern=_PHPUNIT, literal="::", grep="[0-9]+\\) [A-Za-z_][^ :]*::[A-Za-z0-9_]+", extract=_phpunit_extract, priority=80, confidence=0.85, ecosystem=_ECO,
        title="PHPUnit {kind} in {test}",
        root_cause="The test {test} ended in a {kind}: {message}",
        suggestion="Run `phpunit --filter '{test}'` locally and fix the code under test (or the assertion).",
        doc=_doc(
            "A PHPUnit test failed or raised: under `There was 1 failure:` (or `error:`), the test "
            "`1) CartTest::testTotal`, its message (`Failed asserting that 16.5 is identical to 15.0.`) and the "
            "test file's line.",
            "The code under test no longer returns what the assertion expects, or it raises an error (a "
            "renamed method, a type error).",
            "There was 1 failure:\n\n1) CartTest::testTotal\nFailed asserting that 16.5 is identical to 15.0.\n\n"
            "/tmp/cap/php/tests/CartTest.php:15",
            "Reproduce with `phpunit --filter`, then fix the code or the assertion.",
        ),
    ),
    Rule(
        code="PHP-RUN-001", name="php-fatal-error", category="runtime", severity="high",
        pattern=_FATAL, literal="Fatal error:", extract=_fatal_extract, priority=74, confidence=0.8, ecosystem=_ECO,
        title="PHP fatal error: {message}",
        root_cause="PHP stopped with {exc} at {file}:{line}: {message}",
        suggestion="Fix the code at {file}:{line} (the method, class or function it names must exist with "
        "that signature), or the value that reached it.",
        doc=_doc(
            "PHP stopped on a fatal error: `PHP Fatal error:  Uncaught Error: Call to undefined method "
            "Shop\\Cart::totl() in /src/run.php:4`.",
            "An uncaught exception or error: a misspelt or removed method, a missing class (autoloading), a "
            "TypeError from a changed signature, memory exhausted.",
            "PHP Fatal error:  Uncaught Error: Call to undefined method Shop\\Cart::totl() in /tmp/cap/php/run.php:4",
            "Fix the call or the definition it names; run `composer dump-autoload` when a class is not found.",
        ),
    ),
    Rule(
        code="PHP-SYN-001", name="php-parse-error", category="compilation", severity="high",
        pattern=_PARSE, literal="Parse error:", extract=_parse_extract, priority=88, confidence=0.9, ecosystem=_ECO,
        title="PHP parse error in {file}:{line}",
        root_cause="PHP could not parse {file}: {message}",
        suggestion="Run `php -l {file}` and fix the syntax near line {line}.",
        doc=_doc(
            "PHP could not parse a file: `PHP Parse error:  syntax error, unexpected token \"}\", expecting "
            "\";\" in bad.php on line 4`.",
            "A missing semicolon, bracket or quote, or syntax of a newer PHP than the one in CI.",
            "PHP Parse error:  syntax error, unexpected token \"}\", expecting \";\" in bad.php on line 4",
            "Check with `php -l` and fix the construct; match the PHP version in CI to the code.",
        ),
    ),
    Rule(
        code="PHP-DEP-001", name="composer-unresolvable", category="dependency", severity="high",
        pattern=_COMPOSER, literal="Your ", extract=_composer_extract, priority=84, confidence=0.85, ecosystem=_ECO,
        grep="Your (requirements could not be resolved|lock file does not contain a compatible)",
        title="Composer could not resolve the dependencies",
        root_cause="Composer found no set of package versions that satisfies composer.json: {detail}",
        suggestion="Read Composer's problem lines: relax the constraint, update the package that pins the "
        "conflict (`composer update vendor/pkg --with-dependencies`), or use the PHP version it needs.",
        doc=_doc(
            "Composer's resolver failed: `Your requirements could not be resolved to an installable set of "
            "packages.`, then numbered problems, each a chain of `- ...` lines ending in the reason.",
            "Two packages need incompatible versions of a third, a package needs a newer PHP or extension "
            "than CI has, or the lock file is out of date with composer.json.",
            "Your requirements could not be resolved to an installable set of packages.\n\n  Problem 1\n"
            "    - Root composer.json requires acme/money ^1.2 -> satisfiable by acme/money[1.2.0].\n"
            "    - acme/money 1.2.0 requires php >=8.4 -> your php version (8.2.32) does not satisfy that requirement.",
            "Change the constraint or the PHP version as the last problem line says; commit composer.lock.",
        ),
    ),
]
