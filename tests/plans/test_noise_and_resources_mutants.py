"""Provider noise, resource findings, plan arguments and report files (plans/noise.py, resource_diff.py, inputs.py,
output.py), on small values written here.

Written from mutation testing (make mutants): each test pins a decision a drift report or PR comment depends on.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import errno
import os
import tempfile

from grafana_as_code.errors import Problem, UserError
from grafana_as_code.plans import output
from grafana_as_code.yaml_io import display_path
from grafana_as_code.plans.findings import MISSING, Finding
from grafana_as_code.plans.inputs import environment_names, load_plans
from grafana_as_code.plans.model import UNKNOWN, ResourceChange
from grafana_as_code.plans.noise import case_only_renames, reason, seconds, split
from grafana_as_code.plans.output import write_report
from grafana_as_code.plans.resource_diff import (MAX_CREATE_LINES, SAME_DASHBOARD, created_lines, describe,
                                                 update_findings, value_at)


@pytest.mark.parametrize("text, value", [
    ("0", 0.0), ("1h30m", 5400.0), ("90s", 90.0), ("500ms", 0.5), ("1.5h", 5400.0), ("2d", 172800.0),
    ("1w", 604800.0), ("1y", 31536000.0), ("1m", 60.0), ("5", None), ("1h 30m", None), ("abc", None), ("", None),
    ("1x", None), ("h", None),
])
def test_seconds(text: str, value: float | None) -> None:
    assert seconds(text) == value


def leaf(before, after, path=("x",), **extra) -> Finding:
    return Finding(".".join(map(str, path)), before, after, path=path, **extra)


@pytest.mark.parametrize("resource, finding, why", [
    ("t", leaf("{}", "{ }", reformatted=True, note="same JSON"), "same JSON"),
    ("t", leaf("{}", "{ }", reformatted=True), "same JSON: only key order or whitespace differ"),
    ("t", leaf(None, None, note="panel moved"), None),
    ("t", leaf([1, 2], [2, 1], kind="reordered"), "same elements in another order"),
    ("t", leaf(None, ""), "empty and unset are the same to the provider"),
    ("t", leaf(MISSING, []), "empty and unset are the same to the provider"),
    ("t", leaf({}, MISSING), "empty and unset are the same to the provider"),
    ("t", leaf(False, MISSING), None),  # false is a value, not "unset"
    ("t", leaf(0, None), None),
    ("t", leaf("a ", " a"), "only leading or trailing whitespace differs (the provider trims it)"),
    ("t", leaf("60s", "1m"), "equal durations (60s = 1m)"),
    ("t", leaf("60s", "2m"), None),
    ("t", leaf("abc", "abd"), None),
    ("t", leaf("", "0", path=("folder",)), "both mean the General folder"),
    ("t", leaf("0", "", path=("folder",)), "both mean the General folder"),
    ("t", leaf("0", "", path=("other",)), None),
    ("t", leaf("0", "1", path=("folder",)), None),
    ("t", leaf(MISSING, 1000, path=("model", "intervalMs")), "a default the provider strips from rule models"),
    ("t", leaf(43200, MISSING, path=("maxDataPoints",)), "a default the provider strips from rule models"),
    ("t", leaf(MISSING, 999, path=("intervalMs",)), None),
    ("t", leaf(1000, 2000, path=("intervalMs",)), None),
    ("grafana_dashboard", leaf(3, 4, path=("version",)), "a version counter Grafana bumps on every save"),
    ("grafana_dashboard", leaf(36, 39, path=("schemaVersion",)),
     "migrated by Grafana when the dashboard is opened or saved"),
    ("grafana_dashboard", leaf("10", "11", path=("panels", 0, "pluginVersion")),
     "migrated by Grafana when the panel's plugin is updated"),
    ("grafana_folder", leaf(3, 4, path=("version",)), None),
    ("grafana_dashboard", leaf(3, 4, path=("title",)), None),
    ("t", Finding("x", 1, 2), None),
])
def test_reason(resource: str, finding: Finding, why: str | None) -> None:
    assert reason(resource, finding) == why


def test_case_only_renames_pair_a_removed_and_an_added_key() -> None:
    findings = [leaf("v", MISSING, path=("http", "headers", "content-type")),
                leaf(MISSING, "v", path=("http", "headers", "Content-Type")),
                leaf("a", MISSING, path=("http", "headers", "x-a")), leaf(MISSING, "b", path=("http", "headers", "X-A")),
                leaf(MISSING, "v", path=("http", "other", "Content-Type")), leaf(MISSING, "z", path=(0,)),
                leaf("v", "v2", path=("http", "headers", "content-type")),  # changed, not removed: no pair
                leaf("w", "v", path=("http", "headers", "keep"))]
    assert case_only_renames(findings) == {0: "same key in another case (content-type → Content-Type)",
                                           1: "same key in another case (content-type → Content-Type)"}
    changed_only = [leaf("v", "x", path=("h", "k", "a")), leaf(MISSING, "v", path=("h", "k", "A"))]
    assert case_only_renames(changed_only) == {}
    double = [leaf("v", MISSING, path=("h", "a")), leaf(MISSING, "v", path=("h", "A")), leaf(MISSING, "v", path=("h", "A"))]
    assert sorted(case_only_renames(double)) == [0, 1]


def test_split_keeps_real_drift_and_explains_noise() -> None:
    real_one = leaf("a", "b", path=("title",))
    noisy = leaf("60s", "1m", path=("for",))
    renamed = [leaf("v", MISSING, path=("h", "k")), leaf(MISSING, "v", path=("h", "K"))]
    real, noise = split("t", [real_one, noisy, *renamed])
    assert real == [real_one]
    assert noise == [(noisy, "equal durations (60s = 1m)"), (renamed[0], "same key in another case (k → K)"),
                     (renamed[1], "same key in another case (k → K)")]


def change(type_: str, action: str, before=None, after=None) -> ResourceChange:
    return ResourceChange(f"{type_}.x", "managed", type_, "x", "grafana", action, before, after)


def test_update_findings_of_an_ordinary_resource() -> None:
    found = update_findings(change("grafana_folder", "update", {"title": "A", "id": "1", "url": "u", "uid": "f"},
                                   {"title": "B", "id": UNKNOWN, "url": UNKNOWN, "uid": UNKNOWN, "parent": UNKNOWN}))
    assert [(f.label, f.before, f.after, f.note, f.kind) for f in found] == [
        ("title", "A", "B", "", "changed"),
        ("known after apply", MISSING, MISSING, "parent, uid", "computed")]


def test_update_findings_of_a_dashboard_by_meaning() -> None:
    old = {"config_json": json.dumps({"title": "D", "refresh": "1m"}), "folder": "a", "overwrite": True}
    new = {"config_json": json.dumps({"title": "D", "refresh": "5m"}), "folder": "b", "overwrite": True}
    found = update_findings(change("grafana_dashboard", "update", old, new))
    assert [(f.label, f.before, f.after) for f in found] == [("refresh", "1m", "5m"), ("folder", "a", "b")]
    same = update_findings(change("grafana_dashboard", "update", {"config_json": '{"title": "D", "id": 1}'},
                                  {"config_json": '{"id": 2, "title": "D"}'}))
    assert [(f.label, f.note, f.reformatted) for f in same] == [("config_json", SAME_DASHBOARD, True)]
    unchanged = update_findings(change("grafana_dashboard", "update", {"config_json": "{}", "folder": "a"},
                                       {"config_json": "{}", "folder": "b"}))
    assert [f.label for f in unchanged] == ["folder"]
    masked = update_findings(change("grafana_dashboard", "update", "x", {"config_json": "{}"}))
    assert [f.label for f in masked] == ["(value)"]


def test_describe_names_an_object_by_its_most_telling_attribute() -> None:
    dashboard = change("grafana_dashboard", "create")
    model = {"config_json": json.dumps({"title": "API", "panels": [{"id": 1, "targets": [{"refId": "A"}]}]})}
    assert describe(dashboard, model) == "dashboard “API”: 1 panel, 1 query"
    assert describe(dashboard, {"config_json": UNKNOWN, "uid": "u"}) == "uid “u”"
    folder = change("grafana_folder", "create")
    assert describe(folder, {"name": "n", "title": "t", "uid": "u"}) == "name “n”"
    assert describe(folder, {"name": "", "title": "t", "uid": "u"}) == "title “t”"
    assert describe(folder, {"name": 3, "uid": "u"}) == "uid “u”"
    assert describe(folder, {"id": "1"}) == "" and describe(folder, None) == "" and describe(folder, "x") == ""


def test_created_lines_list_what_the_new_object_holds() -> None:
    after = {"name": "rules", "interval_seconds": 60, "rule": [{"name": "A"}, {"ref_id": "B"}, {"contact_point": "C"},
                                                               {"other": 1}],
             "settings": '{"a": 1}', "empty": "", "none": None, "unknown": UNKNOWN, "list": [], "map": {},
             "tags": ["x"], "disabled": False}
    found = created_lines(change("grafana_rule_group", "create", None, after))
    assert [(f.label, f.after, f.note, f.kind) for f in found] == [
        ("new", MISSING, "name “rules”", "created"),
        ("disabled", False, "", "created"),
        ("interval_seconds", 60, "", "created"),
        ("name", "rules", "", "created"),
        ("rule", MISSING, '4 block(s): "A", "B", "C", …', "created"),
        ("settings", MISSING, "JSON document", "created"),
        ("tags", ["x"], "", "created")]
    many = created_lines(change("t", "create", None, {f"k{i:02}": i for i in range(40)}))
    assert len(many) == MAX_CREATE_LINES and many[0].label == "k00"
    dashboard = created_lines(change("grafana_dashboard", "create", None, {"config_json": '{"title": "D"}',
                                                                           "folder": "f"}))
    assert [(f.label, f.note) for f in dashboard] == [("new", "dashboard “D”: 0 panels, 0 queries"), ("folder", "")]
    assert created_lines(change("t", "create", None, UNKNOWN)) == []


def test_value_at() -> None:
    value = {"a": [{"b": 1}, {"b": 2}]}
    assert value_at(value, ("a", 1, "b")) == 2 and value_at(value, ()) == value
    assert value_at(value, ("a", 2)) is MISSING and value_at(value, ("a", -1)) is MISSING
    assert value_at(value, ("a", "0")) is MISSING and value_at(value, ("z",)) is MISSING
    assert value_at(value, ("a", 0, "b", "c")) is MISSING
    assert value_at([5], (0,)) == 5


# ----- ENV=PLAN.json arguments and report files ------------------------------------------------------------------

def project(tmp_path: Path, *envs: str) -> Path:
    (tmp_path / "environments").mkdir()
    for env in envs:
        (tmp_path / "environments" / f"{env}.yaml").write_text("x: 1\n")
    (tmp_path / "environments" / "notes.txt").write_text("not an environment\n")
    return tmp_path


def plan_file(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"format_version": "1.2", "resource_changes": []}))
    return str(path)


def test_environment_names(tmp_path: Path) -> None:
    assert environment_names(project(tmp_path, "prod", "dev")) == ["dev", "prod"]
    assert environment_names(tmp_path / "nowhere") == []


def test_plans_in_the_order_given(tmp_path: Path) -> None:
    root = project(tmp_path, "dev", "prod")
    plans = load_plans([f"prod={plan_file(tmp_path, 'p.json')}", f"dev={plan_file(tmp_path, 'd.json')}"], root)
    assert [p.env for p in plans] == ["prod", "dev"]
    assert load_plans([], root) == []


def test_a_plan_file_name_may_hold_an_equals_sign(tmp_path: Path) -> None:
    root = project(tmp_path, "dev")
    (p,) = load_plans([f"dev={plan_file(tmp_path, 'plan=1.json')}"], root)
    assert p.env == "dev" and p.source.endswith("plan=1.json")


def test_every_bad_argument_is_reported_at_once(tmp_path: Path) -> None:
    root = project(tmp_path, "dev", "prod")
    good = plan_file(tmp_path, "d.json")
    with pytest.raises(UserError) as caught:
        load_plans(["dev", "=x.json", "dev=", f"qa={good}", f"dev={good}", f"dev={good}",
                    f"prod={tmp_path / 'missing.json'}"], root)
    problems = [(p.where, p.field, p.message) for p in caught.value.problems]
    assert problems[:5] == [
        ("dev", "", "expected ENV=PLAN.json, e.g. prod=plan-prod.json"),
        ("=x.json", "", "expected ENV=PLAN.json, e.g. prod=plan-prod.json"),
        ("dev=", "", "expected ENV=PLAN.json, e.g. prod=plan-prod.json"),
        (good, "environment", "unknown environment 'qa'; known: dev, prod"),
        (good, "environment", "'dev' is given twice")]
    assert len(problems) == 6 and "missing.json" in problems[5][0]


def test_no_environments_says_where_to_run(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        load_plans([f"dev={plan_file(tmp_path, 'd.json')}"], tmp_path)
    assert caught.value.problems[0].message == ("unknown environment 'dev'; known: none: no environments/*.yaml here "
                                                "(run from the project root)")


def test_write_report_to_stdout_or_a_whole_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    write_report("to stdout\n", None)
    write_report("dash\n", "-")
    assert capsys.readouterr().out == "to stdout\ndash\n"
    target = tmp_path / "report.md"
    target.write_text("old")
    write_report("new report ✓\n", str(target))
    assert target.read_text(encoding="utf-8") == "new report ✓\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]  # no temporary file left behind
    missing = tmp_path / "missing" / "report.md"
    with pytest.raises(UserError) as caught:
        write_report("x", str(missing))
    assert caught.value.problems == [Problem(display_path(missing), "", "cannot write: the directory does not exist")]


def test_the_report_is_written_beside_the_target_and_renamed_over_it(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # A rename is atomic only within one file system: the temporary file is never in the system's temp directory.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-temp-dir"))
    renames: list[tuple[Path, Path]] = []
    real_replace = os.replace

    def replace(source, target) -> None:
        renames.append((Path(source), Path(target)))
        real_replace(source, target)
    monkeypatch.setattr(output.os, "replace", replace)
    target = tmp_path / "report.md"
    write_report("text\n", str(target))
    ((source, renamed),) = renames
    assert renamed == target and source.parent == tmp_path
    # hidden and marked temporary, so nothing that collects reports picks a half-written one up
    assert source.name.startswith(".report.md.") and source.name.endswith(".tmp")
    assert target.read_text() == "text\n"


def test_a_failed_write_leaves_the_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    (target).mkdir()  # os.replace cannot put a file over a directory
    with pytest.raises(UserError) as caught:
        write_report("x", str(target))
    assert caught.value.problems == [Problem(display_path(target), "", "cannot write: Is a directory")]
    assert target.is_dir() and sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_a_full_disk_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(output.tempfile, "mkstemp", full)
    target = tmp_path / "report.md"
    with pytest.raises(UserError) as caught:
        write_report("x", str(target))
    assert caught.value.problems == [Problem(display_path(target), "", "cannot write: No space left on device")]
    assert not target.exists()


def test_text_that_cannot_be_written_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_report("a lone surrogate \udc80", str(target))
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


# A Slack bot token's shape (made up): the last scan before a report is written must refuse it.
PLANTED_TOKEN = "xoxb-" + "123456789012-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"


def test_a_report_holding_a_secret_is_refused_where_it_was_going(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture) -> None:
    target = tmp_path / "report.md"
    target.write_text("previous\n")
    for output, where in ((str(target), display_path(target)), (None, "<stdout>"), ("-", "<stdout>")):
        with pytest.raises(UserError) as caught:
            write_report(f"# Plan\n\n- token: `{PLANTED_TOKEN}`\n", output)
        assert [(p.where, p.field) for p in caught.value.problems] == [(where, "line 3")]
        assert PLANTED_TOKEN not in str(caught.value)
    assert capsys.readouterr().out == "" and target.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]
