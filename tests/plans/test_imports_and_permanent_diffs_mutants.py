"""Imports in the plan report, library panels in summaries, and planned permanent diffs in the drift report.

Written from mutation testing (make mutants): these were checked only by tests outside the plans module's
in-process selection (tests/test_adopt.py, tests/dashboards/test_library_panels.py, and test_noise_table.py through
the CLI), so mutmut could not see them. Each test pins what a reviewer reads in a PR comment or drift issue.
"""
from __future__ import annotations

import json

import pytest

from grafana_as_code.plans import drift_report, plan_report
from grafana_as_code.plans.model import parse_plan
from grafana_as_code.plans.resource_diff import describe

FOLDER = {"title": "Team", "uid": "team"}


def change(address: str, actions: list[str], before=None, after=None, mode: str = "managed", **change_extra) -> dict:
    kind, name = address.split(".", 1)
    return {"address": address, "mode": mode, "type": kind, "name": name,
            "change": {"actions": actions, "before": before, "after": after, **change_extra}}


def imported(address: str, actions: list[str], import_id: str = "existing", before=FOLDER, after=FOLDER) -> dict:
    """An object an ``import`` block adopts (Terraform >= 1.5: ``change.importing``)."""
    return change(address, actions, before, after, importing={"id": import_id})


def plan(env: str, *changes: dict, drift: tuple = ()):
    data = {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": list(changes),
            "resource_drift": list(drift)}
    return parse_plan(data, f"plan-{env}.json", env)


def environment_lines(report: str, env: str, count: int = 7) -> list[str]:
    lines = report.splitlines()
    start = lines.index(f"### {env}")
    return lines[start:start + count]


# ----- reading an import (plans/model.py) ------------------------------------------------------------------------------

def test_an_import_is_read_with_its_id_or_as_an_import_without_one() -> None:
    read = plan("dev",
                imported("grafana_folder.by_id", ["no-op"], "folder-uid"),
                # Terraform >= 1.12 may import by resource identity: no id, still an import
                change("grafana_folder.by_identity", ["no-op"], FOLDER, FOLDER, importing={"identity": {"uid": "x"}}),
                change("grafana_folder.null", ["no-op"], FOLDER, FOLDER, importing=None),
                change("grafana_folder.plain", ["no-op"], FOLDER, FOLDER))
    assert {c.address: c.importing for c in read.changes} == {
        "grafana_folder.by_id": "folder-uid", "grafana_folder.by_identity": "",
        "grafana_folder.null": None, "grafana_folder.plain": None}


# ----- imports in the plan report (plans/plan_report.py) ---------------------------------------------------------------

def test_imports_are_counted_apart_and_an_adopted_object_that_changes_also_as_a_change() -> None:
    p = plan("dev",
             change("grafana_folder.new", ["create"], None, FOLDER),
             imported("grafana_folder.adopted_changed", ["update"], after={**FOLDER, "title": "Code"}),
             imported("grafana_folder.adopted_as_is", ["no-op"]),
             change("grafana_folder.same", ["no-op"], FOLDER, FOLDER),
             change("grafana_folder.lookup", ["read"], None, FOLDER, mode="data"))
    assert {k: v for k, v in plan_report.counts(p).items() if v} == {"create": 1, "update": 1, "no-op": 1,
                                                                      "import": 2}
    # the adopted-as-is object is neither "unchanged" nor hidden: it has its import line and section
    assert "| 1 | 1 | 0 | 0 | 1 |" in plan_report.render([p])


def test_the_import_line_follows_the_table() -> None:
    p = plan("dev", imported("grafana_folder.b", ["no-op"]), imported("grafana_folder.a", ["update"],
                                                                      after={**FOLDER, "title": "Code"}))
    assert environment_lines(plan_report.render([p]), "dev") == [
        "### dev", "", "| to add | to change | to replace | to destroy | unchanged |", "|---:|---:|---:|---:|---:|",
        "| 0 | 1 | 0 | 0 | 0 |", "",
        "📥 **2 to import** from Grafana (adopted, not created): `grafana_folder.a`, `grafana_folder.b`; 1 of them "
        "then changes to match the code"]


@pytest.mark.parametrize("changed, then", [
    (0, ""),
    (1, "; 1 of them then changes to match the code"),
    (2, "; 2 of them then change to match the code"),
    (3, "; 3 of them then change to match the code"),
])
def test_the_import_line_says_how_many_then_change(changed: int, then: str) -> None:
    changes = [imported(f"grafana_folder.f{i}", ["update"] if i < changed else ["no-op"],
                        after={**FOLDER, "title": "Code"} if i < changed else FOLDER) for i in range(3)]
    report = plan_report.render([plan("dev", *changes)])
    line = "📥 **3 to import** from Grafana (adopted, not created): `grafana_folder.f0`, `grafana_folder.f1`, " \
           f"`grafana_folder.f2`{then}"
    assert line in report.splitlines()


@pytest.mark.parametrize("count, more", [(9, ""), (10, ""), (11, " and 1 more"), (13, " and 3 more")])
def test_the_import_line_names_ten_in_address_order_then_counts_the_rest(count: int, more: str) -> None:
    # given in reverse order: the line lists addresses sorted, whatever order the plan holds them in
    changes = [imported(f"grafana_folder.f{i:02}", ["no-op"]) for i in reversed(range(count))]
    report = plan_report.render([plan("dev", *changes)])
    names = ", ".join(f"`grafana_folder.f{i:02}`" for i in range(min(count, 10)))
    assert f"📥 **{count} to import** from Grafana (adopted, not created): {names}{more}" in report.splitlines()


def test_no_import_no_import_line_and_data_sources_are_never_imports() -> None:
    lookup = change("grafana_folder.lookup", ["read"], None, FOLDER, mode="data", importing={"id": "x"})
    report = plan_report.render([plan("dev", change("grafana_folder.new", ["create"], None, FOLDER), lookup)])
    assert "to import" not in report
    # right after the table comes the first resource's section: no empty import line
    assert environment_lines(report, "dev")[-2:] == ["", "<details><summary><code>grafana_folder.new</code> · create"
                                                         "</summary>"]
    assert plan_report.counts(plan("dev", lookup))["import"] == 0
    managed = plan_report.render([plan("dev", imported("grafana_folder.a", ["no-op"]), lookup)])
    assert "📥 **1 to import** from Grafana (adopted, not created): `grafana_folder.a`" in managed.splitlines()


def test_an_object_adopted_as_it_is_has_its_own_section_after_the_changes() -> None:
    p = plan("dev", imported("grafana_folder.adopted", ["no-op"], "folder-uid"),
             change("grafana_folder.new", ["create"], None, FOLDER),
             change("grafana_folder.left", ["forget"], FOLDER, None))
    report = plan_report.render([p])
    section = ("<details><summary><code>grafana_folder.adopted</code> · import</summary>\n\n"
               "- imported: adopted as it is in Grafana (import id 'folder-uid'); nothing changes\n\n</details>")
    assert section in report
    order = [report.index(f"<code>grafana_folder.{name}</code>") for name in ("new", "left", "adopted")]
    assert order == sorted(order)  # creates, forgets, then what is only adopted


def test_an_object_adopted_and_changed_shows_what_changes() -> None:
    p = plan("dev", imported("grafana_folder.adopted", ["update"], "folder-uid", after={**FOLDER, "title": "Code"}))
    report = plan_report.render([p])
    assert ("<details><summary><code>grafana_folder.adopted</code> · import + update: 1 attribute changed</summary>"
            "\n\n- title: `\"Team\"` → `\"Code\"`\n\n</details>") in report
    assert "nothing changes" not in report


# ----- library panels in summaries (plans/resource_diff.py) ------------------------------------------------------------

def library_panel(model: object, name: object = "Error rate") -> dict:
    return {"uid": "shop-error-rate", "name": name, "folder_uid": "shop",
            "model_json": model if isinstance(model, str) else json.dumps(model)}


@pytest.mark.parametrize("value, text", [
    (library_panel({"type": "stat", "targets": [{"refId": "A", "expr": "up"}]}),
     "library panel “Error rate”: stat, 1 query"),
    (library_panel({"type": "timeseries", "targets": [{"refId": "A"}, {"refId": "B"}]}),
     "library panel “Error rate”: timeseries, 2 queries"),
    (library_panel({"type": "text"}), "library panel “Error rate”: text, 0 queries"),
    (library_panel({"targets": [{"refId": "A"}]}), "library panel “Error rate”: panel, 1 query"),  # no type
    (library_panel({"type": "stat", "targets": None}), "library panel “Error rate”: stat, 0 queries"),
    (library_panel({"type": "stat", "targets": "AB"}), "library panel “Error rate”: stat, 0 queries"),
    (library_panel({"type": "stat", "targets": []}, name=None), "library panel “?”: stat, 0 queries"),
    (library_panel("not json"), "library panel “Error rate”"),
    (library_panel("[1, 2]"), "library panel “Error rate”"),
])
def test_a_library_panel_is_described_by_its_name_type_and_queries(value: dict, text: str) -> None:
    created = plan("dev", change("grafana_library_panel.shop_error_rate", ["create"], None, value)).changes[0]
    assert describe(created, value) == text


def test_a_created_or_destroyed_library_panel_reads_as_one_in_the_report() -> None:
    value = library_panel({"type": "stat", "targets": [{"refId": "A", "expr": "up"}]})
    report = plan_report.render([plan("dev", change("grafana_library_panel.created", ["create"], None, value),
                                      change("grafana_library_panel.destroyed", ["delete"], value, None))])
    assert "- new: library panel “Error rate”: stat, 1 query" in report
    assert "- 🗑️ **destroy** `grafana_library_panel.destroyed` (library panel “Error rate”: stat, 1 query)" in report
    # any other resource type with a name keeps the generic description
    other = plan("dev", change("grafana_folder.named", ["create"], None, library_panel({"type": "stat"}))).changes[0]
    assert describe(other, other.after) == "name “Error rate”"


# ----- planned permanent diffs in the drift report (plans/drift_report.py) --------------------------------------------

POLICY = {"contact_point": "team-slack", "group_by": ["alertname"], "group_wait": "30s", "repeat_interval": "1d"}


def test_a_planned_update_that_only_respells_a_value_is_a_permanent_diff() -> None:
    # the state holds Grafana's answer (1d); the code writes 24h: every apply rewrites the policy
    respelled = change("grafana_notification_policy.policy", ["update"], POLICY,
                       {**POLICY, "repeat_interval": "24h", "group_wait": " 30s"})
    p = plan("prod", respelled)
    (item,) = drift_report.analyse(p)
    how = ("a permanent diff: the code writes a value Grafana returns in another form (equal durations (1d = 24h); "
           "only leading or trailing whitespace differs (the provider trims it)), so every apply rewrites it; write "
           "the form Grafana returns (grafana_as_code/readback.py)")
    assert (item.address, item.how, item.is_drift, item.real) == ("grafana_notification_policy.policy", how, True, [])
    report, drift = drift_report.render([p])
    assert drift is True and drift_report.has_drift([p])
    shown = how.replace("_", "\\_")  # Markdown-escaped
    assert f"- `grafana_notification_policy.policy`: {shown}" in report.splitlines()
    assert "| 1 | 0 |" in report and "provider noise only (not drift)</summary>" not in report


def test_the_same_respelling_between_two_grafana_answers_stays_noise() -> None:
    respelled = change("grafana_notification_policy.policy", ["update"], POLICY, {**POLICY, "repeat_interval": "24h"})
    report, drift = drift_report.render([plan("prod", drift=(respelled,))])
    assert drift is False and "| 0 | 1 |" in report and "permanent diff" not in report
    assert "- `grafana_notification_policy.policy`: equal durations (1d = 24h)" in report


def test_a_planned_update_with_a_real_difference_is_ordinary_drift() -> None:
    edited = change("grafana_notification_policy.policy", ["update"], POLICY,
                    {**POLICY, "repeat_interval": "24h", "contact_point": "ops-email"})
    (item,) = drift_report.analyse(plan("prod", edited))
    assert item.how == "differs from the code: the next apply updates it" and not item.permanent
    assert [f.label for f in item.real] == ["contact_point"]
