"""Shell signatures: a command that is not installed (exit 127) and a permission refusal (exit 126).

Formats learned from the shells' own messages: bash ``bash: line 1: foo: command not found`` /
``./ci.sh: line 4: foo: command not found``, dash/sh ``sh: 1: foo: not found`` /
``./ci.sh: 4: foo: not found``, zsh ``zsh:1: command not found: foo``, PowerShell ``The term 'foo' is not recognized as a name of a cmdlet`` and
cmd.exe ``'foo' is not recognized as an internal or external command``. Permission refusals:
``bash: line 1: ./x.sh: Permission denied`` (no execute bit) and coreutils' ``mkdir: cannot create
directory '/opt/x': Permission denied``.
"""

from __future__ import annotations

import re

from devops_agent.signatures.base import Extract, Rule, Window, rx
from devops_agent.signatures.base import doc as _doc

_ECO = "shell"




_SHELLS = r"(?:/(?:usr/)?bin/)?(?:ba|da|z|k|a)?sh"
# `<shell|script>: [line ]N: ` prefix of bash/dash messages; the script group is a path
_PREFIX = rx(
    r"^(?P<who>" + _SHELLS + r"|[^\s:]{1,300}?\.(?:sh|bash|ksh)|\./[^\s:]{1,300}|/[^\s:]{1,300}|[\w.-]{1,100})(?:: -c)?: (?:line )?(?P<sline>\d+): "
).pattern

_CMD = rx(
    _PREFIX + r"(?P<command>[^\n:]{1,200}): (?:command )?not found\s*$"
    r"|^(?P<who2>" + _SHELLS + r"|[^\s:]{1,300}?\.(?:sh|bash)): (?P<command2>[^\s:]{1,200}): command not found\s*$"
    r"|^zsh:(?:\d+: )?command not found: (?P<command3>\S{1,200})"
    r"|^[‘'](?P<command5>[^’'\n]{1,200})[’'] is not recognized as an internal or external command"
    r"|The term '(?P<command6>[^'\n]{1,200})' is not recognized as (?:the|a) name of a cmdlet"
)


_FAILS = re.compile(
    r"exit(?:ed)?(?: with)?(?: code| status)?:? [1-9]\d*|\[code=[1-9]|Error [1-9]\d*|returned (?:a )?non-zero"
    r"|failed with exit code|ERROR: Job failed|^##\[error\]|Finished: FAILURE|exit status [1-9]|returned exit code [1-9]"
)


def _fails_soon(win: Window, count: int = 8) -> bool:
    """A shell message is the failure when the step ends with an error right after it (or the log
    ends); `foo: command not found` in the middle of a run that carried on is noise."""
    after = list(win.after(count))
    if len(after) < count or any(_FAILS.search(t) for _, t in after):
        return True
    return any(_FAILS.search(t) and "FAILED" in t for _, t in win.before(3))


def _script_path(who: str | None) -> str | None:
    if not who or re.fullmatch(_SHELLS, who) or "/" not in who and "." not in who:
        return None
    return who


def _cmd_extract(m: re.Match[str], win: Window) -> Extract | None:
    command = next(m[g] for g in ("command", "command2", "command3", "command5", "command6") if m[g])
    command = command.strip()
    if not _fails_soon(win):
        return None
    if " " in command and not m["command5"] and not m["command6"]:
        return None  # not a command name: some other tool's "x y: not found" message
    data: dict[str, object] = {"command": command}
    script = _script_path(m["who"] or m["who2"])
    if script:
        return Extract(file=script, line=int(m["sline"]) if m["sline"] else None, data=data)
    return Extract(data=data)


_PERM = rx(
    _PREFIX + r"(?P<path>[^\n:]{1,300}): Permission denied\s*$"
    r"|^(?P<who2>" + _SHELLS + r"): (?P<path2>[^\s:]{1,300}): Permission denied\s*$"
    r"|^(?P<tool>[\w.-]{1,40}): (?:cannot [\w ]{1,60}?|can't [\w ]{1,60}?|failed to [\w ]{1,60}?)"
    r" [‘'\"](?P<path3>[^’'\"\n]{1,300})[’'\"](?:[^\n:]{0,100})?: Permission denied\s*$"
    r"|^(?P<tool2>[\w.-]{1,40}): (?P<path4>/[^\s:]{1,300}): Permission denied\s*$"
)
_NOT_FS = re.compile(r"^(?:ssh|git|scp|sftp|rsync|curl|wget)$")  # remote permission refusals: not a file mode


def _perm_extract(m: re.Match[str], win: Window) -> Extract | None:
    if m["tool"] and _NOT_FS.match(m["tool"]) or m["tool2"] and _NOT_FS.match(m["tool2"]):
        return None
    if not _fails_soon(win):
        return None
    path = (m["path"] or m["path2"] or m["path3"] or m["path4"]).strip()
    data: dict[str, object] = {"path": path}
    executed = bool(m["path"] or m["path2"])
    if executed:
        data["kind"] = "execute"  # the shell could not execute it: no execute bit (or a noexec mount)
    file = path if executed and not path.startswith(("/usr/", "/bin/", "/opt/", "/tmp/")) else None
    if file is None and not path.startswith(("/usr/", "/bin/", "/opt/", "/tmp/", "/var/", "/etc/", "/root", "/home/runner/.")):
        file = path
    return Extract(file=file, data=data)


_SYNTAX = rx(
    r"^(?P<who>" + _SHELLS + r"|[^\s:]{1,300}?\.(?:sh|bash|ksh)|\./[^\s:]{1,300}|/[^\s:]{1,300})(?:: -c)?: (?:line )?(?P<sline>\d+): "
    r"(?P<message>syntax error near unexpected token [^\n]{1,200}|syntax error: unexpected end of file[^\n]{0,100}"
    r"|Syntax error: [^\n]{1,200})"
)


def _syntax_extract(m: re.Match[str], win: Window) -> Extract | None:
    data: dict[str, object] = {"message": m["message"].strip()}
    script = _script_path(m["who"])
    evidence = [n for n, t in win.after(1) if t.startswith(m["who"] + ": line ") and "`" in t]
    if script and "/_temp/" not in script:  # GitHub's generated step script is not in the repository
        return Extract(file=script, line=int(m["sline"]), evidence=tuple(evidence), data=data)
    return Extract(evidence=tuple(evidence), data=data)


# A crash signal, as each reporter writes it: bash `bash: line 1:  6433 Segmentation fault      ./crash`
# (`(core dumped)` when cores are on), dash `Segmentation fault`, Python's subprocess `died with
# <Signals.SIGSEGV: 11>`, cargo `(signal: 11, SIGSEGV: invalid memory reference)`, test runners'
# `Received signal: SIGBUS` / `terminated by signal SIGSEGV`. SIGKILL, SIGTERM and SIGINT are not
# crashes (out of memory, time-outs and cancellations have their own rules).
_CRASH_NAMES = r"Segmentation fault|Bus error|Aborted|Illegal instruction|Floating point exception|Trace/breakpoint trap|Bad system call"
_CRASH_SIGS = r"SIG(?:SEGV|BUS|ABRT|ILL|FPE|SYS|TRAP)"
_SIGNAL = rx(
    r"^(?:(?P<who>" + _SHELLS + r"|[^\s:]{1,300}?\.(?:sh|bash))(?:: line (?P<sline>\d+))?: +\d+ )?(?P<name>" + _CRASH_NAMES + r")"
    r"(?: +\(core dumped\))?(?: {2,}(?P<command>\S[^\n]{0,300}))?\s*$"
    r"|\b(?P<by>[Rr]eceived|[Cc]aught|[Kk]illed by|[Tt]erminated by|[Dd]ied with|[Ee]xited with|[Cc]rashed with|due to)"
    r" (?:<Signals\.|signal:? ?)(?P<sig>" + _CRASH_SIGS + r")\b"
    r"|\(signal: \d+, (?P<sig2>" + _CRASH_SIGS + r")(?:: (?P<what>[^)\n]{1,100}))?\)"
)
_SIG_OF = {"Segmentation fault": "SIGSEGV", "Bus error": "SIGBUS", "Aborted": "SIGABRT", "Illegal instruction": "SIGILL",
           "Floating point exception": "SIGFPE", "Trace/breakpoint trap": "SIGTRAP", "Bad system call": "SIGSYS"}


def _signal_extract(m: re.Match[str], win: Window) -> Extract | None:
    signal = m["sig"] or m["sig2"] or _SIG_OF[m["name"]]
    data: dict[str, object] = {"signal": signal}
    command = (m["command"] or "").strip()
    if command:
        data["command"] = command
    elif m["by"] and m.string[: m.start()].strip(" :-!"):
        data["context"] = m.string[: m.start()].strip(" :-!")[:200]  # "nn/test_pruning 1/1 failed"
    script = _script_path(m["who"])
    if script and m["sline"]:
        return Extract(file=script, line=int(m["sline"]), data=data)  # the script line that ran it
    return Extract(data=data)


# `set -x` traces a script's own decision to fail: `+ echo 'Generated files are out of date'`, the
# message, `+ exit 1`. The message the script printed just before exiting is why it failed.
_EXIT = rx(r"^(?P<trace>\+{1,4}) exit (?P<code>[1-9]\d{0,2})\s*$")
_ECHO = re.compile(r"^\+{1,4} (?:echo|printf|>&2 echo|cat <<)\b")


def _exit_extract(m: re.Match[str], win: Window) -> Extract | None:
    """The output lines of the `echo`/`printf` traces right before `+ exit N`; none: no message."""
    run: list[tuple[int, str]] = []  # back to the last trace that is not an echo
    for n, text in win.before(40):
        if text.startswith("+") and not _ECHO.match(text):
            break  # the test that decided to fail (`+ [[ -n ... ]]`): the message ends here
        if text.strip():
            run.append((n, text))
    run.reverse()
    first_echo = next((i for i, (_, t) in enumerate(run) if _ECHO.match(t)), None)
    if first_echo is None:
        return None
    # a multi-line trace (`+ [[ -n ?? a` / `?? b ]]`) may spill over before the first echo: skip it
    messages: list[int] = []
    open_quote = False  # inside a traced argument that spans lines (`+ echo '?? a` / `?? b'`)
    for n, t in run[first_echo:]:
        if t.startswith("+") or open_quote:
            open_quote ^= t.count("'") % 2 == 1
        else:
            messages.append(n)
    if not messages:
        return None
    message = (win.text(messages[0]) or "").strip()
    return Extract(primary=messages[0], evidence=tuple(messages[1:4]),
                   data={"message": message[:300], "code": int(m["code"])})


RULES = [
    Rule(
        code="SH-CMD-001",
        name="command-not-found",
        category="configuration",
        severity="high",
        pattern=_CMD,
        literal="not ",
        grep="not (found|recognized)",  # every form says "not found" / "not recognized"
        extract=_cmd_extract,
        priority=78,
        confidence=0.8,
        ecosystem=_ECO,
        title="Command not found: {command}",
        root_cause="The shell could not find the command '{command}' (exit 127): it is not installed in the "
        "CI image, not on PATH, or misspelled.",
        suggestion="Install '{command}' in an earlier step (or use the setup action that provides it), fix its "
        "spelling, or call it by its full path.",
        doc=_doc(
            "A shell could not find a command: bash `bash: line 1: foo: command not found`, dash/sh `sh: 1: foo: "
            "not found` (also `./script.sh: 4: foo: not found`), zsh `command not found: foo`, PowerShell `The term 'foo' is not recognized...` or cmd.exe `'foo' is not "
            "recognized as an internal or external command`. The step exits with 127.",
            "The tool is not installed in the runner image, an install/setup step was removed or runs later, "
            "PATH does not include it, or the command name is misspelled in the script.",
            "sh: 1: pnpm: not found\nerror: Recipe `format` failed on line 221 with exit code 127",
            "Install the tool before the step (e.g. `pnpm/action-setup`, `apt-get install`), add its directory "
            "to PATH, or correct the name.",
        ),
    ),
    Rule(
        code="SH-PERM-001",
        name="permission-denied",
        category="permission",
        severity="high",
        pattern=_PERM,
        literal="Permission denied",
        extract=_perm_extract,
        priority=76,
        confidence=0.8,
        ecosystem=_ECO,
        fix="safe",
        title="Permission denied: {path}",
        root_cause="The job was refused access to {path}: a script without the execute bit (exit 126), or a "
        "file/directory the CI user may not write.",
        suggestion="For a script: `chmod +x {path}` and commit the mode (`git update-index --chmod=+x {path}`), "
        "or run it through its interpreter (`bash {path}`). For data paths: write inside the workspace or fix "
        "ownership.",
        doc=_doc(
            "The shell or a tool was refused access: `bash: line 1: ./scripts/build.sh: Permission denied` "
            "(exit 126: the file is not executable) or `mkdir: cannot create directory '/opt/x': Permission "
            "denied` (the CI user may not write there).",
            "A script was committed without the execute bit (common when created on Windows or added with a "
            "tool that drops modes), or the job writes to a path owned by another user.",
            "bash: line 1: ./scripts/build_docs.sh: Permission denied",
            "Record the execute bit in git (`git update-index --chmod=+x path`) or invoke the script with its "
            "interpreter; for data paths write under the workspace or `$RUNNER_TEMP`.",
        ),
    ),
    Rule(
        code="SH-SYN-001",
        name="shell-syntax-error",
        category="configuration",
        severity="high",
        pattern=_SYNTAX,
        literal="yntax error",
        extract=_syntax_extract,
        priority=80,
        confidence=0.85,
        ecosystem=_ECO,
        fix="unsafe",
        title="Shell syntax error: {message}",
        root_cause="The shell could not parse the script: {message}",
        suggestion="Fix the script at {file}:{line} (an unclosed quote/if/for, a missing `do`/`then`/`fi`, or a "
        "bash-only construct run by /bin/sh); `bash -n script` or shellcheck finds these before CI.",
        doc=_doc(
            "bash's `script.sh: line 5: syntax error near unexpected token \\`fi'` / `syntax error: unexpected end "
            "of file`, or dash's `script.sh: 3: Syntax error: word unexpected (expecting \"do\")`.",
            "The script (or the CI step's inline script) has unbalanced keywords or quotes, or uses bash syntax "
            "under /bin/sh (dash), e.g. `[[ ]]`, arrays or `function` in a `#!/bin/sh` script.",
            "syn2.sh: 3: Syntax error: word unexpected (expecting \"do\")",
            "Fix the construct at the reported line; run `bash -n` / `shellcheck` on the script locally.",
        ),
    ),
    Rule(
        code="SH-SIG-001",
        name="crashed-by-signal",
        category="runtime",
        severity="high",
        pattern=_SIGNAL,
        grep="Segmentation fault|Bus error|Aborted|Illegal instruction|Floating point exception|Trace/breakpoint trap|"
        "Bad system call|SIG(SEGV|BUS|ABRT|ILL|FPE|SYS|TRAP)",
        extract=_signal_extract,
        priority=76,
        confidence=0.8,
        ecosystem=_ECO,
        title="Process crashed with {signal}",
        root_cause="A process was killed by {signal}: native code crashed (an invalid memory access, an abort "
        "from a failed assertion, an illegal instruction for this CPU) rather than reporting an error.",
        suggestion="Reproduce the crashing command under a debugger (`gdb --args ...`, `catchsegv`) or with "
        "sanitizers (`-fsanitize=address`), and check native extensions built for another CPU or library version.",
        doc=_doc(
            "A process died of a crash signal: bash's `bash: line 1:  6433 Segmentation fault      ./crash` "
            "(`Bus error`, `Aborted`, `Illegal instruction`, `(core dumped)`), Python's `died with "
            "<Signals.SIGSEGV: 11>`, cargo's `(signal: 11, SIGSEGV: invalid memory reference)`, a test runner's "
            "`Received signal: SIGBUS`.",
            "Native code crashed: a null or dangling pointer, a stack overflow, an `abort()` from a failed "
            "assertion, a binary or extension built for another CPU or ABI, or memory exhausted in a way the "
            "kernel reports as SIGBUS.",
            "bash: line 1:  6433 Segmentation fault      ./crash",
            "Re-run the command under gdb or with AddressSanitizer to get the crashing frame; rebuild native "
            "extensions against the versions the job uses.",
        ),
    ),
    Rule(
        code="SH-EXIT-001",
        name="script-exited-with-message",
        category="unknown",
        severity="medium",
        pattern=_EXIT,
        literal="exit ",
        grep="[+]+ exit [1-9]",
        extract=_exit_extract,
        priority=66,
        confidence=0.6,
        ecosystem=_ECO,
        title="Script stopped: {message}",
        root_cause="A check in the CI script failed and the script exited with {code} after printing: {message}",
        suggestion="Act on the script's message; the `+` trace lines above it show the test it made "
        "(e.g. `git status --porcelain` not empty: run the generator locally and commit its output).",
        doc=_doc(
            "A script traced with `set -x` printed a message and then ran `exit N` itself: `+ echo 'Generated "
            "files are out of date'`, the message, `+ exit 1`. The message is the script's own explanation.",
            "A check written into the CI script failed: generated files differ from the committed ones, the "
            "checkout is dirty after the build, a version or a required file is missing.",
            "+ [[ -n ?? schema_gen.py ]]\n+ echo 'Generated files are out of date: run scripts/check-generated.sh "
            "and commit the result'\nGenerated files are out of date: run scripts/check-generated.sh and commit the "
            "result\n+ exit 1",
            "Do what the message asks; read the traced test above it (`+ [[ ... ]]`) to see what was checked.",
        ),
    ),
]
