"""The generated provider bindings: up to date with the schema, strict about names, safe for Terraform templates."""
from __future__ import annotations

from pathlib import Path

import pytest

from grafana_as_code.bindings.generate import DATA_SOURCES, RESOURCES, data_class_name, render_bindings
from grafana_as_code.bindings.runtime import GrafanaDataSource, GrafanaResource
from grafana_as_code.bindings.runtime import Block, escape_template, to_terraform
from grafana_as_code.validate.schema import load_schema
from imports.grafana.notification_policy import NotificationPolicyPolicy, NotificationPolicyPolicyMatcher
from imports.grafana.rule_group import RuleGroupRule, RuleGroupRuleData

from project_copy import COMMITTED_SCHEMA, REPO


def test_committed_bindings_match_the_committed_provider_schema() -> None:
    # The committed schema, not $GRAFANA_PROVIDER_SCHEMA: the bindings are generated from the file in imports/,
    # and `make provider-schema` refreshes both together.
    generated = render_bindings(load_schema(COMMITTED_SCHEMA))
    committed = {p.name: p.read_text() for p in (REPO / "imports" / "grafana").glob("*.py")}
    assert sorted(generated) == sorted(committed)
    stale = [name for name in generated if generated[name] != committed[name]]
    assert stale == [], f"run `python -m grafana_as_code bindings`: {stale}"


def test_every_declared_resource_has_a_binding() -> None:
    import imports.grafana as grafana

    for tf_type in RESOURCES:
        classes = [c for c in vars(grafana).values() if getattr(c, "TF_TYPE", None) == tf_type
                   and issubclass(c, GrafanaResource) and not issubclass(c, GrafanaDataSource)]
        assert len(classes) == 1, tf_type
    for tf_type in DATA_SOURCES:
        classes = [c for c in vars(grafana).values() if getattr(c, "TF_TYPE", None) == tf_type
                   and issubclass(c, GrafanaDataSource)]
        assert [c.__name__ for c in classes] == [data_class_name(tf_type)], tf_type


def test_python_keywords_map_back_to_terraform_names() -> None:
    data = RuleGroupRuleData(ref_id="A", datasource_uid="prometheus", model="{}",
                             relative_time_range={"from": 600, "to": 0})
    rule = RuleGroupRule(name="HighErrorRate", data=[data], for_="5m", condition="C")
    out = to_terraform(rule)
    assert out["for"] == "5m" and "for_" not in out
    assert out["data"][0]["relative_time_range"] == {"from": 600, "to": 0}


def test_unknown_block_keys_are_refused() -> None:
    with pytest.raises(TypeError, match="unknown field"):
        NotificationPolicyPolicy(matcher=[{"label": "severity", "match": "=", "valeu": "critical"}])


def test_nested_blocks_become_immutable_block_objects_equal_by_value() -> None:
    policy = NotificationPolicyPolicy(matcher=[{"label": "severity", "match": "=", "value": "critical"}],
                                      continue_=True)
    assert isinstance(policy.matcher[0], NotificationPolicyPolicyMatcher) and isinstance(policy, Block)
    assert to_terraform(policy) == {"continue": True,
                                    "matcher": [{"label": "severity", "match": "=", "value": "critical"}]}
    with pytest.raises(AttributeError, match="immutable"):
        policy.continue_ = False
    same = NotificationPolicyPolicy(matcher=[NotificationPolicyPolicyMatcher(label="severity", match="=",
                                                                            value="critical")], continue_=True)
    assert same == policy and same != NotificationPolicyPolicy(matcher=same.matcher)
    assert repr(policy.matcher[0]) == "NotificationPolicyPolicyMatcher(label='severity', match='=', value='critical')"
    with pytest.raises(TypeError):
        NotificationPolicyPolicyMatcher(label="severity", match="=")  # value is required


@pytest.mark.parametrize(("literal", "written"), [
    ("${__value.raw}", "$${__value.raw}"),
    ("rate(x{job=~\"${job:regex}\"}[5m])", "rate(x{job=~\"$${job:regex}\"}[5m])"),
    ("%{ if x }", "%%{ if x }"),
    ("${TfToken[TOKEN.12]}", "${TfToken[TOKEN.12]}"),  # the engine's own references are left alone
    ("$job and {{ $labels.job }}", "$job and {{ $labels.job }}"),
])
def test_literal_template_syntax_is_escaped(literal: str, written: str) -> None:
    assert escape_template(literal) == written


def test_resources_get_readable_addresses_even_when_names_collide(tmp_path: Path) -> None:
    import json

    from grafana_as_code.bindings.runtime import Component, synthesize
    from grafana_as_code.cdk import App, TerraformStack
    from imports.grafana import Dashboard, Folder, GrafanaProvider

    app = App(outdir=str(tmp_path))
    stack = TerraformStack(app, "dev")
    GrafanaProvider(stack, "grafana", url="https://grafana.example.com")
    folders, dashboards = Component(stack, "folders"), Component(stack, "dashboards")
    # Placed in the stack under its name: no engine call to override a hashed one.
    Folder(folders, "ops", logical_id="ops", title="Ops", uid="ops")
    # Names taken by a sibling of another type, by a component or by the engine's backend: created where asked
    # and overridden; the Terraform address is the same either way.
    Dashboard(dashboards, "ops", logical_id="ops", config_json="{}")
    Folder(folders, "dashboards", logical_id="dashboards", title="D", uid="dashboards")
    Folder(folders, "backend", logical_id="backend", title="B", uid="backend")
    synthesize(app)
    resources = json.loads((tmp_path / "stacks" / "dev" / "cdk.tf.json").read_text())["resource"]
    assert sorted(resources["grafana_folder"]) == ["backend", "dashboards", "ops"]
    assert list(resources["grafana_dashboard"]) == ["ops"]
    paths = {r["//"]["metadata"]["path"] for t in resources.values() for r in t.values()}
    assert paths == {"dev/ops", "dev/dashboards/ops", "dev/folders/dashboards", "dev/folders/backend"}


def test_two_objects_at_one_terraform_address_are_a_user_error(tmp_path: Path) -> None:
    """Grafana uids may start with a digit, Terraform names may not: "1abc" and "_1abc" both become "_1abc"."""
    from grafana_as_code.bindings.runtime import Component
    from grafana_as_code.cdk import App, TerraformStack
    from grafana_as_code.errors import UserError
    from grafana_as_code.uids import terraform_name
    from imports.grafana import Dashboard

    dashboards = Component(TerraformStack(App(outdir=str(tmp_path)), "dev"), "dashboards")
    Dashboard(dashboards, "1abc", logical_id=terraform_name("1abc"), config_json="{}")
    with pytest.raises(UserError) as raised:
        Dashboard(dashboards, "_1abc", logical_id=terraform_name("_1abc"), config_json="{}")
    assert str(raised.value) == ("stack dev: grafana_dashboard._1abc: two objects have this Terraform address (their "
                                 "uids or names differ only in characters a Terraform name cannot hold: '_1abc' and "
                                 "'1abc'); rename one")


def test_meta_arguments_are_written_as_terraform_reads_them(tmp_path: Path) -> None:
    """depends_on names addresses and provider the default grafana configuration: these blocks are written after
    the engine has run, so nothing in them may be an engine token."""
    from grafana_as_code.bindings.runtime import Component, synth_stack
    from grafana_as_code.cdk import App, TerraformStack, TerraformVariable
    from imports.grafana import DataGrafanaTeam, Folder, GrafanaProvider

    stack = TerraformStack(App(outdir=str(tmp_path)), "dev")
    provider = GrafanaProvider(stack, "grafana", url="https://grafana.example.com")
    folders = Component(stack, "folders")
    team = DataGrafanaTeam(folders, "ops", logical_id="ops", name="Ops")
    parent = Folder(folders, "parent", logical_id="parent", title="Parent")
    Folder(folders, "child", logical_id="child", title="Child", parent_folder_uid=parent.uid, provider=provider,
           depends_on=[parent, team], lifecycle={"preventDestroy": True})
    child = synth_stack(stack)["resource"]["grafana_folder"]["child"]
    assert child == {"title": "Child", "parent_folder_uid": "${grafana_folder.parent.uid}", "provider": "grafana",
                     "depends_on": ["grafana_folder.parent", "data.grafana_team.ops"],
                     "lifecycle": {"prevent_destroy": True}}
    variable = TerraformVariable(stack, "v", type="string")
    with pytest.raises(TypeError, match="depends_on takes resources of the bindings"):
        Folder(folders, "x", logical_id="x", title="X", depends_on=[variable])
    with pytest.raises(TypeError, match="provider takes the grafana provider"):
        Folder(folders, "y", logical_id="y", title="Y", provider=variable)
    Folder(folders, "x", logical_id="x", title="X")  # a refused declaration left nothing behind at its address
    assert "x" in synth_stack(stack)["resource"]["grafana_folder"]
