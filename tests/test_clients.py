"""Clients generated from the committed openapi.json, as a job board's or school's developer would generate
them, exercised against the real server (`salary-api serve` on a seeded SQLite database): TypeScript types
from openapi-typescript with an openapi-fetch client compiled under `tsc --strict`, and a Python client from
openapi-python-client. Expected values come from the article's experience table, not from the code."""

import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import build_database
from tests.servers import serve

ROOT = Path(__file__).resolve().parents[1]
TS_DIR = ROOT / "clients" / "ts"
PY_CONFIG = ROOT / "clients" / "python" / "config.yaml"
PACKAGE = "salary_api_client"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("clients")
    url = build_database(f"sqlite:///{tmp / 'seeded.db'}")
    with serve(url, tmp) as base:
        yield base


def run(args: list[str], cwd: Path, timeout: float = 300) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_typescript_client_compiles_strict_and_reads_the_api(server: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI"):
            pytest.fail("npm is required in CI (.ci/run installs Node.js)")
        pytest.skip("npm is not installed")
    if not (TS_DIR / "node_modules").exists():
        run([npm, "ci", "--no-audit", "--no-fund"], TS_DIR)
    run([npm, "run", "check"], TS_DIR)  # generate the types, then tsc --strict
    out = run(["node", "dist/smoke.js", server], TS_DIR, timeout=60)
    got = json.loads(out.strip().splitlines()[-1])
    # The article's table: 3-9 years is Mid-Career, and an entry level is asked for.
    assert got["levels"] == ["mid", "entry"]
    assert got["errorType"] == "not_found" and got["status"] == 404
    assert got["csvHeader"].startswith("code,name,area_type")
    assert len(got["firstState"]) == 2 and got["hourlyLow"] > 0
    # With fields=, an item still says which area it is (typed string, non-null, in the generated types).
    assert got["firstProjected"] == "state"


def test_jsonld_answer_type_checks_against_schema_dts(server: str) -> None:
    """The markup a job board drops into its page is a schema.org Occupation by the schema-dts types (npm),
    checked by tsc --strict against the live answer."""
    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI"):
            pytest.fail("npm is required in CI (.ci/run installs Node.js)")
        pytest.skip("npm is not installed")
    if not (TS_DIR / "node_modules" / "schema-dts").exists():
        run([npm, "ci", "--no-audit", "--no-fund"], TS_DIR)
    import httpx

    r = httpx.get(f"{server}/jsonld/occupation", params={"occupation": "medical coder", "location": "77001"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/ld+json"
    answer = r.json()
    assert answer["@type"] == "Occupation" and answer["occupationalCategory"] == "29-2072"
    (TS_DIR / "generated").mkdir(exist_ok=True)
    checked = TS_DIR / "generated" / "jsonld_answer.ts"
    checked.write_text(
        'import type { Occupation, WithContext } from "schema-dts";\n'
        f"export const answer: WithContext<Occupation> = {json.dumps(answer, indent=2)};\n",
        encoding="utf-8",
    )
    tsc = str(TS_DIR / "node_modules" / ".bin" / "tsc")
    args = [
        "--strict",
        "--noEmit",
        "--module",
        "NodeNext",
        "--moduleResolution",
        "NodeNext",
        "--target",
        "ES2022",
    ]
    run([tsc, *args, str(checked)], TS_DIR)
    # A field schema.org's Occupation does not have is refused by the same check (the check has teeth).
    wrong = {**answer, "baseSalary": 1}
    checked.write_text(
        'import type { Occupation, WithContext } from "schema-dts";\n'
        f"export const answer: WithContext<Occupation> = {json.dumps(wrong)};\n",
        encoding="utf-8",
    )
    refused = subprocess.run(
        [tsc, *args, str(checked)], cwd=TS_DIR, capture_output=True, text=True, check=False
    )
    assert refused.returncode != 0 and "baseSalary" in refused.stdout


@pytest.fixture(scope="module")
def client_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    out = tmp_path_factory.mktemp("pyclient")
    run(
        [
            str(Path(sys.executable).parent / "openapi-python-client"),
            "generate",
            "--path",
            str(ROOT / "openapi.json"),
            "--output-path",
            str(out / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(PY_CONFIG),
            "--fail-on-warning",
        ],
        ROOT,
    )
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def test_python_client_reads_the_api(server: str, client_package: Any) -> None:
    api = importlib.import_module(f"{PACKAGE}.api")
    models = importlib.import_module(f"{PACKAGE}.models")
    list_states = importlib.import_module(f"{api.__name__}.wages.list_states")
    get_state = importlib.import_module(f"{api.__name__}.wages.get_state")
    estimate_batch = importlib.import_module(f"{api.__name__}.estimate.estimate_batch")
    get_estimate = importlib.import_module(f"{api.__name__}.estimate.get_estimate")

    with client_package.Client(base_url=server) as client:
        page = list_states.sync(client=client, sort="code", limit=2)
        assert isinstance(page, models.AreaPage) and len(page.items) == 2 and page.total >= 2
        assert page.items[0].code < page.items[1].code

        estimate = get_estimate.sync(client=client, years=4, certifications="CPC")
        assert isinstance(estimate, models.EstimateResponse)
        # Mid-Career, 3-9 years: $23.00 - $30.00 an hour for certified coders (the article's table).
        assert estimate.level.key == "mid"
        assert (estimate.hourly.low, estimate.hourly.high) == (23.0, 30.0)

        batch = estimate_batch.sync(
            client=client,
            body=[models.EstimateRequest(years=4), models.EstimateRequest(level=models.Level.ENTRY)],
        )
        assert [item.level.key for item in batch.items] == ["mid", "entry"]

        missing = get_state.sync_detailed(client=client, code="ZZ")
        assert missing.status_code == 404
        assert missing.parsed.error.type_ == models.ErrorType.NOT_FOUND  # `type` is a Python builtin
