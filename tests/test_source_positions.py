"""Errors in the text of a definition file point where an editor would: line and column, never a byte offset, and a
Jinja error names its line (syntax errors and undefined values at render time alike)."""
from __future__ import annotations

from pathlib import Path

import pytest

from grafana_as_code.errors import UserError
from grafana_as_code.templating import render
from grafana_as_code.yaml_io import decode_utf8, read_text

from project_copy import copy_fixture_project, run_cli

CONTEXT = {"env": {"name": "dev", "labels": {"team": "platform"}}, "endpoint": {"url": "http://prometheus:9090"}}


def problem(call) -> tuple[str, str, str]:  # noqa: ANN001 - a zero-argument callable expected to raise
    with pytest.raises(UserError) as raised:
        call()
    [found] = raised.value.problems
    return found.where, found.field, found.message


@pytest.mark.parametrize(("data", "line", "column"), [
    (b"\xff", 1, 1),
    (b"a: 1\nb: caf\xe9\n", 2, 7),
    # characters before the bad byte are counted as characters, not bytes (\xc3\xa9 is one "e" with an accent)
    (b"a: 1\nb: 2\ntitle: \xc3\xa9t\xc3\xa9 \x80\n", 3, 12),
])
def test_non_utf8_is_reported_by_line_and_column(data: bytes, line: int, column: int) -> None:
    where, field, message = problem(lambda: decode_utf8(data, "f.yaml"))
    assert (where, field) == ("f.yaml", "")
    assert message.startswith(f"not UTF-8 text: line {line}, column {column}: byte 0x")
    assert "position" not in message and "codec" not in message


def test_read_text_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "latin1.yaml").write_bytes("title: Café\n".encode("latin-1"))
    where, field, message = problem(lambda: read_text(tmp_path / "latin1.yaml"))
    assert (where, field) == ("latin1.yaml", "")
    assert message.startswith("not UTF-8 text: line 1, column 11: byte 0xe9")


@pytest.mark.parametrize(("text", "line", "message"), [
    ("a: 1\nb: {{ endpoint.url }}\nc: {{ env.nmae }}\n", 3, "'dict object' has no attribute 'nmae'"),
    ("a: 1\n\n{% for x in env.labels %}\nx: {{ x.missing }}\n{% endfor %}\n", 4, "has no attribute 'missing'"),
    ("{% macro m() %}\n{{ nothing }}\n{% endmacro %}\nx: {{ m() }}\n", 2, "'nothing' is undefined"),
    ("a: 1\nb: {{ 1 + }}\n", 2, "unexpected 'end of print statement'"),
    ("a: {{ env.name | nofilter }}\n", 1, "No filter named 'nofilter'"),
    ("a: 1\nb: 2\nc: {{ endpoint.url + 1 }}\n", 3, "can only concatenate str"),  # a Python error, still located
])
def test_jinja_errors_name_their_line(text: str, line: int, message: str) -> None:
    where, field, found = problem(lambda: render(text, "datasources/x.yaml", CONTEXT))
    assert (where, field) == ("datasources/x.yaml", f"line {line}")
    assert found.startswith("template error: ") and message in found


def test_a_template_that_renders_is_unchanged_in_meaning() -> None:
    assert render("url: {{ endpoint.url }}\nenv: {{ env.name }}\n", "x", CONTEXT) == \
        "url: http://prometheus:9090\nenv: dev\n"


@pytest.fixture
def broken_copy(tmp_path: Path) -> tuple[Path, Path]:
    root = copy_fixture_project(tmp_path / "project")
    files = sorted((root / "datasources").glob("*.yaml"))
    assert files, "no data source file to break"
    return root, files[0]


def test_synth_reports_an_undefined_template_value_with_its_line(broken_copy: tuple[Path, Path]) -> None:
    root, path = broken_copy
    line = path.read_text().count("\n") + 1
    with path.open("a") as file:
        file.write('note: "{{ env.no_such_setting }}"\n')
    result = run_cli(root, "synth")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"error: datasources/{path.name}: line {line}: template error: " in result.stderr
    assert "no_such_setting" in result.stderr
    assert not (root / "cdktf.out").exists()


def test_synth_reports_a_non_utf8_file_by_line_and_column(broken_copy: tuple[Path, Path]) -> None:
    root, path = broken_copy
    data = path.read_bytes()
    path.write_bytes(data + b"# r\xe9seau\n")  # Latin-1, as an editor on another platform may save it
    line = data.count(b"\n") + 1
    result = run_cli(root, "synth")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"error: datasources/{path.name}: not UTF-8 text: line {line}, column 4: byte 0xe9" in result.stderr
    assert not (root / "cdktf.out").exists()
