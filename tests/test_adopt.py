"""Adopting what already exists in a Grafana: import ids per resource type, adopt/<env>.yaml, import blocks in the
stacks, the `adopt` command on saved API responses, and imports in plan-report."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from grafana_as_code.adopt.import_ids import FORMATS, check_import_id, id_problem, import_id
from grafana_as_code.plans import plan_report
from grafana_as_code.plans.model import load_plan
from grafana_as_code.project import load_project
from grafana_as_code.validate.schema import load_schema
from grafana_as_code.validate.stack_check import check_stack

from project_copy import copy_project, edit, run_cli

# (type, the parts of its id, what the provider's import.sh documents for them, without and with the org)
EXAMPLES = [
    ("grafana_folder", ("platform",), "platform", "3:platform"),
    ("grafana_data_source", ("loki",), "loki", "3:loki"),
    ("grafana_dashboard", ("error-overview",), "error-overview", "3:error-overview"),
    ("grafana_library_panel", ("lp-1",), "lp-1", "3:lp-1"),
    ("grafana_rule_group", ("intelliflow", "intelliflow-availability"), "intelliflow:intelliflow-availability",
     "3:intelliflow:intelliflow-availability"),
    ("grafana_contact_point", ("oncall",), "oncall", "3:oncall"),
    ("grafana_message_template", ("alert",), "alert", "3:alert"),
    ("grafana_mute_timing", ("maintenance-window",), "maintenance-window", "3:maintenance-window"),
    ("grafana_notification_policy", ("policy",), "policy", "3:policy"),
]


def test_every_documented_type_has_an_example() -> None:
    assert {e[0] for e in EXAMPLES} == set(FORMATS)


@pytest.mark.parametrize("resource_type, parts, plain, with_org", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_import_id_format_per_type(resource_type: str, parts: tuple, plain: str, with_org: str) -> None:
    assert import_id(resource_type, parts) == plain
    assert import_id(resource_type, parts, org_id=3) == with_org
    assert check_import_id(resource_type, plain) is None and check_import_id(resource_type, with_org) is None
    # the provider splits on ':' into exactly the documented fields (resource_id.go): more or fewer is refused
    assert check_import_id(resource_type, with_org + ":extra") is not None
    assert check_import_id(resource_type, "x:" + with_org) is not None
    assert "contains ':'" in id_problem(resource_type, tuple(p + ":x" for p in parts))


def test_rule_group_ids_need_both_parts_and_an_integer_org() -> None:
    assert check_import_id("grafana_rule_group", "only-a-folder") is not None
    assert "not an integer" in check_import_id("grafana_rule_group", "prod:folder:group")
    assert "empty" in id_problem("grafana_rule_group", ("folder", ""))


def _one_of_each(root: Path) -> dict:
    """One declared object of every kind we manage, taken from the definitions (no pinned content)."""
    (catalog,) = load_project(root, ["dev"]).catalogs
    group = catalog.rule_groups[0]
    notifications = catalog.notifications
    return {
        "folders": [catalog.folders[0].uid], "datasources": [catalog.datasources[0].uid],
        "dashboards": [catalog.dashboards[0].uid], "rule_groups": [{"folder": group.folder_uid, "group": group.name}],
        "contact_points": [notifications.contact_points[0].name],
        "message_templates": [notifications.templates[0].name],
        "mute_timings": [notifications.mute_timings[0].name], "notification_policy": True,
    }


def _synth_dev(root: Path) -> dict:
    result = run_cli(root, "synth", "--env", "dev")
    assert result.returncode == 0, result.stderr
    return json.loads((root / "cdktf.out" / "stacks" / "dev" / "cdk.tf.json").read_text())


def test_one_import_block_per_adopted_object_with_the_documented_id(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    (root / "adopt").mkdir(exist_ok=True)
    adopt = _one_of_each(root)
    (root / "adopt" / "dev.yaml").write_text(json.dumps(adopt))
    stack = _synth_dev(root)
    imports = {block["to"]: block["id"] for block in stack["import"]}
    assert len(imports) == len(stack["import"]) == 8
    # import blocks need Terraform >= 1.5, which every stack's required_version already covers
    assert stack["terraform"]["required_version"].startswith(">= 1.") and \
        tuple(map(int, stack["terraform"]["required_version"][3:].split(".")[:2])) >= (1, 5)
    group = adopt["rule_groups"][0]
    expected_ids = {"grafana_folder": adopt["folders"][0], "grafana_data_source": adopt["datasources"][0],
                    "grafana_dashboard": adopt["dashboards"][0],
                    "grafana_rule_group": f"{group['folder']}:{group['group']}",
                    "grafana_contact_point": adopt["contact_points"][0],
                    "grafana_message_template": adopt["message_templates"][0],
                    "grafana_mute_timing": adopt["mute_timings"][0], "grafana_notification_policy": "policy"}
    for to, id_ in imports.items():
        resource_type, name = to.split(".", 1)
        assert name in stack["resource"][resource_type], to  # imported into the resource that declares it
        assert id_ == expected_ids[resource_type], to
        assert check_import_id(resource_type, id_) is None
    # the rule group is imported into the block with that folder and name
    rule_group = stack["resource"]["grafana_rule_group"][imports and next(
        t for t in imports if t.startswith("grafana_rule_group")).split(".", 1)[1]]
    assert rule_group["name"] == group["group"]


def test_an_org_id_prefixes_every_import_id(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    edit(root / "environments" / "dev.yaml", "  retries: 5", "  org_id: 3\n  retries: 5")
    (root / "adopt").mkdir(exist_ok=True)
    (root / "adopt" / "dev.yaml").write_text(json.dumps(_one_of_each(root)))
    stack = _synth_dev(root)
    assert stack["import"] and all(block["id"].startswith("3:") for block in stack["import"])


def test_no_adopt_file_no_import_blocks(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    (root / "adopt" / "dev.yaml").unlink(missing_ok=True)
    stack = _synth_dev(root)
    assert "import" not in stack


def test_bad_adopt_entries_are_all_reported_and_nothing_is_written(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    (root / "adopt").mkdir(exist_ok=True)
    (root / "adopt" / "dev.yaml").write_text(
        "folders: [no-such-folder, intelliflow, intelliflow]\n"
        "contact_points: ['odd:name']\n"
        "library_panels: [lp-1]\n"
        "rule_groups: [{folder: intelliflow}]\n"
        "dashboard: [typo]\n")
    result = run_cli(root, "synth", "--env", "dev")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors[0].startswith("error: adopt/dev.yaml: dashboard:"), errors
    assert not (root / "cdktf.out").exists()
    (root / "adopt" / "dev.yaml").write_text(
        "folders: [no-such-folder, intelliflow, intelliflow]\n"
        "contact_points: ['odd:name']\n"
        "library_panels: [lp-1]\n"
        "rule_groups: [{folder: intelliflow}]\n")
    result = run_cli(root, "synth", "--env", "dev")
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert any("folders[0]: folder uid 'no-such-folder' is not declared for environment 'dev'" in e for e in errors)
    assert any("folders[2]: folder uid 'intelliflow' is listed twice" in e for e in errors)
    assert any("contact_points[0]: name 'odd:name' contains ':'" in e for e in errors)
    assert any("library_panels[0]: library panel uid 'lp-1' is not declared" in e for e in errors)
    assert any("rule_groups[0].group:" in e for e in errors)
    assert len(errors) == 5, errors


def test_import_blocks_are_checked_by_the_stack_validator(provider_schema: Path) -> None:
    schema = load_schema(provider_schema)
    stack = {"resource": {"grafana_folder": {"a": {"title": "A", "uid": "a"}}},
             "import": [{"to": "grafana_folder.a", "id": "a"}, {"to": "grafana_folder.b", "id": "b"},
                        {"to": "grafana_folder.a", "id": "x:a"}, {"to": "grafana_folder.a", "id": "a", "bogus": 1}]}
    problems = {(p.where, p.field): p.message for p in check_stack("dev", stack, schema)}
    assert ("dev import[0]", "to") not in problems and ("dev import[0]", "id") not in problems
    assert "not a resource of this stack" in problems[("dev import[1]", "to")]
    assert "not an integer" in problems[("dev import[2]", "id")]
    assert "imported twice" in problems[("dev import[2]", "to")]
    assert "unknown argument" in problems[("dev import[3]", "bogus")]


def _saved(directory: Path, **files: object) -> Path:
    directory.mkdir()
    for name, content in files.items():
        (directory / f"{name.replace('_', '-')}.json").write_text(json.dumps(content))
    return directory


def test_adopt_command_writes_what_exists_and_is_declared(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    (catalog,) = load_project(root, ["prod"]).catalogs
    folder, dashboard, source = catalog.folders[0], catalog.dashboards[0], catalog.datasources[0]
    group, point = catalog.rule_groups[0], catalog.notifications.contact_points[0]
    saved = _saved(tmp_path / "saved",
                   search=[{"type": "dash-folder", "uid": folder.uid, "title": folder.title},
                           {"type": "dash-db", "uid": dashboard.uid, "title": dashboard.title,
                            "folderUid": dashboard.folder_uid},
                           {"type": "dash-db", "uid": "theirs-only", "title": "Not ours", "folderUid": folder.uid}],
                   datasources=[{"uid": source.uid, "name": source.name}, {"uid": "graphite", "name": "Graphite"}],
                   alert_rules=[{"uid": "r1", "folderUID": group.folder_uid, "ruleGroup": group.name, "title": "t"}],
                   contact_points=[{"uid": "a", "name": point.name}, {"uid": "b", "name": point.name}],
                   policies={"receiver": "grafana-default-email"},
                   library_elements={"result": {"elements": [{"uid": "lp-1", "name": "Panel"}]}})
    result = run_cli(root, "adopt", "--env", "prod", "--from", str(saved))
    assert result.returncode == 0, result.stderr
    assert "left alone (in Grafana, not in the code) 1 library panel uid(s): lp-1" in result.stdout
    assert "not looked at (no saved answer): templates.json, mute-timings.json" in result.stdout
    written = (root / "adopt" / "prod.yaml").read_text()
    assert written.startswith("# Objects that already exist in the prod Grafana")
    stack_result = run_cli(root, "synth", "--env", "prod")
    assert stack_result.returncode == 0, stack_result.stderr
    stack = json.loads((root / "cdktf.out" / "stacks" / "prod" / "cdk.tf.json").read_text())
    ids = sorted(block["id"] for block in stack["import"])
    assert ids == sorted([folder.uid, dashboard.uid, source.uid, f"{group.folder_uid}:{group.name}", point.name,
                          "policy"])
    # the same answers give the same file
    again = run_cli(root, "adopt", "--env", "prod", "--from", str(saved))
    assert again.returncode == 0 and (root / "adopt" / "prod.yaml").read_text() == written


def test_adopt_command_reports_objects_that_would_still_collide(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    (catalog,) = load_project(root, ["prod"]).catalogs
    dashboard, source = catalog.dashboards[0], catalog.datasources[0]
    saved = _saved(tmp_path / "saved",
                   search=[{"type": "dash-db", "uid": "other-uid", "title": dashboard.title,
                            "folderUid": dashboard.folder_uid}],
                   datasources=[{"uid": "other-ds", "name": source.name}])
    result = run_cli(root, "adopt", "--env", "prod", "--from", str(saved))
    assert result.returncode == 1
    assert f"dashboard {dashboard.title!r} in folder {dashboard.folder_uid!r} exists in Grafana as uid " \
           f"'other-uid'" in result.stderr
    assert f"data source {source.name!r} exists in Grafana as uid 'other-ds'" in result.stderr
    assert not (root / "adopt" / "prod.yaml").exists()


def test_plan_report_shows_imports_as_their_own_kind_of_change() -> None:
    plan = load_plan(Path(__file__).parent / "plans" / "fixtures" / "tf-import.json", "dev")
    assert {c.address: c.importing for c in plan.changes} == {
        "terraform_data.adopted_and_changed": "existing-2", "terraform_data.adopted_as_is": "existing-1",
        "terraform_data.created": None}
    report = plan_report.render([plan])
    assert "| 1 | 1 | 0 | 0 | 0 |" in report  # created, adopted-and-changed; the as-is import is no "unchanged"
    assert ("📥 **2 to import** from Grafana (adopted, not created): `terraform_data.adopted_and_changed`, "
            "`terraform_data.adopted_as_is`; 1 of them then changes to match the code") in report
    assert "<code>terraform_data.adopted_as_is</code> · import</summary>" in report
    assert "<code>terraform_data.adopted_and_changed</code> · import + update" in report


def test_adopting_a_rule_group_below_11_6_warns_about_rule_uids() -> None:
    from grafana_as_code.adopt.adopt_file import parse_adoption
    from grafana_as_code.errors import collecting_warnings
    declared = {"grafana_rule_group": {("f", "g")}}
    data = {"rule_groups": [{"folder": "f", "group": "g"}]}
    with collecting_warnings() as warnings:
        parse_adoption(data, "adopt/dev.yaml", declared, "dev", None, (11, 5))
    assert [(w.field, "11.5.2" in w.message) for w in warnings] == [("rule_groups[0]", True)]
    with collecting_warnings() as warnings:
        adoption = parse_adoption(data, "adopt/dev.yaml", declared, "dev", 2, (12, 1))
    assert warnings == [] and adoption.entries[0].import_id == "2:f:g"
