"""The pure-ASGI GET /estimate path answers exactly what the FastAPI route answers, and defers every
request it does not fully understand."""

import orjson
import pytest
from fastapi.testclient import TestClient

from app.edge.canonical import CanonicalQueries, canonical_query
from app.estimate.fast import estimate_body, parse_profile

PROFILES = [
    {},
    {"years": 0},
    {"years": 4, "location": "77001", "occupation": "medical coder"},
    {"location": "Houston, TX", "occupation": "43-3021"},
    {"years": 4, "certifications": "CPC", "state": "NJ"},
    {"level": "senior", "certifications": "none", "metro": "41940", "specialty": "inpatient"},
    {"years": 12, "education": "associate", "setting": "government", "hours_per_year": 1500},
    {"years": 1, "state": "ms", "retirement_match_pct": 4.5, "certifications": "CPC-A,CCS"},
]


@pytest.mark.parametrize("profile", PROFILES)
def test_fast_get_equals_the_validated_post(client: TestClient, profile: dict):
    query = "&".join(f"{k}={v}" for k, v in profile.items())
    fast = client.get(f"/estimate?{query}")
    assert fast.status_code == 200
    # POST always goes through FastAPI's validation and the same service.
    assert fast.json() == client.post("/estimate", json=profile).json()


@pytest.mark.parametrize(
    "query",
    [
        b"years=1&years=2",
        b"years=-1",
        b"years=51",
        b"years=1e1",
        b"hours_per_year=0",
        b"retirement_match_pct=10.5",
        b"retirement_match_pct=nan",
        b"level=expert",
        b"colour=red",
        b"certifications=",
        b"years=%FF",
        "state=N\u00e9".encode(),
    ],
)
def test_anything_unusual_is_left_to_the_validated_route(query: bytes):
    assert parse_profile(query) is None


@pytest.mark.parametrize("query", [b"years=1&", b"&years=1", b"years", b"years=1&&state=NJ", b"years=1%4"])
def test_malformed_query_strings_are_left_to_the_validated_route(query: bytes):
    assert parse_profile(query) is None


@pytest.mark.parametrize(
    ("escaped", "plain"),
    [
        (b"state=N%4A&certifications=CPC%2CCCS", b"state=NJ&certifications=CPC,CCS"),
        (b"%79ears=3", b"years=3"),
        (b"certifications=CPC%2DA&years=2", b"certifications=CPC-A&years=2"),
    ],
)
def test_escaped_queries_parse_like_plain_ones(escaped: bytes, plain: bytes):
    assert parse_profile(escaped) == parse_profile(plain) is not None


def test_no_query_is_the_default_profile():
    default = parse_profile(b"")
    assert default is not None and default.model_dump() == {
        "occupation": "29-2072",
        "location": None,
        "years": None,
        "level": None,
        "certifications": None,
        "education": None,
        "state": None,
        "metro": None,
        "setting": None,
        "specialty": None,
        "hours_per_year": 2080,
        "retirement_match_pct": None,
    }


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/estimate?years=1&level=senior", 422),  # a contradiction: deferred, answered by the route
        ("/estimate?certifications=XYZ", 404),
        ("/estimate?state=NJX", 404),  # valid text naming no state: the route's 404
        ("/estimate?metro=abc", 404),
        ("/estimate?location=Springfield", 422),  # ambiguous: the route lists the candidates
        ("/estimate?years=1&years=2", 400),
        ("/estimate?colour=red", 400),
    ],
)
def test_deferred_requests_get_the_routes_errors(client: TestClient, path: str, status: int):
    r = client.get(path)
    fields = {"status", "type", "message", "details", "request_id"}
    if r.json()["error"]["type"] == "ambiguous":
        fields.add("candidates")
    assert r.status_code == status and set(r.json()["error"]) == fields


@pytest.mark.parametrize(
    ("years", "level"), [(0, "entry"), (2, "entry"), (5, "mid"), (9, "mid"), (10, "senior")]
)
def test_progression_entry_of_own_band_equals_the_level_estimate(client: TestClient, years: int, level: str):
    by_years = client.get(f"/estimate?years={years}&state=NJ&education=associate&certifications=none").json()
    by_level = client.get(f"/estimate?level={level}&state=NJ&education=associate&certifications=none").json()
    own = next(p for p in by_years["progression"] if p["level"]["key"] == level)
    assert (own["hourly"], own["annual"]) == (by_level["hourly"], by_level["annual"])
    assert (by_years["hourly"], by_years["annual"]) == (by_level["hourly"], by_level["annual"])


@pytest.mark.parametrize("profile", PROFILES)
def test_valid_queries_are_answered_by_the_fast_path_itself(client: TestClient, profile: dict):
    # Without this, a fast path that deferred everything would still pass every HTTP test (only slower).
    query = "&".join(f"{k}={v}" for k, v in profile.items()).encode()
    body = estimate_body(client.app.state.store.snapshot, query)
    assert body is not None
    assert orjson.loads(body) == client.post("/estimate", json=profile).json()


@pytest.mark.parametrize("query", [b"years=1&level=senior", b"certifications=XYZ", b"colour=red"])
def test_errors_are_left_to_the_route(client: TestClient, query: bytes):
    assert estimate_body(client.app.state.store.snapshot, query) is None


@pytest.mark.parametrize(
    "profile",
    [
        *PROFILES,
        # The same core at other hours: the note on the hours is made for each, and must not be the first's.
        {"occupation": "43-3021", "state": "TX", "hours_per_year": 1500},
        {"occupation": "43-3021", "state": "TX", "hours_per_year": 1600},
    ],
)
def test_the_fast_paths_bytes_are_the_routes_when_blocks_are_spliced(client: TestClient, profile: dict):
    # The second answer splices the core's blocks serialised for the first: byte for byte what POST sends.
    query = "&".join(f"{k}={v}" for k, v in profile.items()).encode()
    snapshot = client.app.state.store.snapshot
    sent = client.post("/estimate", json=profile).content
    assert estimate_body(snapshot, query) == sent
    assert estimate_body(snapshot, query) == sent


def test_each_spelling_of_one_profile_names_its_own_words(client: TestClient):
    """Spellings of one place and occupation share one core, and the blocks it keeps for the last of them:
    alternating them, every answer still names the words it was asked with."""
    asked = [
        ("WA", "29-2072"),
        ("wa", "medical coder"),
        ("Washington", "29-2072"),
        ("WA", "medical coder"),
        ("WA", "29-2072"),
    ]
    for hours, (state, occupation) in enumerate(asked, start=1501):
        query = {"years": 4, "state": state, "occupation": occupation, "hours_per_year": hours}
        body = client.get("/estimate", params=query).json()
        assert (body["location"]["input"], body["occupation"]["input"]) == (state, occupation)
        assert (body["location"]["area"]["name"], body["occupation"]["soc_code"]) == ("Washington", "29-2072")
        assert body["profile"]["hours_per_year"] == hours


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        (b"education=Associate%27s%20Degree&level=Entry-Level", b"education=associate&level=entry"),
        (b"education=B.S.&level=Mid-Career", b"education=bachelor&level=mid"),
        (b"level=Senior%2FExperienced&setting=Physician+Office", b"level=senior&setting=physician_office"),
    ],
)
def test_a_vocabulary_as_people_write_it_is_read_by_the_fast_path_as_the_route_reads_it(
    client: TestClient, typed: bytes, plain: bytes
):
    assert parse_profile(typed) == parse_profile(plain) is not None
    body = estimate_body(client.app.state.store.snapshot, typed)
    assert body is not None and orjson.loads(body) == client.get(f"/estimate?{plain.decode()}").json()


def test_certifications_with_spaces_are_answered_by_the_fast_path_as_without(client: TestClient):
    body = estimate_body(client.app.state.store.snapshot, b"years=4&certifications=CPC,%20CCS")
    assert body is not None
    assert orjson.loads(body) == client.get("/estimate?years=4&certifications=CPC,CCS").json()


@pytest.mark.parametrize(
    "typed", [b"education=Associate%27s%20Degree&level=ENTRY-LEVEL", b"education=BS&setting=Physician+Office"]
)
def test_the_cache_keys_folded_words_are_read_as_the_typed_ones(client: TestClient, typed: bytes):
    # The edge lower-cases a vocabulary's value in the cache's key, which the app then reads: one question.
    folded = CanonicalQueries(client.app.routes).folded("/estimate")
    assert {"education", "level", "setting"} <= folded
    assert parse_profile(canonical_query(typed, folded)) == parse_profile(typed) is not None
