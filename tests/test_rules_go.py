"""The Go signatures on real `go` output. No Go toolchain here: the lines are quoted verbatim from the
public CiDiff (hashicorp/terraform, Apache-2.0) and LogDx (cli/cli, redis/go-redis, CC BY 4.0) logs
under /work/shared/datasets, and from public issues where cited."""

from __future__ import annotations

import pytest

from devops_agent.signatures.base import Extract
from devops_agent.signatures.go import RULES
from rule_support import rule_matches

BY_CODE = {r.code: r for r in RULES}


def matches(code: str, text: str) -> list[tuple[int, Extract]]:
    return rule_matches(BY_CODE[code], text)


BUILD = (  # cidiff Quick_Checks_run118 (GitHub problem-matcher annotations included)
    "2022-04-13T15:02:54.3940627Z ##[group]Run go test ./...\n"
    "2022-04-13T15:06:13.0756634Z # github.com/hashicorp/terraform/internal/command/cliconfig [github.com/hashicorp/terraform/internal/command/cliconfig.test]\n"
    "2022-04-13T15:06:13.0832743Z ##[error]internal/command/cliconfig/credentials_test.go:88:9: undefined: os\n"
    "2022-04-13T15:06:48.1389719Z FAIL\tgithub.com/hashicorp/terraform/internal/command/cliconfig [build failed]\n"
)


def test_compile_error_after_package_header() -> None:
    ((n, ext),) = matches("GO-BUILD-001", BUILD)
    assert (n, ext.file, ext.line) == (3, "internal/command/cliconfig/credentials_test.go", 88)
    assert ext.data["symbol"] == "os" and ext.data["package"].endswith("/cliconfig")
    assert matches("GO-VET-001", BUILD) == [] and matches("GO-LINT-001", BUILD) == []
    assert [n for n, _ in matches("GO-SUM-001", BUILD)] == [4]


def test_linters_by_suffix_and_vet_by_step() -> None:
    lint = (  # cidiff Quick_Checks_run568 and run327 (staticcheck)
        "##[group]Run make fmtcheck generate staticcheck exhaustive protobuf\n"
        "##[error]internal/lang/functions.go:176:17: func (*Scope).experimentalFunction is unused (U1000)\n"
        "##[error]internal/states/instance_object_test.go:63:3: the goroutine calls T.Fatalf, which must be called in the same goroutine as the test (SA2002)\n"
        "internal/cmd/x.go:12:5: Error return value of `f.Close` is not checked (errcheck)\n"
    )
    got = matches("GO-LINT-001", lint)
    assert [(e.line, e.data["linter"]) for _, e in got] == [(176, "U1000"), (63, "SA2002"), (12, "errcheck")]
    assert matches("GO-BUILD-001", lint) == []
    vet = (  # https://github.com/shirou/gopsutil/issues/92
        "go vet ./...\n"
        "mem/mem_darwin_test.go:64: arg 128967*4096 + 449242.*4096 for printf verb %d of wrong type: float64\n"
        "exit status 1\n"
    )
    ((n, ext),) = matches("GO-VET-001", vet)
    assert (ext.file, ext.line) == ("mem/mem_darwin_test.go", 64)


def test_module_download_failure_is_not_a_compile_error() -> None:
    line = (  # cidiff Build_Terraform_CLI_Packages_run452
        "##[error]internal/backend/remote-state/kubernetes/client.go:24:2: k8s.io/api@v0.23.4: "
        "Get \"https://proxy.golang.org/k8s.io/api/@v/v0.23.4.zip\": dial tcp 142.250.1.141:443: i/o timeout"
    )
    for code in ("GO-BUILD-001", "GO-LINT-001", "GO-VET-001", "GO-DEP-001"):
        assert matches(code, line) == [], code
    dep = (  # https://github.com/go-ap/fedbox/issues/11
        "internal/cmd/control.go:10:2: missing go.sum entry for module providing package git.sr.ht/~mariusor/lw "
        "(imported by github.com/go-ap/fedbox/internal/cmd); to add:"
    )
    ((_, ext),) = matches("GO-DEP-001", dep)
    assert ext.data["module"] == "git.sr.ht/~mariusor/lw" and ext.file == "go.mod"
    assert matches("GO-BUILD-001", dep) == []


def test_test_failure_leads_with_the_t_errorf_line() -> None:
    text = (  # logdx gh-cli prompter, lines 243-247
        "--- FAIL: TestHuhPrompterMultiSelectWithSearchPersistence (5.19s)\n"
        "    --- FAIL: TestHuhPrompterMultiSelectWithSearchPersistence/selections_persist_after_changing_search_query (5.13s)\n"
        "        huh_prompter_test.go:478: form.Run() did not complete in time\n"
        "FAIL\n"
        "FAIL\tgithub.com/cli/cli/v2/internal/prompter\t8.475s\n"
    )
    got = matches("GO-TEST-001", text)
    assert {(e.primary, e.file, e.line) for _, e in got} == {(3, "huh_prompter_test.go", 478)}
    assert got[1][1].data["test"].endswith("/selections_persist_after_changing_search_query")


def test_verbose_output_printed_before_the_fail_line() -> None:
    text = (  # cidiff Build_Terraform_CLI_Packages_run380 (go test -v)
        "=== CONT  TestProviderTampering/cache_dir_totally_gone\n"
        "    providers_tamper_test.go:76: unexpected init error: exit status 1\n"
        "        stderr:\n"
        "=== CONT  TestProviderTampering/lock_file_missing\n"
        "--- FAIL: TestProviderTampering (14.05s)\n"
        "    --- FAIL: TestProviderTampering/cache_dir_totally_gone (10.32s)\n"
        "    --- PASS: TestProviderTampering/lock_file_missing (0.91s)\n"
    )
    got = dict(matches("GO-TEST-001", text))
    assert (got[6].primary, got[6].file, got[6].line) == (2, "providers_tamper_test.go", 76)


def test_other_tests_output_is_not_taken() -> None:
    text = (  # logdx go-redis: a skipped test's log line follows the suite's FAIL line
        "--- FAIL: TestGinkgoSuite (179.28s)\n"
        "=== RUN   TestMonitorCommand\n"
        "    monitor_test.go:60: Skipping Monitor command test. Set RUN_MONITOR_TEST=true to run it.\n"
        "--- SKIP: TestMonitorCommand (0.00s)\n"
    )
    ((_, ext),) = matches("GO-TEST-001", text)
    assert ext.file is None and ext.primary is None


def test_ginkgo_failure_block() -> None:
    text = (  # logdx go-redis pubsub, ANSI colours as the runner printed them
        "\x1b[38;5;9m• [FAILED] [1.014 seconds]\x1b[0m\n"
        "\x1b[0mPubSub \x1b[38;5;9m\x1b[1m[It] should ChannelMessage\x1b[0m\n"
        "\x1b[38;5;243m/home/runner/work/go-redis/go-redis/pubsub_test.go:645\x1b[0m\n"
        "\n"
        "  \x1b[38;5;9m[FAILED] Timed out after 1.001s.\n"
        "  Expected\n"
        "  \x1b[38;5;9mIn \x1b[1m[It]\x1b[0m\x1b[38;5;9m at: \x1b[1m/home/runner/work/go-redis/go-redis/pubsub_test.go:661\x1b[0m \x1b[38;5;243m@ 05/07/26 17:29:02.697\x1b[0m\n"
    )
    ((n, ext),) = matches("GO-TEST-002", text)
    assert (n, ext.line, ext.data["test"]) == (1, 661, "PubSub [It] should ChannelMessage")
    assert ext.file.endswith("go-redis/pubsub_test.go") and ext.data["message"] == "Timed out after 1.001s."


def test_panic_outside_a_test() -> None:
    text = (  # cidiff Quick_Checks_run616
        "panic: failed to build executable: exit status 2\n"
        "\n"
        "goroutine 1 [running]:\n"
        "github.com/hashicorp/terraform/internal/e2e.GoBuild({0xffb8b1, 0x1e}, {0xfdf8a6?, 0x78?})\n"
        "\t/home/runner/work/terraform/terraform/internal/e2e/e2e.go:261 +0x227\n"
    )
    ((_, ext),) = matches("GO-RUN-001", text)
    assert (ext.file, ext.line) == ("/home/runner/work/terraform/terraform/internal/e2e/e2e.go", 261)


@pytest.mark.parametrize("line", [
    "ok  \tgithub.com/cli/cli/v2/pkg/cmd\t0.412s",
    "--- PASS: TestX (0.00s)",
    "    huh_prompter_test.go:478: form.Run() did not complete in time",
    "main.go:12: this is a log line without a column",
])
def test_ordinary_lines_do_not_match(line: str) -> None:
    for code in ("GO-BUILD-001", "GO-LINT-001", "GO-TEST-001", "GO-DEP-001", "GO-RUN-001"):
        assert matches(code, line) == [], (code, line)


def test_ginkgo_block_in_caret_notation_is_cleaned() -> None:
    # the LogDx file stores the colour codes as the two characters "^[" (cat -v style)
    text = "2026-05-07T17:30:12.8056437Z ^[[38;5;9m• [FAILED] [1.014 seconds]^[[0m\n" \
           "2026-05-07T17:30:12.8056818Z ^[[0mPubSub ^[[38;5;9m^[[1m[It] should ChannelMessage^[[0m\n"
    ((n, ext),) = matches("GO-TEST-002", text)
    assert n == 1 and ext.data["test"] == "PubSub [It] should ChannelMessage"


def test_test_timeout_names_the_running_tests() -> None:
    text = (  # https://github.com/ipfs/gateway-conformance/issues/46
        "=== RUN   TestGatewayTar/GET_TAR_has_expected_root_directory\n"
        "panic: test timed out after 10m0s\n"
        "running tests:\n"
        "\tTestGatewayTar (9m52s)\n"
        "\tTestGatewayTar/GET_TAR_has_expected_root_directory (9m52s)\n"
        "\n"
        "goroutine 1028 [running]:\n"
    )
    ((_, ext),) = matches("GO-TIME-001", text)
    assert ext.data["test"] == "TestGatewayTar/GET_TAR_has_expected_root_directory" and ext.data["after"] == "10m0s"
    assert matches("GO-RUN-001", text) == []


def test_toolchain_older_than_go_mod() -> None:
    text = (  # https://github.com/containerd/containerd/pull/13102
        "go: go.mod requires go >= 1.26.3 (running go 1.26.2; GOTOOLCHAIN=local)\n"
        "make: *** [Makefile:207: build] Error 1\n"
    )
    ((_, ext),) = matches("GO-VER-001", text)
    assert ext.data == {"required": "1.26.3", "running": "1.26.2"} and ext.file == "go.mod"
    line = ("/home/prow/go/src/github.com/kubernetes-csi/csi-lib-utils/vendor/k8s.io/apimachinery/pkg/api/resource/"
            "amount.go:17:1: package requires newer Go version go1.22")  # golang/go#67282
    ((_, ext),) = matches("GO-VER-001", line)
    assert ext.data["required"] == "1.22"
    assert matches("GO-BUILD-001", line) == []
