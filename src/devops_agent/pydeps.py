"""Python dependency knowledge shared by the fixers and the pre-push hook.

- which distribution provides an import name (``yaml`` -> ``PyYAML``): installed metadata first
  (``importlib.metadata.packages_distributions``, built from each wheel's ``top_level.txt`` /
  ``RECORD``), then a table of the well-known cases where the names differ;
- which distributions a project declares, from whatever files it uses: ``requirements*.txt``,
  ``pyproject.toml`` (PEP 621 ``[project]``, ``[dependency-groups]``, Poetry), ``setup.cfg``,
  ``setup.py`` (literal lists only) and ``Pipfile``.

We parse requirement names ourselves (a name regex) instead of importing ``packaging``: only the
name matters here, and requirement lines in the wild (``-e .``, URLs, hashes, env markers) are
read leniently rather than rejected.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache

# Import name -> distribution name, where they differ (and the import name is not itself an
# unrelated distribution on PyPI). Lower-case keys: import names are case-sensitive, so we look up
# the exact name first and fall back to lower case.
IMPORT_TO_DIST: dict[str, str] = {
    "yaml": "PyYAML",
    "bs4": "beautifulsoup4",
    "PIL": "Pillow",
    "cv2": "opencv-python",
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "dateutil": "python-dateutil",
    "dotenv": "python-dotenv",
    "jose": "python-jose",
    "jwt": "PyJWT",
    "magic": "python-magic",
    "multipart": "python-multipart",
    "docx": "python-docx",
    "pptx": "python-pptx",
    "slugify": "python-slugify",
    "gitlab": "python-gitlab",
    "telegram": "python-telegram-bot",
    "socketio": "python-socketio",
    "engineio": "python-engineio",
    "ldap": "python-ldap",
    "Crypto": "pycryptodome",
    "Cryptodome": "pycryptodomex",
    "OpenSSL": "pyOpenSSL",
    "nacl": "PyNaCl",
    "git": "GitPython",
    "github": "PyGithub",
    "serial": "pyserial",
    "usb": "pyusb",
    "zmq": "pyzmq",
    "MySQLdb": "mysqlclient",
    "psycopg2": "psycopg2-binary",
    "pymysql": "PyMySQL",
    "google.protobuf": "protobuf",
    "grpc": "grpcio",
    "attr": "attrs",
    "fitz": "PyMuPDF",
    "Levenshtein": "python-Levenshtein",
    "sentencepiece": "sentencepiece",
    "markdown": "Markdown",
    "jinja2": "Jinja2",
    "markupsafe": "MarkupSafe",
    "werkzeug": "Werkzeug",
    "flask": "Flask",
    "sqlalchemy": "SQLAlchemy",
    "pygments": "Pygments",
    "lxml": "lxml",
    "win32api": "pywin32",
    "win32con": "pywin32",
    "pythoncom": "pywin32",
    "wx": "wxPython",
    "gi": "PyGObject",
    "cairo": "pycairo",
    "Xlib": "python-xlib",
    "kafka": "kafka-python",
    "memcache": "python-memcached",
    "consul": "python-consul",
    "snappy": "python-snappy",
    "toml": "toml",
    "tomli_w": "tomli-w",
    "typing_extensions": "typing-extensions",
    "pkg_resources": "setuptools",
    "setuptools_scm": "setuptools-scm",
    "sentry_sdk": "sentry-sdk",
    "OpenGL": "PyOpenGL",
    "pydantic_settings": "pydantic-settings",
    "ruamel": "ruamel.yaml",
    "websocket": "websocket-client",
    "mpl_toolkits": "matplotlib",
    "email_validator": "email-validator",
    "azure.storage.blob": "azure-storage-blob",
    "google.cloud.storage": "google-cloud-storage",
    "faiss": "faiss-cpu",
    "tensorflow_hub": "tensorflow-hub",
    "umap": "umap-learn",
    "haystack": "farm-haystack",
    "igraph": "python-igraph",
    "Bio": "biopython",
    "pyximport": "Cython",
}

_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_EGG = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def is_stdlib(module: str) -> bool:
    return module.split(".")[0] in sys.stdlib_module_names


@cache
def _installed() -> Mapping[str, list[str]]:
    from importlib.metadata import packages_distributions

    try:
        return packages_distributions()
    except Exception:  # broken metadata of some installed package must not sink us
        return {}


def distribution_for(module: str, *, use_installed: bool = True) -> tuple[str, str]:
    """The distribution that provides ``module`` and how we know: ``(name, source)``.

    ``source`` is ``"table"`` (a well-known mismatch), ``"installed"`` (this environment's
    metadata) or ``"guess"`` (the import name itself, the common case on PyPI).
    """
    dotted = module.strip()
    top = dotted.split(".")[0]
    for key in (dotted, ".".join(dotted.split(".")[:3]), ".".join(dotted.split(".")[:2]), top):
        if key in IMPORT_TO_DIST:
            return IMPORT_TO_DIST[key], "table"
    if use_installed:
        dists = _installed().get(top)
        if dists:
            return sorted(dists, key=len)[0], "installed"
    lower = {k.lower(): v for k, v in IMPORT_TO_DIST.items()}
    if top.lower() in lower:
        return lower[top.lower()], "table"
    return top.replace("_", "-"), "guess"


# -- what a project declares ----------------------------------------------------------------------
def is_dependency_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return (
        (name.startswith("requirements") and name.endswith((".txt", ".in")))
        or name in ("pyproject.toml", "setup.cfg", "setup.py", "pipfile")
        or (name.endswith(".txt") and "/requirements/" in f"/{path.lower()}")
    )


def requirement_name(line: str) -> str | None:
    """The distribution name a requirement line names (None for options, blank lines, paths)."""
    line = line.split(" #", 1)[0].strip()
    if not line or line.startswith("#"):
        return None
    egg = _EGG.search(line)
    if egg:
        return egg.group(1)
    if line.startswith(("-", ".", "/")) or "://" in line.split(";")[0].split("@")[0]:
        return None
    m = _NAME.match(line)
    return m.group(1) if m else None


def names_in_requirements(text: str) -> set[str]:
    out = set()
    for raw in text.splitlines():
        name = requirement_name(raw)
        if name:
            out.add(normalize(name))
    return out


def _names(items: Iterable[object]) -> set[str]:
    out = set()
    for item in items:
        if isinstance(item, str):
            name = requirement_name(item)
            if name:
                out.add(normalize(name))
    return out


def names_in_pyproject(text: str) -> set[str]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return set()
    out: set[str] = set()
    project = doc.get("project", {})
    if isinstance(project, dict):
        out |= _names(project.get("dependencies", []) or [])
        for group in (project.get("optional-dependencies") or {}).values():
            out |= _names(group if isinstance(group, list) else [])
    for group in (doc.get("dependency-groups") or {}).values():
        out |= _names(group if isinstance(group, list) else [])
    poetry = doc.get("tool", {}).get("poetry", {}) if isinstance(doc.get("tool"), dict) else {}
    if isinstance(poetry, dict):
        tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
        tables += [g.get("dependencies") for g in (poetry.get("group") or {}).values() if isinstance(g, dict)]
        for table in tables:
            if isinstance(table, dict):
                out |= {normalize(k) for k in table if k.lower() != "python"}
    return out


def names_in_setup_cfg(text: str) -> set[str]:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return set()
    out: set[str] = set()
    if parser.has_option("options", "install_requires"):
        out |= names_in_requirements(parser.get("options", "install_requires"))
    if parser.has_section("options.extras_require"):
        for _, value in parser.items("options.extras_require"):
            out |= names_in_requirements(value)
    return out


_SETUP_PY_LIST = re.compile(r"(?:install_requires|tests_require)\s*=\s*\[([^\]]*)\]", re.S)
_QUOTED = re.compile(r"""["']([^"']+)["']""")


def names_in_setup_py(text: str) -> set[str]:
    out: set[str] = set()
    for block in _SETUP_PY_LIST.findall(text):
        out |= _names(_QUOTED.findall(block))
    return out


def names_in_pipfile(text: str) -> set[str]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return set()
    out: set[str] = set()
    for section in ("packages", "dev-packages"):
        table = doc.get(section)
        if isinstance(table, dict):
            out |= {normalize(k) for k in table}
    return out


def declared(files: Mapping[str, str]) -> set[str]:
    """Normalised names of every distribution declared in ``files`` (path -> text)."""
    out: set[str] = set()
    for path, text in files.items():
        name = path.rsplit("/", 1)[-1].lower()
        if name == "pyproject.toml":
            out |= names_in_pyproject(text)
        elif name == "setup.cfg":
            out |= names_in_setup_cfg(text)
        elif name == "setup.py":
            out |= names_in_setup_py(text)
        elif name == "pipfile":
            out |= names_in_pipfile(text)
        else:
            out |= names_in_requirements(text)
    return out


def provides(declared_names: set[str], module: str) -> bool:
    """Does any declared distribution plausibly provide the import ``module``?"""
    dist, _ = distribution_for(module)
    top = module.split(".")[0]
    candidates = {normalize(dist), normalize(top), normalize(top.replace("_", "-"))}
    for alias in _installed().get(top, []):
        candidates.add(normalize(alias))
    return bool(candidates & declared_names)
