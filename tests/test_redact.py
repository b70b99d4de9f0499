"""Secret redaction: a labelled corpus of fake, format-valid secrets, a negative corpus of real CI
log lines, and property tests (never raises, idempotent)."""

from __future__ import annotations

import random
import string
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_agent.logs.redact import MASK, Redactor, redact, shannon_entropy

FIXTURES = Path(__file__).parent / "fixtures" / "secrets"
B62 = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
URLSAFE = B62 + "_-"
B64 = B62 + "+/"


def _gen(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def positive_corpus() -> list[tuple[str, str]]:
    """(format name, line) pairs; every secret is random but of the right alphabet and length.
    Prefixes are split so that no real-looking literal sits in this file."""
    rng = random.Random(20261124)

    def g(alphabet: str, n: int) -> str:
        return _gen(rng, alphabet, n)

    up32 = string.ascii_uppercase + "234567"
    uuid = f"{g(HEX, 8)}-{g(HEX, 4)}-{g(HEX, 4)}-{g(HEX, 4)}-{g(HEX, 12)}"
    jwt_head = "ey" + "J" + g(URLSAFE, 20)
    jwt_body = "ey" + "J" + g(URLSAFE, 40)
    return [
        ("aws-access-key-id", "aws_access_key_id = AK" + "IA" + g(up32, 16)),
        ("aws-sts-key-id", "key: AS" + "IA" + g(up32, 16)),
        ("aws-secret-access-key", "export AWS_SECRET_ACCESS_KEY=" + g(B64, 40)),
        ("gcp-api-key", "GOOGLE_KEY used: AI" + "za" + g(URLSAFE, 35)),
        ("gcp-service-account", '  "private_key": "-----BEGIN PRIVATE KEY-----\\n' + g(B64, 60) + '"'),
        ("azure-storage-connection-string",
         "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + g(B64, 86) + "==;"),
        ("azure-sas", "https://acct.blob.core.windows.net/c?sv=2022&sig=" + g(B64, 43) + "%3D"),
        ("azure-client-secret", "AZURE_CLIENT_SECRET=" + g(B62 + "~._-", 40)),
        ("github-pat", "token ghp" + "_" + g(B62, 36)),
        ("github-oauth", "gho" + "_" + g(B62, 36)),
        ("github-user-to-server", "x-access-token:ghu" + "_" + g(B62, 36)),
        ("github-server-to-server", "ghs" + "_" + g(B62, 36) + " expires soon"),
        ("github-refresh", "refresh=ghr" + "_" + g(B62, 36)),
        ("github-fine-grained", "github" + "_pat_" + g(B62, 22) + "_" + g(B62, 59)),
        ("gitlab-pat", "PRIVATE-TOKEN: glpat" + "-" + g(URLSAFE, 20)),
        ("gitlab-deploy-token", "gldt" + "-" + g(URLSAFE, 20)),
        ("gitlab-runner-token", "--token glrt" + "-" + g(URLSAFE, 20)),
        ("gitlab-ci-job-token", "CI_JOB_TOKEN=glcbt" + "-" + g(URLSAFE, 24)),
        ("npm", "//registry.npmjs.org/:_authToken=npm" + "_" + g(B62, 36)),
        ("pypi", "password: pypi" + "-AgEIcHlwaS5vcmc" + g(URLSAFE, 120)),
        ("dockerhub", "echo dckr" + "_pat_" + g(URLSAFE, 27) + " | docker login --password-stdin"),
        ("slack-bot", "xox" + "b-" + g("0123456789", 12) + "-" + g(B62, 24)),
        ("slack-user", "xox" + "p-" + g("0123456789", 12) + "-" + g(B62, 32)),
        ("slack-app", "xox" + "a-2-" + g(B62, 30)),
        ("slack-refresh", "xox" + "r-" + g(B62, 40)),
        ("slack-webhook", "https://hooks.slack.com/services/T" + g(B62, 8) + "/B" + g(B62, 8) + "/"
         + g(B62, 24)),
        ("stripe-live", "sk" + "_live_" + g(B62, 24)),
        ("stripe-restricted", "rk" + "_live_" + g(B62, 24)),
        ("stripe-test", "STRIPE=sk" + "_test_" + g(B62, 24)),
        ("stripe-webhook", "whsec" + "_" + g(B62, 32)),
        ("twilio-sid", "TWILIO_ACCOUNT_SID=A" + "C" + g(HEX, 32)),
        ("twilio-key", "twilio api key SK" + g(HEX, 32)),
        ("sendgrid", "SG" + "." + g(URLSAFE, 22) + "." + g(URLSAFE, 43)),
        ("mailgun", "MAILGUN=key" + "-" + g(HEX, 32)),
        ("mailchimp", "mc " + g(HEX, 32) + "-us" + "12"),
        ("shopify-access", "shp" + "at_" + g(HEX, 32)),
        ("shopify-shared", "shp" + "ss_" + g(HEX, 32)),
        ("square", "sq0" + "atp-" + g(URLSAFE, 22)),
        ("braintree", "access_token$production$" + g("0123456789abcdefghijklmnopqrstuvwxyz", 16) + "$"
         + g(HEX, 32)),
        ("heroku", "HEROKU_API_KEY=" + uuid),
        ("digitalocean", "dop" + "_v1_" + g(HEX, 64)),
        ("datadog", "DD_API_KEY=" + g(HEX, 32)),
        ("newrelic", "NR" + "AK-" + g(string.ascii_uppercase + string.digits, 27)),
        ("sentry-dsn", "SENTRY_DSN=https://" + g(HEX, 32) + "@o12345.ingest.sentry.io/678"),
        ("vault-service", "VAULT_TOKEN=hv" + "s." + g(URLSAFE, 90)),
        ("vault-batch", "hv" + "b." + g(URLSAFE, 90)),
        ("terraform-cloud", g(B62, 14) + ".atlas" + "v1." + g(URLSAFE, 67)),
        ("doppler", "dp" + ".pt." + g(B62, 43)),
        ("linear", "lin" + "_api_" + g(B62, 40)),
        ("openai-legacy", "sk" + "-" + g(B62, 20) + "T3Blbk" + "FJ" + g(B62, 20)),
        ("openai-project", "OPENAI_API_KEY=sk" + "-proj-" + g(URLSAFE, 64)),
        ("anthropic", "sk" + "-ant-api03-" + g(URLSAFE, 93) + "AA"),
        ("huggingface", "hf" + "_" + g(string.ascii_letters, 34)),
        ("atlassian", "ATA" + "TT3" + g(URLSAFE, 180)),
        ("discord-bot", "discord bot M" + g(B62, 25) + "." + g(URLSAFE, 6) + "." + g(URLSAFE, 38)),
        ("discord-webhook", "https://discord.com/api/webhooks/1234567890/" + g(URLSAFE, 68)),
        ("telegram", "bot" + g("0123456789", 9) + ":A" + "A" + g(URLSAFE, 33)),
        ("jwt", "id_token " + jwt_head + "." + jwt_body + "." + g(URLSAFE, 43)),
        ("pem-private-key", "-----BEGIN RSA " + "PRIVATE KEY-----" + g(B64, 64)),
        ("ssh-private-key", "-----BEGIN OPENSSH " + "PRIVATE KEY-----" + g(B64, 70)),
        ("url-credentials", "git clone https://deploy:" + g(B62, 20) + "@gitlab.example.com/g/p.git"),
        ("password-env", "DB_PASSWORD=" + g(B62, 12)),
        ("password-yaml", "  passwd: " + g(B62, 10)),
        ("password-json", '{"user": "ci", "password": "' + g(B62, 14) + '"}'),
        ("secret-assignment", "SECRET=" + g(B62, 24)),
        ("token-yaml", "  token: " + g(B62, 30)),
        ("api-key", "api_key=" + g(B62, 32)),
        ("apikey", "apikey: " + g(B62, 32)),
        ("client-secret", '"client_secret": "' + g(B62, 30) + '"'),
        ("access-token", "access_token=" + g(B62, 30)),
        ("auth-token", "AUTH_TOKEN=" + g(B62, 30)),
        ("private-key-assignment", "private_key=" + g(B64, 40)),
        ("cli-password-flag", "mysql --password " + g(B62, 12) + " -h db"),
        ("cli-token-flag", "deploy --token=" + g(B62, 30)),
        ("authorization-bearer", "Authorization: Bearer " + g(URLSAFE, 40)),
        ("authorization-basic", "authorization: Basic " + g(B64, 28) + "=="),
        ("docker-login", "docker login -u bot -p " + g(B62, 20) + " registry.example.com"),
        ("high-entropy-named", "MY_SERVICE_CREDENTIALS=" + g(B64, 32)),
    ]


POSITIVES = positive_corpus()


@pytest.mark.parametrize(("fmt", "line"), POSITIVES, ids=[f for f, _ in POSITIVES])
def test_every_positive_format_is_redacted(fmt: str, line: str) -> None:
    masked, count = redact(line)
    assert count >= 1, fmt
    assert MASK in masked
    assert len(masked) < len(line) or fmt == "password-yaml"


def test_corpus_covers_at_least_forty_formats() -> None:
    assert len({fmt for fmt, _ in POSITIVES}) >= 40


def test_secret_characters_do_not_survive() -> None:
    # The longest random run of each sample must be gone from the output.
    for fmt, line in POSITIVES:
        masked, _ = redact(line)
        runs = [r for r in line.replace("-", " ").replace("_", " ").split() if len(r) >= 20]
        longest = max(runs, key=len, default="")
        if len(longest) >= 30:
            assert longest not in masked, fmt


def test_kept_prefixes_and_keys() -> None:
    rng = random.Random(1)
    tok = "gh" + "p_" + _gen(rng, B62, 36)
    assert redact(tok) == ("ghp_[REDACTED]", 1)
    assert redact("password=hunter2x") == ("password=[REDACTED]", 1)
    assert redact("https://user:pa55word@host/")[0] == "https://user:[REDACTED]@host/"
    assert redact("sk" + "_live_" + _gen(rng, B62, 24))[0] == "sk_live_[REDACTED]"


def _lines(name: str) -> list[str]:
    return (FIXTURES / name).read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("name", ["negatives.txt", "tricky_negatives.txt"])
def test_negative_corpus_is_mostly_untouched(name: str) -> None:
    lines = [ln for ln in _lines(name) if ln.strip()]
    touched = [ln for ln in lines if redact(ln)[1]]
    assert len(lines) >= 40
    assert 1 - len(touched) / len(lines) >= 0.95, touched


def test_github_mask_is_left_alone() -> None:
    for line in ("token: ***", "password=***", "Authorization: Bearer ***", "-p ***"):
        assert redact(line) == (line, 0)


def test_multi_line_private_key_body_is_redacted() -> None:
    rng = random.Random(7)
    body = [_gen(rng, B64, 64) for _ in range(4)]
    lines = ["-----BEGIN " + "PRIVATE KEY-----", *body, "-----END " + "PRIVATE KEY-----", "after 1a2b3c"]
    out = list(Redactor().redact_lines(lines))
    assert [t for t, _ in out[1:5]] == [MASK] * 4
    assert out[5][0].startswith("-----END")
    assert out[6] == ("after 1a2b3c", 0)


def test_speed_per_line() -> None:
    lines = _lines("negatives.txt")
    redactor = Redactor()
    redactor.redact("warm up")
    start = time.perf_counter()
    for ln in lines:
        redactor.redact(ln)
    per_line = (time.perf_counter() - start) / len(lines)
    assert per_line < 100e-6  # target ~20 µs; generous bound for loaded CI machines


def test_import_is_cheap_and_compiles_lazily() -> None:
    code = (
        "import re, time; t = time.perf_counter();"
        "import devops_agent.logs.redact as r; print(time.perf_counter() - t, r._DEFAULT is None)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    elapsed, lazy = out.stdout.split()
    assert lazy == "True"
    assert float(elapsed) < 0.2


def test_entropy() -> None:
    assert shannon_entropy("") == 0
    assert shannon_entropy("aaaa") == 0
    assert shannon_entropy("abcd") == 2


_FRAGMENTS = st.sampled_from(
    ["password=", "token: ", "://u:", "@h", "ghp_", "AKIA", "Bearer ", "***", MASK, "-----BEGIN ",
     "PRIVATE KEY-----", "eyJ", ".", "sk-", "key-", "=", '"', " ", "secret", "-p ", "login"]
)
_TEXT = st.lists(st.one_of(_FRAGMENTS, st.text(alphabet=B64 + "_-.:@$", min_size=0, max_size=40)),
                 max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), _TEXT))
def test_redact_never_raises_and_is_idempotent(text: str) -> None:
    once, _ = redact(text)
    twice, _ = redact(once)
    assert twice == once


def _key_log(tmp_path: Path) -> tuple[Path, list[int]]:
    """A deploy step that echoes a real private key (ssh-keygen), then fails right after it."""
    import shutil

    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen not installed")
    subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", str(tmp_path / "id")], check=True)
    key = (tmp_path / "id").read_text().rstrip("\n").split("\n")
    body = key[1:-1]
    lines = ["$ ./deploy.sh", "Writing the deploy key", key[0], *body[:6], "fatal: Could not read from remote repository.",
             "##[error]Process completed with exit code 128."]
    log = tmp_path / "deploy.log"
    log.write_text("\n".join(lines) + "\n")
    return log, list(range(4, 4 + min(6, len(body))))


def test_a_key_body_quoted_without_its_begin_line_is_masked(tmp_path: Path) -> None:
    """The error sits right after the key (its header is out of the context window): every body
    line shown as context is masked, in the diagnosis and in what an LLM would be sent."""
    from devops_agent.diagnose import diagnose_path
    from devops_agent.llm_context import _log_lines

    log, body_lines = _key_log(tmp_path)
    key_text = log.read_text()
    diag = diagnose_path(str(log))
    shown = [e for f in diag.findings for e in (*f.evidence, *f.context)]
    assert any(e.line in body_lines for e in shown), "the context should reach into the key body"
    for e in shown:
        if e.line in body_lines:
            assert e.text == MASK
    assert diag.redactions >= sum(1 for e in {e.line for e in shown} if e in body_lines)
    got = _log_lines(diag, str(log), set(range(body_lines[-2], body_lines[-1] + 3)))
    body = [ln for n, ln in got.items() if n in body_lines]
    assert body and all(ln == MASK for ln in body)
    assert "fatal: Could not read" in "".join(got.values())
    for ln in key_text.split("\n")[3:9]:
        assert all(ln not in v for v in got.values()) and all(ln != e.text for e in shown)
