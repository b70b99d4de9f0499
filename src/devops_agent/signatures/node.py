"""JavaScript/TypeScript signatures: npm/pnpm/yarn errors, peer-dependency conflicts, missing
modules, tsc, eslint, prettier, jest/vitest/mocha/node:test failures and uncaught Node errors.

Formats learned from the tools' output: npm's ``npm error code EXXX`` block (``npm ERR!`` before
npm 9), pnpm's `` ERR_PNPM_CODE  message``, yarn's ``error ...`` / ``➤ YN0035``; tsc's
``file(l,c): error TS2322:`` and ``--pretty`` ``file:l:c - error TS2322:``; eslint's stylish
output (a file header, then ``  l:c  error  message  rule``); jest's ``FAIL file`` + ``● Suite ›
test`` blocks with an ``at fn (file:l:c)`` frame; vitest's `` FAIL  file > suite > test`` +
`` ❯ file:l:c``; mocha's ``N failing``; node:test's TAP ``not ok`` and spec ``✖``; Node's
uncaught-exception report (``file:line``, source, caret, ``TypeError: ...``, frames, ``Node.js v20``).
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx

_ECO = "node"

# A stack frame `at fn (path:l:c)` / `at path:l:c` / vitest's `❯ path:l:c`.
_JS_FRAME = re.compile(
    r"^\s*(?:at (?:async )?(?:[^\n()]{1,300} \()?|❯ )(?P<file>(?:file://)?[^\s()]{1,400}?\.(?:[cm]?[jt]sx?|vue|svelte)):(?P<line>\d+):\d+\)?\s*$"
)
_OUTSIDE = re.compile(r"node_modules/|^node:|/node/|internal/|<anonymous>")


def _doc(what: str, why: str, example: str, fix: str) -> str:
    return f"## What it means\n{what}\n\n## Why it fails\n{why}\n\n## Example\n```\n{example}\n```\n\n## Fix\n{fix}\n"


def _user_frame(win: Window, start: int, count: int = 30) -> tuple[str, int] | None:
    for _, text in win.after(count, start):
        m = _JS_FRAME.match(text)
        if m and not _OUTSIDE.search(m["file"]):
            return m["file"], int(m["line"])
    return None


def _package_of(spec: str) -> str:
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") and len(parts) > 1 else parts[0]


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
    r"|^error (?P<ymsg>Couldn't find (?:package|any versions for) [^\n]{1,300}|An unexpected error occurred: "
    r"[^\n]{1,400}|Your lockfile needs to be updated[^\n]{0,300}|Package \"[^\"\n]{1,200}\" refers to a non-existing file[^\n]{0,200})"
    r"|^[^\n]{0,12}?YN00(?P<ycode>35|28|82): [^\n]{0,400}"
)
_NPM_NOT_CAUSE = {"ELIFECYCLE", "ERESOLVE", "ENOLOCK"}
_PNPM_NOT_CAUSE = re.compile(r"^(?:RECURSIVE_\w+|PEER_DEP_ISSUES|LIFECYCLE|\w*SCRIPT\w*)$")
_NPM_META = re.compile(_NPM_PREFIX + r"(?:syscall|errno|path|code|dest|A complete log|\s*$)")
_NPM_PKG = re.compile(
    r"No matching version found for (?P<a>[@\w./-]+)@|Not Found - GET https?://\S+?/(?P<b>(?:@[\w.-]+(?:/|%2[fF]))?[\w.-]+)(?:\s|$|/-/)"
    r"|'(?P<c>[@\w./-]+?)@[^']*' is not in (?:the npm|this) registry|Couldn't find (?:package|any versions for) \"(?P<d>[@\w./-]+?)\""
    r"|^\s*(?P<e>[@\w./-]+) is not in the npm registry|for \"?(?P<f>[@\w./-]+?)@[^\s\"]+\"? that matches"
)


def _npm_extract(m: re.Match[str], win: Window) -> Extract | None:
    code = m["code"] or m["pcode"] or (f"YN00{m['ycode']}" if m["ycode"] else "yarn")
    if m["code"] and (m["code"] in _NPM_NOT_CAUSE or _NETWORK_CODES.match(m["code"])):
        return None  # a script failure (symptom), a peer conflict (JS-DEP-001) or the network (infra)
    if m["pcode"] and (_PNPM_NOT_CAUSE.match(m["pcode"]) or _NETWORK_CODES.match(m["pcode"])):
        return None
    if (m["ymsg"] or m["pmsg"]) and _NETWORK_TEXT.search(m["ymsg"] or m["pmsg"]):
        return None
    primary = None
    evidence: list[int] = []
    texts = [m.string]
    if m["code"]:
        for n, text in win.after(8):
            if not re.match(_NPM_PREFIX, text):
                break
            if _NPM_META.match(text):
                continue
            if re.match(_NPM_PREFIX + r"network\b", text):
                return None  # `npm error network request ... failed`: the registry was unreachable
            texts.append(text)
            if primary is None:
                primary = n
            elif len(evidence) < 2:
                evidence.append(n)
    else:
        texts += [t for _, t in win.after(4)]
    data: dict[str, object] = {"code": code}
    for text in texts:
        p = _NPM_PKG.search(text)
        if p:
            data["package"] = _package_of(next(g for g in p.groups() if g).replace("%2f", "/").replace("%2F", "/"))
            break
    if primary is not None:
        evidence.insert(0, win.lineno)
    return Extract(primary=primary, evidence=tuple(evidence), data=data)


_NPM_SCRIPT = rx(
    _NPM_PREFIX + r"(?:code ELIFECYCLE|Lifecycle script `[^`\n]{1,100}` failed|command failed|Test failed|errno \d+\s*$|code \d+\s*$"
    r"|A complete log of this run can be found in)"
    r"|^\s*ERR_PNPM_RECURSIVE_(?:RUN|EXEC)_FIRST_FAIL|^\s*ELIFECYCLE\s+(?:Test|Command) failed"
    r"|^error Command failed with exit code \d+\."
)


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
    data: dict[str, object] = {"constraints": constraints[:6]}
    if package or m["peer"]:
        data["package"] = package or _package_of(m["peer"].rsplit("@", 1)[0])
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
        frame = _user_frame(win, win.lineno + 1)
        file = frame[0] if frame else None
    if file and _OUTSIDE.search(file):
        file = None
    return Extract(file=file, data={"module": _package_of(spec)})


# --- tsc -----------------------------------------------------------------------------------------
_TSC = rx(
    r"(?:^|[\s:>])(?P<file>[^\s():'\"]{1,300}?\.(?:[cm]?[jt]sx?|vue|svelte|json))"
    r"(?:\((?P<line>\d+),(?P<col>\d+)\): | ?:(?P<lineb>\d+):(?P<colb>\d+) - )error (?P<ts_code>TS\d{3,5}): (?P<message>[^\n]{1,500})"
    r"|^\s*error (?P<gcode>TS\d{3,5}): (?P<gmessage>[^\n]{1,500})"
)


def _tsc_extract(m: re.Match[str], win: Window) -> Extract | None:
    if m["gcode"]:
        return Extract(data={"ts_code": m["gcode"], "message": m["gmessage"]})
    evidence = []
    if m["lineb"]:  # --pretty: a blank line, the numbered source line and the squiggle follow
        evidence = [n for n, t in win.after(4) if re.match(r"^\s*\d+\s{2,}\S|^\s+~", t)][:2]
    line = int(m["line"] or m["lineb"])
    return Extract(file=m["file"], line=line, evidence=tuple(evidence), data={"ts_code": m["ts_code"]})


# --- eslint --------------------------------------------------------------------------------------
_ESLINT_PROBLEM = re.compile(r"^\s+\d+:\d+\s+(?:error|warning)\s+\S")
_ESLINT = rx(
    r"^\s+(?P<line>\d+):(?P<col>\d+)\s+error\s+(?P<message>\S[^\n]{0,400}?)(?:\s{2,}(?P<rule>[@\w][\w@/.-]{0,100}))?\s*$"
    r"|^(?P<ufile>[^\s:][^\n:]{0,300}?\.(?:[cm]?[jt]sx?|vue|svelte)):(?P<uline>\d+):(?P<ucol>\d+): (?P<umsg>[^\n]{1,400}?) "
    r"\[Error/(?P<urule>[^\]\n]{1,100})\]\s*$"
    r"|^(?P<cfile>[^\s:][^\n:]{0,300}?\.(?:[cm]?[jt]sx?|vue|svelte)): line (?P<cline>\d+), col \d+, Error - (?P<cmsg>[^\n]{1,400}?)"
    r"(?: \((?P<crule>[^)\n]{1,100})\))?\s*$"
)
_HEADER = re.compile(r"^(?P<f>(?:[A-Za-z]:)?[^\s][^\n]{0,400}\.(?:[cm]?[jt]sx?|vue|svelte|json|md|html|astro))\s*$")


def _eslint_header(win: Window) -> tuple[str | None, int | None]:
    for n, text in win.before(400):
        if _ESLINT_PROBLEM.match(text):
            continue
        h = _HEADER.match(text)
        return (h["f"], n) if h else (None, None)
    return None, None


def _eslint_extract(m: re.Match[str], win: Window) -> Extract | None:
    if m["ufile"] or m["cfile"]:
        file = m["ufile"] or m["cfile"]
        rule = m["urule"] or m["crule"]
        data = {"rule": rule, "codes": [rule] if rule else [], "files": [file]}
        return Extract(file=file, line=int(m["uline"] or m["cline"]), data=data)
    file, header = _eslint_header(win)
    if file is None:
        return None  # stylish problems always sit under their file's header
    codes: list[str] = []
    files: list[str] = [file]
    for _, text in win.after(300):
        if _ESLINT_PROBLEM.match(text):
            r = re.search(r"\s{2,}(?P<r>[@\w][\w@/.-]{0,100})\s*$", text)
            if r and " error " in f" {text} " and r["r"] not in codes:
                codes.append(r["r"])
            continue
        h = _HEADER.match(text)
        if h:
            files.append(h["f"])
            continue
        if text.strip():
            break
    if m["rule"] and m["rule"] not in codes:
        codes.insert(0, m["rule"])
    data = {"rule": m["rule"], "codes": codes, "files": files}
    return Extract(file=file, line=int(m["line"]), evidence=(header,) if header else (), data=data)


# --- prettier ------------------------------------------------------------------------------------
_PRETTIER = rx(r"^\[warn\] Code style issues (?:found in (?:the above file|\d+ files)|were found in the above file)")
_PRETTIER_FILE = re.compile(r"^\[warn\] (?P<f>[^\s\[][^\n]{0,400})$")


def _prettier_extract(m: re.Match[str], win: Window) -> Extract | None:
    files: list[tuple[int, str]] = []
    for n, text in win.before(500):
        f = _PRETTIER_FILE.match(text)
        if f and not f["f"].startswith("Code style"):
            files.append((n, f["f"].strip()))
        elif text.startswith("Checking formatting") or files and not text.startswith("[warn]"):
            break
    files.reverse()
    names = [f for _, f in files]
    file = names[0] if names else None
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    title = f"Prettier would reformat {shown}" if names else None
    return Extract(file=file, evidence=tuple(n for n, _ in files[:4]), data={"files": names}, title=title)


# --- test runners --------------------------------------------------------------------------------
_TEST = rx(
    r"^\s{0,4}FAIL\s+(?:\|[^|\n]{1,80}\|\s+)?(?P<file>[^\s>|]{1,300}\.(?:[cm]?[jt]sx?|vue|svelte))"
    r"(?:\s+>\s+(?P<vtest>[^\n]{1,400}?))?(?:\s+\(\d[\d.]*\s*m?s\))?\s*$"
    r"|^\s+● (?P<jtest>(?!Console\s*$)[^\n]{1,400})$"
    r"|^\s*not ok \d+ - (?P<ttest>[^\n#]{1,400})"
    r"|^\s*✖ (?P<stest>(?!failing tests:)[^\n]{1,400}?) \([\d.]+m?s\)\s*$"
    r"|^\s+(?P<mcount>\d+) failing\s*$"
    r"|^\s+\d+\) (?:\[[^\]\n]{1,80}\] › )?(?P<pwfile>[^\s:]{1,300}\.[cm]?[jt]sx?):(?P<pwline>\d+):\d+ › (?P<pwtest>[^\n]{1,400}?)\s*─*\s*$"
)
_JEST_BLOCK = re.compile(r"^\s+● (?!Console\s*$)")
_RESULT_LINE = re.compile(r"^\s{0,4}(?:PASS|FAIL)\s+\S")
_ASSERT_LINE = re.compile(r"^\s*(?:\w*Error\b|expect\(|Expected|AssertionError|assert|\w+Exception\b)")


def _first_message(win: Window, start: int, count: int = 6) -> int | None:
    for n, text in win.after(count, start):
        if text.strip() and not text.lstrip().startswith(("●", "FAIL", "---", "duration_ms")):
            return n
    return None


def _test_extract(m: re.Match[str], win: Window) -> Extract | None:
    if m["file"] is not None:
        return _fail_line(m, win)
    if m["jtest"] is not None:
        return _jest_block(m, win)
    if m["ttest"] is not None:
        return _tap_block(m, win)
    if m["pwfile"] is not None:
        return _playwright_block(m, win)
    if m["stest"] is not None:
        msg = _first_message(win, win.lineno + 1, 2)
        if msg is None or not _ASSERT_LINE.match(win.text(msg) or ""):
            return None
        loc = _user_frame(win, msg + 1)
        file, line = loc if loc else (None, None)
        return Extract(file=file, line=line, primary=msg, evidence=(win.lineno,), data={"test": m["stest"].strip()})
    return _mocha_block(m, win)


def _fail_line(m: re.Match[str], win: Window) -> Extract | None:
    if m["vtest"] is None:
        for _, text in win.after(80):
            if _JEST_BLOCK.match(text):
                return None  # jest: the ● block below names the test and carries this line as evidence
            if _RESULT_LINE.match(text):
                break
        return Extract(file=m["file"], evidence=tuple(n for n in (_first_message(win, win.lineno + 1, 3),) if n),
                       data={"test": m["file"]})
    msg = _first_message(win, win.lineno + 1, 3)
    loc = _user_frame(win, win.lineno + 1, 25)
    file, line = loc if loc else (m["file"], None)
    evidence = tuple(n for n in (msg,) if n)
    return Extract(file=file, line=line, evidence=evidence, data={"test": f"{m['file']} > {m['vtest'].strip()}"})


def _jest_block(m: re.Match[str], win: Window) -> Extract | None:
    msg = _first_message(win, win.lineno + 1)
    evidence: list[int] = [msg] if msg else []
    for n, text in win.after(12, (msg or win.lineno) + 1):
        if re.match(r"^\s*(?:Expected|Received)\b", text) and len(evidence) < 3:
            evidence.append(n)
    for n, text in win.before(80):
        if _RESULT_LINE.match(text):
            if text.lstrip().startswith("FAIL"):
                evidence.append(n)
            break
    loc = _user_frame(win, win.lineno + 1, 40)
    file, line = loc if loc else (None, None)
    data = {"test": m["jtest"].strip(), "message": (win.text(msg) or "").strip()[:300] if msg else None}
    return Extract(file=file, line=line, evidence=tuple(evidence), data={k: v for k, v in data.items() if v})


def _playwright_block(m: re.Match[str], win: Window) -> Extract | None:
    """Playwright: `  1) [project] › file:l:c › suite › test ───`, the error, a code frame, `at file:l:c`."""
    msg = _first_message(win, win.lineno + 1, 3)
    evidence = [n for n, t in win.after(8, (msg or win.lineno) + 1) if re.match(r"^\s*(?:Expected|Received)\b", t)][:2]
    loc = _user_frame(win, win.lineno + 1, 40)
    file, line = loc if loc else (m["pwfile"], int(m["pwline"]))
    data = {"test": f"{m['pwfile']} › {m['pwtest'].strip()}"}
    return Extract(file=file, line=line, primary=msg, evidence=(win.lineno, *evidence), data=data)


def _tap_block(m: re.Match[str], win: Window) -> Extract | None:
    file = line = None
    primary = None
    for n, text in win.after(30):
        if re.match(r"^\s*(?:not )?ok \d+ ", text) or text.strip() == "...":
            break
        loc = re.match(r"^\s*location: '(?P<f>[^'\n]+?):(?P<l>\d+):\d+'", text)
        if loc:
            file, line = loc["f"], int(loc["l"])
        if primary is None and re.match(r"^\s*error: ", text):
            primary = n + 1 if text.rstrip().endswith(("|-", "|", ">-")) else n
    frame = _user_frame_tap(win)
    if frame:
        file, line = frame
    return Extract(file=file, line=line, primary=primary, evidence=(win.lineno,) if primary else (),
                   data={"test": m["ttest"].strip()})


def _user_frame_tap(win: Window) -> tuple[str, int] | None:
    """TAP `stack: |-` lines are bare `fn (path:l:c)` frames."""
    for _, text in win.after(30):
        f = re.match(r"^\s+(?:[^\n()]{1,200} \()?(?P<f>/[^\s()]+?\.[cm]?[jt]sx?):(?P<l>\d+):\d+\)?\s*$", text)
        if f and not _OUTSIDE.search(f["f"]):
            return f["f"], int(f["l"])
    return None


def _mocha_block(m: re.Match[str], win: Window) -> Extract | None:
    """mocha: `  1 failing`, then `  1) suite` ... the error line and its frames."""
    primary = None
    title: list[str] = []
    for n, text in win.after(40):
        if re.match(r"^\s+\w*Error\b|^\s+AssertionError", text):
            primary = n
            break
        if text.strip():
            title.append(re.sub(r"^\d+\)\s*", "", text.strip()).rstrip(":"))
    if primary is None:
        return None
    loc = _user_frame(win, primary + 1)
    file, line = loc if loc else (None, None)
    name = " ".join(t for t in title if t)[:300]
    return Extract(file=file, line=line, primary=primary, evidence=(win.lineno,), data={"test": name} if name else {})


# --- uncaught Node errors ------------------------------------------------------------------------
_RUN = rx(r"^(?:Uncaught )?(?P<exc>(?:[A-Z][A-Za-z]{0,60})?Error)(?: \[(?P<code>[A-Z_0-9]{2,60})\])?: (?P<message>\S[^\n]{0,400})")
_NODE_TRAILER = re.compile(r"^Node\.js v\d+")
_THROW_SITE = re.compile(r"^(?P<f>(?:file://)?(?:[A-Za-z]:)?/[^\s:]{1,400}|[^\s:]{1,400}\.[cm]?[jt]sx?):(?P<l>\d+)\s*$")


def _run_extract(m: re.Match[str], win: Window) -> Extract | None:
    site = None
    for _, text in win.before(6):
        s = _THROW_SITE.match(text)
        if s:
            site = (s["f"], int(s["l"]))
            break
    trailer = any(_NODE_TRAILER.match(t) for _, t in win.after(40))
    if site is None and not trailer:
        return None
    if site and (site[0].startswith("node:") or _OUTSIDE.search(site[0])):
        site = None
    loc = _user_frame(win, win.lineno + 1) or site
    file, line = loc if loc else (None, None)
    evidence = [n for n, t in win.before(4) if t.strip() == "^" or t.rstrip().endswith("^")][:1]
    return Extract(file=file, line=line, evidence=tuple(evidence))


# --- catalogue -----------------------------------------------------------------------------------
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
        ecosystem=_ECO,
        title="npm/pnpm/yarn could not install {package} ({code})",
        root_cause="The package manager failed with {code} while installing {package}.",
        suggestion="Check the name and version range of {package} in package.json (a typo, a version never "
        "published, a private package without registry credentials) and refresh the lockfile.",
        doc=_doc(
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
        code="JS-NPM-002",
        name="npm-script-failed",
        category="unknown",
        severity="medium",
        pattern=_NPM_SCRIPT,
        literal=None,
        symptom=True,
        priority=15,
        confidence=0.3,
        ecosystem=_ECO,
        title="A package.json script failed",
        root_cause="An npm/pnpm/yarn script exited with an error; the cause is in its output above.",
        suggestion="Read the script's own output above the package manager's summary.",
        doc=_doc(
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
        ecosystem=_ECO,
        title="npm could not resolve the dependency tree (conflict on {package})",
        root_cause="Peer dependency conflict: {constraints}",
        suggestion="Align the versions: upgrade the package whose peer range excludes {package}, or pin {package} "
        "to a version inside that range (avoid --legacy-peer-deps unless you accept a broken tree).",
        doc=_doc(
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
        ecosystem=_ECO,
        title="Node module '{module}' is not installed",
        root_cause="{file} imports '{module}', which is not installed (missing from package.json dependencies).",
        suggestion="Add {module} to package.json dependencies (npm install {module}) and commit the lockfile.",
        doc=_doc(
            "Node could not resolve a bare package import: `Error: Cannot find module 'dayjs'` with its "
            "`Require stack`, ESM's `Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'x' imported from ...`, or "
            "jest's `Cannot find module 'x' from 'src/a.js'`.",
            "The code imports a package that package.json does not declare (it worked locally because it was "
            "installed by hand or hoisted from another package).",
            "Error: Cannot find module 'dayjs'\nRequire stack:\n- /home/runner/work/widgets/widgets/main.js",
            "Declare the package in dependencies (devDependencies for test-only code) and reinstall.",
        ),
    ),
    Rule(
        code="JS-TSC-001",
        name="typescript-error",
        category="type-check",
        severity="high",
        pattern=_TSC,
        literal="error TS",
        extract=_tsc_extract,
        priority=85,
        confidence=0.9,
        ecosystem=_ECO,
        title="TypeScript {ts_code}: {message}",
        root_cause="tsc rejected {file}: {message}",
        suggestion="Fix the types at {file}:{line} (or the declaration that changed), then re-run tsc --noEmit.",
        doc=_doc(
            "The TypeScript compiler reported an error: `src/a.ts(10,9): error TS2322: ...` (plain) or "
            "`src/a.ts:10:9 - error TS2322: ...` (`--pretty`, followed by the source line and a squiggle).",
            "A value's type does not match its use: a function's return type changed, a property was renamed, "
            "a module or declaration is missing.",
            "src/quote.ts(5,3): error TS2322: Type 'string' is not assignable to type 'number'.",
            "Change the code or the declaration so the types agree (convert explicitly where a conversion is meant).",
        ),
    ),
    Rule(
        code="JS-LINT-001",
        name="eslint-error",
        category="lint",
        severity="medium",
        pattern=_ESLINT,
        literal="rror",
        extract=_eslint_extract,
        priority=75,
        confidence=0.85,
        ecosystem=_ECO,
        title="ESLint: {rule} in {file}",
        root_cause="ESLint reported {rule} (and possibly other rules) errors in {file}.",
        suggestion="Fix the reported problems (`npx eslint --fix` handles the fixable ones).",
        doc=_doc(
            "ESLint found rule violations at error level. Its default `stylish` output prints the file, then one "
            "`  LINE:COL  error  MESSAGE  RULE` line per problem and a `✖ N problems` summary; the `unix` and "
            "`compact` formatters print `file:l:c: message [Error/rule]` and `file: line l, col c, Error - message (rule)`.",
            "The change introduced code that breaks a configured rule (unused variables, undefined names...).",
            "/home/runner/work/shop/shop/lib/cart.js\n   2:9   error  'discount' is assigned a value but never used  no-unused-vars",
            "Fix each reported line; run `npx eslint --fix` for auto-fixable rules.",
        ),
    ),
    Rule(
        code="JS-FMT-001",
        name="prettier-check",
        category="format",
        severity="low",
        pattern=_PRETTIER,
        literal="Code style issues",
        extract=_prettier_extract,
        priority=74,
        confidence=0.88,
        ecosystem=_ECO,
        title="Prettier found unformatted files",
        root_cause="prettier --check found files that are not formatted (first: {file}).",
        suggestion="Run `npx prettier --write` on the listed files and commit the result.",
        doc=_doc(
            "`prettier --check` listed files (`[warn] path`) whose formatting differs from Prettier's, then "
            "`[warn] Code style issues found in N files. Run Prettier with --write to fix.`",
            "The files were edited without running the formatter.",
            "[warn] web/price.js\n[warn] Code style issues found in 2 files. Run Prettier with --write to fix.",
            "Run `npx prettier --write <files>` (the project's pinned version) and commit.",
        ),
    ),
    Rule(
        code="JS-TEST-001",
        name="js-test-failure",
        category="test",
        severity="high",
        pattern=_TEST,
        literal=None,
        extract=_test_extract,
        priority=80,
        confidence=0.85,
        ecosystem=_ECO,
        title="JavaScript test failed: {test}",
        root_cause="The test {test} failed.",
        suggestion="Run the failing test locally and fix the code (or the outdated expectation) at {file}:{line}.",
        doc=_doc(
            "A JavaScript test runner reported a failure: jest (`FAIL file` and `● Suite › test` blocks with an "
            "`at fn (file:l:c)` frame), vitest (` FAIL  file > suite > test`, the assertion, ` ❯ file:l:c`), "
            "mocha (`N failing`), node:test (TAP `not ok N - test` with `location:`; spec `✖ test (1ms)`).",
            "An assertion did not hold after a code change, or the code under test threw.",
            "  ● cart › sums price times quantity\n\n    expect(received).toBe(expected) // Object.is equality\n\n"
            "    Expected: 699\n    Received: 199",
            "Read the assertion and the first project frame; fix the code under test or update the expectation "
            "when the behaviour change is intended.",
        ),
    ),
    Rule(
        code="JS-RUN-001",
        name="node-uncaught-error",
        category="runtime",
        severity="high",
        pattern=_RUN,
        literal="Error",
        extract=_run_extract,
        priority=70,
        confidence=0.75,
        ecosystem=_ECO,
        title="Node.js {exc}: {message}",
        root_cause="The Node.js process crashed with an uncaught {exc}: {message}",
        suggestion="Fix the code at {file}:{line} (the first project frame of the stack).",
        doc=_doc(
            "Node printed an uncaught exception: the throwing `file:line`, the source line and a caret, then "
            "`TypeError: ...`, the stack frames and `Node.js v20.x`.",
            "The program hit an unexpected value (undefined property access, a bad argument) at runtime.",
            "/home/runner/work/widgets/widgets/server.js:4\n  return cfg.server.port.toString();\n"
            "                    ^\n\nTypeError: Cannot read properties of undefined (reading 'port')",
            "Guard or correct the value at the reported line; the stack shows how it was reached.",
        ),
    ),
]
