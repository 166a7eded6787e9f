"""``salary-api import-oews`` as an operator runs it: a summary on success, one line and exit 1 on failure."""

import os
import subprocess
from pathlib import Path

import pytest

from tests.oews.conftest import FIXTURES, REVISE, copy_fixture, dump, fixture_row, salary_api


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "SALARY_API_DATABASE_URL": url, "COLUMNS": "200"}
    return salary_api("import-oews", *args, env=env)


@pytest.mark.parametrize("fresh_database", ["sqlite", "postgres"], indirect=True)
def test_import_prints_a_summary_and_is_idempotent(fresh_database: str) -> None:
    # The fixture has 12 data rows; 10 are detailed occupations (the others are a total and a major group).
    path = str(FIXTURES / "state_M2023_dl.csv")
    first = _cli(fresh_database, path)
    assert first.returncode == 0, first.stderr
    output = first.stdout + first.stderr
    assert "bls-oews-2023-05-state created: 12 rows read, 10 selected, 10 loaded" in output
    second = _cli(fresh_database, path)
    assert second.returncode == 0, second.stderr
    assert (
        "bls-oews-2023-05-state unchanged: 12 rows read, 10 selected, 0 loaded"
        in second.stdout + second.stderr
    )


def test_options(fresh_database: str) -> None:
    path = str(FIXTURES / "national_M2023_dl.csv")
    result = _cli(
        fresh_database, path, "--occupation", "29-2072", "--period", "May 2022", "--groups", "detailed"
    )
    assert result.returncode == 0, result.stderr
    assert "bls-oews-2022-05-national created: 5 rows read, 1 selected, 1 loaded" in result.stderr
    result = _cli(fresh_database, path, "--groups", "major,detailed", "-o", "29-0000", "-o", "29-2072")
    assert "bls-oews-2023-05-national created: 5 rows read, 2 selected, 2 loaded" in result.stderr


def test_malformed_file_exits_non_zero_with_one_line(fresh_database: str, tmp_path: Path) -> None:
    bad = copy_fixture("state_M2023_dl.csv", tmp_path, edit=lambda t: t.replace("19.55", "19.5x"))
    row = fixture_row("state_M2023_dl.csv", area="01", occ="29-2072")[0]
    before = dump(fresh_database)
    result = _cli(fresh_database, str(bad))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"import failed: state_M2023_dl.csv, row {row}, column H_MEDIAN: '19.5x' is not a number.",
    ]
    assert "Traceback" not in result.stdout + result.stderr
    assert dump(fresh_database) == before


def test_changed_file_needs_replace(fresh_database: str, tmp_path: Path) -> None:
    path = FIXTURES / "state_M2022_dl.csv"
    assert _cli(fresh_database, str(path)).returncode == 0
    revised = copy_fixture(path.name, tmp_path, edit=REVISE)
    refused = _cli(fresh_database, str(revised))
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "pass --replace" in refused.stderr
    replaced = _cli(fresh_database, str(revised), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert "bls-oews-2022-05-state replaced" in replaced.stderr
