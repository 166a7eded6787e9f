"""Schemathesis against the app's own /openapi.json, in process: every operation, zero failures."""

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from app.config import Settings
from app.main import create_app
from tests.conftest import build_database

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, negative_data_rejection]

# Built at collection: schemathesis needs the schema to generate the test items.
_DB_DIR = tempfile.TemporaryDirectory(prefix="salary-fuzz-")
_URL = build_database(f"sqlite:///{Path(_DB_DIR.name) / 'fuzz.db'}")
app = create_app(Settings(database_url=_URL, rate_limit_per_minute=0))
app.state.store.refresh()
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    case.call_and_validate(checks=CHECKS)
