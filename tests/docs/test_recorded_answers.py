"""The answers to the documented requests, recorded: a change of layout or code that is meant to change no
behaviour must leave them as they were.

The requests are every documented GET (the `$ curl` examples and the card URLs in the README and docs/) and
every GET operation of the contract asked with no parameters (a path's `{code}` filled with a documented
value). JSON and CSV answers are kept byte for byte; HTML, SVG and JavaScript by their visible text, so that
a change of palette or markup that shows the same words and figures passes. A deliberate change of an answer
is recorded again with `RECORD_ANSWERS=1 pytest tests/docs/test_recorded_answers.py` and reviewed as a diff
of tests/docs/recorded_answers.json."""

import html
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.docs.test_examples import EXAMPLES, PAGES, _request

ROOT = Path(__file__).resolve().parents[2]
RECORDED = Path(__file__).with_name("recorded_answers.json")
RECORD = os.environ.get("RECORD_ANSWERS") == "1"
PATH_VALUES = {"{code}": "TX", "{soc_code}": "29-2072"}
METRO_PATHS = {"/metros/{code}": "/metros/26420"}
# Answers that are about the moment or the process, not the data.
UNRECORDED = {"/export", "/metrics", "/healthz", "/readyz", "/docs", "/redoc", "/openapi.json"}
VOLATILE = re.compile(r'"(request_id|loaded_at)": ?"[^"]*"')


def _documented_paths() -> list[str]:
    paths = []
    for example in EXAMPLES:
        method, path, _, body, _ = _request(example.command)
        if method == "GET" and body is None:
            paths.append(path)
    for page in PAGES:
        for url in re.findall(r'src="https://YOUR-API(/[^"]*)"', page.read_text(encoding="utf-8")):
            paths.append(html.unescape(url))
    contract = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
    for path, item in contract["paths"].items():
        if "get" not in item or path in UNRECORDED:
            continue
        filled = METRO_PATHS.get(path, path)
        for name, value in PATH_VALUES.items():
            filled = filled.replace(name, value)
        paths.append(filled)
    return sorted({p for p in paths if urlsplit(p).path not in UNRECORDED})


PATHS = _documented_paths()


def _visible(text: str) -> str:
    """The words and figures a reader sees: tags, styles and scripts dropped, entities decoded, spaces
    collapsed."""
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


def _recorded_form(response: object) -> dict[str, object]:
    media = response.headers.get("content-type", "").split(";")[0]  # type: ignore[attr-defined]
    text = response.text  # type: ignore[attr-defined]
    if media in ("application/json", "text/csv", "application/ld+json"):
        body = VOLATILE.sub(lambda m: f'"{m.group(1)}": "-"', text)
    else:
        body = _visible(text)
    return {"status": response.status_code, "media": media, "body": body}  # type: ignore[attr-defined]


def test_every_documented_request_is_recorded() -> None:
    if RECORD:
        pytest.skip("recording")
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert sorted(recorded) == PATHS, "record the answers again: RECORD_ANSWERS=1 pytest " + __file__


def test_answers_are_as_recorded(client: TestClient) -> None:
    answers = {path: _recorded_form(client.get(path)) for path in PATHS}
    if RECORD:
        RECORDED.write_text(
            json.dumps(answers, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
        )
        return
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    changed = [path for path in PATHS if answers[path] != recorded.get(path)]
    assert not changed, f"answers changed for {changed[:10]} (of {len(changed)})"
