"""Rule groups from small rule files and extras written here, in a fixture context (alerting/rule_groups.py).

Fast and independent of the repository's alerts/: what each rule becomes in Grafana (queries, condition, labels,
annotations, states, uids, titles, recording rules) and the message each broken input gets. Written for mutation
testing (make mutants), whose runs of this module use these tests.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from grafana_as_code.alerting.rule_groups import RuleContext, load_rule_groups, rule_uid
from grafana_as_code.dashboards.model import Dashboard
from grafana_as_code.datasources import DataSource
from grafana_as_code.environment import Contacts, Environment, GrafanaTarget, Overrides, StateBackend
from grafana_as_code.errors import UserError, collecting_warnings
from grafana_as_code.folders import Folder


def env(version: tuple[int, int] = (12, 1), labels: dict | None = None) -> Environment:
    return Environment(name="qa", file="environments/qa.yaml", grafana=GrafanaTarget(url="https://g", version=version),
                       state=StateBackend("local"), datasources={}, contacts=Contacts("#qa"), overrides=Overrides(),
                       labels=labels or {"environment": "qa"})


FOLDERS = {"team": Folder(uid="team-uid", title="Team", path="team", parent_uid=None, file="dashboards/team/_folder.yaml")}
SOURCES = {"prometheus": DataSource(uid="prometheus", name="Prometheus", type="prometheus", file="d/p.yaml"),
           "mimir": DataSource(uid="mimir", name="Mimir", type="prometheus", file="d/m.yaml"),
           "loki": DataSource(uid="loki", name="Loki", type="loki", file="d/l.yaml")}


def build(tmp_path: Path, rules: dict[str, str], extras: dict[str, str] | None = None,
          environment: Environment | None = None, **ctx):
    alerts = tmp_path / "alerts"
    (alerts / "rules").mkdir(parents=True)
    (alerts / "grafana").mkdir()
    for system, text in rules.items():
        (alerts / "rules" / f"{system}.yaml").write_text(text)
    for system, text in (extras or {}).items():
        (alerts / "grafana" / f"{system}.yaml").write_text(text)
    context = RuleContext(env=environment or env(), folders=ctx.pop("folders", FOLDERS), datasources=SOURCES,
                          dashboards=ctx.pop("dashboards", {}), **ctx)
    return load_rule_groups(alerts, context)


def problems(tmp_path: Path, rules: dict[str, str], extras: dict[str, str] | None = None, **kw) -> list[tuple]:
    with pytest.raises(UserError) as caught:
        build(tmp_path, rules, extras, **kw)
    return [(Path(p.where).name, p.field, p.message) for p in caught.value.problems]


RULES = """
groups:
  - name: api
    interval: 1m
    rules:
      - alert: HighErrorRate
        expr: rate(errors[5m]) > 0.5
        for: 5m
        keep_firing_for: 10m
        labels: {severity: critical, environment: own}
        annotations:
          summary: "{{ $value }} errors on {{ $labels.job }}"
          description: plain
      - alert: Down
        expr: up == 0
"""
EXTRAS = "folder: team\n"


def test_an_alert_rule_as_grafana_stores_it(tmp_path: Path) -> None:
    (group,) = build(tmp_path, {"api": RULES}, {"api": EXTRAS})
    assert (group.name, group.folder_uid, group.interval_seconds, Path(group.file).name) == (
        "api", "team-uid", 60, "api.yaml")
    high, down = group.rules
    assert (high.title, high.uid, high.condition, high.for_, high.keep_firing_for, high.shape, high.name) == (
        "HighErrorRate", "api-high-error-rate", "C", "5m", "10m", "threshold", "HighErrorRate")
    assert dict(high.labels) == {"environment": "own", "severity": "critical"}  # the rule's own label wins
    assert list(high.labels) == sorted(high.labels)
    assert dict(down.labels) == {"environment": "qa"}
    assert dict(high.annotations) == {"description": "plain", "summary": "{{ $values.A.Value }} errors on {{ $labels.job }}"}
    assert (high.no_data_state, high.exec_err_state, high.is_paused, high.notification_settings, high.record) == (
        "OK", "Error", False, None, None)
    query, condition = high.data
    assert dict(query) | {"model": json.loads(query["model"])} == {
        "ref_id": "A", "datasource_uid": "prometheus", "relative_time_range": {"from": 600, "to": 0},
        "model": {"refId": "A", "datasource": {"type": "prometheus", "uid": "prometheus"}, "expr": "rate(errors[5m])",
                  "instant": True, "range": False, "editorMode": "code"}}
    assert dict(condition) | {"model": json.loads(condition["model"])} == {
        "ref_id": "C", "datasource_uid": "__expr__", "relative_time_range": {"from": 0, "to": 0},
        "model": {"refId": "C", "datasource": {"type": "__expr__", "uid": "__expr__"}, "type": "threshold",
                  "expression": "A", "conditions": [{"evaluator": {"type": "gt", "params": [0.5]}}]}}
    assert down.shape == "math" and down.uid == "api-down" and down.for_ is None


def test_extras_set_states_pausing_and_the_data_source(tmp_path: Path) -> None:
    extras = """
folder: team
datasource: mimir
no_data_state: NoData
exec_err_state: Alerting
groups:
  api: {paused: true}
rules:
  Down: {no_data_state: Alerting, exec_err_state: OK, paused: false}
"""
    (group,) = build(tmp_path, {"api": RULES}, {"api": extras})
    high, down = group.rules
    assert (high.no_data_state, high.exec_err_state, high.is_paused) == ("NoData", "Alerting", True)
    assert (down.no_data_state, down.exec_err_state, down.is_paused) == ("Alerting", "OK", False)
    assert high.data[0]["datasource_uid"] == "mimir"


def test_the_folder_defaults_to_the_system_and_query_offset_moves_the_range(tmp_path: Path) -> None:
    rules = "groups:\n  - name: g\n    query_offset: 30s\n    rules:\n      - alert: A\n        expr: up == 0\n"
    (group,) = build(tmp_path, {"team": rules})
    assert group.folder_uid == "team-uid" and group.interval_seconds == 60  # the default interval
    assert group.rules[0].data[0]["relative_time_range"] == {"from": 630, "to": 30}


@pytest.mark.parametrize("interval, ok", [("10s", True), ("30s", True), ("5s", False), ("15s", False), ("1m", True)])
def test_intervals_on_grafanas_ten_second_tick(tmp_path: Path, interval: str, ok: bool) -> None:
    rules = f"groups:\n  - name: g\n    interval: {interval}\n    rules:\n      - alert: A\n        expr: up == 0\n"
    if ok:
        assert build(tmp_path, {"api": rules}, {"api": EXTRAS})[0].interval_seconds > 0
    else:
        assert problems(tmp_path, {"api": rules}, {"api": EXTRAS}) == [
            ("api.yaml", "groups[g].interval", f"{interval} is not a multiple of 10s; Grafana evaluates rules on a "
                                               "10-second tick (use e.g. 30s or 1m)")]


def test_unknown_folder_and_data_sources_are_reported_together(tmp_path: Path) -> None:
    assert problems(tmp_path, {"api": RULES}, {"api": "folder: nowhere\ndatasource: nothing\n"}) == [
        ("api.yaml", "folder", "unknown folder 'nowhere'; folders are the directories of dashboards/ (team)"),
        ("api.yaml", "datasource", "environment 'qa' has no data source 'nothing' (it has: loki, mimir, prometheus)")]
    assert problems(tmp_path / "b", {"api": RULES}, {"api": "folder: team\ndatasource: loki\n"}) == [
        ("api.yaml", "datasource", "data source 'loki' is of type 'loki'; the rules hold PromQL, which runs on a "
                                   "Prometheus data source")]


def test_extras_without_a_rule_file(tmp_path: Path) -> None:
    assert problems(tmp_path, {"api": RULES}, {"api": EXTRAS, "ghost": EXTRAS}) == [
        ("ghost.yaml", "", "no rule file alerts/rules/ghost.yaml for these extras")]


def test_prometheus_only_template_variables_are_refused_per_annotation(tmp_path: Path) -> None:
    rules = """
groups:
  - name: g
    rules:
      - alert: A
        expr: up == 0
        annotations: {a: "{{ $externalURL }}", b: "{{ .Value }}", c: "fine"}
"""
    found = problems(tmp_path, {"api": rules}, {"api": EXTRAS})
    assert [(where, field) for where, field, _ in found] == [("api.yaml", "groups[g].rules[A].annotations.a"),
                                                            ("api.yaml", "groups[g].rules[A].annotations.b")]
    assert found[0][2].startswith("uses $externalURL: ")


def test_notification_settings_name_known_contact_points_and_timings(tmp_path: Path) -> None:
    extras = """
folder: team
rules:
  Down:
    notification_settings: {contact_point: pager, mute_timings: [nights], active_timings: [days]}
"""
    ok = build(tmp_path, {"api": RULES}, {"api": extras}, contact_points=frozenset({"pager"}),
               mute_timings=frozenset({"nights", "days"}))
    assert ok[0].rules[1].notification_settings.contact_point == "pager"
    assert problems(tmp_path / "b", {"api": RULES}, {"api": extras}, contact_points=frozenset({"chat", "mail"})) == [
        ("api.yaml", "rules.Down.notification_settings.contact_point",
         "unknown contact point 'pager' (known: chat, mail)")]
    assert problems(tmp_path / "c", {"api": RULES}, {"api": extras}, contact_points=frozenset({"pager"}),
                    mute_timings=frozenset({"nights", "x"})) == [
        ("api.yaml", "rules.Down.notification_settings.active_timings", "unknown mute timing 'days' (known: nights, x)")]
    assert problems(tmp_path / "d", {"api": RULES}, {"api": extras}, contact_points=None,
                    mute_timings=frozenset({"days"})) == [
        ("api.yaml", "rules.Down.notification_settings.mute_timings", "unknown mute timing 'nights' (known: days)")]
    unchecked = build(tmp_path / "e", {"api": RULES}, {"api": extras})  # no notification definitions: not checked
    assert unchecked[0].rules[1].notification_settings.mute_timings == ("nights",)


def test_a_rules_active_timings_need_grafana_12_1(tmp_path: Path) -> None:
    extras = "folder: team\nrules:\n  Down:\n    notification_settings: {contact_point: pager, active_timings: [days]}\n"
    assert problems(tmp_path, {"api": RULES}, {"api": extras}, environment=env((12, 0)),
                    contact_points=frozenset({"pager"}), mute_timings=frozenset({"days"})) == [
        ("api.yaml", "rules.Down.notification_settings.active_timings",
         "rule 'Down' uses active_timings, which needs Grafana 12.1; environment 'qa' runs Grafana 12.0 "
         "(environments/qa.yaml: grafana.version). Older versions ignore it silently, so it would notify at all "
         "times; remove it, or use mute_timings for the hours outside")]
    assert build(tmp_path / "b", {"api": RULES}, {"api": extras}, environment=env((12, 1)),
                 contact_points=frozenset({"pager"}), mute_timings=frozenset({"days"}))


RECORDING = """
groups:
  - name: rec
    rules:
      - record: job:errors:rate5m
        expr: sum by (job) (rate(errors[5m]))
        labels: {kind: recorded}
      - alert: Many
        expr: job:errors:rate5m > 1
"""


def test_recording_rules_write_to_the_target(tmp_path: Path) -> None:
    extras = "folder: team\nrecording:\n  target_datasource: mimir\ngroups:\n  rec: {paused: true}\n"
    (group,) = build(tmp_path, {"api": RECORDING}, {"api": extras}, environment=env(labels={"environment": "qa"}))
    record, alert = group.rules
    assert (record.title, record.uid, record.condition, record.shape, record.for_, record.keep_firing_for) == (
        "job:errors:rate5m", "api-job-errors-rate5m", None, "record", None, None)
    assert (record.no_data_state, record.exec_err_state, record.notification_settings, record.is_paused) == (
        None, None, None, True)
    assert dict(record.labels) == {"kind": "recorded"}  # no environment label on recorded series
    assert dict(record.annotations) == {}
    assert (record.record.metric, record.record.from_, record.record.target_datasource) == (
        "job:errors:rate5m", "A", "mimir")
    (query,) = record.data
    assert json.loads(query["model"])["expr"] == "sum by (job) (rate(errors[5m]))"
    assert query["datasource_uid"] == "prometheus"
    assert alert.shape == "threshold" and alert.record is None


def test_recording_rules_need_a_recent_grafana_and_a_prometheus_target(tmp_path: Path) -> None:
    assert problems(tmp_path, {"api": RECORDING}, {"api": EXTRAS}, environment=env((11, 1))) == [
        ("api.yaml", "groups[rec].rules[job:errors:rate5m]",
         "1 recording rule(s): Grafana-managed recording rules need Grafana 11.2 or newer, and environment 'qa' runs "
         "11.1 (environments/qa.yaml: grafana.version); keep them in Prometheus instead")]
    assert problems(tmp_path / "b", {"api": RECORDING}, {"api": "folder: team\nrecording:\n  target_datasource: loki\n"}
                    ) == [("api.yaml", "recording.target_datasource",
                           "data source 'loki' is of type 'loki'; Grafana writes recorded series with Prometheus "
                           "remote write, to a Prometheus-type data source (set recording.target_datasource)")]
    with collecting_warnings() as warnings:
        build(tmp_path / "c", {"api": RECORDING}, {"api": EXTRAS}, environment=env((12, 0)))
    assert [(Path(w.where).name, w.field) for w in warnings] == [("api.yaml", "groups[rec].rules[job:errors:rate5m]")]
    assert "feature toggles grafanaManagedRecordingRules" in warnings[0].message
    with collecting_warnings() as none:
        build(tmp_path / "d", {"api": RECORDING}, {"api": EXTRAS}, environment=env((12, 1)))
    assert list(none) == []


TIERS = """
groups:
  - name: g
    rules:
      - alert: Latency
        expr: x > 1
        labels: {severity: warning}
      - alert: Latency
        expr: x > 2
        labels: {severity: critical}
"""


def test_tiers_of_one_name_get_stable_distinct_uids(tmp_path: Path) -> None:
    (group,) = build(tmp_path, {"api": TIERS}, {"api": EXTRAS})
    first, second = group.rules
    assert first.uid == "api-latency"
    assert second.uid == rule_uid("api", "Latency", "g\0severity=critical")
    assert second.uid.startswith("api-latency-") and len(second.uid) == len("api-latency-") + 8


def test_before_grafana_12_repeated_titles_get_a_suffix_with_a_warning(tmp_path: Path) -> None:
    with collecting_warnings() as warnings:
        (group,) = build(tmp_path, {"api": TIERS}, {"api": EXTRAS}, environment=env((11, 5)))
    assert [r.title for r in group.rules] == ["Latency", "Latency (severity=critical)"]
    assert [(Path(w.where).name, w.field, w.message) for w in warnings] == [
        ("api.yaml", "groups[g].rules[Latency#2]",
         "is titled 'Latency (severity=critical)' in environment 'qa': Grafana 11.5 needs rule titles unique per "
         "folder ('team'; 12.0 and newer do not); its alertname differs there")]
    (same,) = build(tmp_path / "b", {"api": TIERS}, {"api": EXTRAS})
    assert [r.title for r in same.rules] == ["Latency", "Latency"]


def test_repeated_titles_without_distinguishing_labels_are_numbered(tmp_path: Path) -> None:
    rules = """
groups:
  - name: g
    rules:
      - {alert: Same, expr: x > 1}
      - {alert: Same, expr: x > 2}
      - {alert: Same, expr: x > 3}
      - {alert: "Same (2)", expr: x > 4}
"""
    with collecting_warnings():
        (group,) = build(tmp_path, {"api": rules}, {"api": EXTRAS}, environment=env((11, 5)))
    assert [r.title for r in group.rules] == ["Same", "Same (2, 2)", "Same (3)", "Same (2)"]
    assert len({r.uid for r in group.rules}) == 4


@pytest.mark.parametrize("title, suffix, expected", [
    ("a" * 186, "2", "a" * 186 + " (2)"),  # exactly 190 bytes: kept
    ("a" * 187, "2", "a" * 183 + "... (2)"),  # 191: cut to 190, with the cut marked
    ("é" * 93, "2", "é" * 93 + " (2)"),  # 186 + 4 bytes: fits
    ("é" * 94, "2", "é" * 91 + "... (2)"),  # 192: the cut falls inside a character, which is dropped
])
def test_a_suffixed_title_stays_within_grafanas_190_bytes(title: str, suffix: str, expected: str) -> None:
    from grafana_as_code.alerting.rule_groups import _suffixed

    assert _suffixed(title, suffix) == expected and len(expected.encode()) <= 190


@pytest.mark.parametrize("value, suffix", [
    ("v" * 81, "region=" + "v" * 81),  # " (region=…, 99)" is 95 bytes: the labels still name the repeat
    ("v" * 82, "2"),  # 96 bytes: too long to name it, the rank does
    ("v" * 60, "region=" + "v" * 60),
])
def test_label_values_too_long_to_name_a_repeat_give_way_to_its_rank(tmp_path: Path, value: str, suffix: str) -> None:
    rules = f"""
groups:
  - name: g
    rules:
      - {{alert: Far, expr: x > 1, labels: {{region: a}}}}
      - {{alert: Far, expr: x > 2, labels: {{region: "{value}"}}}}
"""
    with collecting_warnings():
        (group,) = build(tmp_path, {"api": rules}, {"api": EXTRAS}, environment=env((11, 5)))
    assert [r.title for r in group.rules] == ["Far", f"Far ({suffix})"]


def test_a_retitled_recording_rule_says_its_series_keeps_its_name(tmp_path: Path) -> None:
    rules = "groups:\n  - name: rec\n    rules:\n      - {record: \"job:up\", expr: up, labels: {tier: a}}\n" \
            "      - {record: \"job:up\", expr: up, labels: {tier: b}}\n"
    with collecting_warnings() as warnings:
        build(tmp_path, {"api": rules}, {"api": EXTRAS}, environment=env((11, 5)))
    (message,) = [w.message for w in warnings if "is titled" in w.message]
    assert message == ("is titled 'job:up (tier=b)' in environment 'qa': Grafana 11.5 needs rule titles unique per "
                       "folder ('team'; 12.0 and newer do not); the series it records keeps the name 'job:up'")


def test_group_names_are_unique_per_folder_across_files(tmp_path: Path) -> None:
    one = "groups:\n  - name: shared\n    rules:\n      - {alert: A, expr: up == 0}\n"
    two = "groups:\n  - name: shared\n    rules:\n      - {alert: B, expr: up == 0}\n"
    found = problems(tmp_path, {"a": one, "b": two}, {"a": EXTRAS, "b": EXTRAS})
    assert [(w, f) for w, f, _ in found] == [("b.yaml", "groups[shared]")]
    assert found[0][2].startswith("group name 'shared' is also used by ")
    assert found[0][2].endswith("a.yaml in folder 'team'; group names are unique per folder")


def test_groups_sorted_by_folder_and_name(tmp_path: Path) -> None:
    rules = ("groups:\n  - name: zeta\n    rules:\n      - {alert: A, expr: up == 0}\n"
             "  - name: alpha\n    rules:\n      - {alert: B, expr: up == 0}\n")
    assert [g.name for g in build(tmp_path, {"api": rules}, {"api": EXTRAS})] == ["alpha", "zeta"]


@pytest.mark.parametrize("system, name, uid", [
    ("api", "HighErrorRate", "api-high-error-rate"),
    ("api", "DBPoolHigh", "api-db-pool-high"),
    ("api", "OAuthToken", "api-oauth-token"),
    ("api", "job:errors:rate5m", "api-job-errors-rate5m"),
    ("api", "__X__", "api-x"),
])
def test_rule_uids(system: str, name: str, uid: str) -> None:
    assert rule_uid(system, name) == uid


def test_long_uids_are_cut_with_a_digest() -> None:
    uid = rule_uid("system", "A" + "b" * 60)
    assert len(uid) == 40 and uid.startswith("system-abbbb") and uid[-9] == "-"
    assert rule_uid("system", "A" + "b" * 60) == uid and rule_uid("system", "A" + "b" * 61) != uid
    exactly = rule_uid("s", "x" * 38)
    assert exactly == "s-" + "x" * 38 and len(exactly) == 40
    assert rule_uid("s", "x", "other") != rule_uid("s", "x", "another") and len(rule_uid("s", "x", "d")) == 12


BOARD = Dashboard(uid="board", title="Board", folder_uid="team-uid", file="dashboards/team/board.yaml", config={
    "panels": [{"id": 1, "type": "timeseries", "title": "Errors"}, {"id": 2, "type": "stat", "title": "Twice"},
               {"id": 3, "type": "row", "title": "A row", "panels": [{"id": 4, "type": "stat", "title": "Twice"}]},
               {"id": 5, "type": "text"}]})


@pytest.mark.parametrize("link, annotations", [
    ("{uid: board}", {"__dashboardUid__": "board"}),
    ("{uid: board, panel: Errors}", {"__dashboardUid__": "board", "__panelId__": "1"}),
    ("{uid: board, panel: 4}", {"__dashboardUid__": "board", "__panelId__": "4"}),
])
def test_a_rule_links_its_dashboard_and_panel(tmp_path: Path, link: str, annotations: dict) -> None:
    extras = f"folder: team\nrules:\n  Down:\n    dashboard: {link}\n"
    (group,) = build(tmp_path, {"api": RULES}, {"api": extras}, dashboards={"board": BOARD})
    down = group.rules[1]
    assert {k: v for k, v in down.annotations.items() if k.startswith("__")} == annotations
    assert not any(k.startswith("__") for k in group.rules[0].annotations)


@pytest.mark.parametrize("link, field, message", [
    ("{uid: nope}", "rules.Down.dashboard.uid", "unknown dashboard 'nope'"),
    ("{uid: board, panel: Missing}", "rules.Down.dashboard.panel",
     "no panel 'Missing' in dashboard board (dashboards/team/board.yaml); panels: Errors, Twice"),
    ("{uid: board, panel: Twice}", "rules.Down.dashboard.panel",
     "2 panels 'Twice' in dashboard board (dashboards/team/board.yaml); panels: Errors, Twice"),
    ("{uid: board, panel: 9}", "rules.Down.dashboard.panel",
     "no panel 9 in dashboard board (dashboards/team/board.yaml); panels: Errors, Twice"),
])
def test_a_dashboard_link_that_does_not_resolve(tmp_path: Path, link: str, field: str, message: str) -> None:
    extras = f"folder: team\nrules:\n  Down:\n    dashboard: {link}\n"
    assert problems(tmp_path, {"api": RULES}, {"api": extras}, dashboards={"board": BOARD}) == [
        ("api.yaml", field, message)]


def test_a_uid_shared_by_rules_of_two_files_is_refused(tmp_path: Path) -> None:
    # system "a-b" with rule "C" and system "a" with rule "b_c": both a-b-c
    one = "groups:\n  - name: one\n    rules:\n      - {alert: C, expr: up == 0}\n"
    two = "groups:\n  - name: two\n    rules:\n      - {alert: b_c, expr: up == 0}\n"
    found = problems(tmp_path, {"a-b": one, "a": two}, {"a-b": EXTRAS, "a": EXTRAS})
    assert len(found) == 1
    where, field, message = found[0]
    # groups are taken by folder and name: "one" (a-b.yaml) first, so the second rule is the one refused
    assert (where, field) == ("a.yaml", "groups[two].rules[b_c]")
    assert message.startswith("its uid 'a-b-c' is also the uid of a rule in ")
    assert message.endswith("a-b.yaml; rename one of them (uids are <system>-<name>)")


# ----- what each rule keeps of its extras, and each broken input's message (make mutants survivors) ------------

def test_keep_firing_for_below_grafana_12_is_refused_naming_the_rule(tmp_path: Path) -> None:
    found = problems(tmp_path, {"api": RULES}, {"api": EXTRAS}, environment=env((11, 5)))
    assert [(where, field) for where, field, _ in found] == [
        ("api.yaml", "groups[api].rules[HighErrorRate].keep_firing_for")]
    assert found[0][2].startswith("rule 'HighErrorRate' uses keep_firing_for, which needs Grafana 12.0; "
                                  "environment 'qa' runs Grafana 11.5")


def test_missing_series_evals_to_resolve_reaches_the_rule(tmp_path: Path) -> None:
    extras = "folder: team\nrules:\n  Down: {missing_series_evals_to_resolve: 3}\n"
    (group,) = build(tmp_path, {"api": RULES}, {"api": extras})
    high, down = group.rules
    assert (high.missing_series_evals_to_resolve, down.missing_series_evals_to_resolve) == (None, 3)


def test_before_grafana_11_1_a_comparison_is_not_a_threshold_node(tmp_path: Path) -> None:
    # A threshold node does not ignore NaN before 11.1 (translate.THRESHOLD_IGNORES_NAN_FROM): a math node instead
    rules = "groups:\n  - name: g\n    rules:\n      - {alert: A, expr: 'rate(errors[5m]) > 0.5'}\n"
    (old,) = build(tmp_path, {"api": rules}, {"api": EXTRAS}, environment=env((11, 0)))
    (new,) = build(tmp_path / "b", {"api": rules}, {"api": EXTRAS}, environment=env((11, 1)))
    assert new.rules[0].shape == "threshold"
    assert old.rules[0].shape != "threshold"
    assert json.loads(old.rules[0].data[1]["model"])["type"] == "math"


def test_an_unknown_data_source_still_reports_the_annotations(tmp_path: Path) -> None:
    rules = "groups:\n  - name: g\n    rules:\n      - {alert: A, expr: up == 0, annotations: {a: '{{ $externalURL }}'}}\n"
    found = problems(tmp_path, {"api": rules}, {"api": "folder: team\ndatasource: nothing\n"})
    assert [(where, field) for where, field, _ in found] == [("api.yaml", "datasource"),
                                                            ("api.yaml", "groups[g].rules[A].annotations.a")]


def test_an_unknown_folder_alone_is_a_clear_error(tmp_path: Path) -> None:
    # the data source is fine, so the rules translate: the unknown folder alone stops the run, with its message
    found = problems(tmp_path, {"api": RULES}, {"api": "folder: nowhere\n"})
    assert found == [("api.yaml", "folder", "unknown folder 'nowhere'; folders are the directories of dashboards/ "
                                            "(team)")]


def test_the_unknown_folder_message_lists_every_folder(tmp_path: Path) -> None:
    folders = {**FOLDERS, "ops/db": Folder(uid="db-uid", title="DB", path="ops/db", parent_uid=None,
                                           file="dashboards/ops/db/_folder.yaml")}
    found = problems(tmp_path, {"api": RULES}, {"api": "folder: nowhere\n"}, folders=folders)
    assert found == [("api.yaml", "folder", "unknown folder 'nowhere'; folders are the directories of dashboards/ "
                                            "(ops/db, team)")]


def test_a_recording_rule_keeps_its_own_pausing(tmp_path: Path) -> None:
    extras = ("folder: team\ngroups:\n  rec: {paused: true}\n"
              "rules:\n  'job:errors:rate5m': {paused: false}\n")
    (group,) = build(tmp_path, {"api": RECORDING}, {"api": extras})
    record, alert = group.rules
    assert (record.is_paused, alert.is_paused) == (False, True)
    paused_alone = "folder: team\nrules:\n  'job:errors:rate5m': {paused: true}\n"
    (group,) = build(tmp_path / "b", {"api": RECORDING}, {"api": paused_alone})
    assert [rule.is_paused for rule in group.rules] == [True, False]


def test_the_recording_warning_below_grafana_12_1_names_what_to_turn_on(tmp_path: Path) -> None:
    with collecting_warnings() as warnings:
        build(tmp_path, {"api": RECORDING}, {"api": EXTRAS}, environment=env((11, 4)))
    assert [(Path(w.where).name, w.field, w.message) for w in warnings] == [
        ("api.yaml", "groups[rec].rules[job:errors:rate5m]",
         "Grafana 11.4 (environment 'qa') runs Grafana-managed recording rules only with the feature toggles "
         "grafanaManagedRecordingRules and grafanaManagedRecordingRulesDatasources and [recording_rules] enabled = "
         "true (the default from Grafana 12.1)")]


def test_recording_into_the_query_data_source_names_the_datasource_field(tmp_path: Path) -> None:
    # no recording.target_datasource: the recorded series go to `datasource`, so that is the field at fault
    found = problems(tmp_path, {"api": RECORDING}, {"api": "folder: team\ndatasource: loki\n"})
    assert ("api.yaml", "datasource", "data source 'loki' is of type 'loki'; Grafana writes recorded series with "
            "Prometheus remote write, to a Prometheus-type data source (set recording.target_datasource)") in found
    assert {field for _, field, _ in found} == {"datasource"}


def test_repeated_recording_rules_before_grafana_12_are_retitled_with_a_warning_naming_them(tmp_path: Path) -> None:
    rules = """
groups:
  - name: rec
    rules:
      - {record: "job:up", expr: up, labels: {tier: a}}
      - {record: "job:up", expr: up, labels: {tier: b}}
"""
    with collecting_warnings() as warnings:
        (group,) = build(tmp_path, {"api": rules}, {"api": EXTRAS}, environment=env((11, 5)))
    assert [r.title for r in group.rules] == ["job:up", "job:up (tier=b)"]
    assert [(Path(w.where).name, w.field) for w in warnings if "is titled" in w.message] == [
        ("api.yaml", "groups[rec].rules[job:up#2]")]


def test_a_repeated_title_differing_in_several_labels_names_them_all(tmp_path: Path) -> None:
    rules = """
groups:
  - name: g
    rules:
      - {alert: Latency, expr: x > 1, labels: {severity: warning, team: a}}
      - {alert: Latency, expr: x > 2, labels: {severity: critical, team: b}}
"""
    with collecting_warnings():
        (group,) = build(tmp_path, {"api": rules}, {"api": EXTRAS}, environment=env((11, 5)))
    assert [r.title for r in group.rules] == ["Latency", "Latency (severity=critical, team=b)"]


def test_retitled_repeats_never_take_a_title_already_given(tmp_path: Path) -> None:
    # the second and third differ from the first in severity only, and from each other in nothing: both would be
    # "Alert (severity=critical)"; the later one counts on
    rules = """
groups:
  - name: g
    rules:
      - {alert: Alert, expr: x > 1, labels: {severity: warning}}
      - {alert: Alert, expr: x > 2, labels: {severity: critical}}
      - {alert: Alert, expr: x > 3, labels: {severity: critical}}
"""
    with collecting_warnings():
        (group,) = build(tmp_path, {"api": rules}, {"api": EXTRAS}, environment=env((11, 5)))
    titles = [r.title for r in group.rules]
    assert titles == ["Alert", "Alert (severity=critical)", "Alert (severity=critical, 2)"]


def test_numbered_titles_count_on_past_every_taken_one(tmp_path: Path) -> None:
    rules = """
groups:
  - name: g
    rules:
      - {alert: Same, expr: x > 1}
      - {alert: Same, expr: x > 2}
      - {alert: "Same (2)", expr: x > 3}
      - {alert: "Same (2, 2)", expr: x > 4}
"""
    with collecting_warnings():
        (group,) = build(tmp_path, {"api": rules}, {"api": EXTRAS}, environment=env((11, 5)))
    assert [r.title for r in group.rules] == ["Same", "Same (2, 3)", "Same (2)", "Same (2, 2)"]


# Uids are the rules' identity in Grafana: a uid that changes between two releases of this code deletes the rule and
# creates a new one (its state and history lost). These pin the scheme the uids deployed today were made with.

def test_rules_alike_in_name_group_and_labels_add_their_rank(tmp_path: Path) -> None:
    rules = """
groups:
  - name: g
    rules:
      - {alert: Same, expr: x > 1}
      - {alert: Same, expr: x > 2}
      - {alert: Same, expr: x > 3}
      - {alert: Same, expr: x > 4}
"""
    (group,) = build(tmp_path, {"api": rules}, {"api": EXTRAS})
    assert [r.uid for r in group.rules] == [
        "api-same", rule_uid("api", "Same", "g"), rule_uid("api", "Same", "g\x002"), rule_uid("api", "Same", "g\x003")]


def test_a_long_uid_is_cut_with_a_digest_of_the_whole() -> None:
    whole = "system-a" + "b" * 60
    assert rule_uid("system", "A" + "b" * 60) == whole[:31] + "-" + hashlib.sha256(whole.encode()).hexdigest()[:8]


@pytest.mark.parametrize("system, name, kept", [
    ("s", "a" * 28 + "_" + "b" * 20, "s-" + "a" * 28),  # the cut falls just after a dash: it goes (no "--")
    ("LedgerX" * 4 + "LeX", "AnyAlertName", "LedgerX" * 4 + "LeX"),  # a system's capital letters stay
])
def test_a_cut_uid_drops_only_trailing_dashes(system: str, name: str, kept: str) -> None:
    uid = rule_uid(system, name)
    assert len(uid) <= 40 and uid[-9] == "-" and "--" not in uid
    assert uid[:-9] == kept
