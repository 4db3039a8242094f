"""Dashboards as users bring them (exported from Grafanas of every age): accepted as Grafana accepts them, nothing
lost, every query checked or said to be unchecked; warnings never stop synthesis unless strict mode is asked for.

The fixtures under fixtures/realworld/ are our own, each reproducing shapes found in public dashboards: the legacy
``rows`` model (schemaVersion 14), nulls and missing defaults, duplicate ids and panels past column 24, Mixed and
null data sources, collapsed rows, current TraceQL (metrics comparisons and arithmetic, hints, new intrinsics).
"""
from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from grafana_as_code.dashboard_panels import panels_of
from grafana_as_code.errors import collecting_warnings
from grafana_as_code.project import load_project
from project_copy import copy_project, edit, run_cli

REALWORLD = Path(__file__).with_name("fixtures") / "realworld"
FIXTURES = sorted(REALWORLD.glob("*.json"))
QUERY_KEYS = ("expr", "query", "rawSql")


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def add_realworld(project_dir: Path, *names: str) -> Path:
    folder = project_dir / "dashboards" / "realworld"
    folder.mkdir()
    (folder / "_folder.yaml").write_text("title: Real world\n")
    for path in FIXTURES:
        if not names or path.name in names:
            shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def realworld_synth(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The repository with every real-world fixture added, synthesized once for two environments (validated): its
    project and messages, which the three tests below only read (each would otherwise synthesize it again)."""
    project = copy_project(tmp_path_factory.mktemp("realworld") / "project")
    add_realworld(project)
    result = run_cli(project, "synth", "--env", "dev,prod")
    assert result.returncode == 0, result.stderr
    return project, result.stderr


def _all_panels(config: dict[str, Any]) -> list[dict[str, Any]]:
    legacy = [p for row in config.get("rows") or [] for p in row.get("panels") or []]
    return [dict(p) for p in panels_of(config)] + legacy


def inventory(config: dict[str, Any]) -> dict[str, Counter]:
    """What a reader of the dashboard sees: panels (non-row, by title), queries, variables, annotations."""
    panels = [p for p in _all_panels(config) if p.get("type") != "row"]
    queries = [t[key] for p in panels for t in p.get("targets") or [] for key in QUERY_KEYS
               if isinstance(t.get(key), str) and t[key]]
    annotations = [a for a in (config.get("annotations") or {}).get("list") or []]
    queries += [a["expr"] for a in annotations if isinstance(a.get("expr"), str)]
    queries += [a["target"]["expr"] for a in annotations if isinstance((a.get("target") or {}).get("expr"), str)]
    return {
        "panels": Counter((p.get("type"), p.get("title")) for p in panels),
        "queries": Counter(queries),
        "variables": Counter(v["name"] for v in (config.get("templating") or {}).get("list") or []),
        "annotations": Counter(a.get("name") for a in annotations),
        "row titles": _row_titles(config),
    }


def _row_titles(config: dict[str, Any]) -> Counter:
    rows = config.get("rows") or []
    if rows:  # legacy rows show as row panels when one of them is collapsed, repeated or shows its title
        shown = any(r.get("collapse") or r.get("showTitle") or r.get("repeat") for r in rows)
        return Counter(r.get("title") for r in rows) if shown else Counter()
    return Counter(p.get("title") for p in _all_panels(config) if p.get("type") == "row")


def synthesized_dashboards(project: Path, env: str) -> dict[str, dict[str, Any]]:
    stack = json.loads((project / "cdktf.out" / "stacks" / env / "cdk.tf.json").read_text())
    # Terraform reads "$${" as a literal "${" (the stack escapes Grafana's variables from interpolation).
    configs = [json.loads(r["config_json"].replace("$${", "${").replace("%%{", "%{"))
               for r in stack["resource"]["grafana_dashboard"].values()]
    return {c["uid"]: c for c in configs}


def test_realworld_fixtures_synthesize_with_every_panel_query_variable_and_annotation(
        realworld_synth: tuple[Path, str]) -> None:
    project, stderr = realworld_synth
    assert "error:" not in stderr
    synthesized = synthesized_dashboards(project, "dev")
    for path in FIXTURES:
        original = json.loads(path.read_text())
        uid = original.get("uid") or path.stem
        assert uid in synthesized, f"{path.name} is missing from the stack"
        assert inventory(synthesized[uid]) == inventory(original), path.name
        ids = [p["id"] for p in panels_of(synthesized[uid])]
        assert len(ids) == len(set(ids)), f"{path.name}: panel ids are unique after load"
        assert all(p["gridPos"]["x"] + p["gridPos"]["w"] <= 24 for p in panels_of(synthesized[uid]))


def test_warnings_are_printed_once_and_do_not_stop_synthesis(realworld_synth: tuple[Path, str]) -> None:
    _, stderr = realworld_synth  # synthesized (exit 0) for dev and prod, which both load every file
    warnings = [line for line in stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == len(set(warnings)), "each warning once, although two environments load the file"
    expected = [
        "warning: dashboards/realworld/legacy-rows.json: uid: missing; using 'legacy-rows'",
        "warning: dashboards/realworld/legacy-rows.json: rows: the legacy rows layout (schemaVersion 14) is migrated",
        "warning: dashboards/realworld/legacy-rows.json: dashboard 'legacy-rows', panel 3 'Disk': panel id 3 is "
        "used twice; renumbered to 6",
        "warning: dashboards/realworld/modern-nulls.json: dashboard 'api-overview-export', panel 13 'Errors': "
        "gridPos x 20 + w 8 extends past the 24 grid columns; moved to x 16, w 8",
        "warning: dashboards/realworld/modern-nulls.json: dashboard 'api-overview-export', panel 2 'Latency and log "
        "errors': gridPos {x: 0, y: 2, w: 12, h: 8} overlaps panel 1 'CPU'",
    ]
    g6 = "warning: dashboards/realworld/grafana-6-variables.json: dashboard 'scrape-overview-g6', panel 1 'Series " \
         "per job'"
    expected += [f"{g6}: has no complete gridPos; using Grafana's default {{x: 0, y: 0, w: 6, h: 3}}",
                 f"{g6}, links[0].type: does not match Grafana's dashboard schema: 'dashboard' is not one of ['link', "
                 "'dashboards'] (Grafana loads it as it is)"]
    for start in expected:
        assert any(line.startswith(start) for line in warnings), (start, warnings)
    assert not any("dashboard schema" in line and ("legacy-rows" in line or "modern-nulls" in line)
                   for line in warnings), "nulls, missing defaults and legacy keys are normalized silently"


def test_queries_are_counted_per_language_and_unchecked_ones_say_why(realworld_synth: tuple[Path, str]) -> None:
    _, stderr = realworld_synth
    summary = next(line for line in stderr.splitlines() if line.startswith("Queries: "))
    assert "PromQL" in summary and "LogQL" in summary and "TraceQL" in summary
    unchecked = [line for line in stderr.splitlines() if line.startswith("unchecked: ")]
    tempo = "unchecked: dashboards/realworld/tempo-current.json: dashboard 'traces-current-tempo', "
    assert f"{tempo}panel 1 'Selected trace', query A: the whole query is the value of variable $traceId, known " \
           "only when the dashboard runs" in unchecked
    reasons = {
        "panel 2 'Error rate by route', query A": "comparisons on metrics",
        "panel 2 'Error rate by route', query B": "arithmetic between metrics queries",
        "panel 3 'Latency and fan-out', query A": "query hints with(…), numbers written .99",
        "panel 3 'Latency and fan-out', query B": "intrinsics span:childCount",
    }
    for place, feature in reasons.items():
        assert any(line.startswith(f"{tempo}{place}: uses {feature}, which @grafana/lezer-traceql")
                   for line in unchecked), (place, unchecked)
    g6 = "unchecked: dashboards/realworld/grafana-6-variables.json: dashboard 'scrape-overview-g6', "
    for place, feature in {"annotation 'Versions'": "offset after a parenthesised expression (MetricsQL",
                           "panel 1 'Series per job', query A": "MetricsQL functions increases_over_time, topk_max",
                           "panel 1 'Series per job', query B": "holt_winters (Prometheus 2.x",
                           "panel 1 'Series per job', query C": "duration expressions in ranges"}.items():
        assert any(line.startswith(f"{g6}{place}: uses {feature}") for line in unchecked), (place, unchecked)
    assert not any(line.startswith((f"{g6}panel 2", f"{g6}variable")) for line in unchecked)
    assert not any("legacy-rows" in line or "modern-nulls" in line for line in unchecked), \
        "every query of the other fixtures is checked (legacy rows, null and Mixed data sources included)"


def test_strict_turns_warnings_into_errors_and_writes_nothing(project_dir: Path) -> None:
    add_realworld(project_dir, "legacy-rows.json")
    result = run_cli(project_dir, "synth", "--env", "dev", "--strict", "--no-validate")
    assert result.returncode == 1
    assert "error: dashboards/realworld/legacy-rows.json: uid: missing; using 'legacy-rows'" in result.stderr
    assert "(a warning; strict mode makes it an error)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project_dir / "cdktf.out").exists()


def test_the_repository_setting_turns_on_strict_mode(project_dir: Path) -> None:
    add_realworld(project_dir, "legacy-rows.json")
    edit(project_dir / "cdktf.json", '"context": {}', '"context": {"strictWarnings": true}')
    result = run_cli(project_dir, "synth", "--env", "dev", "--no-validate")
    assert result.returncode == 1
    assert "error: dashboards/realworld/legacy-rows.json: rows: the legacy rows layout" in result.stderr
    edit(project_dir / "cdktf.json", '"strictWarnings": true', '"strictWarnings": "yes"')
    result = run_cli(project_dir, "synth", "--env", "dev", "--no-validate")
    assert result.returncode == 1
    assert "error: cdktf.json: context.strictWarnings: expected true or false, got 'yes'" in result.stderr


def test_the_repositorys_own_dashboards_raise_no_warning(repo_root: Path) -> None:
    """Strict mode is usable from day one: the catalogs' dashboards are as Grafana stores them."""
    with collecting_warnings() as warnings:
        load_project(repo_root, ["dev"])
    assert [str(w) for w in warnings if w.where.startswith("dashboards/")] == []
