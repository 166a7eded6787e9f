"""Query parameters as people and forms send them: an empty value is the parameter not given."""

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("with_empty", "without"),
    [
        ("/estimate?location=&years=&education=associate", "/estimate?education=associate"),
        ("/estimate?years=5&certifications=&specialty=", "/estimate?years=5"),
        ("/estimate?years=&years=5&state=NJ", "/estimate?years=5&state=NJ"),
        ("/estimate?years&state=NJ", "/estimate?state=NJ"),
        ("/states?sort=&fields=&limit=3", "/states?limit=3"),
        ("/states.csv?sort=&occupation=", "/states.csv"),
        ("/occupations?q=&limit=2", "/occupations?limit=2"),
        ("/percentiles?occupation=&state=TX", "/percentiles?state=TX"),
        ("/compare?low=20&high=30&location=&unit=", "/compare?low=20&high=30"),
        ("/embed/wage-range?location=&years=&theme=", "/embed/wage-range"),
        ("/estimate?state=%20&location=+&years=3", "/estimate?years=3"),
        ("/estimate?=&&years=3&", "/estimate?years=3"),
        ("/estimate?%79ears=&state=TX", "/estimate?state=TX"),
        ("/export?%66ormat=", "/export"),
    ],
)
def test_an_empty_value_is_the_parameter_not_given(client: TestClient, with_empty: str, without: str):
    blank, plain = client.get(with_empty), client.get(without)
    assert plain.status_code == 200
    assert blank.status_code == 200, blank.text
    assert blank.content == plain.content
    assert blank.headers["etag"] == plain.headers["etag"]


def test_a_form_left_blank_asked_again_is_the_same_answer_as_the_bare_query(client: TestClient):
    # The cache keys the blank form apart from the bare query: its second asking is a hit of its own.
    query = "/estimate?location=&years=7&certifications=&education=&hours_per_year=1999"
    first, second = client.get(query), client.get(query)
    assert first.content == second.content == client.get("/estimate?years=7&hours_per_year=1999").content


def test_an_empty_required_value_is_refused_as_empty(client: TestClient):
    r = client.get("/compare?low=&high=30")
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["message"] == "Invalid request: low= is empty, and is required."
    assert error["details"] == [{"parameter": "low", "problem": "is empty, and is required", "value": ""}]


@pytest.mark.parametrize(
    "query", ["/estimate?bogus=", "/states?yeers=&limit=2", "/estimate?years=4&colour", "/openapi.json?x="]
)
def test_an_unknown_name_is_refused_even_when_empty(client: TestClient, query: str):
    r = client.get(query)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["type"] == "invalid_query"
    assert error["message"].startswith("Unknown query parameter")


def test_a_blank_paging_parameter_on_a_csv_twin_points_to_the_json_list(client: TestClient):
    r = client.get("/states.csv?limit=")
    assert r.status_code == 400
    assert "'limit' is a parameter of the JSON list: /states?limit=." in r.json()["error"]["message"]
