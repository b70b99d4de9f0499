"""Open a GitHub pull request or a GitLab merge request through their REST APIs (httpx).

No platform SDKs: we need four endpoints, and the SDKs add weight (and, for PyGithub, a one-second
throttle between writes). The platforms' own environment variables locate the API and the project,
so GitHub Enterprise and self-hosted GitLab work unchanged.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from devops_agent.errors import NotDelivered, UsageError

TIMEOUT = 30.0


@dataclass(frozen=True)
class Request:
    title: str
    body: str
    head: str  # source branch
    base: str | None  # target branch (None: the project's default branch)
    draft: bool
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Opened:
    url: str
    number: int
    existed: bool = False  # a PR/MR for this branch was already open


class ForgeError(NotDelivered):
    """The platform refused the request or could not be reached (exit 1: could not deliver)."""


def parse_remote(url: str) -> tuple[str | None, str | None]:
    """``(host, project path)`` from a git remote URL (scp-like, ssh://, https://)."""
    url = url.strip()
    m = re.match(r"^(?:[\w.+-]+@)?(?P<host>[\w.-]+):(?!//)(?P<path>[^\s]+?)(?:\.git)?/?$", url)
    if m and "/" in m["path"]:
        return m["host"], m["path"]
    m = re.match(r"^(?:https?|ssh|git)://(?:[^@/]+@)?(?P<host>[\w.-]+)(?::\d+)?/(?P<path>[^\s]+?)(?:\.git)?/?$", url)
    if m:
        return m["host"], m["path"]
    return None, None


class _Client:
    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        import httpx

        self._httpx = httpx
        self.http = httpx.Client(base_url=base_url.rstrip("/") + "/", headers=headers, timeout=TIMEOUT,
                                 follow_redirects=True)

    def call(self, method: str, path: str, **kw: Any) -> Any:
        try:
            resp = self.http.request(method, path.lstrip("/"), **kw)
        except self._httpx.HTTPError as exc:
            raise ForgeError(f"cannot reach {self.http.base_url}: {type(exc).__name__}: {exc}",
                             "check the network and the API URL") from None
        return resp

    def close(self) -> None:
        self.http.close()


def _explain(platform: str, resp: Any, what: str) -> ForgeError:
    status = resp.status_code
    try:
        detail = resp.json()
    except ValueError:
        detail = {}
    message = detail.get("message") if isinstance(detail, dict) else None
    hints = {
        401: "the token was rejected: create a new one, then `devops-agent login " + platform + "`",
        403: "the token lacks permission (needs repo/pull-request write, or api scope on GitLab), or a rate limit applies",
        404: "the project was not found, or the token cannot see it: check the repository name and the token's access",
    }
    return ForgeError(f"{platform} refused to {what}: HTTP {status}{': ' + str(message) if message else ''}",
                      hints.get(status, "see the platform's message above"))


class GitHub:
    name = "github"

    def __init__(self, api: str, repo: str, token: str) -> None:
        self.repo = repo
        self.client = _Client(api, {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "devops-agent",
        })

    def default_branch(self) -> str:
        resp = self.client.call("GET", f"repos/{self.repo}")
        if resp.status_code != 200:
            raise _explain(self.name, resp, f"read repository {self.repo}")
        return str(resp.json()["default_branch"])

    def open(self, req: Request) -> Opened:
        base = req.base or self.default_branch()
        payload = {"title": req.title, "head": req.head, "base": base, "body": req.body, "draft": req.draft}
        resp = self.client.call("POST", f"repos/{self.repo}/pulls", json=payload)
        if resp.status_code == 422 and "already exists" in resp.text:
            owner = self.repo.split("/")[0]
            found = self.client.call("GET", f"repos/{self.repo}/pulls", params={"head": f"{owner}:{req.head}", "state": "open"})
            if found.status_code == 200 and found.json():
                pr = found.json()[0]
                return Opened(pr["html_url"], int(pr["number"]), existed=True)
        if resp.status_code == 422:
            errors = "; ".join(str(e.get("message", e)) for e in resp.json().get("errors", []) if isinstance(e, dict))
            raise ForgeError(f"github rejected the pull request: {errors or resp.json().get('message')}",
                             f"check that branch {req.head} was pushed and differs from {base}")
        if resp.status_code != 201:
            raise _explain(self.name, resp, "open the pull request")
        pr = resp.json()
        if req.labels:
            lab = self.client.call("POST", f"repos/{self.repo}/issues/{pr['number']}/labels", json={"labels": list(req.labels)})
            if lab.status_code not in (200, 201):
                raise _explain(self.name, lab, "add labels")
        return Opened(pr["html_url"], int(pr["number"]))


class GitLab:
    name = "gitlab"

    def __init__(self, api: str, project: str, token: str) -> None:
        self.project = project
        self.pid = quote(project, safe="")
        self.client = _Client(api, {"PRIVATE-TOKEN": token, "User-Agent": "devops-agent"})

    def default_branch(self) -> str:
        resp = self.client.call("GET", f"projects/{self.pid}")
        if resp.status_code != 200:
            raise _explain(self.name, resp, f"read project {self.project}")
        return str(resp.json()["default_branch"])

    def open(self, req: Request) -> Opened:
        base = req.base or self.default_branch()
        title = f"Draft: {req.title}" if req.draft and not req.title.startswith("Draft:") else req.title
        payload: dict[str, Any] = {"source_branch": req.head, "target_branch": base, "title": title,
                                   "description": req.body, "remove_source_branch": True}
        if req.labels:
            payload["labels"] = ",".join(req.labels)
        resp = self.client.call("POST", f"projects/{self.pid}/merge_requests", json=payload)
        if resp.status_code == 409:
            found = self.client.call("GET", f"projects/{self.pid}/merge_requests",
                                     params={"source_branch": req.head, "state": "opened"})
            if found.status_code == 200 and found.json():
                mr = found.json()[0]
                return Opened(mr["web_url"], int(mr["iid"]), existed=True)
        if resp.status_code != 201:
            raise _explain(self.name, resp, "open the merge request")
        mr = resp.json()
        return Opened(mr["web_url"], int(mr["iid"]))


def detect_platform(remote_url: str, explicit: str | None) -> str:
    if explicit:
        return explicit
    host, _ = parse_remote(remote_url)
    if host and "gitlab" in host or os.environ.get("CI_API_V4_URL") or os.environ.get("GITLAB_TOKEN"):
        return "gitlab"
    if host and "github" in host or os.environ.get("GITHUB_REPOSITORY") or os.environ.get("GITHUB_API_URL"):
        return "github"
    raise UsageError(f"cannot tell whether {remote_url or 'the remote'} is GitHub or GitLab",
                     "pass --platform github or --platform gitlab")


def client_for(platform: str, remote_url: str, token: str) -> GitHub | GitLab:
    _, path = parse_remote(remote_url)
    if platform == "github":
        repo = os.environ.get("GITHUB_REPOSITORY") or path
        if not repo or repo.count("/") != 1:
            raise UsageError("cannot tell the GitHub repository", "set GITHUB_REPOSITORY=owner/name")
        return GitHub(os.environ.get("GITHUB_API_URL") or "https://api.github.com", repo, token)
    project = os.environ.get("CI_PROJECT_PATH") or path
    if not project:
        raise UsageError("cannot tell the GitLab project", "set CI_PROJECT_PATH=group/project")
    api = os.environ.get("CI_API_V4_URL")
    if not api:
        host, _ = parse_remote(remote_url)
        api = f"https://{host or 'gitlab.com'}/api/v4"
    return GitLab(api, project, token)
