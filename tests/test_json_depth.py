"""A JSON file nested too deeply to read is one clear refusal wherever a JSON file comes in:
the import, a motion recording, a catalogue, a batch, the web's uploads. Python's parser gives
up on such a file with a ``RecursionError``, which used to reach the user as "unexpected
RecursionError ... This is a bug" in the terminal and as a 500 on the web."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.errors import FileFormatError
from mindmuscle.io.jsontext import NESTED_TOO_DEEPLY, parse_json
from mindmuscle.services.batch import BatchOptions, analyse_one
from tests.test_web_data import _client

runner = CliRunner()
DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 100_000 + "1" + "}" * 100_000
SAID = "is not valid JSON (its arrays and objects are nested too deeply to read)"


@pytest.fixture()
def deep(tmp_path: Path) -> Path:
    path = tmp_path / "deep.json"
    path.write_text(DEEP)
    return path


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as c:
        yield c


def _flat(text: str) -> str:
    return " ".join(re.sub(r"[\u2500-\u257f]", " ", text).split())


def test_the_parser_names_the_file_and_says_why() -> None:
    assert NESTED_TOO_DEEPLY == SAID
    for text in (DEEP, DEEP_OBJECT):
        with pytest.raises(FileFormatError) as refused:
            parse_json(text, path="deep.json")
        assert str(refused.value) == f"deep.json: {SAID}"
    with pytest.raises(FileFormatError) as refused:
        parse_json('{"a": 1,\n "b" 2}', path="x.json", then="; fix it")
    assert str(refused.value) == (
        "x.json, line 2, column 6: is not valid JSON (Expecting ':' delimiter); fix it"
    )
    # A document nested as deeply as real ones are is read as it is.
    assert parse_json("[" * 200 + "]" * 200) == parse_json("[" * 200 + "]" * 200)
    assert parse_json('{"a": [1, 2.5, null]}') == {"a": [1, 2.5, None]}


@pytest.mark.parametrize(
    "command",
    [["import"], ["motion"], ["catalog", "import"]],
    ids=["import", "motion", "catalog import"],
)
def test_the_terminal_says_one_line(deep: Path, command: list[str]) -> None:
    result = runner.invoke(app, [*command, str(deep)])
    out = _flat(result.output)
    assert result.exit_code == 1, out
    assert f"deep.json: {SAID}" in out
    assert "RecursionError" not in out and "bug" not in out and "Traceback" not in out


def test_a_batch_keeps_the_file_s_reason_in_its_row(deep: Path) -> None:
    row = analyse_one("motion", deep, BatchOptions())
    assert row.values == {} and row.error is not None
    assert row.error.endswith(f"deep.json: {SAID}")


def test_the_web_answers_one_line_not_a_500(client: TestClient) -> None:
    r = client.post("/api/import", files={"file": ("deep.json", DEEP.encode(), "application/json")})
    assert r.status_code == 422, r.text
    assert r.json()["message"] == f"deep.json: {SAID}"
    r = client.post(
        "/api/motion/files", files={"file": ("deep.json", DEEP.encode(), "application/json")}
    )
    assert r.status_code == 422, r.text
    assert r.json()["message"] == f"deep.json: {SAID}"
