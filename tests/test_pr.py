"""`devops-agent pr` against a real HTTP server on 127.0.0.1 that implements the few GitHub and
GitLab endpoints we use, with a local bare repository as the push remote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

TOKEN = "ghp_" + "T" * 36


class Forge(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[dict] = []
        self.mode = "ok"  # ok | exists | 401

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Forge

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, status: int, doc) -> None:
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        entry = {"method": self.command, "path": self.path, "headers": dict(self.headers),
                 "json": json.loads(raw) if raw else None}
        self.server.requests.append(entry)
        return entry

    def do_GET(self) -> None:
        self._route(self._record())

    def do_POST(self) -> None:
        self._route(self._record())

    def _route(self, req: dict) -> None:
        mode = self.server.mode
        if mode == "401":
            return self._send(401, {"message": "Bad credentials"})
        parsed = urlparse(req["path"])
        path, query = parsed.path, parse_qs(parsed.query)
        base = self.server.url
        # GitHub
        if path == "/repos/acme/shop" and req["method"] == "GET":
            return self._send(200, {"default_branch": "main"})
        if path == "/repos/acme/shop/pulls" and req["method"] == "POST":
            if mode == "exists":
                return self._send(422, {"message": "Validation Failed",
                                        "errors": [{"message": "A pull request already exists for acme:x."}]})
            return self._send(201, {"number": 7, "html_url": f"{base}/acme/shop/pull/7"})
        if path == "/repos/acme/shop/pulls" and req["method"] == "GET":
            assert query["head"][0].startswith("acme:")
            return self._send(200, [{"number": 3, "html_url": f"{base}/acme/shop/pull/3"}])
        if path == "/repos/acme/shop/issues/7/labels":
            return self._send(200, [{"name": n} for n in req["json"]["labels"]])
        # GitLab (the project path is URL-encoded into one segment)
        if path == "/api/v4/projects/group%2Fshop" and req["method"] == "GET":
            return self._send(200, {"default_branch": "main"})
        if path == "/api/v4/projects/group%2Fshop/merge_requests" and req["method"] == "POST":
            if mode == "exists":
                return self._send(409, {"message": ["Another open merge request already exists for this source branch: !2"]})
            return self._send(201, {"iid": 12, "web_url": f"{base}/group/shop/-/merge_requests/12"})
        if path == "/api/v4/projects/group%2Fshop/merge_requests" and req["method"] == "GET":
            return self._send(200, [{"iid": 2, "web_url": f"{base}/group/shop/-/merge_requests/2"}])
        return self._send(404, {"message": "Not Found"})


@pytest.fixture
def forge():
    server = Forge()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    repo = tmp_path / "shop"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "requirements.txt").write_text("flask\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Initial")
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "origin", "main")
    git(repo, "checkout", "-q", "-b", "devops-agent/fix-py-dep-001-abc1234")
    (repo / "requirements.txt").write_text("flask\nPyYAML\n")
    git(repo, "commit", "-q", "-am", "Add PyYAML to requirements.txt", "-m", "Fixes PY-DEP-001: No module named 'yaml'.")
    return repo


def pr(repo: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "devops_agent", "pr", "--repo", str(repo), *args],
                          capture_output=True, text=True, env={**os.environ, **env})


def github_env(forge: Forge) -> dict:
    return {"GITHUB_API_URL": forge.url, "GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": "acme/shop"}


def test_github_pull_request(forge: Forge, checkout: Path, tmp_path: Path) -> None:
    proc = pr(checkout, github_env(forge), "--label", "ci-fix")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"opened draft pull request #7: {forge.url}/acme/shop/pull/7"
    post = next(r for r in forge.requests if r["method"] == "POST" and r["path"].endswith("/pulls"))
    assert post["headers"]["Authorization"] == f"Bearer {TOKEN}"
    body = post["json"]
    assert body["head"] == "devops-agent/fix-py-dep-001-abc1234" and body["base"] == "main"
    assert body["title"] == "Add PyYAML to requirements.txt"
    assert body["draft"] is True, "not a validated safe fix: draft"
    assert "Fixes PY-DEP-001" in body["body"] and "requirements.txt" in body["body"]
    labels = next(r for r in forge.requests if r["path"].endswith("/labels"))
    assert labels["json"] == {"labels": ["ci-fix"]}
    remote_head = git(tmp_path / "remote.git", "rev-parse", "devops-agent/fix-py-dep-001-abc1234").strip()
    assert remote_head == git(checkout, "rev-parse", "HEAD").strip()
    assert TOKEN not in proc.stdout + proc.stderr


def test_safe_validated_fix_is_ready_for_review(forge: Forge, checkout: Path) -> None:
    state = checkout / ".git" / "devops-agent"
    state.mkdir()
    (state / "last-fix.json").write_text(json.dumps({
        "branch": "devops-agent/fix-py-dep-001-abc1234", "safety": "safe", "validated": True,
        "diagnosis": {"rule": "PY-DEP-001", "title": "Python module 'yaml' is not installed",
                      "evidence": [{"line": 31, "text": "E   ModuleNotFoundError: No module named 'yaml'"}]},
        "validation": [{"command": "python -m pytest -q", "exit_code": 0, "duration": "1.2 s"}],
    }))
    proc = pr(checkout, github_env(forge))
    assert proc.returncode == 0, proc.stderr
    body = next(r for r in forge.requests if r["method"] == "POST")["json"]
    assert body["draft"] is False
    assert "No module named 'yaml'" in body["body"] and "`python -m pytest -q` | passed" in body["body"]


def test_existing_pull_request_prints_its_url(forge: Forge, checkout: Path) -> None:
    forge.mode = "exists"
    proc = pr(checkout, github_env(forge))
    assert proc.returncode == 0, proc.stderr
    assert f"already open: {forge.url}/acme/shop/pull/3" in proc.stdout


def test_rejected_token_is_a_clear_error(forge: Forge, checkout: Path) -> None:
    forge.mode = "401"
    proc = pr(checkout, github_env(forge))
    assert proc.returncode == 1
    assert "HTTP 401" in proc.stderr and "login github" in proc.stderr and "Traceback" not in proc.stderr
    assert TOKEN not in proc.stderr


def test_no_token_names_the_ways_to_provide_one(forge: Forge, checkout: Path) -> None:
    env = {k: v for k, v in github_env(forge).items() if k != "GITHUB_TOKEN"}
    proc = subprocess.run([sys.executable, "-m", "devops_agent", "pr", "--repo", str(checkout)], capture_output=True, text=True,
                          env={**{k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}, **env,
                               "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert proc.returncode == 2
    assert "GITHUB_TOKEN" in proc.stderr
    assert not forge.requests, "nothing is sent without a token"


def test_gitlab_merge_request(forge: Forge, checkout: Path) -> None:
    env = {"CI_API_V4_URL": f"{forge.url}/api/v4", "GITLAB_TOKEN": "glpat-" + "x" * 20, "CI_PROJECT_PATH": "group/shop"}
    proc = pr(checkout, env, "--platform", "gitlab", "--ready")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"opened merge request #12: {forge.url}/group/shop/-/merge_requests/12"
    post = next(r for r in forge.requests if r["method"] == "POST")
    assert post["headers"]["PRIVATE-TOKEN"] == "glpat-" + "x" * 20
    assert post["json"]["source_branch"] == "devops-agent/fix-py-dep-001-abc1234"
    assert post["json"]["target_branch"] == "main"
    assert not post["json"]["title"].startswith("Draft:")
    forge.mode = "exists"
    again = pr(checkout, env, "--platform", "gitlab")
    assert again.returncode == 0 and "merge_requests/2" in again.stdout


def test_remote_urls() -> None:
    from devops_agent.ship.forge import parse_remote

    assert parse_remote("git@github.com:acme/shop.git") == ("github.com", "acme/shop")
    assert parse_remote("https://gitlab.example.com/group/sub/shop.git") == ("gitlab.example.com", "group/sub/shop")
    assert parse_remote("ssh://git@gitlab.example.com:2222/group/shop.git") == ("gitlab.example.com", "group/shop")
    assert parse_remote("/tmp/remote.git") == (None, None)
