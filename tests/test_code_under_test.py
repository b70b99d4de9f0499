"""A failing test points at the function it called, in the project's code (real pytest output)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_failing_test_is_located_at_the_code_under_test(tmp_path: Path) -> None:
    repo = tmp_path / "shop"
    (repo / "src" / "shop").mkdir(parents=True)
    (repo / "tests").mkdir()
    (repo / "src" / "shop" / "__init__.py").write_text("")
    (repo / "src" / "shop" / "pricing.py").write_text(
        "def member_price(base, tier):\n    rate = {'gold': 0.1}.get(tier, 0)\n    return round(base * (1 + rate), 2)\n")
    (repo / "tests" / "test_pricing.py").write_text(
        "from shop.pricing import member_price\n\n\ndef test_gold():\n    assert member_price(100.0, 'gold') == 90.0\n")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "init"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=repo, capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(repo / "src")})
    assert run.returncode == 1, run.stdout
    log = tmp_path / "build.log"
    log.write_text(f"$ python -m pytest -q\n{run.stdout}")
    out = subprocess.run([sys.executable, "-m", "devops_agent", "diagnose", str(log), "--repo", str(repo), "-f", "json",
                          "--no-history"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    top = json.loads(out.stdout)["findings"][0]
    assert top["rule"] == "PY-TEST-001"
    assert (top["file"], top["line"]) == ("src/shop/pricing.py", 1)
