"""JVM signatures: javac (plain and Maven's ``[ERROR] File.java:[l,c]`` form), kotlinc, Maven goals
and dependency resolution, Surefire/Gradle test failures, Gradle's "What went wrong" block and
checkstyle.

Formats learned from the tools' own output (javac's ``file:line: error: msg`` + source + caret,
maven-compiler-plugin's ``[ERROR] /abs/File.java:[line,col] msg``, Surefire's per-test
``<<< FAILURE!`` header followed by the exception and its stack, Gradle's ``Class > test FAILED`` and ``* What went wrong:``, checkstyle's ``[ERROR] file:l:c: msg
[Check]``). Extract hooks only look a few lines around the match.
"""

from __future__ import annotations

from devops_agent.signatures.jvm import build, compilers, testing

RULES = [*compilers.RULES, *build.RULES, *testing.RULES]
