"""Migrations build the schema from empty, and survive upgrade -> seed -> downgrade -> upgrade."""

import pytest
from alembic import command
from sqlalchemy import inspect

from app.cli import alembic_config, run_migrations
from app.db import make_engine
from seed.load import seed_database

TABLES = {
    "source",
    "release",
    "occupation",
    "area",
    "wage_cell",
    "area_employment",
    "area_ranking",
    "experience_level",
    "pay_factor",
    "certification",
    "benchmark",
    "data_version",
    "release_check",
}


@pytest.mark.parametrize("empty_database", ["sqlite", "postgres"], indirect=True)
def test_upgrade_seed_downgrade_upgrade(empty_database: str):
    run_migrations(empty_database)
    engine = make_engine(empty_database)
    assert set(inspect(engine).get_table_names()) >= TABLES
    first = seed_database(engine)
    assert first.created > 100

    command.downgrade(alembic_config(empty_database), "base")
    assert not TABLES & set(inspect(engine).get_table_names())

    run_migrations(empty_database)
    assert set(inspect(engine).get_table_names()) >= TABLES
    again = seed_database(engine)
    assert again.created == first.created
    engine.dispose()


@pytest.mark.parametrize("empty_database", ["sqlite", "postgres"], indirect=True)
def test_models_and_migrations_agree(empty_database: str):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.db import metadata

    run_migrations(empty_database)
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    engine.dispose()
