"""Every operation of the contract (app/openapi.py) swept with the API's own vocabulary: real releases, areas,
occupations, ZIPs and profile values, alone and combined, in every representation. Random strings (the
schemathesis fuzz) never reach the figures behind them; these do. No answer is a 5xx, every status is one
the contract declares for the operation, every JSON error is the one shape naming what was typed, and every
JSON 200 is what its schema says."""

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_client

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
SCHEMAS = CONTRACT["components"]["schemas"]
OPERATIONS = [
    (path, method, operation)
    for path, item in CONTRACT["paths"].items()
    for method, operation in item.items()
    if method == "get" and path != "/export"  # /export builds whole files: tests/export covers it
]
# Numbers at and past every boundary, and the ones a float parser takes that a person would not mean.
NUMBERS = ["0", "-1", "1", "0.5", "4000", "4001", "50", "51", "1e309", "-1e309", "NaN", "inf", "", "1e-400"]
LOCATION_WORDS = ["Remote", "US", "nationwide", "United States", "", " ", "00000", "Springfield"]
# How many places of each kind a request list takes, spread over the whole list (the run stays fast).
SPREAD = 4


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The values the API itself names, read from its answers at run time."""

    releases: list[str]
    states: list[str]
    metros: list[str]
    locations: list[str]
    occupations: list[str]
    years: list[str]
    certifications: list[str]


def spread(values: list[str], count: int = SPREAD) -> list[str]:
    """``count`` values evenly spaced over ``values`` (all of them when there are fewer)."""
    if len(values) <= count:
        return values
    step = len(values) / count
    return [values[int(i * step)] for i in range(count)]


def _items(client: TestClient, path: str) -> list[dict[str, Any]]:
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.text[:200])
    return list(answer.json()["items"])


def read_vocabulary(client: TestClient) -> Vocabulary:
    """Releases, areas (every release's), occupations and profile values, as the API lists them."""
    releases = sorted({r["key"] for s in _items(client, "/sources?limit=1000") for r in s["releases"]})
    states: dict[str, str] = {}
    metros: dict[str, str] = {}
    for pin in ["", *(f"&release={key}" for key in releases)]:
        for path, found in (("/states", states), ("/metros", metros)):
            answer = client.get(f"{path}?limit=1000{pin}")
            if answer.status_code == 200:
                found.update((item["code"], item["name"]) for item in answer.json()["items"])
    occupations: list[str] = ["29-2072.00", "292072"]
    for item in _items(client, "/occupations?limit=1000"):
        occupations += [item["soc_code"], item["title"], *item["aliases"][:1]]
    with (ROOT / "seed" / "geo" / "zip_cbsa.csv").open(encoding="utf-8") as geo:
        places = spread(list(csv.DictReader(geo)), 2 * SPREAD)
    locations = [z["zip"] for z in places] + [f"{z['city'].title()}, {z['state']}" for z in places]
    bands = _items(client, "/experience")
    return Vocabulary(
        releases=releases,
        states=sorted(states) + spread(sorted(states.values())),
        metros=spread(sorted(metros), 2 * SPREAD) + spread(sorted(metros.values())),
        locations=locations + [places[0]["zip"] + "-1234", *LOCATION_WORDS],
        occupations=occupations,
        years=[str(b[key]) for b in bands for key in ("years_min", "years_max") if b[key] is not None],
        certifications=[item["code"] for item in _items(client, "/certifications")],
    )


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema a ``$ref`` names (or the schema itself)."""
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def named_values(schema: dict[str, Any]) -> list[str]:
    """The enum members, the words of a `sort`/`fields` pattern, and the booleans a schema allows."""
    found: list[str] = []
    pending = [schema]
    while pending:
        node = resolve(pending.pop())
        found += [str(v) for v in node.get("enum", [])]
        words = re.search(r"\(\?:([a-z0-9_|]+)\)", node.get("pattern", ""))
        found += words.group(1).split("|") if words else []
        found += ["true", "false", "maybe"] if node.get("type") == "boolean" else []
        pending += node.get("anyOf", [])
    return found


def values_for(name: str, schema: dict[str, Any], vocabulary: Vocabulary) -> list[str]:
    """What one parameter is tried with: the real values, their neighbours, and nonsense."""
    real = {
        "release": [*vocabulary.releases, "nope"],
        "state": [*spread(vocabulary.states), "ZZ", "US"],
        "metro": [*vocabulary.metros, "00000"],
        "location": [*spread(vocabulary.states, 4), *spread(vocabulary.metros, 4), *vocabulary.locations],
        "occupation": [*vocabulary.occupations, "29-9999", ""],
        "years": [*vocabulary.years, *NUMBERS],
        "certifications": [*vocabulary.certifications, ",".join(vocabulary.certifications), "none"],
        "q": ["a", "%", "_", "'", "ü", "x" * 100],
        "brand": ["#ff0000", "zzzzzz"],
    }
    if name in real:
        return real[name] + ([""] if name != "occupation" else [])
    words = named_values(schema)
    if name in ("sort", "fields") and words:
        return [*words, *(f"-{w}" for w in words), ",".join(words), f"{words[0]},{words[0]}", "bogus", ","]
    if words:
        return [*words, words[0].upper(), "bogus", ""]
    return ["name", "-name", "bogus", ""] if name == "sort" else NUMBERS


def requests_for(path: str, operation: dict[str, Any], vocabulary: Vocabulary) -> Iterator[dict[str, str]]:
    """Each parameter alone with each of its values; each release and occupation with places of each kind.
    A `.csv` list (whole tables, parsed as its JSON sibling is) takes a few values of each parameter."""
    query = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
    required = {name: "60000" for name, p in query.items() if p.get("required")}  # /compare's low and high
    width = 3 if path.endswith(".csv") else 1000
    json_answer = "application/json" in operation["responses"]["200"]["content"]
    yield required
    for name, parameter in query.items():
        for value in spread(values_for(name, parameter["schema"], vocabulary), width):
            yield {**required, name: value}
    for axis in ("release", "occupation"):
        for place in ("state", "metro", "location"):
            if axis in query and place in query:
                places = spread(values_for(place, query[place]["schema"], vocabulary), 3)
                # A release may rank a state without figures (the article's tiers): every state, where asked
                # in JSON (the drawings of the same answer take the spread).
                if axis == "release" and place == "state" and "location" in query and json_answer:
                    places = vocabulary.states
                for value in spread(values_for(axis, query[axis]["schema"], vocabulary), width):
                    yield from ({**required, axis: value, place: where} for where in places)


def paths_for(path: str, vocabulary: Vocabulary) -> list[str]:
    """The path itself, or one per code the API names (and one it does not) for a `{code}` path."""
    if "{code}" not in path:
        return [path]
    codes = vocabulary.states if path.startswith("/states") else vocabulary.metros
    return [path.replace("{code}", code) for code in [*codes, "ZZ", "00000"]]


class Checker:
    """Judges one answer against the operation's declared statuses, media types and schemas."""

    def __init__(self, path: str, operation: dict[str, Any]) -> None:
        self.responses: dict[str, Any] = operation["responses"]
        # A JSON list with a `.csv` operation beside it also answers CSV when asked (format=csv, Accept).
        self.csv_too = f"{path}.csv" in CONTRACT["paths"]
        self.validators: dict[str, Any] = {}

    def validate(self, schema: dict[str, Any], body: Any) -> list[str]:
        key = json.dumps(schema, sort_keys=True)
        if key not in self.validators:
            document = {**schema, "components": CONTRACT["components"]}
            self.validators[key] = jsonschema_rs.validator_for(document)
        return [str(error)[:300] for error in self.validators[key].iter_errors(body)]

    def check(self, request: str, typed: dict[str, str], answer: Any) -> list[str]:
        """What is wrong with ``answer`` (an empty list when nothing is)."""
        status = answer.status_code
        if status >= 500 or str(status) not in self.responses:
            return [f"{request}: {status} is not declared: {answer.text[:300]}"]
        media = answer.headers.get("content-type", "").split(";")[0]
        declared = self.responses[str(status)].get("content", {})
        if status == 304 or answer.request.method == "HEAD":
            return []
        if media == "text/csv" and self.csv_too and status == 200:
            return []
        if media not in declared:
            return [f"{request}: {status} as {media}, the contract declares {sorted(declared)}"]
        if media != "application/json":
            return []
        body = answer.json()
        problems = self.validate(declared[media]["schema"], body)
        if status >= 400 and not problems:
            problems += self._names_what_was_typed(body["error"], status, typed)
        return [f"{request}: {status} {problem}" for problem in problems]

    @staticmethod
    def _names_what_was_typed(error: dict[str, Any], status: int, typed: dict[str, str]) -> list[str]:
        if error["status"] != status:
            return [f"says status {error['status']}"]
        said = json.dumps(error, ensure_ascii=False).lower()
        named = any(name in said or (value and value.lower() in said) for name, value in typed.items())
        # A place typed as a ZIP or a city is named as the area it resolved to.
        resolved = any("area" in detail for detail in error["details"])
        if typed and not named and not resolved:
            return [f"names none of {typed}: {error['message']}"]
        return []


@pytest.fixture(scope="module")
def sweep_client(seeded_database: str) -> Iterator[TestClient]:
    """The app without a rate limit (a sweep would spend the shared client's budget)."""
    with make_client(seeded_database, rate_limit_per_minute=0) as client:
        yield client


@pytest.fixture(scope="module")
def vocabulary(sweep_client: TestClient) -> Vocabulary:
    return read_vocabulary(sweep_client)


@pytest.mark.parametrize(
    ("path", "operation"),
    [(path, operation) for path, _, operation in OPERATIONS],
    ids=[operation["operationId"] for _, _, operation in OPERATIONS],
)
def test_every_real_value_is_an_answer_or_a_declared_error(
    sweep_client: TestClient, vocabulary: Vocabulary, path: str, operation: dict[str, Any]
) -> None:
    checker = Checker(path, operation)
    targets = paths_for(path, vocabulary)
    requests = [
        (targets[n % len(targets)], query)
        for n, query in enumerate(requests_for(path, operation, vocabulary))
    ]
    if len(targets) > 1:  # codes the API names in every release (tests/wages sweeps every code so)
        requests += [(target, {"release": key}) for target in spread(targets) for key in vocabulary.releases]
    problems: list[str] = []
    for target, query in requests:
        answer = sweep_client.get(target, params=query)
        problems += checker.check(f"GET {answer.url}", {**query, "code": target.rsplit("/", 1)[-1]}, answer)
    for target in spread(targets, 3):
        problems += _representations(sweep_client, checker, target, operation)
    assert not problems, "\n".join(problems[:20])


def _representations(
    client: TestClient, checker: Checker, target: str, operation: dict[str, Any]
) -> list[str]:
    """CSV asked for both ways, HEAD, If-None-Match with every kind of tag, and each parameter repeated."""
    query = {p["name"]: "60000" for p in operation.get("parameters", []) if p.get("required")}
    first = client.get(target, params=query)
    etag = first.headers.get("etag", '"none"')
    variants: list[tuple[str, Any, dict[str, str]]] = [
        ("GET", {**query, "format": "csv"}, {}),
        ("GET", query, {"accept": "text/csv"}),
        ("GET", query, {"accept": "text/csv;q=0.1, application/json"}),
        ("HEAD", query, {}),
        *(("GET", query, {"if-none-match": tag}) for tag in (etag, f"W/{etag}", "*", '"other"', "garbage")),
        *(
            ("GET", [*query.items(), (p["name"], "1"), (p["name"], "2")], {})
            for p in operation.get("parameters", [])
            if p["in"] == "query"
        ),
    ]
    problems: list[str] = []
    for method, params, headers in variants:
        answer = client.request(method, target, params=params, headers=headers)
        typed = {"code": target.rsplit("/", 1)[-1], **dict(params)}
        problems += checker.check(f"{method} {answer.url} {headers}", typed, answer)
    return problems


POSTS = [
    (path, item["post"])
    for path, item in CONTRACT["paths"].items()
    if "post" in item and path != "/admin/refresh"
]


def bodies_for(vocabulary: Vocabulary) -> list[dict[str, Any]]:
    """One profile per field and value the GET /estimate sweep tries, typed as JSON (numbers, lists)."""
    properties = resolve({"$ref": "#/components/schemas/EstimateRequest"})["properties"]
    bodies: list[dict[str, Any]] = [{}]
    for name, schema in properties.items():
        for value in values_for(name, schema, vocabulary):
            bodies.append({name: _as_json(name, value)})
    return bodies


def _as_json(name: str, value: str) -> Any:
    """A number as a JSON number where it is one, a certification list as a list."""
    if name == "certifications" and value:
        return value.split(",")
    try:
        number = float(value)
    except ValueError:
        return value
    return (
        int(number) if number.is_integer() else number if number == number and abs(number) < 1e300 else value
    )


@pytest.mark.parametrize(("path", "operation"), POSTS, ids=[op["operationId"] for _, op in POSTS])
def test_every_real_profile_posted_is_an_answer_or_a_declared_error(
    sweep_client: TestClient, vocabulary: Vocabulary, path: str, operation: dict[str, Any]
) -> None:
    checker = Checker(path, operation)
    bodies = bodies_for(vocabulary)
    batch = path.endswith("/batch")
    sent = [[body] for body in bodies] + [bodies[:100]] if batch else bodies
    problems: list[str] = []
    for body in sent:
        answer = sweep_client.post(path, json=body)
        typed = {k: str(v) for profile in (body if batch else [body]) for k, v in profile.items()}
        problems += checker.check(f"POST {path} {json.dumps(body)[:300]}", typed, answer)
    assert not problems, "\n".join(problems[:20])
