"""Infrastructure rules on real tool output (captured on this machine; commands in each docstring)."""

from __future__ import annotations

from devops_agent.signatures import get_rule
from rule_support import rule_matches

# git clone https://git.example.invalid/acme/widgets.git ; curl -fsSL https://downloads.example.invalid/x
GIT_CURL_DNS = """\
Cloning into 'widgets'...
fatal: unable to access 'https://git.example.invalid/acme/widgets.git/': Could not resolve host: git.example.invalid
curl: (6) Could not resolve host: downloads.example.invalid"""

# npm install --registry https://registry.example.invalid/ --fetch-retries 0
NPM_DNS = """\
npm error code ENOTFOUND
npm error syscall getaddrinfo
npm error errno ENOTFOUND
npm error network request to https://registry.example.invalid/dayjs failed, reason: getaddrinfo ENOTFOUND registry.example.invalid
npm error network This is a problem related to network connectivity."""

# curl -fsSL http://127.0.0.1:9/health ; git clone http://127.0.0.1:9/acme/widgets.git
REFUSED = """\
curl: (7) Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server
Cloning into 'widgets'...
fatal: unable to access 'http://127.0.0.1:9/acme/widgets.git/': Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server"""

# pip install --index-url http://127.0.0.1:9/simple --retries 1 requests==2.31.0 (a retried attempt, not the verdict)
PIP_RETRY = (
    "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection "
    "broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7fd6df4331d0>: "
    "Failed to establish a new connection: [Errno 111] Connection refused')': /simple/requests/"
)

# urllib3's verdict after its retries (pip's form: `HTTPSConnectionPool(host='x', port=443)`)
URLLIB3_VERDICT = (
    "ERROR: Could not install packages due to an OSError: HTTPSConnectionPool(host='github.com', port=443): "
    "Max retries exceeded with url: /pypa/pip-test-package/archive/refs/heads/master.zip "
    "(Caused by ResponseError('too many 502 error responses'))"
)

# npm install --registry http://127.0.0.1:18503/ against a 127.0.0.1 server answering 503 / 429
NPM_5XX = """\
npm error code E503
npm error 503 Service Unavailable - GET http://127.0.0.1:18503/dayjs
npm error code E429
npm error 429 Too Many Requests - GET http://127.0.0.1:18429/dayjs"""

# ordinary lines that mention the words without being the failure
ORDINARY = """\
Retrying in 5 seconds (connection refused)...
test_client_handles_503 PASSED
def test_retry_on_connection_reset():
Downloading https://files.pythonhosted.org/packages/requests-2.31.0.tar.gz (110 kB)
Collected 5000 items in 0.5s, killed 0 mutants"""


def _rule(code: str):
    rule = get_rule(code)
    assert rule is not None
    return rule


def test_dns_failures_of_git_curl_and_npm() -> None:
    dns = _rule("INF-DNS-001")
    assert [n for n, _ in rule_matches(dns, GIT_CURL_DNS)] == [2, 3]
    assert 4 in [n for n, _ in rule_matches(dns, NPM_DNS)]


def test_refused_connections_name_host_and_port() -> None:
    hits = rule_matches(_rule("INF-NET-001"), REFUSED)
    assert [n for n, _ in hits] == [1, 3]
    assert all(ext.data == {"host": "127.0.0.1", "port": "9"} for _, ext in hits)


def test_retried_attempts_are_not_the_failure() -> None:
    assert rule_matches(_rule("INF-NET-001"), PIP_RETRY) == []
    assert rule_matches(_rule("INF-DNS-001"), PIP_RETRY) == []


def test_urllib3_connection_pool_host_is_extracted() -> None:
    hits = rule_matches(_rule("INF-NET-001"), URLLIB3_VERDICT)
    assert hits and hits[0][1].data == {"host": "github.com", "port": "443"}


def test_registry_5xx_and_429() -> None:
    assert [n for n, _ in rule_matches(_rule("INF-REG-001"), NPM_5XX)] == [1, 2, 3, 4]


def test_no_false_positives_on_ordinary_lines() -> None:
    for code in ("INF-DNS-001", "INF-NET-001", "INF-REG-001", "INF-OOM-001", "INF-DISK-001"):
        assert rule_matches(_rule(code), ORDINARY) == [], code


def test_error_chain_leads_with_its_head_line() -> None:
    """uv/cargo/anyhow chains: `error: X` then `  Caused by: Y`; the head states what failed.
    Lines 25-40 of the public pytorch log pytorch-uv_python_download_failed (BSD-3-Clause, verbatim)."""
    from pathlib import Path

    from devops_agent.diagnose import diagnose_path

    src = Path(__file__).parent.parent.parent / "shared" / "datasets" / "pytorch" / "logs" / "pytorch-uv_python_download_failed.log"
    if not src.is_file():
        import pytest

        pytest.skip("needs ../shared/datasets")
    diag = diagnose_path(str(src))
    top = diag.findings[0]
    assert top.category == "infrastructure"
    assert top.evidence[0].text.startswith("error: Error while fetching remote python downloads json")


def test_a_retried_fetch_is_decided_by_its_last_attempt(tmp_path) -> None:
    """Real git output from two fetch attempts of a missing ref (as checkout actions retry); the
    GitHub chrome around them is written by hand."""
    import subprocess

    from devops_agent.diagnose import diagnose_path

    bare, repo = tmp_path / "b.git", tmp_path / "r"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "remote", "add", "origin", str(bare)], check=True)
    outs = [subprocess.run(["git", "-C", str(repo), "fetch", "origin", "refs/tags/ciflow/190903"],
                           capture_output=True, text=True).stderr.strip() for _ in range(2)]
    lines = ["##[group]Fetching the repository"]
    for i, out in enumerate(outs, 1):
        lines += ["[command]/usr/bin/git fetch origin refs/tags/ciflow/190903", f"##[error]{out}"]
        if i == 1:
            lines.append("The process '/usr/bin/git' failed with exit code 128")
    lines += ["##[endgroup]", "##[error]The process '/usr/bin/git' failed with exit code 128"]
    log = tmp_path / "checkout.log"
    log.write_text("".join(f"2026-07-29T04:36:{i:02d}.0000000Z {ln}\n" for i, ln in enumerate(lines)))
    top = diagnose_path(str(log)).findings[0]
    assert top.rule == "INF-GIT-001"
    assert top.evidence[0].line == 6, "the second (final) attempt leads"
