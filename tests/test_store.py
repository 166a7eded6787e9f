"""The in-memory read model never serves figures of one data version under another version's headers."""

import pytest
from sqlalchemy import text

from app.db import make_engine
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
                    "UPDATE wage_stat SET annual = 70000 WHERE statistic = 'mean' AND area_id IN "
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
