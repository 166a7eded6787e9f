"""Wages stored one row per cell (migration 0005) serve every value the one-row-per-statistic storage
served, byte for byte: for the seed and for a generated full-size all-data file, against the digests that
storage gave (tests/oews/served.py), and through the migration, down to wage_stat and back."""

import json
from pathlib import Path

import pytest
from alembic import command

from app.cli import alembic_config, run_migrations
from app.db import make_engine
from bench.import_bench import write_csv
from seed.load import seed_database
from tests.conftest import make_client
from tests.oews.conftest import BOTH, FIXTURES, run_import
from tests.oews.served import FROZEN, FULL_SIZE_NAME, FULL_SIZE_ROWS, served_digests, wage_stat_digest

BEFORE = json.loads(FROZEN.read_text())
# Where wage_stat was last the storage; the downgrade of 0005 lands here.
ONE_ROW_PER_STATISTIC = "0004"
# Files that load capped (#), missing (*) and annual-only figures, beside the seed's.
FIXTURE_FILES = ("state_M2023_dl.csv", "MSA_M2023_dl.csv", "national_M2023_dl.csv")
PAGES = (
    "/percentiles",
    "/states?sort=-median",
    "/metros?limit=500",
    "/states/NJ",
    "/percentiles?release=bls-oews-2023-05-article",
)


@pytest.fixture(scope="module")
def full_size_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("full") / FULL_SIZE_NAME
    write_csv(path, FULL_SIZE_ROWS)
    return path


def pages(url: str) -> dict[str, bytes]:
    with make_client(url) as client:
        answers = {page: client.get(page) for page in PAGES}
    assert all(r.status_code == 200 for r in answers.values()), answers
    return {page: r.content for page, r in answers.items()}


@BOTH
def test_the_seed_and_a_full_size_file_serve_what_one_row_per_statistic_served(
    fresh_database: str, full_size_file: Path
) -> None:
    assert served_digests(fresh_database) == BEFORE["seed"]["served"]
    report = run_import(fresh_database, full_size_file)
    assert report.status == "created" and report.rows_read == FULL_SIZE_ROWS
    assert served_digests(fresh_database) == BEFORE["full_size"]["served"]


@pytest.mark.parametrize("empty_database", ["sqlite", "postgres"], indirect=True)
def test_the_migration_carries_every_figure_to_wage_stat_and_back(empty_database: str) -> None:
    url = empty_database
    run_migrations(url)
    engine = make_engine(url)
    seed_database(engine)
    engine.dispose()

    # Down: exactly the rows the previous importer and seed wrote.
    command.downgrade(alembic_config(url), ONE_ROW_PER_STATISTIC)
    rows, digest = wage_stat_digest(url)
    assert {"rows": rows, "sha256": digest} == BEFORE["seed"]["wage_stat"]
    # Up again: every value served as before.
    run_migrations(url)
    assert served_digests(url) == BEFORE["seed"]["served"]

    for name in FIXTURE_FILES:
        run_import(url, FIXTURES / name)
    served, answered = served_digests(url), pages(url)
    command.downgrade(alembic_config(url), ONE_ROW_PER_STATISTIC)
    run_migrations(url)
    assert served_digests(url) == served
    assert pages(url) == answered
