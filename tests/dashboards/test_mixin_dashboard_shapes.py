"""Shapes of Grafana's own monitoring mixins (the compiled Mimir, Loki and Tempo dashboards), on a fixture of our own
(fixtures/mixin/shop-queue.json): a schemaVersion 14 export with legacy rows, ``"datasource": "$datasource"``, and a
custom variable whose value is a list of label matchers standing alone in a selector's braces
(``shop_queue_length{$path_matcher}``), the way the Mimir mixin's ``read_path_matcher`` does. Grafana loads and runs
those queries; the check must parse them as Grafana sends them, not refuse them."""
from __future__ import annotations

import json
from pathlib import Path

import promql_parser
import pytest

from grafana_as_code.dashboards.validate.macros import samples_from, substitute

from project_copy import copy_fixture_project, run_cli

MIXIN = Path(__file__).with_name("fixtures") / "mixin" / "shop-queue.json"


@pytest.mark.parametrize("query, expected", [
    ("up{$m}", 'up{x="x"}'),                                   # a matcher list of unknown value: a matcher fits
    ('up{a="b", $m}', 'up{a="b", x="x"}'),
    ('{$m, a="b"} |= "e"', '{x="x", a="b"} |= "e"'),          # a LogQL stream selector alike
    ('up{$m="v"}', 'up{x="v"}'),                               # a label name, not a matcher: stays a name
    ("sum by (a, $m) (up)", "sum by (a, x) (up)"),             # a grouping label in parentheses: a name
])
def test_a_variable_standing_alone_in_braces_is_a_matcher(query: str, expected: str) -> None:
    assert substitute(query, {"m": None}) == expected


def test_a_known_matcher_value_is_used_with_its_own_variables_interpolated() -> None:
    samples = {"m": 'cluster=~"$cluster", job=~"($namespace)/api"', "cluster": None, "namespace": "prod"}
    checked = substitute("sum(rate(x_total{$m}[$__rate_interval]))", samples)
    assert checked == 'sum(rate(x_total{cluster=~"x", job=~"(prod)/api"}[5m]))'
    promql_parser.parse(checked)


def test_a_value_that_is_no_matcher_gets_the_placeholder_matcher() -> None:
    assert substitute("up{$m}", {"m": "api"}) == 'up{x="x"}'


def test_a_custom_variable_reads_its_escaped_commas_as_grafana_does() -> None:
    """Grafana splits a custom variable's query at unescaped commas and reads ``\\,`` as ``,``; exports keep the
    escaped form in ``current`` and ``options``."""
    templating = json.loads(MIXIN.read_text())["templating"]["list"]
    samples = samples_from(templating)
    assert samples["path_matcher"] == 'cluster=~"$cluster", job=~"($namespace)/(api|worker)"'
    assert samples["latency_metrics"] == "1" and samples["cluster"] is None
    checked = substitute("shop_queue_length{$path_matcher}", samples)
    assert checked == 'shop_queue_length{cluster=~"x", job=~"(x)/(api|worker)"}'
    promql_parser.parse(checked)
    # only custom variables: a textbox's value is what the user typed
    assert samples_from([{"name": "t", "type": "textbox", "current": {"value": "a\\,b"}}]) == {"t": "a\\,b"}


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return copy_fixture_project(tmp_path / "project")


def test_the_mixin_dashboard_imports_and_synthesizes(shop: Path) -> None:
    imported = run_cli(shop, "import-dashboard", str(MIXIN), "--folder", "shop")
    assert imported.returncode == 0, imported.stderr
    assert "Wrote dashboards/shop/shop-queue.json" in imported.stdout
    result = run_cli(shop, "synth")
    assert result.returncode == 0, result.stderr
    assert "error:" not in result.stderr
    assert "legacy rows layout (schemaVersion 14) is migrated" in result.stderr  # normalized, with a warning


def test_a_broken_matcher_value_is_still_an_error_naming_the_dashboard_and_query(shop: Path) -> None:
    broken = json.loads(MIXIN.read_text())
    for variable in broken["templating"]["list"]:
        if variable["name"] == "path_matcher":  # the quote after the cluster matcher is lost
            variable["current"]["value"] = variable["current"]["value"].replace('"$cluster"', '"$cluster')
    (shop / "dashboards" / "shop" / "shop-queue.json").write_text(json.dumps(broken, indent=2))
    result = run_cli(shop, "synth")
    assert result.returncode != 0
    assert "error: dashboards/shop/shop-queue.json: dashboard 'shop-queue', panel 1 'Queue length', query" \
        in result.stderr
    assert "Traceback" not in result.stderr
