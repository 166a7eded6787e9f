"""The in-memory read model never serves figures of one data version under another version's headers."""

import pytest
from sqlalchemy import text

from app.db import make_engine
from app.domain.models import wage_bit
from tests.conftest import make_client


@pytest.mark.parametrize("fresh_database", ["sqlite", "postgres"], indirect=True)
def test_figures_read_after_a_new_import_wait_for_the_reload(fresh_database: str):
    # Preload another occupation, so 29-2072's figures are read from the database on first use; no
    # periodic refresh, so the process still holds the old version when the data change underneath.
    with make_client(fresh_database, default_occupation="00-0000", refresh_interval=3600) as c:
        before_version = int(c.get("/occupations").headers["x-data-version"])
        engine = make_engine(fresh_database)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE wage_cell SET mean_annual = 70000 WHERE area_id IN "
                    "(SELECT id FROM area WHERE area_type = 'state' AND code = 'NJ')"
                )
            )
            conn.execute(text("UPDATE data_version SET version = version + 1"))
        engine.dispose()

        stale = c.get("/states/NJ")
        assert stale.status_code == 503
        assert "reloading" in stale.json()["error"]["message"]

        c.app.state.store.refresh()
        fresh = c.get("/states/NJ")
        assert fresh.status_code == 200
        assert fresh.json()["item"]["wages"]["mean"]["annual"] == 70000
        assert int(fresh.headers["x-data-version"]) == before_version + 1


@pytest.mark.parametrize("fresh_database", ["sqlite", "postgres"], indirect=True)
def test_an_official_file_outranks_a_later_loaded_quote_of_the_same_period(fresh_database: str):
    # An article quoting May 2025 figures, loaded after the official May 2025 file (a higher id, the same
    # origin): the official figures stay the default, the quote is pinnable.
    engine = make_engine(fresh_database)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO release (key, source_id, via_source_id, label, period, period_start, origin) "
                "SELECT 'bls-oews-2025-05-quote', source_id, (SELECT via_source_id FROM release "
                "WHERE key = 'bls-oews-2023-05-article'), 'Quote', period, period_start, origin "
                "FROM release WHERE key = 'bls-oews-2025-05'"
            )
        )
        # The quote holds the median alone: its published bit, no other flag.
        conn.execute(
            text(
                "INSERT INTO wage_cell (release_id, occupation_id, area_id, median_hourly, median_annual, "
                "flags, citation) "
                "SELECT (SELECT id FROM release WHERE key = 'bls-oews-2025-05-quote'), occupation_id, "
                "area_id, median_hourly, 99999, :median, 'quoted' FROM wage_cell WHERE release_id = "
                "(SELECT id FROM release WHERE key = 'bls-oews-2025-05') AND "
                "area_id = (SELECT id FROM area WHERE area_type = 'national')"
            ),
            {"median": wage_bit("median")},
        )
        conn.execute(text("UPDATE data_version SET version = version + 1"))
    engine.dispose()
    with make_client(fresh_database) as c:
        default = c.get("/percentiles").json()
        assert default["release"]["key"] == "bls-oews-2025-05"
        assert default["percentiles"]["median"]["annual"] == 51140
        quoted = c.get("/percentiles?release=bls-oews-2025-05-quote").json()
        assert quoted["percentiles"]["median"]["annual"] == 99999
        assert quoted["percentiles"]["median"]["citation"] == "quoted"
