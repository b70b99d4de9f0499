"""Secret redaction for every line we print, store or send.

Formats were learned from public rule sets (read, not copied): gitleaks' ``config/gitleaks.toml``
(MIT) and Yelp detect-secrets' ``detect_secrets/plugins`` (Apache-2.0), plus the vendors' own
token-format documentation (GitHub, GitLab, Stripe, Slack, npm, PyPI, Hugging Face ...).
From detect-secrets we also took the ideas of a keyword detector that skips indirect references
(``$VAR``, ``os.environ[...]``, function calls) and of an entropy floor (its hex limit is 3.0 bits);
from gitleaks the idea of cheap keyword gates before each regex.

Design: a literal prefilter (one combined regex of markers) rejects ordinary lines in a few µs;
only rules whose markers occur in the line run.  Each rule keeps public prefixes and names and
replaces the secret part with ``[REDACTED]``.  GitHub's own mask ``***`` is left as is.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

MASK = "[REDACTED]"
_NOT_DONE = r"(?!\[REDACTED)"


@dataclass(frozen=True)
class SecretRule:
    """One secret format: a name, lowercase literal markers that gate it, and a regex whose
    ``secret`` group is replaced by the mask (everything else in the match is kept)."""

    name: str
    markers: tuple[str, ...]
    pattern: str
    flags: int = 0
    min_entropy: float = 0.0

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)


def _tok(prefix: str, body: str, name: str, marker: str | None = None) -> SecretRule:
    """A prefixed token: keep the public prefix, mask the body."""
    lit = (marker or prefix).lower()
    return SecretRule(name, (lit,), rf"(?<![A-Za-z0-9_])(?:{re.escape(prefix)})(?P<secret>{body})")


_B62 = "[A-Za-z0-9]"
_SECRET_NAMES = (
    r"passw(?:or)?d|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key"
    r"|client[_-]?secret|credentials?|auth[_-]?key|signing[_-]?key|account[_-]?key|sas[_-]?token"
)
_PLACEHOLDER = re.compile(
    r"^(?:\*+|\[REDACTED.*|\$\{?\w+\}?|\$\{\{.*|<[^>]*>|%\w+%|true|false|none|null|nil|required"
    r"|optional|string|redacted|changeme|xxx+|\.\.\.|\{\{.*|[A-Z][A-Z0-9]*_[A-Z0-9_]+)$",
    re.IGNORECASE,
)

# Access-key ids (AKIA), STS (ASIA) and the other IAM unique-id prefixes gitleaks also lists.
_AWS_ID_PREFIXES = ("akia", "asia", "abia", "acca", "agpa", "aida", "aroa", "aipa", "anpa", "anva")

RULES: tuple[SecretRule, ...] = (
    # --- PEM / SSH -----------------------------------------------------------------------------
    SecretRule(
        "pem-private-key",
        ("private key",),
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?P<secret>.*?)(?=-----END|$)",
    ),
    SecretRule(
        "gcp-service-account-private-key",
        ("private_key",),
        r"\"private_key\"\s*:\s*\"(?P<secret>" + _NOT_DONE + r"[^\"]+)\"",
    ),
    # --- cloud providers -----------------------------------------------------------------------
    SecretRule("aws-access-key-id", _AWS_ID_PREFIXES,
               r"(?<![A-Z0-9])(?:" + "|".join(p.upper() for p in _AWS_ID_PREFIXES)
               + r")(?P<secret>[A-Z2-7]{16})(?![A-Z0-9])"),
    SecretRule(
        "aws-secret-access-key",
        ("aws", "secret_access"),
        r"(?i)(?:aws|secret_?access)[\w.-]*[\"']?\s*(?:=>|[:=])\s*[\"']?(?P<secret>"
        r"[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])",
    ),
    _tok("AIza", r"[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])", "gcp-api-key"),
    SecretRule("azure-storage-account-key", ("accountkey=",),
               r"(?i)AccountKey=(?P<secret>" + _NOT_DONE + r"[A-Za-z0-9+/]{20,}={0,2})"),
    SecretRule("azure-sas-signature", ("sig=",),
               r"[?&]sig=(?P<secret>[A-Za-z0-9%+/]{30,}={0,2})"),
    SecretRule("azure-client-secret", ("azure", "client_secret", "client-secret"),
               r"(?i)(?:azure|arm)_?client_?secret[\"']?\s*[:=]\s*[\"']?(?P<secret>"
               + _NOT_DONE + r"[A-Za-z0-9_~.\-]{30,})"),
    # --- source hosting, package registries ------------------------------------------------------
    *(_tok(p, _B62 + "{36}", "github-" + n) for p, n in (
        ("ghp_", "pat"), ("gho_", "oauth"), ("ghu_", "user-to-server"),
        ("ghs_", "server-to-server"), ("ghr_", "refresh"))),
    _tok("github_pat_", r"[A-Za-z0-9_]{70,}", "github-fine-grained-pat"),
    _tok("glpat-", r"[A-Za-z0-9_-]{20,}", "gitlab-pat"),
    _tok("gldt-", r"[A-Za-z0-9_-]{20,}", "gitlab-deploy-token"),
    _tok("glrt-", r"[A-Za-z0-9_-]{20,}", "gitlab-runner-token"),
    _tok("glcbt-", r"[A-Za-z0-9_-]{20,}", "gitlab-ci-job-token"),
    _tok("glptt-", r"[A-Za-z0-9_-]{20,}", "gitlab-pipeline-trigger-token"),
    _tok("npm_", _B62 + "{36}", "npm-token"),
    _tok("pypi-AgEIcHlwaS5vcmc", r"[A-Za-z0-9_-]{50,}", "pypi-token", "pypi-ageichlwas5vcmc"),
    _tok("dckr_pat_", r"[A-Za-z0-9_-]{27,}", "dockerhub-pat"),
    # --- chat, payments, mail -------------------------------------------------------------------
    SecretRule("slack-token", ("xox",),
               r"(?<![A-Za-z0-9])(?:xox[baprs]-)(?P<secret>[A-Za-z0-9-]{10,})"),
    SecretRule("slack-webhook", ("hooks.slack.com",),
               r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<secret>[A-Za-z0-9+/]{20,})"),
    *(_tok(p, _B62 + "{20,}", n) for p, n in (
        ("sk_live_", "stripe-secret-key"), ("rk_live_", "stripe-restricted-key"),
        ("sk_test_", "stripe-test-key"), ("rk_test_", "stripe-restricted-test-key"))),
    _tok("whsec_", r"[A-Za-z0-9+/]{24,}", "stripe-webhook-secret"),
    SecretRule("twilio-account-sid", ("twilio", "account_sid", "accountsid"),
               r"(?i)(?:twilio|account_?sid)[\w.\s\"':=-]{0,20}?\bAC(?P<secret>[0-9a-f]{32})\b"),
    SecretRule("twilio-api-key", ("twilio",),
               r"(?i)twilio[\w.\s\"':=-]{0,25}?\bSK(?P<secret>[0-9a-f]{32})\b"),
    SecretRule("sendgrid-api-key", ("sg.",),
               r"\bSG\.(?P<secret>[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})"),
    _tok("key-", r"[0-9a-z]{32}(?![0-9a-z])", "mailgun-api-key"),
    SecretRule("mailchimp-api-key", ("-us",),
               r"(?<![0-9a-f])(?P<secret>[0-9a-f]{32})-us[0-9]{1,2}\b"),
    *(_tok(p, "[a-fA-F0-9]{32}", n) for p, n in (
        ("shpat_", "shopify-access-token"), ("shpss_", "shopify-shared-secret"),
        ("shpca_", "shopify-custom-app-token"), ("shppa_", "shopify-private-app-token"))),
    _tok("sq0atp-", r"[A-Za-z0-9_-]{22,}", "square-access-token"),
    _tok("sq0csp-", r"[A-Za-z0-9_-]{40,}", "square-oauth-secret"),
    SecretRule("paypal-braintree-access-token", ("access_token$",),
               r"access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$(?P<secret>[0-9a-f]{32})"),
    # --- platforms --------------------------------------------------------------------------------
    SecretRule("heroku-api-key", ("heroku",),
               r"(?i)heroku[\w.\s\"':=-]{0,25}?(?P<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
               r"[0-9a-f]{4}-[0-9a-f]{12})"),
    _tok("dop_v1_", "[a-f0-9]{64}", "digitalocean-pat"),
    _tok("doo_v1_", "[a-f0-9]{64}", "digitalocean-oauth-token"),
    SecretRule("datadog-api-key", ("datadog", "dd_api_key", "dd_app_key", "dd-api-key"),
               r"(?i)(?:datadog|dd)[\w.-]*?(?:api|app)[_-]?key[\"']?\s*[:=]\s*[\"']?"
               r"(?P<secret>[0-9a-f]{32,40})\b"),
    _tok("NRAK-", "[A-Z0-9]{27}", "newrelic-user-key", "nrak-"),
    SecretRule("sentry-dsn", ("sentry", "ingest"),
               r"https?://(?P<secret>[0-9a-f]{32})(?::[0-9a-f]{32})?@[\w.-]*(?:sentry|ingest)"),
    _tok("hvs.", r"[A-Za-z0-9_-]{24,}", "vault-service-token"),
    _tok("hvb.", r"[A-Za-z0-9_-]{24,}", "vault-batch-token"),
    SecretRule("terraform-cloud-token", (".atlasv1.",),
               r"\b[A-Za-z0-9]{14}\.atlasv1\.(?P<secret>[A-Za-z0-9_=-]{60,})"),
    _tok("dp.pt.", _B62 + "{40,}", "doppler-token"),
    _tok("lin_api_", _B62 + "{40}", "linear-api-key"),
    _tok("sk-ant-", r"[A-Za-z0-9_-]{32,}", "anthropic-api-key"),
    _tok("sk-proj-", r"[A-Za-z0-9_-]{32,}", "openai-project-key"),
    SecretRule("openai-api-key", ("sk-",),
               r"(?<![A-Za-z0-9_-])sk-(?!ant-|proj-)(?P<secret>[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}"
               r"|[A-Za-z0-9]{48})(?![A-Za-z0-9])"),
    _tok("hf_", "[A-Za-z]{34}", "huggingface-token"),
    _tok("ATATT3", r"[A-Za-z0-9_=-]{100,}", "atlassian-api-token", "atatt3"),
    SecretRule("discord-bot-token", ("discord", "bot "),
               r"(?<![\w.-])[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.(?P<secret>[A-Za-z0-9_-]{27,40})"),
    SecretRule("discord-webhook", ("discord",),
               r"discord(?:app)?\.com/api/webhooks/\d+/(?P<secret>[A-Za-z0-9_-]{60,})"),
    SecretRule("telegram-bot-token", (":aa",),
               r"(?<![0-9])\d{8,10}:(?P<secret>AA[A-Za-z0-9_-]{33})(?![\w-])"),
    SecretRule("jwt", ("eyj",),
               r"\beyJ[A-Za-z0-9_-]{8,}\.(?P<secret>eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"),
    # --- structural -------------------------------------------------------------------------------
    SecretRule("url-credentials", ("://",),
               r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]+:(?P<secret>" + _NOT_DONE
               + r"[^\s@/]+)@[\w.-]"),
    SecretRule("authorization-header", ("bearer", "basic", "token "),
               r"(?i)\b(?:authorization\s*[:=]\s*[\"']?)?(?:bearer|basic|token)\s+(?P<secret>"
               + _NOT_DONE + r"[A-Za-z0-9._~+/=-]{16,})"),
    SecretRule("docker-login-password", ("login",),
               r"\blogin\b.*?\s(?:-p|--password)[ =](?P<secret>" + _NOT_DONE + r"(?!\*{3}|[\"']?\$)\S+)"),
)


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value`` (0 for the empty string)."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


# --- assignments: `password=...`, `"api_key": "..."`, `--token foo` ------------------------------
_PASSWORD_KEY = re.compile(r"passw(?:or)?d|passphrase|secret|private[_-]?key", re.IGNORECASE)
_ASSIGN = (
    r"(?<![\w.:-])(?P<key>[\w.-]*(?:" + _SECRET_NAMES + r")[\w.-]*)[\"']?"
    r"\s*(?:=>|:=|:(?!:)|=(?!=))\s*"
    r"(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s,;'\"]+))"
)
_FLAG = (
    r"(?<![\w-])--?(?P<key>[\w-]*(?:" + _SECRET_NAMES + r")[\w-]*)[ =]"
    r"(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s\"'-][^\s\"']*))"
)
_ASSIGN_MARKERS = ("passw", "passphrase", "secret", "token", "key", "credential")
_CODE_LIKE = re.compile(r"[()]|^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$|^[./~]|\[REDACTED|^=")


def _is_secret_value(key: str, value: str) -> bool:
    """Is ``value`` (assigned to ``key``) a plausible secret rather than code, a placeholder or
    an ordinary word?"""
    if not value or _PLACEHOLDER.match(value) or _CODE_LIKE.search(value):
        return False
    if _PASSWORD_KEY.search(key):
        return len(value) >= 3 and not value.isalpha() or len(value) >= 8
    if len(value) >= 16:
        return shannon_entropy(value) >= 3.0
    return len(value) >= 8 and any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def _assignment_rule(name: str, pattern: str) -> SecretRule:
    return SecretRule(name, _ASSIGN_MARKERS, pattern, re.IGNORECASE)


ASSIGNMENT_RULES: tuple[SecretRule, ...] = (
    _assignment_rule("secret-assignment", _ASSIGN),
    _assignment_rule("secret-cli-flag", _FLAG),
)
_BEGIN_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_END_KEY = re.compile(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_KEY_BODY = re.compile(r"[A-Za-z0-9+/=]{16,}")


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex matching any of ``words``, factored by common prefixes (Python's ``re`` does not
    build an automaton for alternations, so a flat alternation of ~90 literals costs ~40 µs/line)."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if ends else body

    return "(" + build(trie) + ")"


_Entry = tuple[int, SecretRule, "re.Pattern[str]"]


class Redactor:
    """Compiles the rule table once (lazily, on first use) and redacts lines."""

    def __init__(self, rules: Iterable[SecretRule] | None = None) -> None:
        self._rules = tuple(rules) if rules is not None else RULES
        self._compiled: tuple[re.Pattern[str], dict[str, tuple[_Entry, ...]]] | None = None

    def _compile(self) -> tuple[re.Pattern[str], dict[str, tuple[_Entry, ...]]]:
        if self._compiled is None:
            rules = (*self._rules, *ASSIGNMENT_RULES)
            markers = sorted({m for rule in rules for m in rule.markers}, key=len, reverse=True)
            prefilter = re.compile(_trie_pattern(markers))
            # A found marker also stands for every marker it contains ("token " -> "token").
            by_marker = {
                m: tuple(
                    (i, r, r.regex)
                    for i, r in enumerate(rules)
                    if any(inner in m for inner in r.markers)
                )
                for m in markers
            }
            self._compiled = (prefilter, by_marker)
        return self._compiled

    def redact(self, text: str) -> tuple[str, int]:
        """Return ``text`` with secrets masked and the number of masks applied."""
        prefilter, by_marker = self._compile()
        found = set(prefilter.findall(text.lower()))
        if not found:
            return text, 0
        entries = sorted({e for m in found for e in by_marker.get(m, ())}, key=lambda e: e[0])
        total = 0
        for _, rule, regex in entries:
            text, n = _apply(rule, regex, text)
            total += n
        return text, total

    def redact_lines(self, lines: Iterable[str]) -> Iterator[tuple[str, int]]:
        """Redact lines one by one, also masking the body of multi-line private-key blocks."""
        in_key = False
        for line in lines:
            if in_key and not _BEGIN_KEY.search(line):
                if _END_KEY.search(line):
                    in_key = False
                    yield self.redact(line)
                    continue
                masked, n = _KEY_BODY.subn(MASK, line)
                yield masked, min(n, 1)
                continue
            in_key = bool(_BEGIN_KEY.search(line)) and not _END_KEY.search(line)
            yield self.redact(line)


_PEM_HEADER = re.compile(r"^\s*(?:[A-Za-z0-9+/=]{16,}|Proc-Type: [^\n]*|DEK-Info: [^\n]*|Comment: [^\n]*)?\s*$")


class PrivateKeyTracker:
    """Fed every line of a log in order, says which lie inside a private-key block (its body and
    PEM headers; a block cut short ends at the first line that cannot be part of it)."""

    def __init__(self) -> None:
        self.inside = False

    def feed(self, line: str) -> bool:
        if _BEGIN_KEY.search(line):
            self.inside = not _END_KEY.search(line)
            return False
        if self.inside and (_END_KEY.search(line) or not _PEM_HEADER.match(line)):
            self.inside = False
            return False
        return self.inside


def in_private_key(lines: Mapping[int, str], n: int, reach: int = 400) -> bool:
    """Whether line ``n`` of a log (``{lineno: text}``) lies inside a private-key block, judged by
    walking back over key-body lines to its ``-----BEGIN ... PRIVATE KEY-----``: a line quoted
    with its neighbours (evidence, context) out of the block's own order is masked all the same."""
    if _BEGIN_KEY.search(lines.get(n, "")) or _END_KEY.search(lines.get(n, "")):
        return False  # the markers themselves say nothing secret
    for k in range(n - 1, max(0, n - reach), -1):
        text = lines.get(k)
        if text is None:
            return False
        if _BEGIN_KEY.search(text):
            return bool(_PEM_HEADER.match(lines.get(n, "x")))
        if _END_KEY.search(text) or not _PEM_HEADER.match(text):
            return False
    return False


def _apply(rule: SecretRule, regex: re.Pattern[str], text: str) -> tuple[str, int]:
    count = 0
    is_assignment = rule in ASSIGNMENT_RULES

    def replace(m: re.Match[str]) -> str:
        nonlocal count
        group = "secret"
        if is_assignment:
            group = next(g for g in ("dq", "sq", "bare") if m.group(g) is not None)
            if not _is_secret_value(m.group("key"), m.group(group)):
                return m.group(0)
        value = m.group(group)
        if not value or value.startswith("[REDACTED"):
            return m.group(0)
        count += 1
        start, end = m.span(group)
        whole = m.group(0)
        offset = m.start()
        return whole[: start - offset] + MASK + whole[end - offset :]

    return regex.sub(replace, text), count


_DEFAULT: Redactor | None = None


def default_redactor() -> Redactor:
    """The shared, lazily compiled redactor."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Redactor()
    return _DEFAULT


def redact(text: str) -> tuple[str, int]:
    """Redact secrets in one line (or a short text): ``(masked_text, number_of_masks)``."""
    return default_redactor().redact(text)
