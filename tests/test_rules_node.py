"""The JavaScript/TypeScript signatures on real tool output (captured with node 20, npm 11, pnpm 9,
yarn 1.22, typescript 6, eslint 10, jest 30, vitest 4, playwright, webpack 5, esbuild 0.28, next 15; ANSI
codes removed as the engine does; temporary paths rewritten to CI-like ones) and on slices of the public
LogDx logs."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest

from devops_agent.signatures.base import Extract
from devops_agent.signatures.node import RULES
from rule_support import rule_matches

BY_CODE = {r.code: r for r in RULES}


def matches(code: str, text: str) -> list[tuple[int, Extract]]:
    return rule_matches(BY_CODE[code], text)


VITEST = """\
 ❯ test/quote.test.ts (2 tests | 1 failed) 5ms
     ✓ charges per started kilogram 1ms
     × uses the zone code 3ms

⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯

 FAIL  test/quote.test.ts > shippingCost > uses the zone code
AssertionError: expected 'e' to deeply equal 'eu'

Expected: "eu"
Received: "e"

 ❯ test/quote.test.ts:10:31
      8|
      9|   it("uses the zone code", () => {
     10|     expect(parseZone(" EU ")).toEqual("eu");
       |                               ^
"""


def test_vitest_failure_names_test_and_source_line() -> None:
    ((n, ext),) = matches("JS-TEST-001", VITEST)
    assert n == 7
    assert ext.file == "test/quote.test.ts" and ext.line == 10
    assert ext.evidence == (8,)
    assert ext.data["test"] == "test/quote.test.ts > shippingCost > uses the zone code"


NODE_TAP = """\
# Subtest: drops punctuation
not ok 2 - drops punctuation
  ---
  duration_ms: 0.92446
  location: '/home/runner/work/slugs/slugs/test/slug.test.js:9:1'
  failureType: 'testCodeFailure'
  error: |-
    Expected values to be strictly equal:
    + actual - expected

    + 'hello,-world!'
    - 'hello-world'
            ^
  code: 'ERR_ASSERTION'
  name: 'AssertionError'
  stack: |-
    TestContext.<anonymous> (/home/runner/work/slugs/slugs/test/slug.test.js:10:10)
    Test.runInAsyncScope (node:async_hooks:206:9)
  ...
1..2
"""

NODE_SPEC = """\
✔ lowercases words (0.891517ms)
✖ drops punctuation (0.892486ms)
  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:
  + actual - expected
      at TestContext.<anonymous> (/home/runner/work/slugs/slugs/test/slug.test.js:10:10)
      at Test.runInAsyncScope (node:async_hooks:206:9)

✖ failing tests:

test at test/slug.test.js:9:1
"""


def test_node_test_tap_uses_error_and_stack_frame() -> None:
    ((n, ext),) = matches("JS-TEST-001", NODE_TAP)
    assert n == 2 and ext.primary == 8  # the message under `error: |-`
    assert ext.file.endswith("test/slug.test.js") and ext.line == 10
    assert ext.data["test"] == "drops punctuation"


def test_node_test_spec_reporter() -> None:
    ((n, ext),) = matches("JS-TEST-001", NODE_SPEC)
    assert n == 2 and ext.primary == 3
    assert ext.line == 10 and ext.data["test"] == "drops punctuation"


@pytest.mark.skipif(not glob.glob("/work/shared/datasets/logdx/logs/*.log"), reason="datasets not present")
def test_mocha_failing_block() -> None:
    with open("/work/shared/datasets/logdx/logs/logdx-tsc-typescript-001.log", encoding="utf-8", newline="") as fh:
        text = "\n".join(fh.read().split("\n")[299:316])  # TypeScript's own mocha run: `1 failing` + the block
    ((n, ext),) = matches("JS-TEST-001", text)
    assert n == 2 and ext.primary == 9
    assert (ext.file, ext.line) == ("src/harness/fourslashImpl.ts", 3435)
    assert "runs correctly" in ext.data["test"]


PLAYWRIGHT = """\
Running 2 tests using 1 worker

  ✘  1 tests/cart.spec.ts:8:3 › cart › sums all prices (6ms)
  ✓  2 tests/cart.spec.ts:12:3 › cart › empty cart (4ms)


  1) tests/cart.spec.ts:8:3 › cart › sums all prices ───────────────────────────────────────────────

    Error: expect(received).toBe(expected) // Object.is equality

    Expected: 449
    Received: 199

       7 | test.describe("cart", () => {
       8 |   test("sums all prices", async () => {
    >  9 |     expect(total([250, 199])).toBe(449);
         |                               ^
        at /home/runner/work/shop/shop/tests/cart.spec.ts:9:31

  1 failed
    tests/cart.spec.ts:8:3 › cart › sums all prices ────────────────────────────────────────────────
  1 passed (955ms)
"""


def test_playwright_failure_block() -> None:  # @playwright/test 1.x, list reporter, CI=1
    ((n, ext),) = matches("JS-TEST-001", PLAYWRIGHT)
    assert n == 7 and ext.primary == 9 and ext.evidence == (7, 11, 12)
    assert (ext.file, ext.line) == ("/home/runner/work/shop/shop/tests/cart.spec.ts", 9)
    assert ext.data["test"] == "tests/cart.spec.ts › cart › sums all prices"


JEST_MISSING = """\
FAIL test/fmt.test.js
  ● Test suite failed to run

    Cannot find module 'date-fns' from 'test/fmt.test.js'

      at Resolver._throwModNotFoundError (../node_modules/jest-resolve/build/index.js:1031:11)
      at Object.require (test/fmt.test.js:1:20)
"""


def test_missing_module_from_jest_and_node() -> None:
    ((n, ext),) = matches("JS-DEP-002", JEST_MISSING)
    assert n == 4 and ext.data == {"module": "date-fns"} and ext.file == "test/fmt.test.js"
    # node 20 on a missing relative file; tsc 6's TS2307: neither is a missing package
    assert not matches("JS-DEP-002", "Error: Cannot find module './settings'")
    assert not matches("JS-DEP-002", "ts2/a.ts(1,19): error TS2307: Cannot find module 'zod' or its corresponding type declarations.")
    ((_, ext),) = matches("JS-TSC-001", "ts2/a.ts(1,19): error TS2307: Cannot find module 'zod' or its corresponding type declarations.")
    assert ext.data == {"ts_code": "TS2307"}
    assert matches("JS-TSC-001", "error TS5112: tsconfig.json is present but will not be loaded if files are specified on commandline.")


def test_tsc_plain_and_pretty_forms() -> None:
    plain = "src/quote.ts(5,3): error TS2322: Type 'string' is not assignable to type 'number'.\n" \
            "src/quote.ts(10,32): error TS2339: Property 'price' does not exist on type 'Rate'."
    got = matches("JS-TSC-001", plain)
    assert [(e.file, e.line, e.data["ts_code"]) for _, e in got] == [("src/quote.ts", 5, "TS2322"), ("src/quote.ts", 10, "TS2339")]
    pretty = "src/quote.ts:5:3 - error TS2322: Type 'string' is not assignable to type 'number'.\n\n" \
             "5   total = baseRate(zone);\n    ~~~~~"
    ((_, ext),) = matches("JS-TSC-001", pretty)
    assert (ext.file, ext.line, ext.evidence) == ("src/quote.ts", 5, (3, 4))


REGISTRY_404 = {
    "npm": "npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/left-padder-utils-acme\n"
           "npm error 404\nnpm error 404  The requested resource 'left-padder-utils-acme@^1.0.0' could not be found",
    "pnpm": " ERR_PNPM_FETCH_404  GET https://registry.npmjs.org/left-padder-utils-acme: Not Found - 404\n\n"
            "This error happened while installing a direct dependency of /tmp/pn\n\n"
            "left-padder-utils-acme is not in the npm registry, or you have no permission to fetch it.",
    "yarn": "[1/4] Resolving packages...\nerror Couldn't find package \"left-padder-utils-acme\" on the \"npm\" registry.",
}


@pytest.mark.parametrize("tool", sorted(REGISTRY_404))
def test_package_not_found_in_each_package_manager(tool: str) -> None:
    ((_, ext),) = matches("JS-NPM-001", REGISTRY_404[tool])
    assert ext.data["package"] == "left-padder-utils-acme"


def test_npm_network_codes_are_left_to_infrastructure() -> None:
    log = open("/work/shared/bench/public/cases/p18-widgetkit-npm-registry-down/build.log", encoding="utf-8").read() \
        if glob.glob("/work/shared/bench/public/cases/p18-*") else (
            "npm error code ECONNREFUSED\nnpm error syscall connect\nnpm error errno ECONNREFUSED")
    assert not matches("JS-NPM-001", log)
    ((_, ext),) = matches("JS-NPM-001", "npm error code ETARGET\nnpm error notarget No matching version found for dayjs@^9.4.0.")
    assert ext.primary == 2 and ext.data == {"code": "ETARGET", "package": "dayjs"}


def test_eresolve_constraints() -> None:
    text = (
        "npm error code ERESOLVE\nnpm error ERESOLVE unable to resolve dependency tree\nnpm error\n"
        "npm error While resolving: dashboard@1.0.0\nnpm error Found: react@19.3.1\nnpm error node_modules/react\n"
        "npm error   react@\"^19.0.0\" from the root project\nnpm error\nnpm error Could not resolve dependency:\n"
        "npm error peer react@\"^16.8.5 || ^17.0.0 || ^18.0.0\" from react-beautiful-dnd@13.1.1\n"
    )
    assert not matches("JS-NPM-001", text)  # the code line defers to JS-DEP-001
    ((n, ext),) = matches("JS-DEP-001", text)
    assert n == 2 and ext.data["package"] == "react"
    assert ext.data["constraints"] == ["react@19.3.1", "peer react@\"^16.8.5 || ^17.0.0 || ^18.0.0\" from react-beautiful-dnd@13.1.1"]


def test_eslint_stylish_file_comes_from_header() -> None:
    text = (
        "\n/home/runner/work/shop/shop/lib/cart.js\n"
        "   2:9   error  'discount' is assigned a value but never used  no-unused-vars\n"
        "  11:42  error  'totl' is not defined                          no-undef\n\n"
        "✖ 2 problems (2 errors, 0 warnings)\n"
    )
    got = matches("JS-LINT-001", text)
    assert [(e.file, e.line, e.data["rule"]) for _, e in got] == [
        ("/home/runner/work/shop/shop/lib/cart.js", 2, "no-unused-vars"),
        ("/home/runner/work/shop/shop/lib/cart.js", 11, "no-undef"),
    ]
    assert got[0][1].data["codes"] == ["no-unused-vars", "no-undef"]
    assert not matches("JS-LINT-001", "\n".join(text.split("\n")[2:]))  # problem lines need their file header


def test_uncaught_error_needs_node_report_shape() -> None:
    text = (
        "/builds/acme/widgets/server.js:4\n  return cfg.server.port.toString();\n                    ^\n\n"
        "TypeError: Cannot read properties of undefined (reading 'port')\n"
        "    at listenPort (/builds/acme/widgets/server.js:4:21)\n"
        "    at Module._compile (node:internal/modules/cjs/loader:1521:14)\n\nNode.js v20.20.2"
    )
    ((n, ext),) = matches("JS-RUN-001", text)
    assert (n, ext.file, ext.line, ext.evidence) == (5, "/builds/acme/widgets/server.js", 4, (3,))
    assert not matches("JS-RUN-001", "\n".join(text.split("\n")[4:7]))  # no throw site, no `Node.js v` trailer


def _sample_lines(limit: int = 60000) -> list[str]:
    paths = sorted(glob.glob("/work/shared/datasets/pytorch/logs/*.log"))
    paths += sorted(glob.glob("/work/shared/bench/public/cases/p0*/build.log"))
    lines: list[str] = []
    for p in paths:
        with open(p, encoding="utf-8", errors="replace") as fh:
            lines.extend(fh.read().split("\n"))
    return lines[:limit]


@pytest.mark.skipif(not glob.glob("/work/shared/datasets/pytorch/logs/*.log"), reason="datasets not present")
def test_no_false_positives_on_other_ecosystems_logs() -> None:
    text = "\n".join(_sample_lines())
    for code in ("JS-NPM-001", "JS-DEP-001", "JS-TSC-001", "JS-LINT-001", "JS-FMT-001", "JS-TEST-001"):
        assert not matches(code, text), code


WEBPACK = """\
ERROR in ./src/main.js 1:0-38
Module not found: Error: Can't resolve './money' in '/home/runner/work/shop/shop/src'
Did you mean 'money.js'?

ERROR in ./src/main.js 2:0-39
Module not found: Error: Can't resolve 'canvas-confetti' in '/home/runner/work/shop/shop/src'
resolve 'canvas-confetti' in '/home/runner/work/shop/shop/src'

ERROR in ./src/main.js 3:26
Module parse failed: Unexpected token (3:26)
File was parsed as module type 'javascript/esm'.
"""

ESBUILD = """\
✘ [ERROR] Could not resolve "canvas-confetti"

    src/main.js:2:21:
      2 │ import confetti from "canvas-confetti";
"""


def test_bundlers_unresolved_package_vs_build_error() -> None:  # webpack 5.112, esbuild 0.28
    ((n, ext),) = matches("JS-DEP-003", WEBPACK)  # './money' is not a package
    assert (n, ext.file, ext.line, ext.evidence, ext.data) == (6, "./src/main.js", 2, (5,), {"module": "canvas-confetti"})
    builds = matches("JS-BUILD-001", WEBPACK)
    assert [(n, e.primary, e.line) for n, e in builds] == [(1, 2, 1), (5, 6, 2), (9, 10, 3)]
    assert builds[2][1].data["message"] == "Module parse failed: Unexpected token (3:26)"
    ((n, ext),) = matches("JS-DEP-003", ESBUILD)
    assert (ext.file, ext.line, ext.data) == ("src/main.js", 2, {"module": "canvas-confetti"})


def test_registry_auth_is_not_a_missing_package() -> None:  # a 127.0.0.1 registry answering 401
    npm = "npm error code E401\nnpm error Incorrect or missing password.\n"
    assert not matches("JS-NPM-001", npm)
    ((n, ext),) = matches("JS-NPM-003", npm)
    assert (n, ext.primary, ext.data) == (1, 2, {"code": "E401"})
    pnpm = " ERR_PNPM_FETCH_401  GET http://127.0.0.1:4874/@acme%2Fdesign-tokens: Unauthorized - 401\n\n" \
           "No authorization header was set for the request.\n"
    assert not matches("JS-NPM-001", pnpm)
    ((_, ext),) = matches("JS-NPM-003", pnpm)
    assert ext.data == {"code": "E401", "registry": "http://127.0.0.1:4874/", "package": "@acme/design-tokens"}


def test_yarn_registry_not_found_names_the_package() -> None:  # yarn 1.22 --registry: a 127.0.0.1 server's 404
    text = "error Error: http://127.0.0.1:4875/left-padder-utils-acme: Not found"
    ((_, ext),) = matches("JS-NPM-001", text)
    assert ext.data == {"code": "yarn", "package": "left-padder-utils-acme"}


NEXT_TYPE_ERROR = """\
   Linting and checking validity of types ...
Failed to compile.

./app/page.tsx:5:21
Type error: Type 'string' is not assignable to type 'number'.

  3 | const products: Product[] = [
"""

NEXT_MODULE = """\
Failed to compile.

./app/page.tsx
Module not found: Can't resolve 'canvas-confetti'

https://nextjs.org/docs/messages/module-not-found
"""


def test_next_build_type_error_and_missing_module() -> None:  # next 15.5 build, typescript 6
    ((n, ext),) = matches("JS-TSC-001", NEXT_TYPE_ERROR)
    assert (n, ext.file, ext.line, ext.evidence) == (5, "./app/page.tsx", 5, (4,))
    assert not matches("JS-TSC-001", "Type error: something without a location")
    ((n, ext),) = matches("JS-DEP-003", NEXT_MODULE)
    assert (n, ext.file, ext.data) == (4, "./app/page.tsx", {"module": "canvas-confetti"})


def test_jest_coverage_threshold() -> None:  # jest 30.5 with coverageThreshold.global.lines = 90
    text = 'Jest: Coverage for lines (66.66%) does not meet "global" threshold (90%)'
    ((_, ext),) = matches("JS-COV-001", text)
    assert ext.data == {"metric": "lines", "actual": "66.66%", "threshold": "90%", "scope": "global"}


def test_missing_package_script_in_each_manager() -> None:  # npm 11, pnpm 9, yarn 1.22
    for text, script in [
        ('npm error Missing script: "lint:ci"', "lint:ci"),
        (" ERR_PNPM_NO_SCRIPT  Missing script: lintx", "lintx"),
        ('error Command "lintx" not found. Did you mean "lint"?', "lintx"),
    ]:
        ((_, ext),) = matches("JS-NPM-004", text)
        assert ext.data == {"script": script} and ext.file == "package.json"
    assert not matches("JS-NPM-001", " ERR_PNPM_NO_SCRIPT  Missing script: lintx")


def test_eslint_max_warnings_lists_the_warnings() -> None:  # eslint 10.15 --max-warnings 0
    text = (
        "\n/home/runner/work/shop/shop/lib/cart.js\n"
        "  2:9  warning  'discount' is assigned a value but never used  no-unused-vars\n\n"
        "✖ 1 problem (0 errors, 1 warning)\n\nESLint found too many warnings (maximum: 0).\n"
    )
    ((n, ext),) = matches("JS-LINT-002", text)
    assert (n, ext.file, ext.line, ext.evidence) == (7, "/home/runner/work/shop/shop/lib/cart.js", 2, (3,))
    assert ext.data["codes"] == ["no-unused-vars"]
    assert not matches("JS-LINT-001", text)  # warnings alone are not errors


def test_esm_missing_package_from_a_config_file() -> None:  # eslint 10 loading a config outside the project
    text = (
        "Error [ERR_MODULE_NOT_FOUND]: Cannot find package '@eslint/js' imported from /tmp/njs/warn.config.mjs\n"
        "    at packageResolve (node:internal/modules/esm/resolve:873:9)\n"
    )
    ((_, ext),) = matches("JS-DEP-002", text)
    assert ext.data == {"module": "@eslint/js"} and ext.file == "/tmp/njs/warn.config.mjs"


BUN = """\
bun test v1.4.5 (a7733435c)

test/cart.test.ts:
1 | import { describe, expect, test } from "bun:test";
2 | import { total } from "../src/cart";
3 |\x20
4 | describe("cart", () => {
5 |   test("sums all prices", () => {
6 |     expect(total([250, 199])).toBe(449);
                                  ^
error: expect(received).toBe(expected)

Expected: 449
Received: 199

      at <anonymous> (/home/runner/work/shop/shop/test/cart.test.ts:6:31)
(fail) cart > sums all prices [0.35ms]
(pass) cart > empty cart [0.03ms]
"""


def test_bun_failure_block_precedes_the_fail_line() -> None:  # bun 1.4.5 test
    ((n, ext),) = matches("JS-TEST-001", BUN)
    assert (n, ext.primary, ext.evidence) == (17, 11, (17,))
    assert (ext.file, ext.line) == ("/home/runner/work/shop/shop/test/cart.test.ts", 6)
    assert ext.data["test"] == "cart > sums all prices"


@pytest.mark.skipif(not glob.glob("/work/shared/datasets/logdx/logs/*.log"), reason="datasets not present")
def test_pnpm_audit_advisory_box() -> None:
    with open("/work/shared/datasets/logdx/logs/logdx-pnpm-audit-vuln-ip-address-v2-001.log", encoding="utf-8", newline="") as fh:
        text = "\n".join(fh.read().split("\n")[110:143])  # lines 111-143: install summary, the box, the verdict
    ((n, ext),) = matches("JS-SEC-001", text)
    assert n == 18 and ext.evidence == (31,)
    assert ext.data == {"package": "ip-address", "severity": "moderate", "vulnerable": "<=10.1.0",
                        "patched": ">=10.1.1", "advisory_url": "https://github.com/advisories/GHSA-v2v4-37r5-5v8g"}


BERRY_404 = """\
➤ YN0000: · Yarn 4.18.1
➤ YN0000: ┌ Resolution step
➤ YN0035: │ left-padder-utils-acme@npm:^1.0.0: Package not found
➤ YN0035: │   Response Code: 404 (Not Found)
➤ YN0035: │   Request Method: GET
➤ YN0035: │   Request URL: https://registry.yarnpkg.com/left-padder-utils-acme
➤ YN0000: └ Completed
➤ YN0000: · Failed with errors in 0s 147ms
"""

BERRY_IMMUTABLE = """\
➤ YN0028: │ -    dayjs: "npm:1.11.10"
➤ YN0028: │ +    dayjs: "npm:1.11.13"
➤ YN0000: │    languageName: unknown
➤ YN0000: │    linkType: soft
➤ YN0000: │\x20
➤ YN0028: │ The lockfile would have been modified by this install, which is explicitly forbidden.
➤ YN0000: └ Completed
"""


def test_yarn_berry_package_not_found_and_immutable_lockfile() -> None:  # yarn 4.18 (CI=1: --immutable)
    ((n, ext),) = matches("JS-NPM-001", BERRY_404)
    assert n == 3 and ext.data == {"code": "YN0035", "package": "left-padder-utils-acme"}
    ((n, ext),) = matches("JS-NPM-001", BERRY_IMMUTABLE)
    assert n == 6 and ext.data["code"] == "YN0028"


def test_npm_ci_lockfile_out_of_sync() -> None:  # npm 11 `npm ci` after package.json moved dayjs 1.11.10 -> 1.11.13
    text = (
        "npm error code EUSAGE\nnpm error\n"
        "npm error `npm ci` can only install packages when your package.json and package-lock.json or "
        "npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before continuing.\n"
        "npm error\nnpm error Invalid: lock file's dayjs@1.11.10 does not satisfy dayjs@1.11.13\nnpm error\n"
        "npm error Clean install a project\n"
    )
    ((_, ext),) = matches("JS-NPM-001", text)
    assert ext.primary == 3 and ext.data == {"code": "EUSAGE", "package": "dayjs"}


VITEST_UNHANDLED = """\
 ✓ test/leak.test.ts (1 test) 2ms
⎯⎯⎯⎯⎯⎯ Unhandled Errors ⎯⎯⎯⎯⎯⎯

Vitest caught 1 unhandled error during the test run.
This might cause false positive tests. Resolve unhandled errors to make sure your tests are not affected.

⎯⎯⎯⎯⎯ Uncaught Exception ⎯⎯⎯⎯⎯
Error: refresh token missing
 ❯ Timeout._onTimeout test/leak.test.ts:5:11
      3| it("schedules a refresh", () => {
"""


def test_vitest_unhandled_error_fails_a_green_run() -> None:  # vitest 4.1 with a throw in a timer
    ((n, ext),) = matches("JS-TEST-001", VITEST_UNHANDLED)
    assert (n, ext.primary, ext.file, ext.line) == (4, 8, "test/leak.test.ts", 5)
    assert ext.data["message"] == "Error: refresh token missing"


def test_npm_message_without_a_code(tmp_path: Path) -> None:
    """Real npm: `npm version` in a repository with staged changes; a coded error stays JS-NPM-001's."""
    import shutil
    import subprocess

    from devops_agent.signatures.node import RULES as NODE_RULES
    from rule_support import rule_matches

    rule = next(r for r in NODE_RULES if r.code == "JS-NPM-005")
    if shutil.which("npm") is None:
        pytest.skip("npm not installed")
    (tmp_path / "package.json").write_text('{"name": "shop", "version": "1.0.0"}\n')
    git = ["git", "-c", "user.email=a@b", "-c", "user.name=a"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "package.json"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "init"], cwd=tmp_path, check=True)
    (tmp_path / "x.txt").write_text("x")
    subprocess.run([*git, "add", "x.txt"], cwd=tmp_path, check=True)
    proc = subprocess.run(["npm", "version", "patch"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    ((_, ext),) = rule_matches(rule, proc.stdout + proc.stderr)
    assert ext.data["message"] == "Git working directory not clean."
    coded = "npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/nope-x - Not found\n"
    assert rule_matches(rule, coded) == []
