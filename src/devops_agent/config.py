"""Settings, resolved once, with the source of every value.

Precedence, lowest first: built-in defaults < the user's ``$DEVOPS_AGENT_HOME/config.toml`` < the
project's ``devops-agent.toml`` (or ``[tool.devops-agent]`` in ``pyproject.toml``), found by walking
up from the repository < ``DEVOPS_AGENT_<SECTION>_<KEY>`` environment variables (for example
``DEVOPS_AGENT_HOOK_BLOCK=0.95``; lists as JSON) < command-line flags.

A malformed file, an unknown key or a value of the wrong type is a ``ConfigError`` (exit 2) that
names the file, the line and what is wrong. pydantic is imported only when settings are resolved,
so ``--help`` never pays for it. Secrets never live here: tokens and API keys come from the
environment or the keyring (``devops-agent login``).
"""

from __future__ import annotations

import os
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devops_agent.errors import ConfigError

if TYPE_CHECKING:
    from pydantic import BaseModel

PROJECT_FILE = "devops-agent.toml"
ENV_PREFIX = "DEVOPS_AGENT_"


@cache
def _models() -> dict[str, type[BaseModel]]:
    from pydantic import BaseModel, ConfigDict, Field

    class Section(BaseModel):
        model_config = ConfigDict(frozen=True, extra="forbid")

    class Diagnose(Section):
        max_findings: int = Field(default=5, ge=1, le=50, description="Findings reported per diagnosis.")
        context_lines: int = Field(default=3, ge=0, le=20, description="Log lines shown around the evidence in text output.")

    class History(Section):
        enabled: bool = Field(default=True, description="Record runs in the local history database.")
        path: str | None = Field(default=None, description="History database file (relative: under the home dir); unset: history.db in the home dir.")

    class Validate(Section):
        commands: list[str] = Field(default_factory=list, description="Commands a fix must pass in its worktree, after the failing step.")
        timeout_s: float = Field(default=300.0, gt=0, description="Time limit per validation command, in seconds.")

    class Fix(Section):
        branch_prefix: str = Field(default="devops-agent/fix-", min_length=1, description="Prefix of fix branches.")

    class Llm(Section):
        enabled: bool = Field(default=True, description="Allow calls to a language model at all.")
        model: str | None = Field(default=None, description="Any litellm model string, e.g. gpt-4o-mini or ollama/llama3.")
        api_base: str | None = Field(default=None, description="Base URL of an OpenAI-compatible server (Ollama, vLLM, llama.cpp).")
        max_tokens: int = Field(default=1024, ge=1, description="Answer tokens asked for per call.")
        timeout_s: float = Field(default=60.0, gt=0, description="Time limit per model call, in seconds.")
        stream: bool = Field(default=False, description="Stream answers.")
        context_tokens: int = Field(default=6000, ge=256, description="Token budget of the packed log/code context.")
        max_attempts: int = Field(default=3, ge=1, le=10, description="Model fix attempts, each validated.")
        cache: bool = Field(default=True, description="Answer identical requests from the local cache.")
        budget_run_usd: float | None = Field(default=1.0, ge=0, description="Spend limit per run (USD); empty for none.")
        budget_day_usd: float | None = Field(default=5.0, ge=0, description="Spend limit per day (USD).")
        budget_run_tokens: int | None = Field(default=200_000, ge=0, description="Token limit per run.")
        budget_day_tokens: int | None = Field(default=2_000_000, ge=0, description="Token limit per day.")

    class Hook(Section):
        warn: float = Field(default=0.5, ge=0, le=1, description="Risk at which the pre-push hook warns.")
        block: float = Field(default=0.9, ge=0, le=1, description="Risk (and prediction confidence) at which it blocks.")
        budget_s: float = Field(default=5.0, gt=0, description="Seconds for the project's checkers before the push goes through.")

    class Policy(Section):
        protected: list[str] = Field(default_factory=list, description="Globs of files fixes may not touch without --approve.")
        require_approval: list[str] = Field(default_factory=list, description="Finding categories whose fixes need --approve.")
        allow_test_edits: bool = Field(default=False, description="Let fixes edit tests when the diagnosis blames the test itself.")

    class Settings(Section):
        diagnose: Diagnose = Diagnose()
        history: History = History()
        validate_: Validate = Field(default=Validate(), alias="validate")
        fix: Fix = Fix()
        llm: Llm = Llm()
        hook: Hook = Hook()
        policy: Policy = Policy()

        model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    return {"Settings": Settings}


SECTIONS = ("diagnose", "history", "validate", "fix", "llm", "hook", "policy")


class Resolved:
    """The settings object plus where each value came from (``sources["hook.block"]``)."""

    def __init__(self, model: Any, sources: dict[str, str]) -> None:
        self._model = model
        self.sources = sources

    def __getattr__(self, name: str) -> Any:
        if name == "validate":
            return self._model.validate_
        return getattr(self._model, name)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        data = self._model.model_dump(by_alias=True)
        return {s: data[s] for s in SECTIONS}

    def items(self) -> list[tuple[str, Any, str]]:
        out = []
        for section, values in self.as_dict().items():
            for key, value in values.items():
                dotted = f"{section}.{key}"
                out.append((dotted, value, self.sources.get(dotted, "default")))
        return out


def project_config(start: Path | None) -> tuple[Path, dict[str, Any], str] | None:
    """The nearest project config above ``start``: (file, table, label)."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        own = d / PROJECT_FILE
        if own.is_file():
            return own, _read(own), str(own)
        py = d / "pyproject.toml"
        if py.is_file():
            table = _read(py).get("tool", {}).get("devops-agent")
            if isinstance(table, dict):
                return py, table, f"{py} [tool.devops-agent]"
        if (d / ".git").exists():
            break
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}:{_toml_position(path, str(exc))}: invalid TOML: {_toml_reason(str(exc))}",
                          "fix that line (TOML syntax: https://toml.io)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}", "check the file's permissions and encoding") from None


_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def _toml_reason(message: str) -> str:
    return _AT.sub("", message)


def _toml_position(path: Path, message: str) -> str:
    """``line:column`` from tomllib's message; the last line for an error at the end of the file."""
    m = _AT.search(message)
    if m and m.group(1):
        return f"{m.group(1)}:{m.group(2)}"
    try:
        return str(max(1, len(path.read_text(encoding="utf-8").splitlines())))
    except OSError:
        return "1"


def _env_layer() -> dict[str, Any]:
    import json

    out: dict[str, dict[str, Any]] = {}
    for name, raw in os.environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        rest = name[len(ENV_PREFIX):].lower()
        section = next((s for s in SECTIONS if rest.startswith(s + "_")), None)
        if section is None:
            continue
        key = rest[len(section) + 1:]
        value: Any = raw
        if raw.strip().startswith("["):
            try:
                value = json.loads(raw)
            except ValueError:
                raise ConfigError(f"{name}: not a JSON list: {raw!r}", 'write lists as JSON, e.g. ["make test"]') from None
        out.setdefault(section, {})[key] = value
    if "llm" in out:  # secrets are never settings (DEVOPS_AGENT_LLM_API_KEY is read by the LLM layer)
        out["llm"].pop("api_key", None)
    return {k: v for k, v in out.items() if v}


def _merge(layers: list[tuple[str, dict[str, Any]]]) -> tuple[dict[str, Any], dict[str, str]]:
    merged: dict[str, dict[str, Any]] = {}
    sources: dict[str, str] = {}
    for label, table in layers:
        for section, values in table.items():
            if not isinstance(values, dict):
                raise _UnknownKey(label, section, None)
            for key, value in values.items():
                merged.setdefault(section, {})[key] = value
                sources[f"{section}.{key}"] = label
    return merged, sources


class _UnknownKey(Exception):
    def __init__(self, label: str, section: str, key: str | None) -> None:
        self.label, self.section, self.key = label, section, key


def load_settings(repo: Path | None = None, cli: dict[str, Any] | None = None) -> Resolved:
    """Resolve the settings for ``repo`` (default: the cwd) with ``cli`` flags on top."""
    flags = {k: v for k, v in (cli or {}).items() if v is not None}
    return _load(str(repo) if repo else None, tuple(sorted(flags.items(), key=lambda kv: kv[0])),
                 tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(ENV_PREFIX))),
                 os.environ.get("DEVOPS_AGENT_HOME", ""))


@cache
def _load(repo: str | None, flags: tuple[tuple[str, Any], ...], _env: tuple, _home: str) -> Resolved:  # type: ignore[type-arg]
    from pydantic import ValidationError

    from devops_agent.paths import home_dir

    layers: list[tuple[str, dict[str, Any], Path | None]] = []
    user = home_dir() / "config.toml"
    if user.is_file():
        layers.append((str(user), _read(user), user))
    project = project_config(Path(repo) if repo else None)
    if project:
        layers.append((project[2], project[1], project[0]))
    layers.append(("environment", _env_layer(), None))
    cli_table: dict[str, dict[str, Any]] = {}
    for dotted, value in flags:
        section, _, key = dotted.partition(".")
        cli_table.setdefault(section, {})[key] = value
    layers.append(("command line", cli_table, None))
    files = {label: path for label, _, path in layers}
    try:
        merged, sources = _merge([(label, table) for label, table, _ in layers])
    except _UnknownKey as exc:
        raise ConfigError(f"{exc.label}: [{exc.section}] must be a table", "see devops-agent.toml for the layout") from None
    model_cls = _models()["Settings"]
    try:
        model = model_cls.model_validate(merged)
    except ValidationError as exc:
        raise _explain(exc, sources, files) from None
    return Resolved(model, sources)


def _explain(exc: Any, sources: dict[str, str], files: dict[str, Path | None]) -> ConfigError:
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    section = loc[0].rstrip("_") if loc else "?"
    key = loc[1] if len(loc) > 1 else None
    dotted = f"{section}.{key}" if key else section
    label = sources.get(dotted) or next((v for k, v in sources.items() if k.startswith(section + ".")), "configuration")
    path = files.get(label)
    where = label
    if label == "environment":
        where = ENV_PREFIX + dotted.replace(".", "_").upper()
    if path is not None:
        line = _line_of(path, section, key)
        where = f"{path}:{line}" if line else str(path)
    if err["type"] == "extra_forbidden":
        what = f"unknown setting {dotted}" if key else f"unknown section [{section}]"
        hint = f"known sections: {', '.join(SECTIONS)}; see devops-agent.toml for every option"
        if key and section in SECTIONS:
            hint = f"[{section}] knows: {', '.join(_keys_of(section))}; see devops-agent.toml for every option"
    else:
        what = f"{dotted}: {err['msg']} (got {err.get('input')!r})"
        hint = "see devops-agent.toml for the expected type and default"
    return ConfigError(f"{where}: {what}", hint)


def _keys_of(section: str) -> list[str]:
    field = _models()["Settings"].model_fields["validate_" if section == "validate" else section]
    return list(field.annotation.model_fields)  # type: ignore[union-attr]


def _line_of(path: Path, section: str, key: str | None) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    in_section = False
    header = re.compile(r"^\s*\[([^\]]+)\]")
    for n, text in enumerate(lines, 1):
        m = header.match(text)
        if m:
            name = m.group(1).strip().removeprefix("tool.devops-agent.")
            in_section = name == section
            if in_section and key is None:
                return n
            continue
        if in_section and key and re.match(rf"^\s*{re.escape(key)}\s*=", text):
            return n
    return None


def reset_cache() -> None:
    _load.cache_clear()


class Settings:
    """Facade for callers that ask ``Settings.resolve(repo=...)``."""

    @staticmethod
    def resolve(repo: Path | None = None, **cli: Any) -> Resolved:
        return load_settings(repo, cli)
