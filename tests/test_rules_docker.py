"""The Docker signatures. No Docker daemon here: the lines are quoted verbatim from public logs
(LogDx moby/buildkit job, CC BY 4.0; pytorch/test-infra fixtures, BSD-3) and public issues (cited)."""

from __future__ import annotations

from devops_agent.logs.clean import clean_line, message_of
from devops_agent.signatures.base import Extract
from devops_agent.signatures.docker import RULES
from devops_agent.signatures.window import LineWindow
from rule_support import rule_matches

BY_CODE = {r.code: r for r in RULES}


def matches(code: str, text: str) -> list[tuple[int, Extract]]:
    return rule_matches(BY_CODE[code], text)


BUILDKIT = (  # logdx-moby-buildx-bake-v2-001, lines 1853-1894 (abridged to the step's own lines)
    "#72 [nydus 1/2] RUN wget https://github.com/dragonflyoss/nydus/releases/download/v2.4.0/nydus-static-v2.4.0-linux-amd64.tgz\n"
    "#72 0.149 wget: server returned error: HTTP/1.1 502 Bad Gateway or Proxy Error\n"
    "#72 ERROR: process \"/bin/bash -c wget https://github.com/dragonflyoss/nydus/releases/download/$NYDUS_VERSION/"
    "nydus-static-$NYDUS_VERSION-$TARGETOS-$TARGETARCH.tgz\" did not complete successfully: exit code: 1\n"
    "------\n"
    " > [nydus 1/2] RUN wget https://github.com/dragonflyoss/nydus/releases/download/v2.4.0/nydus-static-v2.4.0-linux-amd64.tgz:\n"
    "0.149 wget: server returned error: HTTP/1.1 502 Bad Gateway or Proxy Error\n"
    "------\n"
    "Dockerfile:336\n"
    "--------------------\n"
    " 335 |     FROM gobuild-base AS nydus\n"
    " 336 | >>> RUN wget https://github.com/dragonflyoss/nydus/releases/download/$NYDUS_VERSION/nydus-static.tgz\n"
    "--------------------\n"
    "ERROR: failed to solve: process \"/bin/bash -c wget https://github.com/dragonflyoss/nydus/releases/download/$NYDUS_VERSION/"
    "nydus-static-$NYDUS_VERSION-$TARGETOS-$TARGETARCH.tgz\" did not complete successfully: exit code: 1\n"
)


def test_buildkit_step_failure_with_dockerfile_line() -> None:
    got = matches("DKR-BUILD-001", BUILDKIT)
    assert [n for n, _ in got] == [3, 13]
    first = got[0][1]
    assert (first.file, first.line, first.data["exit_code"]) == ("Dockerfile", 336, 1)
    assert first.data["command"].startswith("wget https://github.com/dragonflyoss/nydus")
    assert first.evidence == (2,)  # the step's own last output line: the 502


def test_legacy_builder() -> None:
    line = ("ERROR: Service 'alfresco' failed to build: The command '/bin/sh -c /tmp/install_alfresco.sh &&     "
            "rm -rf /tmp/* /var/tmp/*' returned a non-zero code: 2")  # https://github.com/gui81/docker-alfresco/issues/23
    ((_, ext),) = matches("DKR-BUILD-001", line)
    assert ext.data["exit_code"] == 2 and ext.data["command"].startswith("/tmp/install_alfresco.sh")


def test_pull_failures_skip_retried_attempts() -> None:
    text = (  # pytorch-docker_manifest_unknown, lines 30-38
        "##[command]/usr/bin/docker pull python:3.14t\n"
        "Error response from daemon: manifest for python:3.14t not found: manifest unknown: manifest unknown\n"
        "##[warning]Docker pull failed with exit code 1, back off 7.078 seconds before retry.\n"
        "##[command]/usr/bin/docker pull python:3.14t\n"
        "Error response from daemon: manifest for python:3.14t not found: manifest unknown: manifest unknown\n"
        "##[error]Docker pull failed with exit code 1\n"
    )
    ((n, ext),) = matches("DKR-PULL-001", text)
    assert (n, ext.data["image"]) == (5, "python:3.14t")
    denied = "Error response from daemon: pull access denied for acme/private-app, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"
    ((_, ext),) = matches("DKR-PULL-001", denied)
    assert ext.data["image"] == "acme/private-app"


def test_ordinary_lines_do_not_match() -> None:
    for line in ("#5 [2/4] RUN pip install -r requirements.txt", "#5 DONE 3.2s", "Successfully built 3f2a1b",
                 "The command completed successfully"):
        assert matches("DKR-BUILD-001", line) == [] and matches("DKR-PULL-001", line) == []


def test_copy_source_missing_and_parse_errors() -> None:
    text = (  # https://github.com/moveit/moveit2_tutorials/issues/737 (abridged)
        "#11 ERROR: failed to calculate checksum of ref myqym481qat9c5pqba15t56et::i8w3idij32ozqgi9hdlvjd4vo: "
        "\"/doc/tutorials/planning_around_objects/hello_moveit.cpp\": not found\n"
        " > [tutorial_image  6/12] COPY ./doc/tutorials/planning_around_objects/hello_moveit.cpp src/hello_moveit/src/hello_moveit.cpp:\n"
        "------\n"
        ".docker/Dockerfile:35\n"
        "--------------------\n"
        "ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref "
        "myqym481qat9c5pqba15t56et::i8w3idij32ozqgi9hdlvjd4vo: \"/doc/tutorials/planning_around_objects/hello_moveit.cpp\": not found\n"
    )
    got = matches("DKR-FILE-001", text)
    assert [(n, e.file, e.line) for n, e in got] == [(1, ".docker/Dockerfile", 35), (6, ".docker/Dockerfile", 35)]
    assert got[0][1].data["path"] == "/doc/tutorials/planning_around_objects/hello_moveit.cpp"
    assert matches("DKR-BUILD-001", text) == []
    parse = "ERROR: failed to solve: dockerfile parse error on line 69: unknown instruction: {"  # RchGrav/claudebox#4
    ((_, ext),) = matches("DKR-FILE-001", parse)
    assert (ext.line, ext.data["message"]) == (69, "unknown instruction: {")


def test_errors_inside_a_buildkit_run_step_reach_the_tool_rules() -> None:
    # BuildKit prefixes each output line of a RUN step with "#<step> <seconds> "; the compiler line is
    # gcc 12's own output (bench case p12), the prefix the plain-progress form docker prints.
    from devops_agent.signatures.native import RULES as NATIVE

    cc = next(r for r in NATIVE if r.code == "C-CC-001")
    line = message_of(clean_line(
        "#10 0.512 src/logger.c:6:18: error: implicit declaration of function ‘strdup’; did you mean ‘strcmp’? "
        "[-Werror=implicit-function-declaration]"
    ))
    m = cc.pattern.search(line)
    assert m is not None
    ext = cc.extract(m, LineWindow([line]))
    assert (ext.file, ext.line, ext.data["flag"]) == ("src/logger.c", 6, "-Werror=implicit-function-declaration")
    assert message_of("#10 DONE 3.2s") == "#10 DONE 3.2s"
