"""Every documented request's answer is of a status and media type its route declares in the contract, and a
JSON answer holds to the model declared for it.

The services build answers as plain dicts for speed and serialise them once, so the declared response models
alone would only document. Here each answer is validated against the schema the contract gives for its
operation, status and media type, with one tightening: an object whose schema lists its properties may have
no others, so a key the contract does not declare fails as surely as a missing or mistyped one."""

import copy
import json
import re
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient

from tests.docs.test_examples import EXAMPLES, _request
from tests.docs.test_recorded_answers import PATHS

JSON_MEDIA = ("application/json", "application/ld+json")


Asked = tuple[str, str, tuple[tuple[str, str], ...], bytes | None]


def _requests() -> list[Asked]:
    asked: set[Asked] = {("GET", path, (), None) for path in PATHS}
    for example in EXAMPLES:
        method, path, headers, body, _ = _request(example.command)
        asked.add((method, path, tuple(sorted(headers.items())), body))
    return sorted(asked, key=lambda r: (r[1], r[0], r[2], r[3] or b""))


REQUESTS = _requests()


def _closed(node: Any) -> Any:
    """The schema with every object that lists its properties closed to others."""
    if isinstance(node, dict):
        out = {key: _closed(value) for key, value in node.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_closed(item) for item in node]
    return node


@pytest.fixture(scope="module")
def contract(client: TestClient) -> dict[str, Any]:
    return _closed(copy.deepcopy(client.app.openapi()))  # type: ignore[attr-defined]


def _template(contract: dict[str, Any], method: str, path: str) -> str:
    """The contract's path that ``path`` asks (a literal path before a templated one)."""
    asked = urlsplit(path).path
    templates = [t for t, item in contract["paths"].items() if method.lower() in item]
    if asked in templates:
        return asked
    for template in templates:
        if re.fullmatch(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)), asked):
            return template
    raise AssertionError(f"{method} {path}: the contract declares no such operation")


def test_the_requests_cover_the_contract() -> None:
    assert len(REQUESTS) >= 40
    assert any(method == "POST" for method, *_ in REQUESTS)


@pytest.mark.parametrize(
    ("method", "path", "headers", "body"), REQUESTS, ids=[f"{m} {p} {dict(h)}" for m, p, h, _ in REQUESTS]
)
def test_the_answer_holds_to_its_declared_model(
    client: TestClient,
    contract: dict[str, Any],
    method: str,
    path: str,
    headers: tuple[tuple[str, str], ...],
    body: bytes | None,
) -> None:
    response = client.request(method, path, content=body, headers=dict(headers))
    media = response.headers.get("content-type", "").split(";")[0]
    template = _template(contract, method, path)
    operation = contract["paths"][template][method.lower()]
    declared = operation["responses"].get(str(response.status_code))
    where = f"{method} {template} {response.status_code}"
    assert declared is not None, f"{where}: the contract does not declare this status"
    content = declared.get("content", {})
    assert media in content, f"{where}: {media} is not declared ({list(content)})"
    if media not in JSON_MEDIA:
        return  # a CSV, HTML, SVG or script answer: its status and media type are what the contract declares
    schema = {**content[media]["schema"], "components": contract["components"]}
    errors = [
        f"{'/'.join(str(p) for p in error.instance_path) or '$'}: {error.message[:300]}"
        for error in jsonschema_rs.validator_for(schema).iter_errors(json.loads(response.text))
    ]
    assert not errors, f"{method} {path} does not hold to its declared model:\n" + "\n".join(errors[:20])
