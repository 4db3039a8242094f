"""A variable the dashboard does not define. Grafana leaves it as written (templateSrv.replace): inside a string the
query runs and matches the text "$name" (an export Grafana loads as it is: a warning); outside a string the data
source refuses the query (an error). Percona PMM's dashboards ship both shapes.

Machinery tests, on copies of the fixture project.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from grafana_as_code.errors import UserError, collecting_warnings
from grafana_as_code.project import load_project
from project_copy import copy_fixture_project

WHERE = "dashboards/shop/exported.json"


def export(expr: str) -> dict:
    return {"uid": "exported", "title": "Exported", "schemaVersion": 39,
            "templating": {"list": [{"name": "job", "type": "custom", "query": "api,web"}]},
            "panels": [{"id": 1, "type": "timeseries", "title": "Reads",
                        "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
                        "targets": [{"refId": "A", "expr": expr}]}]}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_fixture_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def test_inside_a_string_it_is_a_warning(tree: Path) -> None:
    (tree / WHERE).write_text(json.dumps(export('rate(reads{job=~"$job", node="$proxysql"}[5m])')))
    with collecting_warnings() as warnings:
        load_project(tree, ["dev"])
    assert [(w.where, w.field, w.message) for w in warnings if "$proxysql" in w.message] == [
        (WHERE, "dashboard 'exported', panel 1 'Reads', query A",
         'uses variable $proxysql, which the dashboard does not define; Grafana sends it as written, so the string '
         'holding it matches the text "$proxysql" (no data)')]


@pytest.mark.parametrize("expr", ['rate(reads{job=~"$job"}[5m]) * $peaks',
                                  'rate(reads{node="$peaks"}[5m]) * $peaks'])  # once outside a string is enough
def test_outside_a_string_the_data_source_refuses_it(tree: Path, expr: str) -> None:
    (tree / WHERE).write_text(json.dumps(export(expr)))
    with pytest.raises(UserError) as caught:
        load_project(tree, ["dev"])
    assert str(caught.value) == (f"{WHERE}: dashboard 'exported', panel 1 'Reads', query A: uses variable $peaks, "
                                 "which the dashboard does not define")


def test_in_a_spec_it_stays_an_error(tree: Path) -> None:
    (tree / "dashboards" / "shop" / "spec.yaml").write_text(
        "uid: spec\ntitle: Spec\ndatasource: prometheus\npanels:\n  - {type: stat, title: Up, queries: [{expr: 'up{job=\"$nope\"}'}]}\n")
    with pytest.raises(UserError) as caught:
        load_project(tree, ["dev"])
    assert "uses variable $nope, which the dashboard does not define" in str(caught.value)
