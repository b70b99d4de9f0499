"""Map paths printed in a CI log to repository-relative paths.

CI systems check the repository out under a workspace prefix (``/home/runner/work/<r>/<r>/``,
``/builds/<group>/<project>/``, ``/var/lib/jenkins/workspace/<job>/`` ...). The log often states the
workspace ("Working directory is ...", "Initialized empty Git repository in ..."); otherwise common
prefixes are stripped, and with a checkout at hand the path is suffix-matched against tracked files.
"""

from __future__ import annotations

import re
from pathlib import Path

_PREFIXES = (
    re.compile(r"^/home/runner/work/[^/]+/[^/]+/"),
    re.compile(r"^/Users/runner/work/[^/]+/[^/]+/"),
    re.compile(r"^[A-Za-z]:/a/[^/]+/[^/]+/"),
    # Self-hosted runners: <runner dir>/_work/<repo>/<repo>/ (Linux, macOS and Windows alike)
    re.compile(r"^(?:[A-Za-z]:)?/(?:[^/]+/)*?_work/[^/]+/[^/]+/"),
    re.compile(r"^[A-Za-z]:/(?:jenkins|Jenkins|ProgramData/Jenkins/\.jenkins)/workspace/[^/]+/"),
    re.compile(r"^[A-Za-z]:/builds/[^/]+/[^/]+/"),
    re.compile(r"^/github/workspace/"),
    re.compile(r"^/home/vsts/work/\d+/s/"),  # Azure Pipelines hosted agents (Windows: D:/a/1/s/ above)
    re.compile(r"^/__w/[^/]+/[^/]+/"),
    re.compile(r"^/builds/(?:[^/]+/)+?(?=(?:src|lib|tests?|app|pkg|cmd|internal|include)/)"),
    re.compile(r"^/builds/[^/]+/[^/]+/"),
    re.compile(r"^/(?:var/lib/jenkins|var/jenkins_home|home/jenkins(?:/agent)?)/workspace/[^/]+/"),
    re.compile(r"^/builds/workspace/[^/]+/"),
    re.compile(r"^/home/travis/build/[^/]+/[^/]+/"),
    re.compile(r"^/(?:home/[^/]+|root)/(?:src|code|work|projects?|repos?|git|dev)/[^/]+/"),
    re.compile(r"^/(?:app|src|workspace|code|project)/"),
)
_LEADING_DOTS = re.compile(r"^(?:\.\.?/)+")  # "./src/x.c", "../../src/x.c" -> "src/x.c"; ".github/" stays
_OUTSIDE = re.compile(r"(?:site-packages|dist-packages|/lib/python\d|/usr/(?:lib|include|local/lib)|<frozen|node_modules/|\.cargo/registry|/rustc/|\.m2/repository)")


class PathMapper:
    def __init__(self, repo: Path | None, workspace: str | None) -> None:
        self.repo = repo
        self.workspace = workspace.replace("\\", "/") if workspace else None
        self._tracked: list[str] | None = None

    def map(self, path: str) -> str | None:
        p = path.strip().strip("'\"").replace("\\", "/")
        if p.startswith("file://"):
            p = p[7:]
        if not p or _OUTSIDE.search(p):
            return None
        rel = self._strip(p)
        if self.repo is None:
            return _LEADING_DOTS.sub("", rel) if not rel.startswith("/") else rel
        return self._in_repo(rel, p)

    def _strip(self, p: str) -> str:
        if self.workspace and p.startswith(self.workspace):
            return p[len(self.workspace):]
        for pat in _PREFIXES:
            m = pat.match(p)
            if m:
                return p[m.end():]
        if p.startswith("./"):
            return p[2:]
        return p

    def _in_repo(self, rel: str, original: str) -> str | None:
        assert self.repo is not None
        if not rel.startswith("/") and (self.repo / rel).is_file():
            return rel
        try:
            if original.startswith("/") and Path(original).is_file():
                return Path(original).resolve().relative_to(self.repo.resolve()).as_posix()
        except (ValueError, OSError):
            pass
        return self._suffix_match(rel)

    def _suffix_match(self, rel: str) -> str | None:
        tracked = self._files()
        parts = rel.strip("/").split("/")
        for i in range(len(parts)):
            suffix = "/".join(parts[i:])
            hits = [t for t in tracked if t == suffix or t.endswith("/" + suffix)]
            if len(hits) == 1:
                return hits[0]
            if hits and i > 0:
                return None  # ambiguous
        return None

    def _files(self) -> list[str]:
        if self._tracked is None:
            import subprocess

            try:
                out = subprocess.run(
                    ["git", "-C", str(self.repo), "ls-files", "-z"],
                    capture_output=True, timeout=10, check=False,
                ).stdout
                self._tracked = [f for f in out.decode("utf-8", "replace").split("\0") if f]
            except (OSError, subprocess.SubprocessError):
                self._tracked = []
        return self._tracked
