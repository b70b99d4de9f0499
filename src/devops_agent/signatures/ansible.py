"""Ansible: a task that failed or a host that could not be reached.

Formats learned from ansible-playbook's own output (ansible-core 2.15 and 2.19): the task header
``TASK [Run the database migrations] ****``, then per host ``fatal: [web1]: FAILED! => {json}`` or
``fatal: [web1]: UNREACHABLE! => {json}`` (``failed: [web1] (item=x) => {json}`` inside a loop). The
JSON result holds ``msg`` and, for commands, ``rc``, ``stderr`` and ``cmd``. Where the task is:
2.19 prints ``Origin: deploy.yml:13:32`` lines (the innermost last) before the result; older
releases put ``The error appears to be in 'deploy.yml': line 12, column 7`` inside ``msg``.
"""

from __future__ import annotations

import json
import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.base import doc as _doc

_ECO = "ansible"

_RESULT = rx(
    r"^(?:fatal|failed): \[(?P<host>[^\]\n]{1,200})\](?: \(item=(?P<item>[^\n]{0,300}?)\))?:? "
    r"(?:(?P<kind>FAILED|UNREACHABLE)! )?=> (?P<result>\{[^\n]*)$"
)
_TASK = re.compile(r"^TASK \[(?P<task>[^\n]{0,300}?)\] \*+\s*$")
_ORIGIN = re.compile(r"^Origin: (?P<file>\S{1,400}?):(?P<line>\d+)(?::\d+)?\s*$")
_APPEARS = re.compile(r"The error appears to be in '(?P<file>[^'\n]{1,400})': line (?P<line>\d+)")
_MSG = re.compile(r'"msg": "(?P<msg>(?:[^"\\]|\\.){0,2000})')
_CONFIG = re.compile(r"undefined variable|is undefined|template error|Syntax Error while loading YAML|conflicting action "
                     r"statements|couldn't resolve module|was not found in configured module paths|Unsupported parameters",
                     re.I)
_PERMISSION = re.compile(r"Missing sudo password|Permission denied|Access denied|not authorized|Incorrect sudo password", re.I)
_NETWORK = re.compile(r"Connection refused|Connection timed out|timed out|Could not resolve|Name or service not known|"
                      r"No route to host|Network is unreachable|Connection reset", re.I)


def _result(text: str) -> dict[str, object]:
    try:
        value = json.loads(text)
    except ValueError:  # cut short (a huge result) or not JSON: the message is enough
        m = _MSG.search(text)
        return {"msg": m["msg"].encode().decode("unicode_escape", "replace") if m else ""}
    return value if isinstance(value, dict) else {}


def _first_line(value: object) -> str:
    text = str(value or "").strip()
    return text.splitlines()[0].strip() if text else ""


def _innermost(msg: str) -> str:
    """2.19 chains the causes in one sentence ("Task failed: Finalization of task args for 'x'
    failed: Error while resolving value for '_raw_params': 'target_env' is undefined"): the last
    cause is the one to act on."""
    tail = msg.rsplit(" failed: ", 1)[-1]
    return tail.removeprefix("Task failed: ").removeprefix("Action failed: ") or msg


def _result_extract(m: re.Match[str], win: Window) -> Extract | None:
    result = _result(m["result"])
    msg = _innermost(_first_line(result.get("msg")))
    stderr = _first_line(result.get("stderr"))
    message = stderr if stderr and result.get("rc") not in (None, 0) else msg or stderr or "task failed"
    task, file, line = None, None, None
    headline = None
    origins: list[tuple[int, str, int]] = []
    for n, text in win.before(400):
        t = _TASK.match(text)
        if t:
            task = t["task"]
            break
        o = _ORIGIN.match(text)
        if o:
            origins.append((n, o["file"], int(o["line"])))
        elif text.startswith("[ERROR]: "):
            headline = n  # 2.19's "[ERROR]: Task failed: ..." above the causes
    evidence: list[int] = [headline] if headline else []
    if origins:  # nearest first: the innermost "caused by" names the exact place
        n, file, line = origins[0]
        evidence.append(n)
    else:
        a = _APPEARS.search(str(result.get("msg") or ""))
        if a:
            file, line = a["file"], int(a["line"])
    unreachable = m["kind"] == "UNREACHABLE" or result.get("unreachable") is True
    whole = f"{msg} {stderr}"
    if unreachable or _NETWORK.search(whole):
        category = "infrastructure"
    elif _CONFIG.search(whole):
        category = "configuration"
    elif _PERMISSION.search(whole):
        category = "permission"
    else:
        category = None  # a command or module that failed: the rule's own category
    data: dict[str, object] = {"host": m["host"], "task": task or "?", "message": message[:300],
                               "kind": "unreachable" if unreachable else "failed"}
    if result.get("rc") is not None:
        data["rc"] = result.get("rc")
    if m["item"]:
        data["item"] = m["item"]
    title = (f"Ansible could not reach {m['host']}: {message[:160]}" if unreachable
             else f"Ansible task '{task or '?'}' failed on {m['host']}: {message[:160]}")
    return Extract(file=file, line=line, evidence=tuple(evidence), data=data, category=category, title=title)


RULES = [
    Rule(
        code="ANS-TASK-001", name="ansible-task-failed", category="runtime", severity="high",
        pattern=_RESULT, grep="^([0-9TZ:.-]+ )?(fatal|failed): \\[", extract=_result_extract, priority=78,
        confidence=0.8, ecosystem=_ECO,
        title="Ansible task '{task}' failed on {host}",
        root_cause="The Ansible task '{task}' failed on {host}: {message}",
        suggestion="Re-run with `ansible-playbook -vvv --start-at-task '{task}'`; fix the variable, the "
        "command or the host the message names.",
        doc=_doc(
            "ansible-playbook reported a task's failure on a host: `fatal: [web1]: FAILED! => {\"msg\": ...}` "
            "(or `UNREACHABLE!` when it could not connect), under the `TASK [name]` header.",
            "The task's module or command failed (its `rc` and `stderr` say why), a variable was undefined, "
            "the host could not be reached over SSH, or privilege escalation was refused.",
            "TASK [Run the database migrations] *********************************************\n"
            "fatal: [localhost]: FAILED! => {\"changed\": true, \"cmd\": [\"./migrate.sh\", \"--env\", \"staging\"], "
            "\"msg\": \"non-zero return code\", \"rc\": 2, \"stderr\": \"psql: error: connection to server at \\\"db.internal\\\" "
            "(10.0.0.5), port 5432 failed: Connection refused\"}",
            "Read `msg`/`stderr` in the result; define the variable (inventory, group_vars, `-e`), fix the "
            "command, or make the host reachable, then re-run from that task.",
        ),
    ),
]
