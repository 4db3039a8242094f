"""Plan and drift reports (plans/plan_report.py, plans/drift_report.py) from small plans written here.

Written from mutation testing (make mutants): each test pins what a PR comment or drift issue must say for one
kind of change (counts, warnings, order, reasons, what is drift and what is noise).
"""
from __future__ import annotations

import json
import re

import pytest

from grafana_as_code.plans import drift_report, plan_report
from grafana_as_code.plans.model import parse_plan


def change(address: str, actions: list[str], before=None, after=None, mode: str = "managed", **extra) -> dict:
    kind, name = address.split(".", 1)
    change_extra = {k: extra.pop(k) for k in ("replace_paths", "after_unknown", "after_sensitive") if k in extra}
    return {"address": address, "mode": mode, "type": kind, "name": name,
            "change": {"actions": actions, "before": before, "after": after, **change_extra}, **extra}


def plan(env: str, *changes: dict, drift: tuple = (), **top):
    data = {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": list(changes),
            "resource_drift": list(drift), **top}
    return parse_plan(data, f"plan-{env}.json", env)


def table_rows(report: str) -> list[tuple[str, ...]]:
    return [tuple(row) for row in re.findall(r"^\| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", report, re.M)]


FOLDER = {"title": "Team", "uid": "team"}


def test_counts_per_action_and_only_managed_resources() -> None:
    p = plan("prod", change("grafana_folder.a", ["create"], None, FOLDER),
             change("grafana_folder.b", ["update"], FOLDER, {**FOLDER, "title": "T2"}),
             change("grafana_folder.c", ["delete", "create"], FOLDER, FOLDER, replace_paths=[["uid"]]),
             change("grafana_folder.d", ["create", "delete"], FOLDER, FOLDER),
             change("grafana_folder.e", ["delete"], FOLDER, None),
             change("grafana_folder.f", ["no-op"], FOLDER, FOLDER),
             change("grafana_folder.g", ["read"], None, FOLDER, mode="data"),
             change("grafana_folder.h", ["create"], None, FOLDER, mode="data"))
    assert {k: v for k, v in plan_report.counts(p).items() if v} == {"create": 1, "update": 1, "replace": 2,
                                                                      "delete": 1, "no-op": 1}
    report = plan_report.render([p])
    assert table_rows(report) == [("1", "1", "2", "1", "1")]
    assert "| to add | to change | to replace | to destroy | unchanged |" in report


def test_warnings_name_destroys_replacements_forgets_and_the_policy() -> None:
    p = plan("prod",
             change("grafana_folder.gone", ["delete"], FOLDER, None),
             change("grafana_folder.again", ["delete", "create"], FOLDER, {**FOLDER, "uid": "new"},
                    replace_paths=[["uid"]]),
             change("grafana_folder.tainted", ["delete", "create"], FOLDER, FOLDER,
                    action_reason="replace_because_tainted"),
             change("grafana_folder.asked", ["delete", "create"], FOLDER, FOLDER, action_reason="replace_by_request"),
             change("grafana_folder.cannot", ["delete", "create"], FOLDER, FOLDER,
                    action_reason="replace_because_cannot_update"),
             change("grafana_folder.why", ["delete", "create"], FOLDER, FOLDER),
             change("grafana_folder.left", ["forget"], FOLDER, None),
             change("grafana_notification_policy.policy", ["update"], {"group_by": ["a"]}, {"group_by": ["b"]}),
             change("grafana_notification_policy.other", ["delete"], {"group_by": ["a"]}, None),
             change("grafana_notification_policy.same", ["no-op"], {"group_by": ["a"]}, {"group_by": ["a"]}),
             change("grafana_folder.data", ["delete"], FOLDER, None, mode="data"))
    report = plan_report.render([p])
    warnings = [line for line in report.splitlines() if line.startswith("- ") and "**" in line]
    assert warnings == [
        "- ♻️ **replace** `grafana_folder.again` (title “Team”): destroyed and created again (new id, history and "
        "links lost), because `uid` (`\"team\"` → `\"new\"`) forces it",
        "- ♻️ **replace** `grafana_folder.asked` (title “Team”): destroyed and created again (new id, history and "
        "links lost), because `-replace` was requested",
        "- ♻️ **replace** `grafana_folder.cannot` (title “Team”): destroyed and created again (new id, history and "
        "links lost), because an attribute that cannot be updated in place changed",
        "- ♻️ **replace** `grafana_folder.tainted` (title “Team”): destroyed and created again (new id, history and "
        "links lost), because the object is tainted (a previous apply failed half-way)",
        "- ♻️ **replace** `grafana_folder.why` (title “Team”): destroyed and created again (new id, history and "
        "links lost), because Terraform did not say which attribute forces it",
        "- 🗑️ **destroy** `grafana_folder.gone` (title “Team”)",
        "- 🗑️ **destroy** `grafana_notification_policy.other`",
        "- 🚨 **notification policy** `grafana_notification_policy.other` (delete): Grafana's whole routing tree is "
        "replaced on apply; routes edited in the UI are lost; destroying it resets the tree to Grafana's default",
        "- 🚨 **notification policy** `grafana_notification_policy.policy` (update): Grafana's whole routing tree is "
        "replaced on apply; routes edited in the UI are lost",
        "- **forget** `grafana_folder.left`: removed from Terraform's state, left in Grafana"]


def test_an_errored_plan_is_the_first_warning() -> None:
    report = plan_report.render([plan("dev", errored=True)])
    assert "- ⛔ **the plan errored**: it is incomplete and cannot be applied; see the CI log" in report.splitlines()
    assert "No changes: Grafana matches the code." in report
    assert "errored" not in plan_report.render([plan("dev")])


def test_too_many_warnings_are_counted_not_listed() -> None:
    deletes = [change(f"grafana_folder.f{i:03}", ["delete"], FOLDER, None) for i in range(plan_report.MAX_WARNINGS + 5)]
    report = plan_report.render([plan("prod", *deletes)])
    assert report.count("**destroy**") == plan_report.MAX_WARNINGS
    assert "- … and 5 more warnings; see the details below" in report
    exact = plan_report.render([plan("prod", *deletes[:plan_report.MAX_WARNINGS])])
    assert "more warnings" not in exact


def test_drift_in_the_plan_is_warned_about() -> None:
    drifted = [change(f"grafana_folder.d{i:02}", ["update"], FOLDER, {**FOLDER, "title": f"UI {i}"}) for i in range(12)]
    noise = change("grafana_folder.noise", ["update"], {**FOLDER, "x": "60s"}, {**FOLDER, "x": "1m"})
    data = change("grafana_folder.data", ["update"], FOLDER, {**FOLDER, "title": "X"}, mode="data")
    read = change("grafana_folder.read", ["read"], FOLDER, FOLDER)
    same = change("grafana_folder.same", ["no-op"], FOLDER, FOLDER)
    report = plan_report.render([plan("prod", drift=(*drifted, noise, data, read, same))])
    names = ", ".join(f"`grafana_folder.d{i:02}`" for i in range(10))
    assert (f"- ⚠️ **12 changed outside Terraform** since the last apply (this apply overwrites them): {names} and 2 "
            "more") in report
    few = plan_report.render([plan("prod", drift=(drifted[0], noise))])
    assert few.count("changed outside Terraform") == 1
    assert "**1 changed outside Terraform** since the last apply (this apply overwrites them): `grafana_folder.d00`\n" \
        in few
    assert "outside Terraform" not in plan_report.render([plan("prod", drift=(noise, data, read, same))])
    ten = plan_report.render([plan("prod", drift=tuple(drifted[:10]))])
    assert f"**10 changed outside Terraform** since the last apply (this apply overwrites them): {names}\n" in ten
    eleven = plan_report.render([plan("prod", drift=tuple(drifted[:11]))])
    assert f"(this apply overwrites them): {names} and 1 more\n" in eleven


def test_sections_in_order_replace_delete_update_create_forget() -> None:
    p = plan("prod", change("grafana_folder.c", ["create"], None, FOLDER),
             change("grafana_folder.u", ["update"], FOLDER, {**FOLDER, "title": "T2"}),
             change("grafana_folder.d", ["delete"], FOLDER, None),
             change("grafana_folder.r", ["delete", "create"], FOLDER, FOLDER),
             change("grafana_folder.f", ["forget"], FOLDER, None),
             change("grafana_folder.a", ["update"], FOLDER, {**FOLDER, "title": "T3"}),
             change("grafana_folder.n", ["no-op"], FOLDER, FOLDER))
    report = plan_report.render([p])
    order = re.findall(r"<details><summary><code>([^<]+)</code> · (\w+)", report)
    assert order == [("grafana_folder.r", "replace"), ("grafana_folder.d", "destroy"), ("grafana_folder.a", "update"),
                     ("grafana_folder.u", "update"), ("grafana_folder.c", "create"), ("grafana_folder.f", "forget")]
    assert "No changes" not in report


def test_resource_sections_say_what_changes() -> None:
    update = plan_report.resource_section(plan("p", change("grafana_folder.u", ["update"], FOLDER,
                                                           {**FOLDER, "title": "T<2>"})).changes[0])
    assert update == ("<details><summary><code>grafana_folder.u</code> · update: 1 attribute changed</summary>\n\n"
                      "- title: `\"Team\"` → `\"T<2>\"`\n\n</details>")
    delete = plan_report.resource_section(plan("p", change("grafana_folder.d", ["delete"], FOLDER, None)).changes[0])
    assert "<code>grafana_folder.d</code> · destroy</summary>" in delete and "- destroyed: title “Team”" in delete
    anonymous = plan_report.resource_section(plan("p", change("grafana_folder.d", ["delete"], {"id": "1"},
                                                              None)).changes[0])
    assert "- destroyed: the object" in anonymous
    forget = plan_report.resource_section(plan("p", change("grafana_folder.f", ["forget"], FOLDER, None)).changes[0])
    assert "· forget</summary>" in forget and "- forgotten: title “Team”" in forget
    secret = plan_report.resource_section(parse_plan({"format_version": "1.0", "resource_changes": [
        change("grafana_data_source.s", ["create"], None, {"name": "s", "secure_json_data_encoded": "s3cr3t-value"},
               after_sensitive={"secure_json_data_encoded": True})]}, "p.json", "p").changes[0])
    assert "- secure\\_json\\_data\\_encoded: set (sensitive value, not shown)" in secret
    assert "s3cr3t" not in secret
    create = plan_report.resource_section(plan("p", change("grafana_folder.c", ["create"], None, FOLDER)).changes[0])
    assert "· create</summary>" in create and "- new: title “Team”" in create and ": 1 attribute" not in create
    empty = plan_report.resource_section(plan("p", change("grafana_folder.x", ["update"], {"id": "1"},
                                                          {"id": "1"})).changes[0])
    assert empty == ("<details><summary><code>grafana_folder.x</code> · update</summary>\n\n"
                     "- no visible attribute changes\n\n</details>")
    other = plan_report.resource_section(plan("p", change("grafana_library_panel.x", ["update"],
                                                          {"config_json": '{"title": "T"}', "v": 1},
                                                          {"config_json": '{"title": "T"}', "v": 2})).changes[0])
    assert "“T”" not in other  # only dashboards are named by the title inside their JSON
    computed = plan_report.resource_section(plan("p", change("grafana_folder.x", ["update"], {"id": "1", "a": 1},
                                                             {"id": "1"}, after_unknown={"a": True})).changes[0])
    assert "update</summary>" in computed  # values known only after apply are not counted as changes


def test_a_dashboard_section_names_the_dashboard() -> None:
    old = {"config_json": json.dumps({"title": "API <v2>", "refresh": "1m"})}
    new = {"config_json": json.dumps({"title": "API <v2>", "refresh": "5m"})}
    section = plan_report.resource_section(plan("p", change("grafana_dashboard.api", ["update"], old, new)).changes[0])
    assert section.startswith("<details><summary><code>grafana_dashboard.api</code> · update · “API &lt;v2&gt;”: "
                              "1 attribute changed</summary>")
    replaced = plan_report.resource_section(plan("p", change("grafana_dashboard.api", ["delete", "create"], old,
                                                             new)).changes[0])
    assert "· replace · “API &lt;v2&gt;”" in replaced


def test_a_dashboard_replaced_for_its_uid_says_so() -> None:
    old = {"config_json": json.dumps({"title": "A", "uid": "old"})}
    new = {"config_json": json.dumps({"title": "A", "uid": "new"})}
    report = plan_report.render([plan("p", change("grafana_dashboard.a", ["delete", "create"], old, new,
                                                  replace_paths=[["config_json"]]))])
    assert "because `config_json.uid` (`\"old\"` → `\"new\"`) forces it" in report
    other = plan_report.render([plan("p", change("grafana_dashboard.a", ["delete", "create"], old,
                                                 {"config_json": json.dumps({"title": "B", "uid": "old"})},
                                                 replace_paths=[["config_json"]]))])
    assert "because `config_json` forces it" in other
    nested = plan_report.render([plan("p", change("grafana_folder.a", ["delete", "create"],
                                                  {"settings": [{"key": "x" * 70}]}, {"settings": [{"key": "y" * 70}]},
                                                  replace_paths=[["settings", 0, "key"]]))])
    assert (f"because `settings.0.key` (`\"{'x' * 58}…` → `\"{'y' * 58}…`) forces it") in nested
    two = plan_report.render([plan("p", change("grafana_folder.a", ["delete", "create"], {"uid": "a", "org_id": "1"},
                                               {"uid": "b", "org_id": "2"}, replace_paths=[["uid"], ["org_id"]]))])
    assert "because `uid` (`\"a\"` → `\"b\"`) and `org_id` (`\"1\"` → `\"2\"`) forces it" in two


def test_the_footer_names_each_environment_and_its_terraform() -> None:
    report = plan_report.render([plan("dev"), plan("prod_eu")], run_url="https://ci/run/1")
    assert report.splitlines()[0] == plan_report.MARKER and report.splitlines()[1] == "## Terraform plan"
    assert ("<sub>Plans made in [this CI run](https://ci/run/1) (dev: Terraform 1.9.8, prod\\_eu: Terraform 1.9.8). "
            "Sensitive values are masked; input variables are never shown. Details are collapsed: click a resource "
            "to see what changes.</sub>") in report
    assert report.index("### dev") < report.index("### prod\\_eu")
    bare = parse_plan({"format_version": "1.0", "resource_changes": []}, "p.json", "dev")
    assert "(dev: Terraform ?)" in plan_report.render([bare])
    assert "Plans made (dev" in plan_report.render([bare])


def test_a_cut_plan_report_points_to_the_run_or_the_local_plan() -> None:
    big = [change(f"grafana_folder.f{i:03}", ["update"], FOLDER, {**FOLDER, "title": "x" * 200}) for i in range(30)]
    with_run = plan_report.render([plan("prod", *big)], run_url="https://ci/run/2", limit=4000)
    assert "; the full plan is in [the CI run](https://ci/run/2)." in with_run and len(with_run) <= 4000
    local = plan_report.render([plan("prod", *big)], limit=4000)
    assert "; run the plan locally for the rest." in local


# ----- drift ---------------------------------------------------------------------------------------------------------

def test_drift_items_say_how_each_object_drifted() -> None:
    p = plan("prod",
             change("grafana_folder.both", ["update"], FOLDER, {**FOLDER, "title": "Code"}),
             change("grafana_folder.missing", ["create"], None, FOLDER),
             change("grafana_folder.extra", ["delete"], FOLDER, None),
             change("grafana_folder.swap", ["delete", "create"], FOLDER, FOLDER),
             change("grafana_folder.left", ["forget"], FOLDER, None),
             change("grafana_folder.same", ["no-op"], FOLDER, FOLDER),
             change("grafana_folder.data", ["update"], FOLDER, {**FOLDER, "title": "x"}, mode="data"),
             drift=(change("grafana_folder.both", ["update"], FOLDER, {**FOLDER, "title": "UI"}),
                    change("grafana_folder.deleted", ["delete"], FOLDER, None),
                    change("grafana_folder.made", ["create"], None, FOLDER),
                    change("grafana_folder.recreated", ["delete", "create"], FOLDER, FOLDER),
                    change("grafana_folder.ignored", ["no-op"], FOLDER, FOLDER),
                    change("grafana_folder.datadrift", ["update"], FOLDER, {**FOLDER, "title": "x"}, mode="data")))
    items = {item.address: item for item in drift_report.analyse(p)}
    assert list(items) == sorted(items)
    assert {a: i.how for a, i in items.items()} == {
        "grafana_folder.both": "edited outside Terraform; differs from the code: the next apply updates it",
        "grafana_folder.deleted": "deleted outside Terraform (title “Team”)",
        "grafana_folder.extra": "in the state but not in the code: the next apply destroys it (title “Team”)",
        "grafana_folder.left": "the next apply removes it from the state",  # what is forgotten is not described
        "grafana_folder.made": "created outside Terraform (title “Team”)",
        "grafana_folder.missing": "missing in Grafana: the next apply creates it (title “Team”)",
        "grafana_folder.recreated": "replaced outside Terraform (title “Team”)",
        "grafana_folder.swap": "differs from the code: the next apply replaces it (title “Team”)",
    }
    assert items["grafana_folder.deleted"].whole and not items["grafana_folder.both"].whole
    assert all(item.is_drift for item in items.values())
    assert [f.label for f in items["grafana_folder.both"].real] == ["title"]


def test_noise_only_objects_are_not_drift() -> None:
    noise = change("grafana_folder.noise", ["update"], {**FOLDER, "x": "60s", "id": "1"},
                   {**FOLDER, "x": "1m", "id": "1"})
    computed = change("grafana_folder.computed", ["update"], {"title": "a", "parent": "p"}, {"title": "a"},
                      after_unknown={"parent": True, "title": False})
    p = plan("prod", computed, drift=(noise,))
    items = drift_report.analyse(p)
    assert [(i.address, i.is_drift, i.real) for i in items] == [("grafana_folder.computed", False, []),
                                                               ("grafana_folder.noise", False, [])]
    assert [why for _, why in items[1].noise] == ["equal durations (60s = 1m)"]
    assert not drift_report.has_drift([p])
    assert drift_report.has_drift([p, plan("dev", drift=(change("grafana_folder.x", ["delete"], FOLDER, None),))])
    assert not drift_report.has_drift([])


def test_the_drift_report() -> None:
    clean = plan("dev", drift=(change("grafana_folder.noise", ["update"], {"x": "60s"}, {"x": "1m"}),))
    drifted = plan("prod", change("grafana_folder.a", ["update"], FOLDER, {**FOLDER, "title": "Code"}),
                   drift=(change("grafana_folder.a", ["update"], FOLDER, {**FOLDER, "title": "UI *x*"}),
                          change("grafana_folder.gone", ["delete"], FOLDER, None)), errored=True)
    report, drift = drift_report.render([clean, drifted], run_url="https://ci/run/3")
    assert drift is True
    assert report.splitlines()[0] == "<!-- grafana-as-code:drift-report:dev,prod -->"
    assert report.splitlines()[1] == "## Grafana drift"
    dev = report[report.index("### dev"):report.index("### prod")]
    assert table_rows_two(dev) == [("0", "1")]
    assert "No drift: Grafana matches the last apply." in dev
    assert "<details><summary>1 object(s) with known provider noise only (not drift)</summary>" in dev
    assert "- `grafana_folder.noise`: equal durations (60s = 1m)" in dev
    prod = report[report.index("### prod"):]
    assert table_rows_two(prod) == [("2", "0")]
    assert "- ⛔ **the plan errored**: drift may be incomplete; see the CI log" in prod
    assert ("- `grafana_folder.a`: edited outside Terraform; differs from the code: the next apply updates it"
            in prod)
    assert "- `grafana_folder.gone`: deleted outside Terraform (title “Team”)" in prod
    assert "<details><summary><code>grafana_folder.a</code> · what changed</summary>" in prod
    assert "<code>grafana_folder.gone</code> · what changed" not in prod  # nothing to list for a whole object
    assert "No drift" not in prod
    assert report.rstrip().endswith("This report updates itself on every run. Found by [this run](https://ci/run/3).")
    quiet, none = drift_report.render([clean])
    assert none is False and quiet.rstrip().endswith("This report updates itself on every run.")
    assert drift_report.marker(["a", "b"]) == "<!-- grafana-as-code:drift-report:a,b -->"


def test_drift_in_any_position_counts() -> None:
    edited = change("grafana_folder.a", ["update"], FOLDER, {**FOLDER, "title": "UI"})
    for position in range(3):
        plans = [plan(env, drift=(edited,) if index == position else ()) for index, env in
                 enumerate(("dev", "staging", "prod"))]
        assert drift_report.render(plans)[1] is True
        assert drift_report.has_drift(plans)


def test_a_cut_drift_report_points_to_the_run_or_a_local_run() -> None:
    many = tuple(change(f"grafana_folder.f{i:03}", ["update"], FOLDER, {**FOLDER, "title": "y" * 300})
                 for i in range(30))
    report, _ = drift_report.render([plan("prod", drift=many)], run_url="https://ci/run/4", limit=5000)
    assert "the full report is in [the CI run](https://ci/run/4)." in report and len(report) <= 5000
    local, _ = drift_report.render([plan("prod", drift=many)], limit=5000)
    assert "; run the drift report locally." in local


def table_rows_two(text: str) -> list[tuple[str, ...]]:
    return [tuple(row) for row in re.findall(r"^\| (\d+) \| (\d+) \|$", text, re.M)]


def test_the_drift_report_line_by_line() -> None:
    noise = change("grafana_folder.noise", ["update"], {"x": "60s", "y": " a"}, {"x": "1m", "y": "a"})
    gone = change("grafana_folder.gone", ["delete"], FOLDER, None)
    report, _ = drift_report.render([plan("prod", drift=(gone, noise), errored=True)])
    lines = report.splitlines()
    start = lines.index("### prod")
    assert lines[start:start + 9] == [
        "### prod", "", "| drifted | provider noise only |", "|---:|---:|", "| 1 | 1 |", "",
        "- ⛔ **the plan errored**: drift may be incomplete; see the CI log",
        "- `grafana_folder.gone`: deleted outside Terraform (title “Team”)", ""]
    assert ("- `grafana_folder.noise`: equal durations (60s = 1m); only leading or trailing whitespace differs (the "
            "provider trims it)") in lines
    assert lines[-1] == (
        "**What to do:** keep a change made in Grafana by porting it into the code (a dashboard: export it and "
        "`python -m grafana_as_code import-dashboard`), then merge; or discard it by re-running the deploy, which "
        "overwrites Grafana with the code. This report updates itself on every run.")
    clean, _ = drift_report.render([plan("dev")])
    assert "\n".join(clean.splitlines()[3:10]) == (
        "### dev\n\n| drifted | provider noise only |\n|---:|---:|\n| 0 | 0 |\n\nNo drift: Grafana matches the last apply.")


def test_no_environments_means_no_drift() -> None:
    report, drift = drift_report.render([])
    assert drift is False and report.startswith("<!-- grafana-as-code:drift-report: -->\n## Grafana drift")


def test_a_cut_drift_report_keeps_the_summary_and_names_the_environment() -> None:
    edits = tuple(change(f"grafana_folder.f{i:03}", ["update"], FOLDER, {**FOLDER, "title": "y" * 300})
                  for i in range(30))
    noise = tuple(change(f"grafana_folder.n{i:03}", ["update"], {"x": "60s"}, {"x": "1m"}) for i in range(3))
    report, drift = drift_report.render([plan("prod", drift=edits + noise), plan("dev")], limit=6000)
    assert drift is True and len(report) <= 6000
    assert report.startswith("<!-- grafana-as-code:drift-report:prod,dev -->\n## Grafana drift\n")
    assert "### prod" in report and "### dev" in report  # every summary is required, cut last
    assert all(f"- `grafana_folder.f{i:03}`: edited outside Terraform" in report for i in range(30))
    # every cut block was prod's, details and the noise list alike
    assert re.search(r"> Details of (\d+) resources were cut \(prod: \1\) to stay under", report)
    assert "**What to do:**" in report


def test_an_object_unchanged_in_the_plan_does_not_hide_later_ones() -> None:
    p = plan("prod", change("grafana_folder.a", ["no-op"], FOLDER, FOLDER),
             change("grafana_folder.b", ["read"], FOLDER, FOLDER, mode="data"),
             change("grafana_folder.c", ["create"], None, FOLDER))
    assert [item.address for item in drift_report.analyse(p)] == ["grafana_folder.c"]


def test_an_environment_section_line_by_line() -> None:
    quiet = plan_report.render([plan("dev")]).splitlines()
    start = quiet.index("### dev")
    assert quiet[start:start + 7] == ["### dev", "", "| to add | to change | to replace | to destroy | unchanged |",
                                      "|---:|---:|---:|---:|---:|", "| 0 | 0 | 0 | 0 | 0 |", "",
                                      "No changes: Grafana matches the code."]
    warned = plan_report.render([plan("dev", change("grafana_folder.x", ["delete"], FOLDER, None))]).splitlines()
    start = warned.index("### dev")
    assert warned[start + 5:start + 7] == ["", "- 🗑️ **destroy** `grafana_folder.x` (title “Team”)"]


def test_headings_and_summaries_survive_the_tightest_limit() -> None:
    deletes = [change(f"grafana_folder.f{i:03}", ["delete"], FOLDER, None) for i in range(25)]
    report = plan_report.render([plan("prod", *deletes)], limit=2000)
    assert report.startswith(plan_report.MARKER + "\n## Terraform plan\n")
    assert "### prod" in report and "| to add | to change |" in report and len(report) <= 2000
    drifted = tuple(change(f"grafana_folder.f{i:03}", ["delete"], FOLDER, None) for i in range(25))
    drift, _ = drift_report.render([plan("prod", drift=drifted)], limit=1200)
    assert drift.startswith("<!-- grafana-as-code:drift-report:prod -->\n## Grafana drift\n")
    assert "### prod" in drift and len(drift) <= 1200
