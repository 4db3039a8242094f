"""Warnings and errors for what an apply would silently get wrong: removed data source keys, debug template fields,
header names that differ only in case."""
from __future__ import annotations

from pathlib import Path

from grafana_as_code.errors import collecting_warnings
from grafana_as_code.project import load_project

from project_copy import REPO, copy_project, edit, run_cli


def test_the_repository_loads_without_these_warnings() -> None:
    with collecting_warnings() as warnings:
        load_project(REPO)
    assert not [w for w in warnings if "lokiSearch" in w.field or ".ValueString" in w.message
                or "repeat_interval" in w.field]


def test_loki_search_on_tempo_and_value_string_in_a_template_are_warnings(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    edit(root / "datasources" / "tempo.yaml", "json_data:\n", "json_data:\n  lokiSearch: {datasourceUid: loki}\n")
    template = root / "alerts" / "templates" / "alert.tmpl"
    template.write_text(template.read_text() + '\n{{ define "debug" }}{{ .ValueString }}{{ end }}\n')
    with collecting_warnings() as warnings:
        load_project(root, ["dev"])
    fields = {(w.where, w.field) for w in warnings}
    assert any(where.endswith("datasources/tempo.yaml") and field == "json_data.lokiSearch" for where, field in fields)
    assert any(where.endswith("alerts/templates/alert.tmpl") and field.startswith("line ") for where, field in fields)


def test_header_names_differing_only_in_case_are_an_error(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    edit(root / "datasources" / "mimir.yaml", "http_headers:\n",
         "http_headers:\n  x-scope-orgid:\n    value: other\n")
    result = run_cli(root, "synth", "--env", "dev")
    assert result.returncode == 1
    assert "error: datasources/mimir.yaml: http_headers: 'x-scope-orgid' and 'X-Scope-OrgID' are the same header" \
        in result.stderr
