"""Configuration signatures: missing environment variables/secrets and unparseable config files.

Formats learned from the tools: Python's ``KeyError: 'NAME'`` raised by ``os.environ[...]`` (the
traceback shows the reading line), tools that say ``environment variable NAME is not set``,
GitHub actions' ``Input required and not supplied: NAME``, PyYAML's ``in "file", line N, column M``
marks, tomllib/tomli's ``(at line N, column M)``, Python's ``JSONDecodeError ... line N column M``,
Node's ``Unexpected token ... in JSON``, and GitHub's ``Invalid workflow file`` annotation.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.base import doc as _doc

_ECO = "configuration"




_ENV = rx(
    r"^(?:E\s+)?KeyError: '(?P<name>[A-Z][A-Z0-9_]{2,})'\s*$"
    r"|(?:environment variable|env var(?:iable)?|secret) [`'\"]?(?P<name2>[A-Z][A-Z0-9_]{2,})[`'\"]? (?:is )?(?:not set|missing|required|undefined|empty)"
    r"|(?:missing|required) (?:environment variable|env var|secret)s?:? [`'\"]?(?P<name3>[A-Z][A-Z0-9_]{2,})"
    r"|Input required and not supplied: (?P<name4>[\w-]+)"
)
_FRAME_PY = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)|^(?P<file2>[^\s:]+\.py):(?P<line2>\d+): in ')


def _env(m: re.Match[str], win: Window) -> Extract | None:
    name = m["name"] or m["name2"] or m["name3"] or m["name4"]
    if m["name"]:
        # A bare KeyError is about the environment only when the traceback shows the read.
        reader = None
        for n, text in win.before(40):
            if reader is None and re.search(r"environ\s*\[|getenv|environ\.get|\benv\[", text):
                reader = n
                continue
            if reader is not None:
                f = _FRAME_PY.match(text)
                if f and "<frozen" not in text:
                    return Extract(file=f["file"] or f["file2"], line=int(f["line"] or f["line2"]),
                                   evidence=(reader,), data={"name": name})
        if reader is None:
            return None
        return Extract(evidence=(reader,), data={"name": name})
    return Extract(data={"name": name})


_YAML = rx(
    r"yaml\.(?:scanner\.ScannerError|parser\.ParserError|composer\.ComposerError|constructor\.ConstructorError)"
    r"|^(?:mapping values are not allowed here|could not find expected ':'|found character that cannot start any token"
    r"|while (?:parsing|scanning) a (?:block mapping|block collection|flow sequence|quoted scalar|simple key))"
    r"|YAMLException: |yaml: line \d+: "
)
_YAML_MARK = re.compile(r'in "(?P<file>[^"<]+)", line (?P<line>\d+), column \d+|^\s*(?P<file2>\S+\.ya?ml):(?P<line2>\d+):\d+:')
_TOML = rx(r"\bTOMLDecodeError: (?P<message>[^\n]{1,300})|TOML parse error at line (?P<line>\d+)|Invalid TOML")
_JSON = rx(
    r"JSONDecodeError: (?P<message>[^\n]{1,300})|Unexpected (?:token|end of JSON input)[^\n]{0,80}JSON|in JSON at position \d+"
    r"|^parse error: [^\n]{1,200} at line \d+, column \d+"
)


def _parse_location(pattern: re.Pattern[str]):  # type: ignore[no-untyped-def]
    def extract(m: re.Match[str], win: Window) -> Extract | None:
        for n, text in [*win.after(6), *win.before(6)]:
            loc = pattern.search(text)
            if loc:
                file = loc.groupdict().get("file") or loc.groupdict().get("file2")
                line = loc.groupdict().get("line") or loc.groupdict().get("line2")
                return Extract(file=file, line=int(line) if line else None, evidence=(n,))
        return Extract()
    return extract


_TOML_LOC = re.compile(r"\(at line (?P<line>\d+), column \d+\)|-->\s*(?P<file>[^\s:]+\.toml):(?P<line2>\d+)")
_JSON_LOC = re.compile(r"line (?P<line>\d+) column \d+ \(char \d+\)|at line (?P<line2>\d+), column \d+")


def _with_file(kind: str, loc: re.Pattern[str]):  # type: ignore[no-untyped-def]
    """The file is named near the error (a traceback frame's open(), the tool's argument)."""
    file_re = re.compile(rf"(?P<file>[\w./-]+\.{kind})\b")

    def extract(m: re.Match[str], win: Window) -> Extract | None:
        line = None
        text = win.text(win.lineno) or ""
        found = loc.search(text)
        if found:
            line = int(found.groupdict().get("line") or found.groupdict().get("line2") or 0) or None
        file = None
        for _, t in [(win.lineno, text), *win.before(12)]:
            f = file_re.search(t)
            if f and "site-packages" not in t and "/lib/python" not in t:
                file = f["file"]
                break
        return Extract(file=file, line=line if file else None)
    return extract


RULES = [
    Rule(
        code="CFG-ENV-001", name="missing-environment-variable", category="configuration", severity="high",
        pattern=_ENV, extract=_env, priority=88, confidence=0.85, ecosystem=_ECO,
        grep="KeyError: '|environment variable|env var|secret|not supplied",
        title="Environment variable {name} is not set",
        root_cause="The code reads the environment variable {name}, which this CI job does not provide.",
        suggestion="Define {name} for the job (a CI/CD variable or secret, masked), or read it with a safe default where a default is acceptable.",
        doc=_doc(
            "A required environment variable or secret is missing: Python raises `KeyError: 'NAME'` from "
            "`os.environ['NAME']`, a tool says `environment variable NAME is not set`, an action says "
            "`Input required and not supplied: token`.",
            "The job's environment differs from the developer's: the variable is set locally but not in the CI "
            "configuration, a secret is not available to this branch or fork, or its name is misspelled.",
            "src/paygate/settings.py:7: in <module>\n    STRIPE_API_KEY = os.environ[\"STRIPE_API_KEY\"]\nE   KeyError: 'STRIPE_API_KEY'",
            "Add the variable to the CI configuration (as a masked secret when it is one). Not fixable by a code "
            "patch without a human decision about the secret.",
        ),
    ),
    Rule(
        code="CFG-YAML-001", name="invalid-yaml", category="configuration", severity="high",
        pattern=_YAML, extract=_parse_location(_YAML_MARK), priority=84, confidence=0.85, ecosystem=_ECO,
        grep="yaml|mapping values are not allowed|could not find expected|cannot start any token|while (parsing|scanning)",
        title="A YAML file does not parse",
        root_cause="A YAML file has a syntax error (indentation, an unquoted colon, a tab), so the tool reading it stops.",
        suggestion="Fix the YAML at the reported line (check indentation and quote values that contain ': ').",
        doc=_doc(
            "A YAML parser rejected a file: `yaml.scanner.ScannerError`, `mapping values are not allowed here`, "
            "`could not find expected ':'`, with the file, line and column it stopped at.",
            "YAML is indentation-sensitive; a stray tab, a missing space after `:` or an unquoted `: ` in a value breaks it.",
            "yaml.scanner.ScannerError: mapping values are not allowed here\n  in \"config/app.yml\", line 3, column 9",
            "Correct the reported line; validate locally with `python -c 'import yaml,sys; yaml.safe_load(open(sys.argv[1]))' FILE` or yamllint.",
        ),
    ),
    Rule(
        code="CFG-TOML-001", name="invalid-toml", category="configuration", severity="high",
        pattern=_TOML, extract=_with_file("toml", _TOML_LOC), priority=84, confidence=0.85, ecosystem=_ECO,
        grep="TOMLDecodeError|TOML parse error|Invalid TOML",
        title="A TOML file does not parse",
        root_cause="A TOML file (pyproject.toml, Cargo.toml, a config) has a syntax error.",
        suggestion="Fix the TOML at the reported line and column.",
        doc=_doc(
            "A TOML parser rejected a file: `tomllib.TOMLDecodeError: ... (at line N, column M)`, "
            "`TOML parse error at line N, column M`.",
            "A missing `=`, an unclosed string or bracket, or a duplicated key.",
            "tomllib.TOMLDecodeError: Expected '=' after a key in a key/value pair (at line 3, column 7)",
            "Correct the reported line; validate with `python -c 'import tomllib,sys; tomllib.load(open(sys.argv[1],\"rb\"))' FILE`.",
        ),
    ),
    Rule(
        code="CFG-JSON-001", name="invalid-json", category="configuration", severity="high",
        pattern=_JSON, extract=_with_file("json", _JSON_LOC), priority=82, confidence=0.8, ecosystem=_ECO,
        grep="JSONDecodeError|JSON|parse error: ",
        title="A JSON file does not parse",
        root_cause="A JSON file has a syntax error (a trailing comma, a comment, an unquoted key).",
        suggestion="Fix the JSON at the reported line and column.",
        doc=_doc(
            "A JSON parser rejected its input: `json.decoder.JSONDecodeError: Expecting ',' delimiter: line N column M`, "
            "`SyntaxError: Unexpected token } in JSON`, jq's `parse error: ... at line N, column M`.",
            "JSON allows no trailing commas and no comments; a hand-edited file or a truncated download breaks it.",
            "json.decoder.JSONDecodeError: Expecting ',' delimiter: line 3 column 5 (char 27)",
            "Correct the reported spot; validate with `python -m json.tool FILE`.",
        ),
    ),
]
