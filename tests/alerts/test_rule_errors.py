"""Bad alert rules and Grafana extras: one message naming the file and the field, and nothing written."""
from __future__ import annotations

from pathlib import Path

import pytest

from grafana_as_code.errors import UserError
from grafana_as_code.project import load_project

from project_copy import copy_project, edit, run_cli

RULES = Path("alerts/rules")
EXTRAS = Path("alerts/grafana")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_project(tmp_path / "project")
    monkeypatch.chdir(root)  # messages name files relative to the working directory, as users see them
    return root


def message(root: Path) -> str:
    with pytest.raises(UserError) as caught:
        load_project(root, ["prod"])
    assert len(caught.value.problems) == 1
    return str(caught.value)


def test_expression_that_does_not_parse(tree: Path) -> None:
    edit(tree / RULES / "quick023.yaml", "> 5", "> > 5")
    assert message(tree).startswith("alerts/rules/quick023.yaml: groups[quick023-errors].rules[HighErrorRate].expr: "
                                    "does not parse as PromQL")


def test_for_that_is_not_a_duration(tree: Path) -> None:
    edit(tree / RULES / "intelliflow.yaml", "for: 2m", "for: 2 minutes")
    assert message(tree) == ("alerts/rules/intelliflow.yaml: groups[intelliflow-availability].rules[ServiceDown].for: "
                             "expected a Prometheus duration such as 30s, 5m or 1h30m, got '2 minutes'")


def test_interval_that_is_not_a_multiple_of_ten_seconds(tree: Path) -> None:
    edit(tree / RULES / "quick023.yaml", "interval: 30s", "interval: 45s")
    assert message(tree).startswith("alerts/rules/quick023.yaml: groups[quick023-errors].interval: 45s is not a "
                                    "multiple of 10s")


def test_unknown_key_in_a_rule(tree: Path) -> None:
    edit(tree / RULES / "quick023.yaml", "        for: 5m", "        for: 5m\n        severity: page")
    assert message(tree).startswith("alerts/rules/quick023.yaml: groups[quick023-errors].rules[HighErrorRate].severity: "
                                    "unknown field")


def test_duplicate_group_name_in_a_file(tree: Path) -> None:
    # promtool refuses it too ("groupname is repeated in the same file"); the same alert name twice is fine.
    edit(tree / RULES / "intelliflow.yaml", "name: intelliflow-resources", "name: intelliflow-availability")
    assert message(tree).startswith("alerts/rules/intelliflow.yaml: groups[intelliflow-availability]: group "
                                    "'intelliflow-availability' is defined 2 times")


def test_duplicate_group_name_in_a_folder(tree: Path) -> None:
    # Two systems share a folder; Grafana keeps one group per name and folder (the provider refuses the second).
    edit(tree / EXTRAS / "quick023.yaml", "folder: quick023", "folder: task057")
    edit(tree / EXTRAS / "quick023.yaml", "uid: quick023-error-rates, panel: Overall Error Percentage",
         "uid: quick023-error-rates")
    edit(tree / RULES / "quick023.yaml", "name: quick023-errors", "name: task057-availability")
    assert message(tree).startswith("alerts/rules/task057.yaml: groups[task057-availability]: group name "
                                    "'task057-availability' is also used by alerts/rules/quick023.yaml in folder "
                                    "'task057'")


def test_unknown_data_source(tree: Path) -> None:
    edit(tree / EXTRAS / "ava.yaml", "datasource: prometheus", "datasource: prometheus-eu")
    assert message(tree).startswith("alerts/grafana/ava.yaml: datasource: environment 'prod' has no data source "
                                    "'prometheus-eu'")


def test_data_source_that_cannot_run_promql(tree: Path) -> None:
    edit(tree / EXTRAS / "ava.yaml", "datasource: prometheus", "datasource: loki")
    assert "alerts/grafana/ava.yaml: datasource: data source 'loki' is of type 'loki'" in message(tree)


def test_unknown_folder(tree: Path) -> None:
    edit(tree / EXTRAS / "ava.yaml", "folder: ava", "folder: ava/alerts")
    assert message(tree).startswith("alerts/grafana/ava.yaml: folder: unknown folder 'ava/alerts'")


def test_unknown_panel(tree: Path) -> None:
    edit(tree / EXTRAS / "quick023.yaml", "panel: Overall Error Percentage", "panel: Overall error percentage")
    text = message(tree)
    assert text.startswith("alerts/grafana/quick023.yaml: rules.HighErrorRate.dashboard.panel: no panel "
                           "'Overall error percentage' in dashboard quick023-error-rates")
    assert "Overall Error Percentage" in text  # the panels it could have meant


def test_extras_for_an_unknown_alert(tree: Path) -> None:
    edit(tree / EXTRAS / "quick023.yaml", "  HighErrorRate:", "  HighErrorRates:")
    assert message(tree) == "alerts/grafana/quick023.yaml: rules.HighErrorRates: no alert 'HighErrorRates' in " \
                            "alerts/rules/quick023.yaml"


def test_wrong_no_data_state(tree: Path) -> None:
    edit(tree / EXTRAS / "quick023.yaml", "datasource: prometheus", "datasource: prometheus\nno_data_state: Ok")
    assert message(tree) == ("alerts/grafana/quick023.yaml: no_data_state: expected one of OK, NoData, Alerting, "
                             "KeepLast, got 'Ok'")


def test_prometheus_only_template_variable(tree: Path) -> None:
    edit(tree / RULES / "quick023.yaml", 'summary: "', 'summary: "{{ $externalLabels.cluster }} ')
    assert message(tree).startswith("alerts/rules/quick023.yaml: groups[quick023-errors].rules[HighErrorRate].annotations."
                                    "summary: uses $externalLabels")


def test_the_cli_reports_one_line_and_writes_nothing(tree: Path) -> None:
    edit(tree / RULES / "quick023.yaml", "for: 5m", "for: five")
    result = run_cli(tree, "synth")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(
        "error: alerts/rules/quick023.yaml: groups[quick023-errors].rules[HighErrorRate].for:")
    assert not (tree / "cdktf.out").exists()


def test_notification_settings_name_a_known_contact_point(tree: Path) -> None:
    edit(tree / EXTRAS / "quick023.yaml", "  HighErrorRate:", "  HighErrorRate:\n"
         "    notification_settings: {contact_point: pager, group_by: [alertname, grafana_folder]}")
    assert message(tree).startswith("alerts/grafana/quick023.yaml: rules.HighErrorRate.notification_settings."
                                    "contact_point: unknown contact point 'pager' (known: ")


def test_notification_settings_name_a_known_mute_timing(tree: Path) -> None:
    edit(tree / EXTRAS / "quick023.yaml", "  HighErrorRate:", "  HighErrorRate:\n"
         "    notification_settings: {contact_point: oncall, mute_timings: [weekends]}")
    assert message(tree).startswith("alerts/grafana/quick023.yaml: rules.HighErrorRate.notification_settings."
                                    "mute_timings: unknown mute timing 'weekends'")


def test_notification_settings_reach_the_rule(tree: Path) -> None:
    edit(tree / EXTRAS / "quick023.yaml", "  HighErrorRate:", "  HighErrorRate:\n"
         "    notification_settings: {contact_point: oncall, group_by: [alertname, grafana_folder, job],\n"
         "                            mute_timings: [maintenance-window], repeat_interval: 1h}")
    (catalog,) = load_project(tree, ["prod"]).catalogs
    (rule,) = [r for g in catalog.rule_groups if g.name == "quick023-errors" for r in g.rules]
    settings = rule.notification_settings
    assert settings.contact_point == "oncall" and settings.mute_timings == ("maintenance-window",)
    assert settings.group_by == ("alertname", "grafana_folder", "job") and settings.repeat_interval == "1h"


def test_group_name_over_grafanas_limit(tree: Path) -> None:
    edit(tree / RULES / "quick023.yaml", "name: quick023-errors", "name: " + "q" * 191)
    assert message(tree) == ("alerts/rules/quick023.yaml: groups[0].name: a group name is 1 to 190 characters "
                             "(Grafana's limit)")  # a name too long to locate by: the position it has
