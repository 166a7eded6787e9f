"""The docs' pages and the viewers' files: a Range the files cannot serve is refused in the error shape."""

from importlib import resources

import pytest
from fastapi.testclient import TestClient

CSS = resources.files("fastapi_offline") / "static" / "swagger-ui.css"
SIZE = len(CSS.read_bytes())


def test_a_range_the_file_holds_is_served(client: TestClient) -> None:
    r = client.get("/docs/assets/swagger-ui.css", headers={"Range": "bytes=0-9"})
    assert r.status_code == 206 and r.content == CSS.read_bytes()[:10]
    assert r.headers["content-range"] == f"bytes 0-9/{SIZE}"


@pytest.mark.parametrize(
    ("asked", "status", "message"),
    [
        (
            f"bytes={SIZE}-",
            416,
            f"The range 'bytes={SIZE}-' lies outside the file's {SIZE} bytes; ask within them, or without "
            "Range.",
        ),
        (
            "bytes=abc",
            400,
            "The range 'bytes=abc' could not be read; send e.g. 'Range: bytes=0-1023', or no Range.",
        ),
        (
            "bytes=9-2",
            400,
            "The range 'bytes=9-2' could not be read; send e.g. 'Range: bytes=0-1023', or no Range.",
        ),
    ],
)
def test_a_range_the_file_cannot_serve_is_refused_in_the_error_shape(
    client: TestClient, asked: str, status: int, message: str
) -> None:
    r = client.get("/docs/assets/swagger-ui.css", headers={"Range": asked})
    assert r.status_code == status and r.headers["content-type"] == "application/json"
    assert r.json()["error"] == {
        "status": status,
        "type": "http_error",
        "message": message,
        "details": [],
        "request_id": r.headers["x-request-id"],
    }
    if status == 416:
        assert r.headers["content-range"] == f"bytes */{SIZE}"
