"""npm/pnpm/yarn install errors, script-failure summaries, peer-dependency conflicts and missing modules."""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.node.common import (
    ECO,
    OUTSIDE,
    package_of,
    rule_doc,
    user_frame,
)

# --- npm / pnpm / yarn ---------------------------------------------------------------------------
_NPM_PREFIX = r"^npm (?:ERR!|error) "
_NETWORK_CODES = re.compile(
    r"^(?:ECONNREFUSED|ECONNRESET|ETIMEDOUT|ESOCKETTIMEDOUT|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ECONNABORTED|"
    r"EPIPE|E5\d\d|E429|ERR_SOCKET_TIMEOUT|EPROTO|CERT_\w+|UNABLE_TO_\w+|SELF_SIGNED_\w+|FETCH_5\d\d|FETCH_429|"
    r"META_FETCH_FAIL)$"
)
_NETWORK_TEXT = re.compile(
    r"ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|socket hang up|getaddrinfo|network|"
    r"\b(?:50[0-4]|429)\b|Service Unavailable|Bad Gateway|Too Many Requests",
    re.IGNORECASE,
)
_NPM = rx(
    _NPM_PREFIX + r"code (?P<code>E[A-Z0-9_]{2,40})\s*$"
    r"|^\s*ERR_PNPM_(?P<pcode>[A-Z0-9_]{2,60})\s+(?P<pmsg>\S[^\n]{0,400})"
    r"|^error (?P<ymsg>Couldn't find (?:package|any versions for) [^\n]{1,300}|Error: https?://\S{1,300}: Not found"
    r"|An unexpected error occurred: "
    r"[^\n]{1,400}|Your lockfile needs to be updated[^\n]{0,300}|Package \"[^\"\n]{1,200}\" refers to a non-existing file[^\n]{0,200})"
    r"|^[^\n]{0,12}?YN00(?P<ycode>35|28|82): │ (?P<bmsg>[^-+\s][^\n]{0,400})"  # yarn berry; not diff/detail lines
)
_NPM_NOT_CAUSE = {"ELIFECYCLE", "ERESOLVE", "ENOLOCK", "E401", "E403"}
_PNPM_NOT_CAUSE = re.compile(r"^(?:RECURSIVE_\w+|PEER_DEP_ISSUES|LIFECYCLE|\w*SCRIPT\w*|FETCH_40[13])$")  # NO_SCRIPT: JS-NPM-004
_NPM_LINE = re.compile(r"^npm (?:ERR!|error)(?: |$)")
_NPM_META = re.compile(r"^npm (?:ERR!|error)(?:\s*$| (?:syscall|errno|path|code|dest|A complete log))")
_NPM_PKG = re.compile(
    r"No matching version found for (?P<a>[@\w./-]+)@|Not Found - GET https?://\S+?/(?P<b>(?:@[\w.-]+(?:/|%2[fF]))?[\w.-]+)(?:\s|$|/-/)"
    r"|'(?P<c>[@\w./-]+?)@[^']*' is not in (?:the npm|this) registry|Couldn't find (?:package|any versions for) \"(?P<d>[@\w./-]+?)\""
    r"|^\s*(?P<e>[@\w./-]+) is not in the npm registry|for \"?(?P<f>[@\w./-]+?)@[^\s\"]+\"? that matches"
    r"|https?://[^/\s\"]+/(?P<g>(?:@[\w.-]+(?:/|%2[fF]))?[\w.-]+): Not found"
    r"|^[^\n]{0,12}?YN00\d\d: │ (?P<h>(?:@[\w.-]+/)?[\w.-]+)@npm:"
    r"|lock file's (?P<i>(?:@[\w.-]+/)?[\w.-]+)@\S+ does not satisfy|Missing: (?P<j>(?:@[\w.-]+/)?[\w.-]+)@\S+ from lock file"
)


def _not_an_install_error(m: re.Match[str]) -> bool:
    """Script failures (symptoms), peer conflicts (JS-DEP-001), auth (JS-NPM-003) and the network (infra)."""
    if m["code"]:
        return m["code"] in _NPM_NOT_CAUSE or bool(_NETWORK_CODES.match(m["code"]))
    if m["pcode"] and (_PNPM_NOT_CAUSE.match(m["pcode"]) or _NETWORK_CODES.match(m["pcode"])):
        return True
    if m["ycode"] == "28" and "lockfile would have been modified" not in m["bmsg"]:
        return True
    return bool(_NETWORK_TEXT.search(m["ymsg"] or m["pmsg"] or m["bmsg"] or ""))


def _npm_block(win: Window) -> list[tuple[int, str]] | None:
    """The explanatory `npm error ...` lines after `npm error code EXXX` (None: a network failure)."""
    block = []
    for n, text in win.after(8):
        if not _NPM_LINE.match(text):
            break
        if re.match(_NPM_PREFIX + r"network\b", text):
            return None  # `npm error network request ... failed`: the registry was unreachable
        if not _NPM_META.match(text):
            block.append((n, text))
    return block


def _package_in(texts: list[str]) -> str | None:
    for text in texts:
        p = _NPM_PKG.search(text)
        if p:
            return package_of(next(g for g in p.groups() if g).replace("%2f", "/").replace("%2F", "/"))
    return None


def _npm_extract(m: re.Match[str], win: Window) -> Extract | None:
    if _not_an_install_error(m):
        return None
    code = m["code"] or m["pcode"] or (f"YN00{m['ycode']}" if m["ycode"] else "yarn")
    block = _npm_block(win) if m["code"] else [(0, t) for _, t in win.after(4)]
    if block is None:
        return None
    data: dict[str, object] = {"code": code}
    package = _package_in([m.string] + [t for _, t in block])
    if package:
        data["package"] = package
    if not m["code"] or not block:
        return Extract(data=data)
    evidence = (win.lineno, *(n for n, _ in block[1:3]))
    return Extract(primary=block[0][0], evidence=evidence, data=data)


_NPM_SCRIPT = rx(
    _NPM_PREFIX + r"(?:code ELIFECYCLE|Lifecycle script `[^`\n]{1,100}` failed|command failed|Test failed|errno \d+\s*$|code \d+\s*$"
    r"|A complete log of this run can be found in)"
    r"|^\s*ERR_PNPM_RECURSIVE_(?:RUN|EXEC)_FIRST_FAIL|^\s*ELIFECYCLE\s+(?:Test|Command) failed"
    r"|^error Command failed with exit code \d+\."
)

# npm's own message when it has no error code to give: `npm error Git working directory not clean.`,
# `npm error audit endpoint returned an error`. Its detail lines (code, path, command, the log file)
# and the lifecycle summary are not messages.
_NPM_MESSAGE = rx(
    _NPM_PREFIX + r"(?!code |errno |path |command |syscall |signal |workspace |location |cwd |A complete log|Log files were"
    r"|Lifecycle script |\s|[\w@/.-]+@\S+ \S+: |Missing script: |\S+ (?:WARN|info|verb|timing|http) )"
    r"(?P<message>[A-Za-z][^\n]{2,400})$"
)


_NPM_CODE = re.compile(_NPM_PREFIX + r"code E")


def _npm_message_extract(m: re.Match[str], win: Window) -> Extract | None:
    for _, text in win.before(6):
        if _NPM_CODE.match(text):
            return None  # a coded error: JS-NPM-001 reads it, with its code
    return Extract(data={"message": m["message"].strip()})


# --- package.json scripts ----------------------------------------------------------------------
# npm: `npm error Missing script: "lint"`; pnpm: ` ERR_PNPM_NO_SCRIPT  Missing script: lint`;
# yarn 1: `error Command "lint" not found.`
_MISSING_SCRIPT = rx(
    r"(?:^npm (?:ERR!|error) |^\s*ERR_PNPM_NO_SCRIPT\s+)Missing script: \"?(?P<script>[^\"\s]{1,100})\"?"
    r"|^error Command \"(?P<yscript>[^\"\n]{1,100})\" not found\."
)


def _missing_script_extract(m: re.Match[str], win: Window) -> Extract | None:
    return Extract(file="package.json", data={"script": m["script"] or m["yscript"]})


# --- registry authentication --------------------------------------------------------------------
_AUTH = rx(_NPM_PREFIX + r"code (?P<code>E40[13])\s*$|^\s*ERR_PNPM_FETCH_(?P<pcode>40[13])\s+(?:GET )?(?P<url>\S+?):? (?P<pmsg>[^\n]{0,200})")
_URL_PKG = re.compile(r"https?://[^/\s]+/(?:[^\s]*?/)?(?P<p>@[\w.-]+(?:/|%2[fF])[\w.-]+|[\w.-]+)/?$")


def _auth_extract(m: re.Match[str], win: Window) -> Extract | None:
    data: dict[str, object] = {"code": m["code"] or f"E{m['pcode']}"}
    if m["url"]:
        data["registry"] = re.sub(r"^(https?://[^/\s]+/).*$", r"\1", m["url"])
        p = _URL_PKG.search(m["url"])
        if p:
            data["package"] = package_of(p["p"].replace("%2f", "/").replace("%2F", "/"))
    nxt = next((n for n, t in win.after(3) if re.match(_NPM_PREFIX + r"\w", t)), None) if m["code"] else None
    return Extract(primary=nxt, evidence=(win.lineno,) if nxt else (), data=data)


# --- pnpm audit ---------------------------------------------------------------------------------
# One box per advisory: `│ high │ title │`, then `│ Package │ name │`, `│ Vulnerable versions │ ... │`,
# `│ Patched versions │ ... │`, `│ More info │ url │`; the run ends `N vulnerabilities found`.
_AUDIT = rx(r"^│ (?P<severity>low|moderate|high|critical)\s{2,}│ (?P<advisory>\S[^│\n]{0,300}?)\s*│\s*$")
_AUDIT_ROW = re.compile(r"^│ (?P<key>Package|Vulnerable versions|Patched versions|More info)\s*│ (?P<value>[^│\n]{1,300}?)\s*│\s*$")


def _audit_extract(m: re.Match[str], win: Window) -> Extract | None:
    rows: dict[str, str] = {}
    summary = None
    for n, text in win.after(60):
        row = _AUDIT_ROW.match(text)
        if row:
            rows.setdefault(row["key"], row["value"].strip())
        elif re.match(r"^\d+ vulnerabilit(?:y|ies) found", text):
            summary = n
            break
    if "Package" not in rows:
        return None  # some other table with a `│ high │` cell
    data = {"package": rows["Package"], "severity": m["severity"], "vulnerable": rows.get("Vulnerable versions"),
            "patched": rows.get("Patched versions"), "advisory_url": rows.get("More info")}
    return Extract(file="package.json", evidence=(summary,) if summary else (), data={k: v for k, v in data.items() if v})


# --- peer dependency conflicts and missing modules -----------------------------------------------
_ERESOLVE = rx(
    _NPM_PREFIX + r"(?:ERESOLVE (?:unable to resolve dependency tree|could not resolve)|Conflicting peer dependency: (?P<peer>\S+))"
    r"|^\s*ERR_PNPM_PEER_DEP_ISSUES\b"
)
_FOUND = re.compile(_NPM_PREFIX + r"Found: (?P<pkg>(?:@[\w.-]+/)?[\w.-]+)@(?P<ver>\S+)")
_PEER = re.compile(_NPM_PREFIX + r"(?P<c>(?:peer(?:Optional)? )?(?:@[\w.-]+/)?[\w.-]+@\"[^\"\n]{1,100}\" from [^\n]{1,200})")


def _eresolve_extract(m: re.Match[str], win: Window) -> Extract | None:
    package = None
    constraints: list[str] = []
    evidence: list[int] = []
    for n, text in win.after(20):
        f = _FOUND.match(text)
        if f and package is None:
            package = f["pkg"]
            constraints.append(f"{f['pkg']}@{f['ver']}")
            evidence.append(n)
            continue
        p = _PEER.match(text)
        if p and (text.startswith("npm error peer") or text.startswith("npm ERR! peer") or not evidence[1:]):
            if p["c"].startswith("peer"):
                constraints.append(p["c"])
                evidence.append(n)
    data: dict[str, object] = {"constraints": constraints[:6], "conflict": "; ".join(constraints[:3]) or "see the log"}
    if package or m["peer"]:
        data["package"] = package or package_of(m["peer"].rsplit("@", 1)[0])
    return Extract(evidence=tuple(evidence[:3]), data=data)


_MISSING = rx(
    r"(?:^|\s)(?:Error: |Error \[ERR_MODULE_NOT_FOUND\]: )?Cannot find (?:module|package) '(?P<spec>[^'\n./][^'\n]{0,200})'"
    r"(?: imported from (?P<importer>\S+)| from '(?P<jfrom>[^'\n]{1,300})')?"
)


def _missing_extract(m: re.Match[str], win: Window) -> Extract | None:
    text = m.string
    if "error TS" in text or "corresponding type declarations" in text:
        return None  # tsc's TS2307 is a type-check finding
    if not (m["importer"] or m["jfrom"] or "Error" in text[: m.start("spec")]):
        return None
    spec = m["spec"]
    if spec.startswith(("node:", "/")) or re.match(r"^[A-Za-z]:", spec):
        return None
    file = m["importer"] or m["jfrom"]
    if file is None:
        for _, t in win.after(4):
            req = re.match(r"^- (?P<f>\S+\.(?:[cm]?[jt]sx?))\s*$", t)
            if req:
                file = req["f"]
                break
    if file is None:
        frame = user_frame(win, win.lineno + 1)
        file = frame[0] if frame else None
    if file and OUTSIDE.search(file):
        file = None
    return Extract(file=file, data={"module": package_of(spec)})


RULES = [
    Rule(
        code="JS-NPM-001",
        name="npm-install-error",
        category="dependency",
        severity="high",
        pattern=_NPM,
        literal=None,
        extract=_npm_extract,
        priority=75,
        confidence=0.8,
        ecosystem=ECO,
        title="npm/pnpm/yarn could not install {package} ({code})",
        root_cause="The package manager failed with {code} while installing {package}.",
        suggestion="Check the name and version range of {package} in package.json (a typo, a version never "
        "published, a private package without registry credentials) and refresh the lockfile.",
        doc=rule_doc(
            "The package manager stopped with an error code: npm's `npm error code E404` / `ETARGET` / `EUSAGE` "
            "block (`npm ERR!` before npm 9), pnpm's ` ERR_PNPM_FETCH_404 ` / `ERR_PNPM_OUTDATED_LOCKFILE`, yarn's "
            "`error Couldn't find package ...` or Berry's `YN0035`. Network codes (ECONNREFUSED, ETIMEDOUT, "
            "EAI_AGAIN, 5xx, 429) are left to the infrastructure rules.",
            "A dependency name or version that the registry does not have, a private package without "
            "credentials, or a lockfile out of sync with package.json (`npm ci`, `--frozen-lockfile`).",
            "npm error code ETARGET\nnpm error notarget No matching version found for dayjs@^9.4.0.",
            "Fix the name/version in package.json (`npm view PKG versions` lists what exists), add registry "
            "credentials for private scopes, or regenerate the lockfile with `npm install` and commit it.",
        ),
    ),
    Rule(
        code="JS-NPM-003",
        name="npm-registry-auth",
        category="permission",
        severity="high",
        pattern=_AUTH,
        literal=None,
        extract=_auth_extract,
        priority=78,
        confidence=0.8,
        ecosystem=ECO,
        title="The package registry refused the credentials ({code})",
        root_cause="The registry answered {code}: the job has no valid token for it (a private scope or registry).",
        suggestion="Provide the registry token to the job (e.g. NODE_AUTH_TOKEN / an `//host/:_authToken=${{NPM_TOKEN}}` "
        "line in .npmrc) and check that the token may read the package.",
        doc=rule_doc(
            "The registry rejected the request: npm's `npm error code E401` (`Incorrect or missing password.`) or "
            "`E403`, pnpm's ` ERR_PNPM_FETCH_401  GET https://registry/@scope%2Fpkg: Unauthorized - 401`.",
            "A private package or registry needs a token that the CI job does not pass (a missing or expired "
            "secret, a fork's pull request without access to secrets, a wrong `.npmrc` scope mapping).",
            "npm error code E401\nnpm error Incorrect or missing password.",
            "Configure the token for that registry in the job's environment and `.npmrc`; re-run.",
        ),
    ),
    Rule(
        code="JS-NPM-004",
        name="npm-missing-script",
        category="configuration",
        severity="medium",
        pattern=_MISSING_SCRIPT,
        literal=None,
        extract=_missing_script_extract,
        priority=76,
        confidence=0.85,
        ecosystem=ECO,
        title="package.json has no script '{script}'",
        root_cause="The CI job runs the package script '{script}', which package.json does not define.",
        suggestion="Add a '{script}' entry to package.json \"scripts\" (or call the script the project actually has).",
        doc=rule_doc(
            "The package manager was asked to run a script that package.json does not define: npm's "
            "`npm error Missing script: \"lint\"`, pnpm's `ERR_PNPM_NO_SCRIPT  Missing script: lint`, yarn's "
            "`error Command \"lint\" not found.`",
            "The workflow and package.json disagree: a script was renamed or removed, or the job runs in the wrong "
            "directory (a monorepo package without that script).",
            "npm error Missing script: \"lint\"\nnpm error\nnpm error To see a list of scripts, run:\nnpm error   npm run",
            "Define the script in package.json or change the CI command (and its working directory) to an existing one.",
        ),
    ),
    Rule(
        code="JS-SEC-001",
        name="pnpm-audit-vulnerability",
        category="security",
        severity="high",
        pattern=_AUDIT,
        literal="│ ",
        extract=_audit_extract,
        priority=70,
        confidence=0.8,
        ecosystem=ECO,
        title="Vulnerable dependency {package} ({severity}): {advisory}",
        root_cause="pnpm audit found a {severity} advisory for {package} (vulnerable {vulnerable}, patched {patched}).",
        suggestion="Upgrade {package} to a patched version ({patched}), directly or through pnpm.overrides, and re-run pnpm audit.",
        doc=rule_doc(
            "`pnpm audit` reported advisories, one box each: severity and title, `Package`, `Vulnerable versions`, "
            "`Patched versions`, `Paths`, `More info`, then `N vulnerabilities found` and exit 1.",
            "A direct or transitive dependency is at a version with a published security advisory at or above the "
            "audit level the job enforces.",
            "│ moderate            │ ip-address has XSS in Address6 HTML-emitting methods   │\n"
            "│ Package             │ ip-address                                             │",
            "Upgrade to a patched version (pnpm update, or pnpm.overrides for a transitive dependency); if no patch "
            "exists, assess and document an audit exception.",
        ),
    ),
    Rule(
        code="JS-NPM-005",
        name="npm-error-message",
        category="unknown",
        severity="medium",
        pattern=_NPM_MESSAGE,
        grep="^([0-9TZ:.-]+ )?npm (ERR!|error) [A-Za-z]",
        extract=_npm_message_extract,
        priority=50,
        confidence=0.5,
        ecosystem=ECO,
        title="npm: {message}",
        root_cause="npm stopped: {message}",
        suggestion="Act on npm's message (the command's own output and npm's debug log give the detail); "
        "re-run the same npm command locally.",
        doc=rule_doc(
            "npm stopped with a message of its own and no error code: `npm error Git working directory not clean.`, "
            "`npm error audit endpoint returned an error`.",
            "The command's precondition failed (a dirty tree for `npm version`, an audit endpoint the registry "
            "does not serve, a workspace that does not exist) rather than an install or a script.",
            "npm error Git working directory not clean.\nnpm error A complete log of this run can be found in: "
            "/root/.npm/_logs/2026-12-06T00_24_35_692Z-debug-0.log",
            "Do what the message asks (commit or stash before `npm version`, use a registry that serves the "
            "audit endpoint), then re-run.",
        ),
    ),
    Rule(
        code="JS-NPM-002",
        name="npm-script-failed",
        category="unknown",
        severity="medium",
        pattern=_NPM_SCRIPT,
        literal=None,
        symptom=True,
        priority=15,
        confidence=0.3,
        ecosystem=ECO,
        title="A package.json script failed",
        root_cause="An npm/pnpm/yarn script exited with an error; the cause is in its output above.",
        suggestion="Read the script's own output above the package manager's summary.",
        doc=rule_doc(
            "The package manager's summary after a script failed: `npm error Lifecycle script `test` failed`, "
            "`npm ERR! code ELIFECYCLE`, ` ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL`, `error Command failed with exit code 1.`",
            "It only reports that the script (tests, build, lint) exited non-zero.",
            "npm error Lifecycle script `test` failed with error:\nnpm error code 1",
            "Fix the error the script printed above this summary.",
        ),
    ),
    Rule(
        code="JS-DEP-001",
        name="npm-peer-dependency-conflict",
        category="dependency",
        severity="high",
        pattern=_ERESOLVE,
        literal=None,
        extract=_eresolve_extract,
        priority=82,
        confidence=0.88,
        ecosystem=ECO,
        title="npm could not resolve the dependency tree (conflict on {package})",
        root_cause="Peer dependency conflict: {conflict}",
        suggestion="Align the versions: upgrade the package whose peer range excludes {package}, or pin {package} "
        "to a version inside that range (avoid --legacy-peer-deps unless you accept a broken tree).",
        doc=rule_doc(
            "npm's `ERESOLVE unable to resolve dependency tree` (or `ERESOLVE could not resolve`, pnpm's "
            "`ERR_PNPM_PEER_DEP_ISSUES`): the installed version of a package does not satisfy another package's "
            "peer dependency range.",
            "A package was upgraded (e.g. react 19) while a dependency still declares an older peer range.",
            "npm error ERESOLVE unable to resolve dependency tree\nnpm error Found: react@19.3.1\n"
            "npm error peer react@\"^16.8.5 || ^17.0.0 || ^18.0.0\" from react-beautiful-dnd@13.1.1",
            "Pick versions that agree: upgrade the dependent package to a release supporting the new peer, or keep "
            "the peer at a supported version.",
        ),
    ),
    Rule(
        code="JS-DEP-002",
        name="node-module-not-found",
        category="dependency",
        severity="high",
        pattern=_MISSING,
        literal="Cannot find ",
        extract=_missing_extract,
        priority=82,
        confidence=0.85,
        ecosystem=ECO,
        title="Node module '{module}' is not installed",
        root_cause="{file} imports '{module}', which is not installed (missing from package.json dependencies).",
        suggestion="Add {module} to package.json dependencies (npm install {module}) and commit the lockfile.",
        doc=rule_doc(
            "Node could not resolve a bare package import: `Error: Cannot find module 'dayjs'` with its "
            "`Require stack`, ESM's `Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'x' imported from ...`, or "
            "jest's `Cannot find module 'x' from 'src/a.js'`.",
            "The code imports a package that package.json does not declare (it worked locally because it was "
            "installed by hand or hoisted from another package).",
            "Error: Cannot find module 'dayjs'\nRequire stack:\n- /home/runner/work/widgets/widgets/main.js",
            "Declare the package in dependencies (devDependencies for test-only code) and reinstall.",
        ),
    ),
]
