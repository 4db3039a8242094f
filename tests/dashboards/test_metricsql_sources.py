"""A Prometheus data source that is VictoriaMetrics (Percona PMM's "Metrics"): declared with `query_language:
metricsql`, its dashboards' MetricsQL queries (valid there, refused by a PromQL parser) are listed as unchecked, not
refused, and not skipped; nothing of the declaration reaches Grafana.

Machinery tests, on copies of the fixture project.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from grafana_as_code.dashboards.validate.query_report import collecting_query_report
from grafana_as_code.errors import UserError
from grafana_as_code.project import load_project
from project_copy import copy_fixture_project, run_cli

VICTORIA = """\
# VictoriaMetrics, read through Grafana's Prometheus data source; it answers in MetricsQL.
uid: metrics
name: Metrics
type: prometheus
url: "{{ endpoint.url }}"
query_language: metricsql
"""
# MetricsQL that no PromQL parser takes: a rollup of an aggregate, VictoriaMetrics-only functions, an implicit window.
QUERIES = ['rate(sum by (job) (mongodb_op_count{job=~"$job"}[$__rate_interval]))',
           "buckets_limit(12, prometheus_buckets(sum(rate(vm_rows_bucket[5m])) by (vmrange)))",
           "increase(node_cpu_seconds_total)"]


def dashboard(uid: str) -> dict:
    source = {"type": "prometheus", "uid": "metrics"}
    return {
        "uid": uid, "title": "PMM-like", "schemaVersion": 39,
        "templating": {"list": [{"name": "job", "type": "query", "datasource": source,
                                 "query": "label_values(up, job)", "definition": "label_values(up, job)"}]},
        "annotations": {"list": [{"name": "restarts", "datasource": source, "enable": True,
                                  "expr": "changes(process_start_time_seconds[5m]) > 0"}]},
        "panels": [{"id": index + 1, "type": "timeseries", "title": f"q{index}", "datasource": source,
                    "gridPos": {"h": 8, "w": 12, "x": 12 * (index % 2), "y": 8 * (index // 2)},
                    "targets": [{"refId": "A", "expr": query, "datasource": source}]}
                   for index, query in enumerate(QUERIES)]}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_fixture_project(tmp_path / "project")
    (root / "datasources" / "metrics.yaml").write_text(VICTORIA)
    for env in ("dev", "prod"):
        path = root / "environments" / f"{env}.yaml"
        text = path.read_text()
        path.write_text(text.replace("datasources:\n", "datasources:\n  metrics:\n    url: http://vm.shop.test:8428\n",
                                     1))
    (root / "dashboards" / "shop" / "pmm-like.json").write_text(json.dumps(dashboard("pmm-like")))
    monkeypatch.chdir(root)
    return root


def test_metricsql_queries_are_listed_unchecked_not_refused(tree: Path) -> None:
    with collecting_query_report() as report:
        load_project(tree, ["dev"])
    # three panel queries, the variable's and the annotation's: none checked as PromQL, none skipped
    assert report.unchecked["MetricsQL"] == 5
    assert "MetricsQL 5 unchecked (no parser)" in report.summary()


def test_through_a_data_source_variable_that_can_pick_it(tree: Path) -> None:
    """`$ds` of type prometheus: the viewer can pick the VictoriaMetrics one, where the queries work."""
    board = dashboard("pmm-ds")
    board["templating"]["list"].append({"name": "ds", "type": "datasource", "query": "prometheus"})
    for panel in board["panels"]:
        panel["datasource"] = {"uid": "$ds"}
        del panel["targets"][0]["datasource"]
    (tree / "dashboards" / "shop" / "pmm-like.json").write_text(json.dumps(board))
    with collecting_query_report() as report:
        load_project(tree, ["dev"])
    assert report.unchecked["MetricsQL"] == 5
    (tree / "datasources" / "metrics.yaml").write_text(VICTORIA.replace("query_language: metricsql\n", ""))
    with pytest.raises(UserError) as caught:  # no data source of the type speaks MetricsQL: PromQL, refused
        load_project(tree, ["dev"])
    assert len([p for p in caught.value.problems if "PromQL does not parse" in p.message]) == 3


def test_the_same_queries_on_a_plain_prometheus_are_refused(tree: Path) -> None:
    (tree / "datasources" / "metrics.yaml").write_text(VICTORIA.replace("query_language: metricsql\n", ""))
    with pytest.raises(UserError) as caught:
        load_project(tree, ["dev"])
    assert len([p for p in caught.value.problems if "PromQL does not parse" in p.message]) == 3


def test_the_declaration_stays_in_the_repository(tree: Path) -> None:
    result = run_cli(tree, "synth", "--env", "dev")
    assert result.returncode == 0, result.stderr
    assert "MetricsQL 5 unchecked (no parser)" in result.stderr
    stack = json.loads((tree / "cdktf.out" / "stacks" / "dev" / "cdk.tf.json").read_text())
    source = stack["resource"]["grafana_data_source"]["metrics"]
    assert source["type"] == "prometheus" and "metricsql" not in json.dumps(source).lower()


@pytest.mark.parametrize("old, new, message", [
    ("query_language: metricsql", "query_language: sql",
     "query_language: expected one of metricsql (a data source's type decides its language otherwise), got 'sql'"),
    ("type: prometheus", "type: loki", "query_language: metricsql is spoken by a data source of type prometheus, "
                                       "not 'loki'"),
])
def test_a_wrong_declaration_names_the_field(tree: Path, old: str, new: str, message: str) -> None:
    (tree / "datasources" / "metrics.yaml").write_text(VICTORIA.replace(old, new))
    with pytest.raises(UserError) as caught:
        load_project(tree, ["dev"])
    assert str(caught.value) == f"datasources/metrics.yaml: {message}"
