"""The If-None-Match comparison (RFC 9110 §13.1.2: weak comparison, `*`, lists), the If-Match one (§13.1.1:
strong comparison, evaluated first) and the canonical query the cache keys on, as tables."""

import random

import pytest
from fastapi.testclient import TestClient

from app.edge.canonical import canonical_query, parsed_canonical_query
from app.edge.etag import match_fails, none_match_fails, strong_etag

TAG = b'"abc"'


@pytest.mark.parametrize(
    ("if_none_match", "etag", "not_modified"),
    [
        (None, TAG, False),
        (b'"abc"', TAG, True),
        (b'W/"abc"', TAG, True),  # the weak comparison: W/ does not matter
        (b'"abc"', b'W/"abc"', True),
        (b'"x", "abc"', TAG, True),
        (b'"x",W/"abc"', TAG, True),
        (b'"a,b", "abc"', TAG, True),  # a comma inside a tag is part of the tag
        (b'"a,b"', b'"a,b"', True),
        (b'"abcd"', TAG, False),
        (b'"ab"', TAG, False),
        (b"abc", TAG, False),  # not a quoted tag: malformed, ignored
        (b"*", TAG, True),
        (b" * ", None, True),  # any current representation, with a validator or not
        (b'"abc"', None, False),
        (b"", TAG, False),
    ],
)
def test_if_none_match(if_none_match: bytes | None, etag: bytes | None, not_modified: bool) -> None:
    assert none_match_fails(if_none_match, etag) is not_modified


@pytest.mark.parametrize(
    ("if_match", "etag", "failed"),
    [
        (None, TAG, False),
        (b'"abc"', TAG, False),
        (b'W/"abc"', TAG, True),  # the strong comparison: a weak tag never matches
        (b'"abc"', b'W/"abc"', True),
        (b'W/"abc"', b'W/"abc"', True),
        (b'"x", "abc"', TAG, False),
        (b'"x",W/"abc"', TAG, True),
        (b'"a,b", "abc"', TAG, False),
        (b'"abcd"', TAG, True),
        (b"abc", TAG, True),  # not a quoted tag: it lists none, so none matches
        (b"*", TAG, False),
        (b" * ", None, True),  # no current representation for * to match
        (b'"abc"', None, True),
        (b"", TAG, True),
    ],
)
def test_if_match(if_match: bytes | None, etag: bytes | None, failed: bool) -> None:
    assert match_fails(if_match, etag) is failed


ERROR_412 = (
    "The If-Match precondition failed: no entity tag it lists is this answer's current one (compared "
    "strongly: a weak W/ tag never matches). Ask again without If-Match for the current answer and its ETag."
)


@pytest.mark.parametrize("path", ["/percentiles?state=NJ", "/states.csv", "/openapi.json"])
def test_a_get_whose_if_match_fails_is_a_412_whether_cached_or_not(client: TestClient, path: str) -> None:
    full = client.get(path)
    tag = full.headers["etag"]
    for _ in range(3):  # the first sighting, the admission, a hit
        assert client.get(path, headers={"If-Match": tag}).content == full.content
        assert client.get(path, headers={"If-Match": f'"x", {tag}'}).content == full.content
        # The same list on two lines (RFC 9110 5.3).
        assert client.get(path, headers=[("If-Match", '"x"'), ("If-Match", tag)]).content == full.content
        assert client.get(path, headers={"If-Match": "*"}).content == full.content
        for if_match, if_none_match in ((f"W/{tag}", None), ('"x"', None), ('"x"', tag)):
            asked = {"If-Match": if_match, **({"If-None-Match": if_none_match} if if_none_match else {})}
            refused = client.get(path, headers=asked)
            assert refused.status_code == 412 and refused.json()["error"] == {
                "status": 412,
                "type": "precondition_failed",
                "message": ERROR_412,
                "details": [],
                "request_id": refused.headers["x-request-id"],
            }
        assert client.get(path, headers={"If-Match": tag, "If-None-Match": tag}).status_code == 304


def test_the_export_refuses_a_failed_if_match_without_building(client: TestClient) -> None:
    version = client.get("/readyz").json()["data_version"]
    refused = client.get("/export", headers={"If-Match": f'"export-zip-v{version - 1}"'})
    assert refused.status_code == 412 and refused.json()["error"]["type"] == "precondition_failed"
    held = client.get("/export", headers={"If-Match": f'"export-zip-v{version}"', "If-None-Match": "*"})
    assert held.status_code == 304


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_a_route_without_a_tag_ignores_if_match(client: TestClient, path: str) -> None:
    answer = client.get(path, headers={"If-Match": '"x"'})
    assert answer.status_code == 200 and answer.json()["status"] in ("ok", "ready")


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_a_route_that_does_not_revalidate_answers_a_star_in_full(client: TestClient, path: str) -> None:
    answer = client.get(path, headers={"If-None-Match": "*"})
    assert answer.status_code == 200, answer.status_code
    assert answer.json()["status"] in ("ok", "ready")
    assert "304" not in client.get("/openapi.json").json()["paths"][path]["get"]["responses"]


def test_an_answer_with_its_own_tag_is_still_a_304_to_a_star(client: TestClient) -> None:
    assert client.get("/openapi.json", headers={"If-None-Match": "*"}).status_code == 304


def test_a_tag_follows_the_bytes_and_the_media_type() -> None:
    assert strong_etag(b"{}", b"application/json") == strong_etag(b"{}", b"application/json; charset=utf-8")
    assert strong_etag(b"{}", b"application/json") != strong_etag(b"{}", b"text/csv")
    assert strong_etag(b"{}", b"application/json") != strong_etag(b"[]", b"application/json")
    assert strong_etag(b"x").startswith(b'"') and strong_etag(b"x").endswith(b'"')


@pytest.mark.parametrize(
    ("spellings", "folded"),
    [
        (["a=1&b=2", "b=2&a=1", "b=2&&a=1"], frozenset()),
        (["q=a%2Cb", "q=a,b"], frozenset()),
        (["q=a+b", "q=a%20b"], frozenset()),
        (["level=MID&x=1", "x=1&level=mid", "level=Mid&x=%31"], frozenset({"level"})),
        (["c=1&c=2&a=0", "a=0&c=1&c=2"], frozenset()),  # a repeated parameter keeps its order
    ],
)
def test_spellings_of_one_question_have_one_canonical_form(
    spellings: list[str], folded: frozenset[str]
) -> None:
    forms = {canonical_query(s.encode(), folded) for s in spellings}
    assert len(forms) == 1


@pytest.mark.parametrize(
    ("one", "other", "folded"),
    [
        ("state=tx", "state=TX", frozenset({"level"})),  # echoed as typed: its own question
        ("c=1&c=2", "c=2&c=1", frozenset()),
        ("q=a%2Bb", "q=a+b", frozenset()),  # an escaped plus is a plus, a bare one a space
    ],
)
def test_different_questions_stay_apart(one: str, other: str, folded: frozenset[str]) -> None:
    assert canonical_query(one.encode(), folded) != canonical_query(other.encode(), folded)


# Letters of both cases, digits, the characters left unescaped, and those that are not (%, +, =, &, space,
# a non-ASCII letter): queries a client may send, plain or not.
ALPHABET = "aAzZ09_.-~!$'()*,;:@/&&&===%2C%+ é#?[]"


@pytest.mark.parametrize("folded", [frozenset(), frozenset({"a", "level"})])
def test_the_plain_path_gives_what_parsing_gives(folded: frozenset[str]) -> None:
    draw = random.Random(21)
    queries = [
        "",
        "a",
        "a=",
        "=a",
        "a==b",
        "&&",
        "a=1&&a=2",
        "level=MID",
        *("".join(draw.choice(ALPHABET) for _ in range(draw.randint(1, 24))) for _ in range(20_000)),
    ]
    for query in queries:
        raw = query.encode()
        assert canonical_query(raw, folded) == parsed_canonical_query(raw.decode("latin-1"), folded), query
