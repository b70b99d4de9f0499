"""Static predictors: failures CI would report, read from the pushed files alone (no tools run).

Each predictor looks only at what the push *changes* (new imports, new API uses, changed config
files, scripts whose mode changed), so an old problem that CI already lives with does not block
every push. Every prediction carries the signature catalogue's code and category, so a push
warning and a later CI diagnosis speak the same language.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from devops_agent import pydeps
from devops_agent.hook.context import PushContext


@dataclass(frozen=True)
class Prediction:
    rule: str
    category: str
    file: str | None
    line: int | None
    message: str
    confidence: float
    blocking: bool = True  # may this prediction alone block a push?

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"rule": self.rule, "category": self.category}
        if self.file:
            out["file"] = self.file
        if self.line:
            out["line"] = self.line
        out["message"] = self.message
        out["confidence"] = round(self.confidence, 2)
        return out


Predictor = Callable[[PushContext], Iterator[Prediction]]


# -- Python sources -------------------------------------------------------------------------------
def _py_changes(ctx: PushContext) -> Iterator[tuple[str, str, str | None]]:
    for c in ctx.changes:
        if c.path.endswith((".py", ".pyi")):
            new = ctx.new(c.path)
            if new is not None:
                yield c.path, new, ctx.old(c.path)


def _parse(text: str | None) -> ast.Module | None:
    if text is None:
        return None
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def target_python(ctx: PushContext) -> tuple[int, int]:
    """The newest Python the project's CI uses (workflow matrices, requires-python), else ours."""
    found: list[tuple[int, int]] = []
    for text in ctx.ci_config.values():
        for m in re.finditer(r"python(?:-version)?[\"']?\s*[:=]\s*\[?([^\n\]]{1,200})", text):
            found += [(3, int(v)) for v in re.findall(r"\b3\.(\d{1,2})\b", m.group(1))]
        found += [(3, int(v)) for v in re.findall(r"\bpython:?3\.(\d{1,2})\b", text)]
    return max(found) if found else sys.version_info[:2]


# Constructs a newer Python accepts that this interpreter may reject: PEP 695 generics and type
# aliases (3.12), PEP 701 f-strings (3.12). Only on such lines is a SyntaxError here uncertain.
_NEWER_SYNTAX = re.compile(r"^\s*type\s+\w+|^\s*(?:async\s+)?(?:def|class)\s+\w+\s*\[|\b(?:rf|fr|f)[\"']", re.I)


def predict_syntax(ctx: PushContext) -> Iterator[Prediction]:
    """Python files that do not compile (PY-SYN-001)."""
    for path, new, _old in _py_changes(ctx):
        try:
            compile(new, path, "exec", dont_inherit=True)
        except SyntaxError as exc:
            lines = new.splitlines()
            bad_line = lines[exc.lineno - 1] if exc.lineno and exc.lineno <= len(lines) else ""
            newer = target_python(ctx) > sys.version_info[:2] and bool(_NEWER_SYNTAX.search(bad_line))
            yield Prediction(
                "PY-SYN-001", "compilation", path, exc.lineno,
                f"{type(exc).__name__}: {exc.msg}",
                # Syntax newer than this interpreter may be valid on the CI's Python.
                0.6 if newer else 0.97,
                blocking=not newer,
            )
        except ValueError:  # NUL bytes
            yield Prediction("PY-SYN-001", "compilation", path, None, "source contains NUL bytes", 0.9)


def _imports(tree: ast.Module) -> dict[str, int]:
    """Absolute top-level imports outside ``try``/``TYPE_CHECKING`` guards -> first line."""
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try):
            for sub in node.body:
                guarded |= {id(n) for n in ast.walk(sub)}
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in node.body:
                guarded |= {id(n) for n in ast.walk(sub)}
    out: dict[str, int] = {}
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.setdefault(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.setdefault(node.module, node.lineno)
    return out


def _local_modules(ctx: PushContext) -> set[str]:
    """Top-level names importable from the repository itself (flat and src/ layouts)."""
    names: set[str] = set()
    for path in ctx.tree:
        parts = path.split("/")
        for start in range(len(parts)):
            stem = parts[start].removesuffix(".py")
            if stem.isidentifier():
                names.add(stem)
            if start >= 2:  # src/pkg, lib/pkg, python/pkg: deep enough
                break
    return names


# Test runners and their plugins: CI installs them itself far more often than it declares them.
_TEST_TOOLS = re.compile(r"^(?:pytest|_pytest|pytest_\w+|hypothesis|mock|nose2?|coverage|tox|nox|freezegun|responses|respx|syrupy)$")
_TEST_PATH = re.compile(r"(?:^|/)(?:tests?|testing)/|(?:^|/)test_[^/]*\.py$|_test\.py$|(?:^|/)conftest\.py$")
_PIP_INSTALL = re.compile(r"\b(?:pip3?|uv pip|pipx|poetry|pdm|uv) (?:install|add)\b([^\n]{0,400})")


def _installed_by_ci(ctx: PushContext) -> set[str]:
    """Distributions CI installs by name (``pip install pytest ruff``)."""
    out: set[str] = set()
    for text in ctx.ci_config.values():
        for m in _PIP_INSTALL.finditer(text):
            for word in m.group(1).split():
                name = pydeps.requirement_name(word.strip("'\""))
                if name and not word.startswith("-"):
                    out.add(pydeps.normalize(name))
    return out


def predict_missing_dependency(ctx: PushContext) -> Iterator[Prediction]:
    """New imports of third-party modules that no dependency file declares (PY-DEP-001)."""
    dep_files = [p for p in ctx.tree if pydeps.is_dependency_file(p) and p.count("/") <= 2]
    if not dep_files:
        return  # a project without dependency files: nothing to compare with
    ctx.preload(dep_files)
    declared = pydeps.declared({p: t for p in dep_files if (t := ctx.new(p)) is not None})
    declared |= _installed_by_ci(ctx)
    local = _local_modules(ctx)
    for path, new, old in _py_changes(ctx):
        in_tests = bool(_TEST_PATH.search(path))
        tree = _parse(new)
        if tree is None:
            continue
        old_tree = _parse(old)
        before = _imports(old_tree) if old_tree is not None else {}
        before_top = {m.split(".")[0] for m in before}
        for module, line in _imports(tree).items():
            top = module.split(".")[0]
            if top in before_top or top == "__future__" or pydeps.is_stdlib(top) or top in local:
                continue
            if in_tests and _TEST_TOOLS.match(top):
                continue
            if pydeps.provides(declared, module):
                continue
            dist, source = pydeps.distribution_for(module)
            yield Prediction(
                "PY-DEP-001", "dependency", path, line,
                f"imports '{top}', which no dependency file provides (add {dist})",
                0.9 if source != "guess" else 0.75,
            )
            before_top.add(top)


# -- imports of project symbols that no longer exist ----------------------------------------------
def _defined_names(tree: ast.Module) -> set[str] | None:
    """Top-level names a module defines (None: it defines names dynamically)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            if node.name == "__getattr__":
                return None
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                names |= {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                if a.name == "*":
                    return None
                names.add(a.asname or a.name.split(".")[0])
        elif isinstance(node, (ast.If, ast.Try, ast.With)):  # conditional definitions: be generous
            sub = ast.Module(body=[n for n in ast.walk(node) if isinstance(n, ast.stmt) and n is not node], type_ignores=[])
            inner = _defined_names(sub)
            if inner is None:
                return None
            names |= inner
    return names


def _module_file(ctx: PushContext, module: str) -> tuple[str | None, bool]:
    """The file defining ``module`` in the repository, and whether it is a package."""
    rel = module.replace(".", "/")
    for prefix in ("", "src/", "lib/", "python/"):
        if f"{prefix}{rel}.py" in ctx.tree:
            return f"{prefix}{rel}.py", False
        if f"{prefix}{rel}/__init__.py" in ctx.tree:
            return f"{prefix}{rel}/__init__.py", True
    return None, False


def _absolute(path: str, node: ast.ImportFrom) -> str | None:
    if node.level == 0:
        return node.module
    parts = path.split("/")[:-1]
    if node.level > 1:
        parts = parts[: len(parts) - (node.level - 1)]
    for prefix in ("src", "lib", "python"):
        if parts and parts[0] == prefix:
            parts = parts[1:]
            break
    base = ".".join(parts)
    return f"{base}.{node.module}" if node.module and base else (node.module or base or None)


def _importers(ctx: PushContext, lost: set[str]) -> list[str]:
    """Python files at the end of the range that mention any of the ``lost`` names."""
    if not lost:
        return []
    from devops_agent import gitcli

    args = ["grep", "-l", "-w", "-I"]
    for name in sorted(lost)[:50]:
        args += ["-e", name]
    out = gitcli.text(ctx.root, *args, ctx.head, "--", "*.py", check=False)
    return [line.split(":", 1)[1] for line in out.splitlines() if ":" in line]


def predict_missing_symbol(ctx: PushContext) -> Iterator[Prediction]:
    """``from pkg.mod import name`` of a project module that no longer defines ``name`` (PY-IMP-001)."""
    import difflib

    lost: set[str] = set()
    renamed: dict[tuple[str, str], str] = {}  # (module file, old name) -> the one new name
    for path, new, old in _py_changes(ctx):
        before, after = _parse(old), _parse(new)
        if before is not None and after is not None:
            old_names, new_names = _defined_names(before), _defined_names(after)
            if old_names is not None and new_names is not None:
                gone, added = old_names - new_names, new_names - old_names
                lost |= gone
                if len(gone) == 1 and len(added) == 1:
                    renamed[(path, next(iter(gone)))] = next(iter(added))
    files = dict.fromkeys([*(p for p, _, _ in _py_changes(ctx)), *_importers(ctx, lost)])
    ctx.preload(list(files))
    defined_cache: dict[str, set[str] | None] = {}
    for path in files:
        tree = _parse(ctx.new(path))
        if tree is None:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            module = _absolute(path, node)
            if not module:
                continue
            target, is_pkg = _module_file(ctx, module)
            if target is None:
                continue
            if target not in defined_cache:
                mod_tree = _parse(ctx.new(target))
                defined_cache[target] = None if mod_tree is None else _defined_names(mod_tree)
            defined = defined_cache[target]
            if defined is None:
                continue
            for alias in node.names:
                name = alias.name
                if name == "*" or name in defined:
                    continue
                if is_pkg and _module_file(ctx, f"{module}.{name}")[0]:
                    continue  # a submodule
                close = [renamed[(target, name)]] if (target, name) in renamed else \
                    difflib.get_close_matches(name, sorted(defined), n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                yield Prediction(
                    "PY-IMP-001", "runtime", path, node.lineno,
                    f"imports '{name}' from {module}, which does not define it (ImportError){hint}",
                    0.9 if name in lost or path in ctx.changed_paths else 0.8,
                )


# Removed standard-library APIs: (module, attribute or None for the module) -> (removed in, use)
_ABCS = ("Mapping MutableMapping Sequence MutableSequence Set MutableSet Iterable Iterator Callable "
         "Hashable Sized Container Collection Generator Awaitable Coroutine AsyncIterable "
         "AsyncIterator ByteString MappingView KeysView ItemsView ValuesView Reversible").split()
REMOVED: dict[tuple[str, str | None], tuple[tuple[int, int], str]] = {
    **{("collections", n): ((3, 10), f"collections.abc.{n}") for n in _ABCS},
    ("inspect", "getargspec"): ((3, 11), "inspect.getfullargspec or inspect.signature"),
    ("inspect", "formatargspec"): ((3, 11), "inspect.signature"),
    ("asyncio", "coroutine"): ((3, 11), "async def"),
    ("unittest", "makeSuite"): ((3, 13), "unittest.TestLoader().loadTestsFromTestCase"),
    ("unittest", "findTestCases"): ((3, 13), "unittest.TestLoader().loadTestsFromModule"),
    ("pkgutil", "ImpImporter"): ((3, 12), "importlib"),
    ("imp", None): ((3, 12), "importlib"),
    ("distutils", None): ((3, 12), "setuptools / packaging / sysconfig / shutil"),
    ("asynchat", None): ((3, 12), "asyncio"),
    ("asyncore", None): ((3, 12), "asyncio"),
    ("smtpd", None): ((3, 12), "aiosmtpd"),
    **{(m, None): ((3, 13), "a maintained PyPI replacement") for m in (
        "cgi cgitb crypt imghdr mailcap nntplib pipes sndhdr spwd sunau telnetlib uu xdrlib audioop "
        "chunk msilib nis ossaudiodev lib2to3").split()},
}


def _api_uses(tree: ast.Module) -> dict[tuple[str, str | None], int]:
    out: dict[tuple[str, str | None], int] = {}
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                top = a.name.split(".")[0]
                aliases[a.asname or top] = a.name if a.asname else top
                if (top, None) in REMOVED:
                    out.setdefault((top, None), node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            top = node.module.split(".")[0]
            if (top, None) in REMOVED:
                out.setdefault((top, None), node.lineno)
            for a in node.names:
                if (node.module, a.name) in REMOVED:
                    out.setdefault((node.module, a.name), node.lineno)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = aliases.get(node.value.id)
            if module and (module, node.attr) in REMOVED:
                out.setdefault((module, node.attr), node.lineno)
    return out


def predict_removed_stdlib(ctx: PushContext) -> Iterator[Prediction]:
    """New uses of standard-library APIs removed in the Python CI runs (PY-RUN-002)."""
    target = target_python(ctx)
    for path, new, old in _py_changes(ctx):
        tree = _parse(new)
        if tree is None:
            continue
        old_tree = _parse(old)
        before = _api_uses(old_tree) if old_tree is not None else {}
        for key, line in _api_uses(tree).items():
            removed_in, use = REMOVED[key]
            if key in before or target < removed_in:
                continue
            api = key[0] if key[1] is None else f"{key[0]}.{key[1]}"
            yield Prediction(
                "PY-RUN-002", "runtime", path, line,
                f"uses {api}, removed in Python {removed_in[0]}.{removed_in[1]} (CI runs {target[0]}.{target[1]}); use {use}",
                0.9,
            )


_ENV_SUBSCRIPT = re.compile(r"""os\.environ\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]""")


def predict_env_vars(ctx: PushContext) -> Iterator[Prediction]:
    """New ``os.environ["X"]`` reads (KeyError when unset) that no CI configuration provides."""
    ci_text = "\n".join(ctx.ci_config.values())
    for path, new, old in _py_changes(ctx):
        before = set(_ENV_SUBSCRIPT.findall(old or ""))
        for lineno, line in enumerate(new.splitlines(), 1):
            for name in _ENV_SUBSCRIPT.findall(line):
                if name in before or re.search(rf"\b{re.escape(name)}\b", ci_text):
                    continue
                before.add(name)
                yield Prediction(
                    "CFG-ENV-001", "configuration", path, lineno,
                    f"reads os.environ['{name}'], which no CI configuration sets (KeyError when unset)",
                    0.6, blocking=False,
                )


# -- configuration files --------------------------------------------------------------------------
def _yaml_loader():  # type: ignore[no-untyped-def]
    import yaml  # type: ignore[import-untyped]

    class Loader(yaml.SafeLoader):
        """SafeLoader that accepts any custom tag (!Ref, !reference...) as plain data."""

    def _any(loader, suffix, node):  # type: ignore[no-untyped-def]
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_scalar(node)

    Loader.add_multi_constructor("!", _any)
    Loader.add_multi_constructor("tag:", _any)
    return yaml, Loader


_JSONC = re.compile(r"(?:^|/)(?:tsconfig[^/]*|jsconfig[^/]*|\.eslintrc|devcontainer|settings|launch|tasks)\.json$|\.jsonc$|(?:^|/)\.vscode/")


def predict_config_syntax(ctx: PushContext) -> Iterator[Prediction]:
    """Changed YAML/TOML/JSON files that do not parse (CFG-YAML-001, CFG-TOML-001, CFG-JSON-001)."""
    for c in ctx.changes:
        path = c.path
        lower = path.lower()
        if not lower.endswith((".yml", ".yaml", ".toml", ".json")) or _JSONC.search(lower):
            continue
        text = ctx.new(path)
        if text is None:
            continue
        if lower.endswith((".yml", ".yaml")):
            if "{{" in text or "{%" in text:
                continue  # a template (Helm, Jinja), not YAML yet
            yaml, loader = _yaml_loader()
            try:
                for _ in yaml.load_all(text, Loader=loader):
                    pass
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                yield Prediction("CFG-YAML-001", "configuration", path,
                                 mark.line + 1 if mark else None, f"invalid YAML: {problem}", 0.95)
        elif lower.endswith(".toml"):
            try:
                tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                m = re.search(r"line (\d+)", str(exc))
                yield Prediction("CFG-TOML-001", "configuration", path,
                                 int(m.group(1)) if m else None, f"invalid TOML: {exc}", 0.95)
        else:
            try:
                json.loads(text)
            except json.JSONDecodeError as exc:
                yield Prediction("CFG-JSON-001", "configuration", path, exc.lineno,
                                 f"invalid JSON: {exc.msg} (column {exc.colno})", 0.95)


# -- scripts and their execute bit ----------------------------------------------------------------
_INVOKED = re.compile(
    r"(?:^|[\s;&|(`'\"=])(?<!bash )(?<!sh )(?<!zsh )(?<!python )(?<!python3 )(?<!source )(?<!\. )"
    r"(\./)?((?:[\w.-]+/)*[\w.-]+\.(?:sh|bash|py|pl|rb|zsh))\b"
)


def _invoked_scripts(ctx: PushContext) -> dict[str, str]:
    """Scripts CI or the Makefile runs directly (so they need the execute bit) -> config file."""
    out: dict[str, str] = {}
    for cfg, text in ctx.ci_config.items():
        base = cfg.rsplit("/", 1)[0] + "/" if "/" in cfg and cfg.endswith(("Makefile", "makefile")) else ""
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("#"):
                continue
            for m in _INVOKED.finditer(line):
                start = m.start(2) - (2 if m.group(1) else 0)
                before = line[:start].rstrip()
                if re.search(r"(?:\b(?:bash|sh|zsh|python3?|source|ruby|perl|cat|chmod|cp|mv|git add)|\.)$", before):
                    continue
                path = (base + m.group(2)).lstrip("/")
                if path in ctx.tree:
                    out.setdefault(path, cfg)
    return out


def predict_exec_bit(ctx: PushContext) -> Iterator[Prediction]:
    """Scripts CI runs directly that lack (or lost) the execute bit (SH-PERM-001)."""
    invoked = _invoked_scripts(ctx)
    changed = {c.path: c for c in ctx.changes}
    ci_changed = any(p in changed for p in ctx.ci_config)
    reported: set[str] = set()
    for path, cfg in invoked.items():
        if ctx.tree.get(path) != "100644":
            continue
        if path in changed or ci_changed:
            reported.add(path)
            yield Prediction(
                "SH-PERM-001", "permission", path, None,
                f"{cfg} runs {path} directly but it is not executable (git mode 100644); "
                f"run `git update-index --chmod=+x {path}`",
                0.9,
            )
    run_via_interpreter = "\n".join(ctx.ci_config.values())
    for c in ctx.changes:  # lost (or never got) the bit in this push, even if we cannot see who runs it
        if c.path in reported or c.new_mode != "100644" or c.path.endswith((".py", ".pyi")) and "/" not in c.path:
            continue
        lost = c.old_mode == "100755"
        added = c.status == "A" and re.search(r"(?:^|/)(?:scripts?|bin|tools|ci|hack|\.github)/|\.(?:sh|bash)$", c.path)
        if not (lost or added) or re.search(rf"\b(?:ba|z)?sh\s+(?:\./)?{re.escape(c.path)}", run_via_interpreter):
            continue
        text = ctx.new(c.path) or ""
        if text.startswith("#!"):
            how = "lost its execute bit in this push (100755 -> 100644)" if lost else "is a new script with a #! line but no execute bit (100644)"
            yield Prediction(
                "SH-PERM-001", "permission", c.path, None,
                f"{c.path} {how}; run `git update-index --chmod=+x {c.path}` if it is run directly",
                0.7 if lost else 0.6, blocking=False,
            )


PREDICTORS: tuple[Predictor, ...] = (
    predict_syntax,
    predict_missing_dependency,
    predict_missing_symbol,
    predict_removed_stdlib,
    predict_config_syntax,
    predict_exec_bit,
    predict_env_vars,
)


def run_static(ctx: PushContext) -> list[Prediction]:
    out: list[Prediction] = []
    for predictor in PREDICTORS:
        out.extend(predictor(ctx))
    return out
