"""Generate the command-line reference (docs/cli.md) from the Typer app itself.

The reference is never written by hand: a test regenerates it and fails when the committed page is
stale. Refresh with ``python -m devops_agent.docs docs/cli.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HEADER = """\
# Command-line reference

Generated from the program by `python -m devops_agent.docs docs/cli.md`; do not edit by hand.
Exit codes for every command: 0 done, 1 could not deliver, 2 usage error or unusable input,
3 internal error (see [contract.md](contract.md)).
"""


def _click_root() -> Any:
    import typer

    from devops_agent.cli import app

    return typer.main.get_command(app)


# Typer may vendor its own click, so parameters and groups are recognised by shape, not class.
def _param_rows(cmd: Any) -> list[str]:
    rows = []
    for p in cmd.params:
        if p.param_type_name == "argument":
            name = (getattr(p, "display_name_raw", None) or p.name).upper()
            rows.append(f"| `{name}` | argument | {_help_of(p)} |")
    for p in cmd.params:
        if p.param_type_name == "option" and not p.hidden:
            flags = ", ".join(f"`{o}`" for o in (*p.opts, *p.secondary_opts))
            default = ""
            mentioned = "default" in _help_of(p).lower()
            if p.default not in (None, False, "", ()) and not p.is_flag and not callable(p.default) and not mentioned:
                value = getattr(p.default, "value", p.default)
                default = f" (default: `{value}`)"
            kind = "flag" if p.is_flag else (_choices(p) or "value")
            rows.append(f"| {flags} | {kind} | {_help_of(p)}{default} |")
    return rows


def _choices(p: Any) -> str | None:
    import enum

    desc = getattr(p, "type_descriptor", None)
    ann = getattr(desc, "annotation", None) if desc is not None else None
    choices = getattr(getattr(p, "type", None), "choices", None)
    if choices is None and isinstance(ann, type) and issubclass(ann, enum.Enum):
        choices = [m.value for m in ann]
    if choices:
        return " \\| ".join(f"`{c}`" for c in choices)
    return None


def _help_of(p: Any) -> str:
    return (getattr(p, "help", None) or "").replace("|", "\\|").replace("\n", " ")


def _is_group(cmd: Any) -> bool:
    return isinstance(getattr(cmd, "commands", None), dict)


def _walk(cmd: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    out = [(path, cmd)]
    if _is_group(cmd):
        for name in sorted(cmd.commands):
            sub = cmd.commands[name]
            if not getattr(sub, "hidden", False):
                out.extend(_walk(sub, [*path, name]))
    return out


def render_cli_docs() -> str:
    root = _click_root()
    parts = [HEADER]
    for path, cmd in _walk(root, ["devops-agent"]):
        if len(path) == 1:
            continue
        parts.append(f"\n## `{' '.join(path)}`\n")
        text = (cmd.help or "").strip()
        if text:
            parts.append(text + "\n")
        if _is_group(cmd):
            subs = ", ".join(f"`{n}`" for n in sorted(cmd.commands))
            parts.append(f"\nSubcommands: {subs}.\n")
            continue
        rows = _param_rows(cmd)
        if rows:
            parts.append("\n| parameter | kind | meaning |\n| --- | --- | --- |\n" + "\n".join(rows) + "\n")
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render_cli_docs()
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
