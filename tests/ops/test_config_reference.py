"""docs/configuration.md is generated from Settings: the committed file is what the command writes now."""

import os
import subprocess
import sys
from pathlib import Path

from tests.servers import ROOT


def test_committed_reference_equals_the_generated_one(tmp_path: Path):
    out = tmp_path / "configuration.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALARY_API_")}
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "config-reference", "--output", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    committed = (ROOT / "docs" / "configuration.md").read_text()
    assert out.read_text() == committed, (
        "docs/configuration.md is stale: run `salary-api config-reference --output docs/configuration.md`"
    )


def test_every_setting_has_a_row_with_its_environment_name_and_a_meaning():
    text = (ROOT / "docs" / "configuration.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    # One row per setting named in app/config.py, each with a non-empty meaning.
    source = (ROOT / "app" / "config.py").read_text()
    declared = [
        line.split(":")[0].strip()
        for line in source.splitlines()
        if line.startswith("    ") and not line.startswith("     ") and ": " in line and "= Field(" in line
    ]
    assert len(rows) == len(declared) > 10
    for name in declared:
        row = next(r for r in rows if f"`SALARY_API_{name.upper()}`" in r)
        assert row.rstrip("|").split("|")[-1].strip(), f"{name} has no meaning"
    assert "`SALARY_API_METRICS_PATH` | `/metrics` |" in text
