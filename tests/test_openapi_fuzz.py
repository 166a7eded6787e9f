"""Schemathesis against the app's own /openapi.json, in process: every operation and check, no failure."""

import os
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from app.config import Settings
from app.main import create_app
from app.openapi import conflict_operations
from tests.conftest import build_database

# Built at collection: schemathesis needs the schema to generate the test items.
_DB_DIR = tempfile.TemporaryDirectory(prefix="salary-fuzz-")
_URL = build_database(f"sqlite:///{Path(_DB_DIR.name) / 'fuzz.db'}")
# With an admin token configured, a request without it is the 401 the security scheme promises.
app = create_app(Settings(database_url=_URL, rate_limit_per_minute=0, admin_token="fuzz-admin-token"))
app.state.store.refresh()

# Inputs valid one by one can contradict each other or be ambiguous together, which JSON Schema cannot
# express: the operations taking them declare the 422 (app/openapi.py), and only they may answer it to
# schema-valid data. A place or title that names nothing is a 404, which schemathesis accepts by default.
CONFIG = SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                "include-operation-id": sorted(conflict_operations(app.openapi())),
                "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "404", "422"]}},
            }
        ]
    }
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case):
    case.call_and_validate()
