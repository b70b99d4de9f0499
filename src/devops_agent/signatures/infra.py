"""Infrastructure signatures: the network, registries, runners, disks, memory and the clock.

These failures are not in the project's code: the fix is a re-run, a retry policy, a mirror, more
memory or a longer limit, never a patch. Formats learned from the tools and runners themselves:
curl's ``curl: (N) ...`` errors, npm/node ``ECONNREFUSED``/``ETIMEDOUT``/``EAI_AGAIN`` codes,
glibc's resolver messages, HTTP status lines, bash's job-control ``Killed`` report, the kernel's
OOM killer, coreutils ``timeout`` (exit 124), GitHub's runner annotations and GitLab's job verdict.

Retried attempts ("retrying in 0.25s") are not the failure: the verdict that follows them is.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.base import doc as _doc

_ECO = "infrastructure"
_RETRY = re.compile(r"\bretry(?:ing)?\b|\bwill retry\b|\battempt \d+ of\b|\bretries left\b|\bbacking off\b", re.I)




_CAUSED_BY = re.compile(r"^\s*Caused by:")
_HEAD_ERROR = re.compile(r"^\s*(?:error|Error|ERROR)(?:\[[^\]]{1,20}\])?: \S")


def _chain_head(win: Window) -> int | None:
    """In an error chain (``error: X`` / ``  Caused by: Y``, as uv, cargo and anyhow print it), the
    head states what failed; the network cause is its evidence."""
    if not _CAUSED_BY.match(win.text(win.lineno) or ""):
        return None
    for n, text in win.before(12):
        if _HEAD_ERROR.match(text):
            return n
        if not (_CAUSED_BY.match(text) or text.startswith((" ", "\t"))):
            return None
    return None


def _not_a_retry(m: re.Match[str], win: Window) -> Extract | None:
    text = win.text(win.lineno) or ""
    return None if _RETRY.search(text) else Extract(primary=_chain_head(win))


# `host:port`, curl's `host port N`, urllib3's `HTTPSConnectionPool(host='x', port=443)`
_HOST = re.compile(
    r"(?P<host>(?:\d{1,3}\.){3}\d{1,3}|[\w.-]+\.[a-z]{2,})(?::| port )(?P<port>\d{1,5})"
    r"|\bhost='(?P<host2>[^'\s]{1,200})', port=(?P<port2>\d{1,5})"
)
_DETAIL = re.compile(r"reason: |request to |(?:\d{1,3}\.){3}\d{1,3}:\d+|https?://")


def _network(m: re.Match[str], win: Window) -> Extract | None:
    """Connection errors: skip retried attempts; a bare error code line hands the lead to the
    nearby line that names the host (npm prints `code ECONNREFUSED` before the request line)."""
    text = win.text(win.lineno) or ""
    if _RETRY.search(text):
        return None
    data: dict[str, object] = {}
    host = _HOST.search(text)
    primary = None
    if not host or not _DETAIL.search(text):
        for n, later in win.after(6):
            if _DETAIL.search(later) and re.search(r"ECONN|ETIMEDOUT|refused|reset|timed out|unreachable", later, re.I):
                primary = n
                host = _HOST.search(later)
                break
    if host:
        data.update(host=host["host"] or host["host2"], port=host["port"] or host["port2"])
    return Extract(primary=primary, data=data)


def _exit_verdict(m: re.Match[str], win: Window) -> Extract | None:
    """The wrapper line's exit status is the evidence; the step's last output line explains more."""
    last = next(((n, t) for n, t in win.before(8) if t.strip() and not t.startswith(("##[", "section_"))), None)
    return Extract(evidence=(last[0],) if last else ())


_OOM = rx(
    r"(?:^|:\s+\d+\s+|\s)Killed(?:\s{2,}\S|\s*$)"
    r"|Out of memory: Kill(?:ed)? process|oom-kill(?:er)?\b|\bOOMKilled\b"
    r"|^(?:E\s+)?MemoryError\b|java\.lang\.OutOfMemoryError|JavaScript heap out of memory"
    r"|\bCUDA out of memory\b|fatal error: runtime: out of memory|Cannot allocate memory"
    r"|(?:Process completed with|Job failed:) exit code 137\b"
)
_TIME = rx(
    r"(?:Process completed with|Job failed:) exit code 124\b|^timeout: sending signal"
    r"|has exceeded the maximum execution time|has timed out after \d+ minutes"
    r"|execution took longer than|Build timed out|Command took >\d+ ?min|\btimed out after \d+ ?(?:s|seconds|minutes|min)\b"
    # Travis, CircleCI and Azure Pipelines time limits (the job's or the no-output one)
    r"|^The job exceeded the maximum time limit for jobs|^No output has been received in the last \d+m"
    r"|^Too long with no output \(exceeded [\dhms.]+\)|ran longer than the maximum time of \d+ minutes"
)
_CANCEL = rx(r"^(?:Error: )?The operation was canceled\.|^(?:ERROR: Job failed: )?(?:job )?canceled\s*$|Build was aborted|^Aborted by \S")
_NET = rx(
    r"\bECONNREFUSED\b|\bECONNRESET\b|\bETIMEDOUT\b|\bEHOSTUNREACH\b|\bENETUNREACH\b"
    r"|Connection refused|Connection reset by peer|Connection timed out|Network is unreachable|No route to host"
    r"|Failed to connect to \S+ port \d+|Couldn't connect to server|Could not connect to|connect: connection refused"
    r"|Read timed out\.|ReadTimeoutError|ConnectTimeoutError|Max retries exceeded with url"
    r"|Could not reach host \S+\. Check your network"  # Bundler
)
_DNS = rx(
    r"Could not resolve host|Temporary failure in name resolution|Name or service not known"
    r"|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|\bEAI_AGAIN\b|: no such host\b|nodename nor servname provided"
    r"|Could not resolve (?:hostname|proxy)|NameResolutionError"
    r"|getaddrinfo for \S+ failed"  # PHP streams (Composer), which wraps the rest onto the next line
)
_REG = rx(
    r"\b429 Too Many Requests\b|\btoomanyrequests\b|API rate limit exceeded|\brate limit(?:ed)? exceeded"
    r"|\b50[0234] (?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out)\b"
    r"|\b(?:HTTP|http) (?:error |status |code )?(?:429|50[0234])\b|returned error: (?:429|50[0234])\b"
    r"|received HTTP code (?:429|50[0234])|npm (?:ERR!|error) code E(?:429|50[0234])\b"
)
_RUNNER = rx(
    r"The runner has received a shutdown signal|lost communication with the server"
    r"|The hosted runner encountered an error|runner .{0,80} did not respond|Runner .{0,80} is offline"
    r"|The self-hosted runner: .{0,120} lost communication|ERROR: Job failed \(system failure\)"
    r"|^Agent went offline during the build|^Cannot contact \S+: java\.lang\.InterruptedException"  # Jenkins
)
_GIT = rx(
    r"fatal: couldn't find remote ref|fatal: unable to access '|fatal: Could not read from remote repository"
    r"|error: RPC failed|fatal: the remote end hung up unexpectedly|fatal: early EOF|fatal: reference is not a tree"
    r"|Failed to download archive '|fatal: repository '[^']{1,300}' not found"
)
_DISK = rx(r"No space left on device|\bENOSPC\b|You are running out of disk space|[Dd]isk quota exceeded")
_PERM = rx(
    r"Resource not accessible by integration|is not authorized to perform:|AccessDenied(?:Exception)?\b"
    r"|Permission to \S+ denied to|Bad credentials|\b(?:HTTP|status|code):? ?(?:401|403)\b.{0,40}(?:Unauthori[sz]ed|Forbidden)"
    r"|The requested URL returned error: 40[13]\b|denied: requested access to the resource is denied"
    r"|fatal: detected dubious ownership in repository"
)
_DEPENDABOT = rx(r"Dependabot encountered '?\d+'? error\(s\) during execution|Dependabot encountered an error performing the update")

RULES = [
    Rule(
        code="INF-OOM-001", name="out-of-memory", category="resource", severity="high",
        pattern=_OOM, wrappers=True, extract=None, priority=82, confidence=0.85, ecosystem=_ECO,
        grep="Killed|[Oo]ut of memory|oom-kill|OOMKilled|MemoryError|OutOfMemoryError|Cannot allocate memory|exit code 137",
        title="The job ran out of memory (the process was killed)",
        root_cause="The process used more memory than the runner or its limit allows and was killed (SIGKILL, exit 137).",
        suggestion="Reduce peak memory (stream or batch the data), or give the job more memory (a larger runner, a higher limit).",
        doc=_doc(
            "A process was killed for using too much memory: bash reports `Killed`, the step exits with 137 "
            "(128 + SIGKILL), or the runtime reports `MemoryError` / `OutOfMemoryError` / `CUDA out of memory`.",
            "The kernel's OOM killer (or a container/cgroup limit, or a watchdog) stops a process that exceeds "
            "the memory available to the job. Nothing in the log after that line is the cause.",
            "./ci/memcap.sh: line 11:  1637 Killed                  \"$@\"\n##[error]Process completed with exit code 137.",
            "Find what grew (a list kept in memory, a cache, parallel workers) and bound it; or run the job on a "
            "runner with more memory. Not fixable by a patch to the failing line.",
        ),
    ),
    Rule(
        code="INF-TIME-001", name="timed-out", category="timeout", severity="high",
        pattern=_TIME, wrappers=True, extract=_exit_verdict, priority=80, confidence=0.85, ecosystem=_ECO,
        grep="exit code 124|timeout: sending signal|maximum execution time|timed out after|took longer than|Build timed out|Command took >|maximum time limit|No output has been received|Too long with no output|ran longer than the maximum time",
        title="The step timed out",
        root_cause="The step ran past its time limit and was stopped (exit 124 from `timeout`, or the CI's job limit).",
        suggestion="Find what waited or looped (the last lines before the limit); fix the wait, or raise the limit if the work is legitimately slow.",
        doc=_doc(
            "The step or job hit a time limit: `timeout` exited with 124, or the CI stopped the job "
            "(`exceeded the maximum execution time`, `execution took longer than`, `Build timed out`).",
            "Something waited for a service that never came up, looped, deadlocked, or simply got slower than the limit.",
            "postgres at 127.0.0.1:5432 not ready ([Errno 111] Connection refused); retrying in 0.25s\nERROR: Job failed: exit code 124",
            "Read the last lines before the limit: a retry loop points at a missing service (start it, or wait "
            "with a bounded readiness check); steady progress points at a limit that is too low.",
        ),
    ),
    Rule(
        code="INF-CANCEL-001", name="run-canceled", category="infrastructure", severity="low",
        pattern=_CANCEL, wrappers=True, annotated=False, priority=40, confidence=0.6, ecosystem=_ECO,
        grep="operation was canceled|canceled|Build was aborted|Aborted by",
        title="The run was canceled",
        root_cause="The run was canceled (by a user, a newer push, or a concurrency group) before it finished.",
        suggestion="Re-run it; if cancellations are unexpected, check the workflow's concurrency settings.",
        doc=_doc(
            "The CI stopped the run before it finished: `The operation was canceled.`, `Build was aborted`.",
            "A user canceled it, a newer commit superseded it (concurrency groups), or a time limit canceled it.",
            "##[error]The operation was canceled.",
            "Nothing to fix in the code: re-run. When a timeout caused the cancellation, see the timeout finding.",
        ),
    ),
    Rule(
        code="INF-NET-001", name="connection-failed", category="infrastructure", severity="high",
        pattern=_NET, extract=_network, priority=74, confidence=0.75, ecosystem=_ECO,
        grep="ECONN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|Connection (refused|reset|timed out)|unreachable|No route to host|connect to|Couldn't connect|connection refused|timed out|Timeout|Max retries|Could not reach host",
        title="Could not connect to {host}:{port}",
        root_cause="A network connection failed (refused, reset or timed out): the service was down or unreachable from the runner.",
        suggestion="Check that the service (registry, database, API) is up and reachable from the runner; re-run if it was a blip.",
        doc=_doc(
            "A connection to a server failed: `ECONNREFUSED`, `Connection refused`, `Connection reset by peer`, "
            "`ETIMEDOUT`, `Failed to connect to HOST port N`.",
            "Nothing listened on that host and port, a firewall or proxy dropped the connection, or the service was "
            "overloaded. Tests that need a service fail the same way when the service was never started.",
            "npm error code ECONNREFUSED\nnpm error FetchError: request to http://localhost:4873/dayjs failed, reason: connect ECONNREFUSED 127.0.0.1:4873",
            "Start or wait for the service the step needs, point the tool at a reachable mirror, or re-run a transient failure.",
        ),
    ),
    Rule(
        code="INF-DNS-001", name="name-resolution-failed", category="infrastructure", severity="high",
        pattern=_DNS, extract=_not_a_retry, priority=76, confidence=0.8, ecosystem=_ECO,
        grep="resolve host|name resolution|not known|ENOTFOUND|EAI_AGAIN|no such host|servname|Could not resolve|NameResolutionError|getaddrinfo for",
        title="A host name could not be resolved",
        root_cause="DNS resolution failed: the host name is wrong, or the runner had no working resolver.",
        suggestion="Check the host name (a typo, an internal name unreachable from hosted runners); re-run if DNS was flaky.",
        doc=_doc(
            "A host name did not resolve: `Could not resolve host`, `Temporary failure in name resolution`, "
            "`getaddrinfo ENOTFOUND`, `no such host`.",
            "The name is misspelled, only resolvable inside a private network, or the runner's DNS failed.",
            "curl: (6) Could not resolve host: registry.example.invalid",
            "Fix the name or the network path (proxy, VPN, self-hosted runner); for a blip, re-run.",
        ),
    ),
    Rule(
        code="INF-REG-001", name="service-unavailable", category="infrastructure", severity="medium",
        pattern=_REG, extract=_not_a_retry, priority=72, confidence=0.75, ecosystem=_ECO,
        grep="(HTTP|http|error|status|code|returned|E)[ :]{0,2}(429|50[0234])\\b|Too Many Requests|toomanyrequests|rate limit|Bad Gateway|Service Unavailable|Gateway Time|Internal Server Error",
        title="A registry or API refused the request (rate limit or server error)",
        root_cause="A package registry, container registry or API answered 429 (rate limited) or 5xx (server error).",
        suggestion="Re-run later, authenticate to raise the rate limit, or use a mirror/cache for the registry.",
        doc=_doc(
            "A server answered with HTTP 429 (too many requests) or 500/502/503/504 (server error): "
            "`toomanyrequests`, `API rate limit exceeded`, `503 Service Unavailable`.",
            "Anonymous pulls and API calls are rate limited; registries and APIs have outages.",
            "curl: (22) The requested URL returned error: 503",
            "Authenticate (higher limits), cache dependencies, add retries with back-off, or re-run.",
        ),
    ),
    Rule(
        code="INF-RUN-001", name="runner-lost", category="infrastructure", severity="high",
        pattern=_RUNNER, annotated=False, priority=78, confidence=0.85, ecosystem=_ECO,
        grep="shutdown signal|lost communication|hosted runner encountered|did not respond|is offline|system failure|Agent went offline|Cannot contact",
        title="The CI runner was lost",
        root_cause="The machine running the job stopped or lost contact with the CI server; the job did not fail on its own.",
        suggestion="Re-run the job; if it recurs, check the runner's resources (memory, disk) or the runner service.",
        doc=_doc(
            "The runner went away: `The runner has received a shutdown signal`, `lost communication with the server`.",
            "The runner VM was preempted, ran out of resources, or its service was stopped.",
            "##[error]The runner has received a shutdown signal. This can happen when the runner service is stopped, or a manually started runner is canceled.",
            "Re-run; for self-hosted runners check the host's health.",
        ),
    ),
    Rule(
        code="INF-GIT-001", name="git-remote-failed", category="infrastructure", severity="medium",
        pattern=_GIT, extract=_not_a_retry, priority=70, confidence=0.75, ecosystem=_ECO,
        grep="fatal: |error: RPC failed|Failed to download archive",
        title="A git fetch/clone failed",
        root_cause="git could not fetch from the remote: the ref does not exist, access was refused, or the connection broke.",
        suggestion="Check the ref or tag the workflow fetches and the token's access; re-run for transient network errors.",
        doc=_doc(
            "A git network operation failed: `couldn't find remote ref`, `unable to access`, `Could not read from "
            "remote repository`, `RPC failed`, `the remote end hung up unexpectedly`.",
            "The ref was deleted or never pushed, credentials lack access, or the connection to the server broke.",
            "fatal: couldn't find remote ref refs/tags/v9.9.9",
            "Fetch a ref that exists (or create it), give the job's token read access, or re-run.",
        ),
    ),
    Rule(
        code="INF-DISK-001", name="disk-full", category="resource", severity="high",
        pattern=_DISK, priority=84, confidence=0.9, ecosystem=_ECO,
        grep="No space left on device|ENOSPC|running out of disk space|quota exceeded",
        title="The disk is full",
        root_cause="A write failed because the runner's disk (or a quota) is full.",
        suggestion="Free space before the step (remove unused toolchains, caches, docker images) or use a runner with a bigger disk.",
        doc=_doc(
            "A write failed with `No space left on device` (ENOSPC) or a quota error.",
            "Build outputs, caches, docker layers or logs filled the runner's disk.",
            "dd: error writing '/dev/full': No space left on device",
            "Clean up earlier in the job (docker system prune, remove preinstalled SDKs you do not use), shrink "
            "artifacts, or use a larger runner.",
        ),
    ),
    Rule(
        code="INF-PERM-001", name="access-denied", category="permission", severity="high",
        pattern=_PERM, priority=76, confidence=0.8, ecosystem=_ECO,
        grep="not accessible by integration|not authorized to perform|AccessDenied|Permission to|Bad credentials|(HTTP|status|code|error)[: ]{0,2}40[13]\\b|Unauthori[sz]ed|Forbidden|access to the resource is denied|dubious ownership",
        title="Access denied by a service the job calls",
        root_cause="A service refused the job's credentials: the token or role lacks the permission the step needs.",
        suggestion="Grant the job's token or role the missing permission (workflow `permissions:`, IAM policy), or use the right secret.",
        doc=_doc(
            "An API or registry refused the job: `Resource not accessible by integration` (GitHub token scope), "
            "`is not authorized to perform: s3:PutObject` (cloud IAM), `Bad credentials`, HTTP 401/403; git's "
            "`detected dubious ownership` (the checkout belongs to another user than the one running git).",
            "The token or role the job runs with does not have the permission, expired, or belongs to another account.",
            "gh: Resource not accessible by integration (HTTP 403)",
            "Add the permission to the workflow's `permissions:` block or the cloud role's policy, or fix the secret.",
        ),
    ),
    Rule(
        code="GHA-DEP-001", name="dependabot-update-failed", category="dependency", severity="medium",
        pattern=_DEPENDABOT, annotated=False, priority=62, confidence=0.7, ecosystem="github",
        grep="Dependabot encountered",
        title="Dependabot could not perform the update",
        root_cause="Dependabot's update job reported errors (see its error table: the dependency could not be updated or resolved).",
        suggestion="Read Dependabot's error table above the line; fix the manifest/lockfile or the dependabot.yml configuration it names.",
        doc=_doc(
            "A Dependabot job (version or security update) failed: `Dependabot encountered '1' error(s) during "
            "execution`, followed by a table of error types and details.",
            "Dependabot could not resolve or update a dependency (an unsatisfiable constraint, a private registry "
            "without credentials, an update that is not needed), or its configuration is wrong.",
            "Dependabot encountered '1' error(s) during execution, please check the logs for more details.\n"
            "##[error]Dependabot encountered an error performing the update",
            "Act on the error type in the table: fix the dependency constraint or registry credentials in "
            "dependabot.yml, or close the update when it is not needed.",
        ),
    ),
]
