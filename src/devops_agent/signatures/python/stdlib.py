"""Standard-library APIs that Python removed, with their replacements (for PY-RUN-002).

Learned from the "Removed" sections of the What's New documents (3.3 to 3.13): the ABC aliases in
``collections`` (3.10), ``imp`` and ``distutils`` (3.12), the PEP 594 "dead batteries" (3.13), and
long-deprecated functions (``inspect.getargspec``, ``time.clock``, ``base64.encodestring``...).
"""

from __future__ import annotations

_ABCS = (
    "Mapping MutableMapping Sequence MutableSequence Set MutableSet Iterable Iterator Callable Hashable "
    "Sized Container Generator Awaitable Coroutine AsyncIterable AsyncIterator ByteString KeysView "
    "ItemsView ValuesView MappingView Collection Reversible"
).split()

REMOVED_MODULES: dict[str, str] = {
    "imp": "importlib",
    "distutils": "setuptools (or sysconfig/shutil for the helpers)",
    "asynchat": "asyncio",
    "asyncore": "asyncio",
    "smtpd": "aiosmtpd",
    "cgi": "email.message / urllib.parse",
    "cgitb": "traceback",
    "crypt": "hashlib or bcrypt/passlib",
    "imghdr": "filetype or puremagic",
    "sndhdr": "filetype",
    "mailcap": "mimetypes",
    "msilib": "(none; build MSI with other tools)",
    "nis": "(none)",
    "nntplib": "(none; use a PyPI NNTP client)",
    "ossaudiodev": "(none)",
    "pipes": "subprocess with shlex.quote",
    "spwd": "python-pam",
    "sunau": "soundfile",
    "telnetlib": "telnetlib3 or exscript",
    "uu": "base64",
    "xdrlib": "struct",
    "audioop": "audioop-lts",
    "chunk": "(none; parse with struct)",
    "lib2to3": "(none; use ruff/pyupgrade or libcst)",
    "formatter": "(none)",
    "parser": "ast",
    "symbol": "ast",
    "binhex": "(none)",
    "macpath": "os.path",
    "dummy_threading": "threading",
    "_dummy_thread": "_thread",
}

REMOVED_APIS: dict[str, str] = {
    **{f"collections.{n}": f"collections.abc.{n}" for n in _ABCS},
    "inspect.getargspec": "inspect.getfullargspec (or inspect.signature)",
    "inspect.formatargspec": "inspect.signature",
    "inspect.getmoduleinfo": "inspect.getmodulename",
    "asyncio.coroutine": "async def",
    "asyncio.async": "asyncio.ensure_future",
    "fractions.gcd": "math.gcd",
    "base64.encodestring": "base64.encodebytes",
    "base64.decodestring": "base64.decodebytes",
    "time.clock": "time.perf_counter (or time.process_time)",
    "os.errno": "errno",
    "platform.linux_distribution": "distro.linux_distribution (the distro package)",
    "platform.dist": "distro.linux_distribution (the distro package)",
    "cgi.escape": "html.escape",
    "html.parser.HTMLParser.unescape": "html.unescape",
    "configparser.SafeConfigParser": "configparser.ConfigParser",
    "configparser.readfp": "configparser.ConfigParser.read_file",
    "ssl.wrap_socket": "ssl.SSLContext.wrap_socket",
    "ssl.match_hostname": "ssl.SSLContext.check_hostname",
    "sys.setcheckinterval": "sys.setswitchinterval",
    "locale.format": "locale.format_string",
    "typing.io": "typing (IO, TextIO, BinaryIO)",
    "typing.re": "typing (Pattern, Match)",
    "re.template": "re.compile",
    "gettext.lgettext": "gettext.gettext",
    "pkgutil.ImpImporter": "importlib",
    "unittest.findTestCases": "unittest.TestLoader.loadTestsFromModule",
    "unittest.makeSuite": "unittest.TestLoader.loadTestsFromTestCase",
    "array.tostring": "array.tobytes",
    "array.fromstring": "array.frombytes",
    "xml.etree.ElementTree.Element.getchildren": "list(element)",
    "threading.Thread.isAlive": "threading.Thread.is_alive",
    "unittest.TestCase.assertEquals": "assertEqual",
    "unittest.TestCase.assertNotEquals": "assertNotEqual",
    "unittest.TestCase.assertRegexpMatches": "assertRegex",
    "unittest.TestCase.assertDictContainsSubset": "assertLessEqual on dict items",
    "unittest.TestCase.failUnless": "assertTrue",
    "unittest.TestCase.assert_": "assertTrue",
}
# Attribute names unique enough to recognise on an object ("'Thread' object has no attribute 'isAlive'").
_METHODS = {api.rsplit(".", 1)[1]: api for api in REMOVED_APIS if api.count(".") >= 2 and not api.startswith("html")}
_OBJECT_OWNERS = {"Thread": "isAlive", "Element": "getchildren", "array": "tostring", "HTMLParser": "unescape"}


def removed_module(name: str) -> tuple[str, str] | None:
    top = name.split(".", 1)[0]
    if top in REMOVED_MODULES:
        return top, REMOVED_MODULES[top]
    return None


def removed_attr(owner_module: str, attr: str) -> tuple[str, str] | None:
    api = f"{owner_module}.{attr}"
    return (api, REMOVED_APIS[api]) if api in REMOVED_APIS else None


def removed_method(owner: str, attr: str) -> tuple[str, str] | None:
    """``'Thread' object has no attribute 'isAlive'`` and ``'FooTest' object has no attribute 'assertEquals'``."""
    api = _METHODS.get(attr)
    if api is None:
        return None
    if api.startswith("unittest.") or _OBJECT_OWNERS.get(owner) == attr:
        return api, REMOVED_APIS[api]
    return None
