"""Bad alert rules and Grafana extras: one message naming the file and the field, and nothing written.

Machinery tests, on copies of the fixture project (tests/fixtures/project-minimal: alerts/rules/shop.yaml with the
groups shop-availability (ShopDown, HighErrorRate) and shop-business (NoOrders), and alerts/grafana/shop.yaml).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from grafana_as_code.errors import UserError
from grafana_as_code.project import load_project

from project_copy import copy_fixture_project, edit, run_cli

RULES = Path("alerts/rules")
EXTRAS = Path("alerts/grafana")
SHOP = "alerts/rules/shop.yaml"
AVAILABILITY = "groups[shop-availability]"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_fixture_project(tmp_path / "project")
    monkeypatch.chdir(root)  # messages name files relative to the working directory, as users see them
    return root


def message(root: Path) -> str:
    with pytest.raises(UserError) as caught:
        load_project(root, ["prod"])
    assert len(caught.value.problems) == 1, str(caught.value)
    return str(caught.value)


def test_expression_that_does_not_parse(tree: Path) -> None:
    edit(tree / RULES / "shop.yaml", "> 0.05", "> > 0.05")
    assert message(tree).startswith(f"{SHOP}: {AVAILABILITY}.rules[HighErrorRate].expr: does not parse as PromQL")


def test_for_that_is_not_a_duration(tree: Path) -> None:
    edit(tree / RULES / "shop.yaml", "for: 1m", "for: 1 minute")
    assert message(tree) == (f"{SHOP}: {AVAILABILITY}.rules[ShopDown].for: expected a Prometheus duration such as "
                             "30s, 5m or 1h30m, got '1 minute'")


def test_interval_that_is_not_a_multiple_of_ten_seconds(tree: Path) -> None:
    edit(tree / RULES / "shop.yaml", "interval: 30s", "interval: 45s")
    assert message(tree).startswith(f"{SHOP}: {AVAILABILITY}.interval: 45s is not a multiple of 10s")


def test_unknown_key_in_a_rule(tree: Path) -> None:
    edit(tree / RULES / "shop.yaml", "        for: 1m", "        for: 1m\n        severity: page")
    assert message(tree).startswith(f"{SHOP}: {AVAILABILITY}.rules[ShopDown].severity: unknown field")


def test_duplicate_group_name_in_a_file(tree: Path) -> None:
    # promtool refuses it too ("groupname is repeated in the same file"); the same alert name twice is fine.
    edit(tree / RULES / "shop.yaml", "name: shop-business", "name: shop-availability")
    assert message(tree).startswith(f"{SHOP}: {AVAILABILITY}: group 'shop-availability' is defined 2 times")


def test_duplicate_group_name_in_a_folder(tree: Path) -> None:
    # A second system whose rules go to the same folder with a group of the same name: Grafana keeps one group per
    # name and folder (the provider refuses the second).
    (tree / RULES / "cart.yaml").write_text(
        "groups:\n  - name: shop-availability\n    rules:\n      - alert: CartDown\n        expr: up == 0\n"
        "        labels: {severity: warning, system: cart, team: payments}\n")
    (tree / EXTRAS / "cart.yaml").write_text("folder: shop\n")
    assert message(tree).startswith("alerts/rules/shop.yaml: groups[shop-availability]: group name "
                                    "'shop-availability' is also used by alerts/rules/cart.yaml in folder 'shop'")


def test_unknown_data_source(tree: Path) -> None:
    edit(tree / EXTRAS / "shop.yaml", "datasource: prometheus", "datasource: prometheus-eu")
    assert message(tree).startswith("alerts/grafana/shop.yaml: datasource: environment 'prod' has no data source "
                                    "'prometheus-eu'")


def test_data_source_that_cannot_run_promql(tree: Path) -> None:
    edit(tree / EXTRAS / "shop.yaml", "datasource: prometheus", "datasource: loki")
    assert "alerts/grafana/shop.yaml: datasource: data source 'loki' is of type 'loki'" in message(tree)


def test_unknown_folder(tree: Path) -> None:
    edit(tree / EXTRAS / "shop.yaml", "folder: shop", "folder: shop/alerts")
    assert message(tree).startswith("alerts/grafana/shop.yaml: folder: unknown folder 'shop/alerts'")


def test_unknown_panel(tree: Path) -> None:
    edit(tree / EXTRAS / "shop.yaml", "panel: Error ratio", "panel: Error Ratio")
    text = message(tree)
    assert text.startswith("alerts/grafana/shop.yaml: rules.HighErrorRate.dashboard.panel: no panel 'Error Ratio' "
                           "in dashboard checkout")
    assert "Error ratio" in text  # the panels it could have meant


def test_extras_for_an_unknown_alert(tree: Path) -> None:
    edit(tree / EXTRAS / "shop.yaml", "  HighErrorRate:", "  HighErrorRates:")
    assert message(tree) == "alerts/grafana/shop.yaml: rules.HighErrorRates: no alert 'HighErrorRates' in " \
                            "alerts/rules/shop.yaml"


def test_wrong_no_data_state(tree: Path) -> None:
    edit(tree / EXTRAS / "shop.yaml", "datasource: prometheus", "datasource: prometheus\nno_data_state: Ok")
    assert message(tree) == ("alerts/grafana/shop.yaml: no_data_state: expected one of OK, NoData, Alerting, "
                             "KeepLast, got 'Ok'")


def test_prometheus_only_template_variable(tree: Path) -> None:
    edit(tree / RULES / "shop.yaml", 'summary: "', 'summary: "{{ $externalLabels.cluster }} ')
    assert message(tree).startswith(f"{SHOP}: {AVAILABILITY}.rules[ShopDown].annotations.summary: uses "
                                    "$externalLabels")


def test_the_cli_reports_one_line_and_writes_nothing(tree: Path) -> None:
    edit(tree / RULES / "shop.yaml", "for: 5m", "for: five")
    result = run_cli(tree, "synth")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f"error: {SHOP}: {AVAILABILITY}.rules[HighErrorRate].for:")
    assert not (tree / "cdktf.out").exists()


def test_notification_settings_name_a_known_contact_point(tree: Path) -> None:
    edit(tree / EXTRAS / "shop.yaml", "  HighErrorRate:", "  HighErrorRate:\n"
         "    notification_settings: {contact_point: pager, group_by: [alertname, grafana_folder]}")
    assert message(tree).startswith("alerts/grafana/shop.yaml: rules.HighErrorRate.notification_settings."
                                    "contact_point: unknown contact point 'pager' (known: ")


def test_notification_settings_name_a_known_mute_timing(tree: Path) -> None:
    edit(tree / EXTRAS / "shop.yaml", "  HighErrorRate:", "  HighErrorRate:\n"
         "    notification_settings: {contact_point: oncall, mute_timings: [weekends]}")
    assert message(tree).startswith("alerts/grafana/shop.yaml: rules.HighErrorRate.notification_settings."
                                    "mute_timings: unknown mute timing 'weekends'")


def test_notification_settings_reach_the_rule(tree: Path) -> None:
    edit(tree / EXTRAS / "shop.yaml", "  HighErrorRate:", "  HighErrorRate:\n"
         "    notification_settings: {contact_point: oncall, group_by: [alertname, grafana_folder, job],\n"
         "                            mute_timings: [night], repeat_interval: 1h}")
    (catalog,) = load_project(tree, ["prod"]).catalogs
    (rule,) = [r for g in catalog.rule_groups if g.name == "shop-availability" for r in g.rules
               if r.title == "HighErrorRate"]
    settings = rule.notification_settings
    assert settings.contact_point == "oncall" and settings.mute_timings == ("night",)
    assert settings.group_by == ("alertname", "grafana_folder", "job") and settings.repeat_interval == "1h"


def test_group_name_over_grafanas_limit(tree: Path) -> None:
    edit(tree / RULES / "shop.yaml", "name: shop-availability", "name: " + "q" * 191)
    # a name too long to locate by: the position it has
    assert message(tree) == f"{SHOP}: groups[0].name: a group name is 1 to 190 bytes in UTF-8 (Grafana's limit)"


def test_grafanas_name_limit_counts_bytes(tree: Path) -> None:
    """Go's len: 95 "é" are 190 bytes and pass, 96 are 192 and fail (AlertRuleMaxTitleLength)."""
    edit(tree / RULES / "shop.yaml", "name: shop-availability", "name: " + "é" * 96)
    assert message(tree) == f"{SHOP}: groups[0].name: a group name is 1 to 190 bytes in UTF-8 (Grafana's limit)"
    edit(tree / RULES / "shop.yaml", "name: " + "é" * 96, "name: " + "é" * 95)
    assert load_project(tree, ["prod"]).catalogs
    edit(tree / RULES / "shop.yaml", "alert: HighErrorRate", "alert: " + "é" * 96)
    assert f"is 192 bytes in UTF-8 (96 characters); Grafana allows at most 190 bytes" in message(tree)
