"""Every `$ curl` example in the README and in docs/ runs against the seeded service and answers what the page
shows.

A page's example is a console block: a `$ curl ...` line (continued with backslashes) and the answer printed
under it. JSON answers are compared as a pattern: every key and value the page prints must be in the answer.
A `"...": "..."` entry stands for the keys the page left out, a `"..."` list element for left-out items (the
shown ones then appear in the answer in the same order), and a text ending in `...` for the rest of the text.
Other answers (CSV, text through `jq -r` or `head`) must be printed lines of the answer, in order. The
expected values come from the pages a reader sees, so a page and the service cannot drift apart unnoticed."""

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(?:console|sh|shell|bash)?\n(.*?)^```", re.S | re.M)
ELLIPSIS = "..."


@dataclass(frozen=True)
class Example:
    page: str
    line: int
    command: str
    printed: str

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def _examples() -> list[Example]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in FENCE.finditer(text):
            start = text.count("\n", 0, block.start(1)) + 1
            lines = block.group(1).splitlines()
            i = 0
            while i < len(lines):
                if not lines[i].startswith("$ curl"):
                    i += 1
                    continue
                first = i
                command = lines[i][2:]
                while command.endswith("\\"):
                    i += 1
                    command = command[:-1] + " " + lines[i].strip()
                i += 1
                printed = []
                while i < len(lines) and not lines[i].startswith("$ "):
                    printed.append(lines[i])
                    i += 1
                found.append(
                    Example(
                        page.name if page.parent == ROOT else f"docs/{page.name}",
                        start + first,
                        command,
                        "\n".join(printed).strip(),
                    )
                )
    return found


EXAMPLES = _examples()


def _request(command: str) -> tuple[str, str, dict[str, str], bytes | None, str | None]:
    """Method, path with query, headers, body and the pipe (`jq -r .x`, `head -N`) of a curl command line."""
    curl, _, pipe = command.partition(" | ")
    words = shlex.split(curl)[1:]
    method, url, headers, data, body, get = "GET", "", {}, [], None, False
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("-X", "--request"):
            method = words[i + 1]
            i += 1
        elif word in ("-H", "--header"):
            name, _, value = words[i + 1].partition(":")
            headers[name.strip()] = value.strip()
            i += 1
        elif word in ("-d", "--data", "--data-raw", "--data-urlencode"):
            data.append((word, words[i + 1]))
            i += 1
        elif word.startswith("-") and not word.startswith("--"):
            get = get or "G" in word[1:]
        elif word.startswith("http"):
            url = word
        i += 1
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if data and get:
        pairs = [tuple(v.split("=", 1)) for _, v in data]
        path += ("&" if "?" in path else "?") + urlencode(pairs)
    elif data:
        method = "POST" if method == "GET" else method
        body = "&".join(v for _, v in data).encode()
    return method, path, headers, body, pipe.strip() or None


def _matches(printed: Any, answer: Any, where: str = "$") -> None:
    if isinstance(printed, dict):
        assert isinstance(answer, dict), f"{where}: the page shows an object, the answer has {answer!r}"
        for key, value in printed.items():
            if key == ELLIPSIS:
                continue
            assert key in answer, f"{where}: the page shows {key!r}, the answer has no such key"
            _matches(value, answer[key], f"{where}.{key}")
    elif isinstance(printed, list):
        assert isinstance(answer, list), f"{where}: the page shows a list, the answer has {answer!r}"
        shown = [item for item in printed if item != ELLIPSIS]
        if ELLIPSIS not in printed:
            assert len(answer) == len(shown), (
                f"{where}: the page shows {len(shown)} items, the answer {len(answer)}"
            )
            for n, item in enumerate(shown):
                _matches(item, answer[n], f"{where}[{n}]")
            return
        # An abridged list: the shown items appear in the answer in the same order, others in between.
        position = 0
        for item in shown:
            while True:
                assert position < len(answer), f"{where}: the page shows {item!r}, not found in the answer"
                try:
                    _matches(item, answer[position], f"{where}[{position}]")
                except AssertionError:
                    position += 1
                    continue
                position += 1
                break
    elif isinstance(printed, str) and printed.endswith(ELLIPSIS) and printed != ELLIPSIS:
        assert isinstance(answer, str) and answer.startswith(printed[: -len(ELLIPSIS)]), (
            f"{where}: the page shows {printed!r}, the answer has {answer!r}"
        )
    elif printed != ELLIPSIS:
        assert printed == answer, f"{where}: the page shows {printed!r}, the answer has {answer!r}"


def _piped(pipe: str | None, text: str) -> str:
    if pipe is None:
        return text
    if pipe.startswith("jq -r "):
        value: Any = json.loads(text)
        for key in pipe.removeprefix("jq -r ").strip().strip("'").lstrip(".").split("."):
            value = value[key] if key else value
        return value if isinstance(value, str) else json.dumps(value)
    if pipe.startswith("head"):
        count = int(pipe.split("-")[-1]) if "-" in pipe else 10
        return "\n".join(text.splitlines()[:count])
    raise AssertionError(f"the test does not know the pipe {pipe!r}")


def test_the_pages_have_examples() -> None:
    assert len(EXAMPLES) >= 10
    assert any(e.page == "README.md" for e in EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_documented_example(client: TestClient, example: Example) -> None:
    method, path, headers, body, pipe = _request(example.command)
    response = client.request(method, path, headers=headers, content=body)
    text = _piped(pipe, response.text)
    if not example.printed:
        assert response.status_code < 400, f"{example.command}: {response.status_code} {text[:300]}"
        return
    if example.printed.startswith(("{", "[")):
        _matches(json.loads(example.printed), json.loads(text))
        return
    answer_lines = text.splitlines()
    position = 0
    for line in example.printed.splitlines():
        if line.strip() in ("", ELLIPSIS):
            continue
        assert line in answer_lines[position:], (
            f"{example.command}: the page shows {line!r}, not in the answer"
        )
        position = answer_lines.index(line, position) + 1
