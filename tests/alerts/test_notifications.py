"""Contact points, message templates, mute timings and the policy tree: bad input and what is synthesized.

Machinery tests, on copies of the fixture project (tests/fixtures/project-minimal).
"""
from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

import imports.grafana.contact_point as bindings
from grafana_as_code.alerting.contact_points import COMMON, INTEGRATIONS
from grafana_as_code.alerting.names import yaml_files
from grafana_as_code.errors import UserError
from grafana_as_code.project import load_project
from project_copy import FIXTURE_PROJECT, SECRET_VALUES, copy_fixture_project, edit, run_cli, stack_files


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_fixture_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def message(root: Path, only: list[str] | None = None) -> str:
    with pytest.raises(UserError) as caught:
        load_project(root, only)
    return str(caught.value)


def write(root: Path, relative: str, text: str) -> None:
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    (root / relative).write_text(text)


# --- bad input: one message naming file and field ---------------------------------------------------------------

def test_route_to_an_unknown_contact_point(tree: Path) -> None:
    edit(tree / "alerts/policies/severity.yaml", "contact_point: oncall", "contact_point: on-call")
    assert message(tree, ["prod"]) == ("alerts/policies/severity.yaml: routes[0].contact_point: unknown contact point "
                                       "'on-call' in environment 'prod' (known: oncall, ops-email, payments, "
                                       "team-slack)")


def test_unknown_mute_timing(tree: Path) -> None:
    edit(tree / "alerts/policies/team-payments.yaml", "[night]", "[nights]")
    assert message(tree, ["dev"]) == ("alerts/policies/team-payments.yaml: routes[0].mute_timings[0]: unknown mute "
                                      "timing 'nights' in environment 'dev' (known: night)")


def test_two_fragments_claiming_the_same_matcher_set(tree: Path) -> None:
    write(tree, "alerts/policies/team-backend.yaml", "routes:\n  - match: {severity: warning}\n"
                                                     "    contact_point: oncall\n")
    assert message(tree, ["dev"]) == (
        "alerts/policies/team-backend.yaml: routes[0]: the matcher set {severity=\"warning\"} is already claimed by "
        "alerts/policies/severity.yaml: routes[1]; merge the two routes or make one more specific")


def test_overlapping_routes_of_equal_rank_are_refused(tree: Path) -> None:
    write(tree, "alerts/policies/team-backend.yaml", "routes:\n  - match: {severity: warning, team: backend}\n")
    load_project(tree, ["dev"])  # disjoint from team platform's route: the same label with another value
    write(tree, "alerts/policies/system-ava.yaml", "routes:\n  - match: {severity: warning, system: ava}\n")
    assert message(tree, ["dev"]).startswith(
        "alerts/policies/team-backend.yaml: routes[0]: {severity=\"warning\", team=\"backend\"} can match the same "
        "alerts as alerts/policies/system-ava.yaml: routes[0]")


@pytest.mark.parametrize("value", ["5 minutes", "5", "-1m", "1h-30m"])
def test_malformed_duration(tree: Path, value: str) -> None:
    edit(tree / "alerts/policies/_root.yaml", "group_wait: 30s", f"group_wait: '{value}'")
    assert message(tree, ["dev"]) == (f"alerts/policies/_root.yaml: group_wait: expected a duration such as 30s, 5m "
                                      f"or 4h, got {value!r}")


def test_zero_repeat_interval(tree: Path) -> None:
    edit(tree / "alerts/policies/severity.yaml", "repeat_interval: 1h", "repeat_interval: 0s")
    assert message(tree, ["dev"]) == "alerts/policies/severity.yaml: routes[0].repeat_interval: must be longer than 0s"


def test_unknown_integration_type(tree: Path) -> None:
    edit(tree / "alerts/contact-points/team-slack.yaml", "type: slack", "type: slak")
    text = message(tree, ["dev"])
    assert text.startswith("alerts/contact-points/team-slack.yaml: integrations[0].type: unknown integration type "
                           "'slak'; the provider's are: ")
    assert text.split("the provider's are: ")[1].split(", ") == sorted(INTEGRATIONS)


def test_unknown_integration_field(tree: Path) -> None:
    edit(tree / "alerts/contact-points/team-slack.yaml", "recipient:", "recipent:")
    assert message(tree, ["dev"]) == ("alerts/contact-points/team-slack.yaml: integrations[0].recipent: unknown field; "
                                      "did you mean 'recipient'?")


def test_missing_required_integration_field(tree: Path) -> None:
    edit(tree / "alerts/contact-points/oncall.yaml", "    integration_key: {secret: pagerduty_integration_key}\n", "")
    assert message(tree, ["prod"]) == ("alerts/contact-points/oncall.yaml: integrations[0].integration_key: is required "
                                       "for a pagerduty integration")


def test_slack_needs_a_token_or_a_url(tree: Path) -> None:
    edit(tree / "alerts/contact-points/team-slack.yaml", "    token: {secret: slack_bot_token}\n", "")
    assert message(tree, ["dev"]).startswith("alerts/contact-points/team-slack.yaml: integrations[0].token: a slack "
                                             "integration needs either a bot token")


def test_contact_point_secret_with_a_bad_name(tree: Path) -> None:
    edit(tree / "alerts/contact-points/oncall.yaml", "{secret: pagerduty_integration_key}", "{secret: PagerDuty-Key}")
    assert message(tree, ["prod"]) == ("alerts/contact-points/oncall.yaml: integrations[0].integration_key.secret: "
                                       "secret names are lower_snake_case Terraform variable names, got 'PagerDuty-Key'")


def test_a_sensitive_value_written_in_a_file_is_refused(tree: Path) -> None:
    edit(tree / "alerts/contact-points/oncall.yaml", "{secret: pagerduty_integration_key}", "abc123")
    assert message(tree, ["prod"]) == ("alerts/contact-points/oncall.yaml: integrations[0].integration_key: is "
                                       "sensitive: name a secret ({secret: <variable name>}), never write the value")


def test_too_deep_nesting(tree: Path) -> None:
    deep = "routes:\n" + "".join(f"{'  ' * 2 * level}  - match: {{level{level}: x}}\n"
                                 f"{'  ' * 2 * level}    routes:\n" for level in range(5))
    deep += f"{'  ' * 10}  - match: {{level5: x}}\n"
    write(tree, "alerts/policies/deep.yaml", deep)
    assert message(tree, ["dev"]) == ("alerts/policies/deep.yaml: routes[0].routes[0].routes[0].routes[0].routes[0]"
                                      ".routes[0]: nested too deep: the provider allows 5 levels of routes below the root")


def test_duplicate_contact_point_names(tree: Path) -> None:
    write(tree, "alerts/contact-points/pager.yaml", "name: oncall\nintegrations:\n  - type: email\n"
                                                    "    addresses: [a@example.com]\n")
    assert message(tree, ["dev"]) == ("alerts/contact-points/pager.yaml: name: contact point 'oncall' is already "
                                      "defined in alerts/contact-points/oncall.yaml")


def test_unknown_message_template(tree: Path) -> None:
    edit(tree / "alerts/contact-points/team-slack.yaml", "{template: slack.text}", "{template: slack.body}")
    assert message(tree, ["dev"]).startswith("alerts/contact-points/team-slack.yaml: integrations[0].text.template: "
                                             "unknown message template 'slack.body'")


def test_go_template_syntax_in_a_contact_point_file_gets_a_hint(tree: Path) -> None:
    edit(tree / "alerts/contact-points/team-slack.yaml", "{template: slack.text}", "'{{ template \"slack.text\" . }}'")
    assert message(tree, ["dev"]).startswith("alerts/contact-points/team-slack.yaml: line 7: Grafana template syntax")


def test_unbalanced_message_template(tree: Path) -> None:
    edit(tree / "alerts/templates/slack.tmpl", "{{- end }}", "")
    assert message(tree, ["dev"]) == ("alerts/templates/slack.tmpl: 1 define/if/range/with block(s) not closed "
                                      "with {{ end }}")


def test_bad_mute_timing_time(tree: Path) -> None:
    edit(tree / "alerts/mute-timings/night.yaml", 'start: "22:00"', 'start: "10pm"')
    assert message(tree, ["dev"]) == ("alerts/mute-timings/night.yaml: intervals[0].times[0].start: "
                                      "expected a time of day as hh:mm (00:00 to 24:00), got '10pm'")


def test_missing_root_file(tree: Path) -> None:
    (tree / "alerts/policies/_root.yaml").unlink()
    assert message(tree, ["dev"]).startswith("alerts/policies/_root.yaml: is required")


def test_bad_input_writes_nothing(tree: Path) -> None:
    edit(tree / "alerts/policies/severity.yaml", "contact_point: oncall", "contact_point: nobody")
    result = run_cli(tree, "synth", "--env", "dev")
    assert result.returncode == 1
    assert "error: alerts/policies/severity.yaml: routes[0].contact_point: unknown contact point 'nobody'" \
        in result.stderr
    assert not (tree / "cdktf.out").exists()


# --- the model ------------------------------------------------------------------------------------------------

def test_sibling_order_of_equal_rank_does_not_depend_on_file_names(tree: Path) -> None:
    """team-payments/team-platform (stopping, two matchers each) and audit/daily-summary (continue, one matcher
    each) are siblings of equal rank in different files; renaming swaps their order on input, not in the tree."""
    policies = tree / "alerts/policies"
    before = load_project(tree, ["prod"]).catalogs[0].notifications.policy
    files_before = [p.name for p in yaml_files(policies)]
    (policies / "team-payments.yaml").rename(policies / "zz-team-payments.yaml")
    (policies / "audit.yaml").rename(policies / "zz-audit.yaml")
    files_after = [p.name for p in yaml_files(policies)]
    # the renames really swap the input order of both equal-rank pairs
    assert files_before.index("audit.yaml") < files_before.index("daily-summary.yaml")
    assert files_after.index("zz-audit.yaml") > files_after.index("daily-summary.yaml")
    assert files_before.index("team-payments.yaml") < files_before.index("team-platform.yaml")
    assert files_after.index("zz-team-payments.yaml") > files_after.index("team-platform.yaml")
    after = load_project(tree, ["prod"]).catalogs[0].notifications.policy
    order = [r.matcher_set for r, _ in after.walk()]
    assert [r.matcher_set for r, _ in before.walk()] == order
    # the order is defined by rule: continue first, more matchers first, then matcher text
    assert order == ['severity=~"critical|warning|info"', 'team="payments"', 'severity="warning", team="payments"',
                     'severity="warning", team="platform"', 'severity="critical"', 'severity="info"',
                     'severity="warning"']


def test_names_for_rule_translation() -> None:
    catalog = load_project(FIXTURE_PROJECT, ["prod"]).catalogs[0]
    assert catalog.notifications.contact_point_names == {"oncall", "ops-email", "payments", "team-slack"}
    assert catalog.notifications.mute_timing_names == {"night"}


@pytest.mark.parametrize("kind", sorted(INTEGRATIONS))
def test_integration_fields_match_the_provider_bindings(kind: str) -> None:
    block = getattr(bindings, f"ContactPoint{kind.capitalize()}")
    terraform_names = dict(block._FIELDS)  # Python name -> Terraform name
    parameters = inspect.signature(block.__init__).parameters
    fields = {terraform_names[name]: parameter for name, parameter in parameters.items() if name in terraform_names}
    specs = {**INTEGRATIONS[kind], **COMMON}
    assert set(specs) <= set(fields), f"not in the provider's {kind} block: {set(specs) - set(fields)}"
    required = {name for name, parameter in fields.items() if parameter.default is inspect.Parameter.empty}
    assert required == {name for name, spec in specs.items() if spec.required}


# --- synthesized stacks ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stacks(fixture_synth: Path) -> dict[str, dict]:
    files = stack_files(fixture_synth)
    assert not any(value.encode() in content for value in SECRET_VALUES.values() for content in files.values())
    return {name: json.loads((fixture_synth / "stacks" / name / "cdk.tf.json").read_text()) for name in ("dev", "prod")}


def test_one_policy_per_stack_referencing_resources(stacks: dict[str, dict]) -> None:
    for stack in stacks.values():
        policies = stack["resource"]["grafana_notification_policy"]
        assert list(policies) == ["policy"]
        tree = json.dumps(policies["policy"])
        assert '"contact_point": "${grafana_contact_point.team-slack.name}"' in tree
        assert '"${grafana_mute_timing.night.name}"' in tree
        assert '"contact_point": "oncall"' not in tree


def test_contact_points_per_environment(stacks: dict[str, dict]) -> None:
    prod = stacks["prod"]["resource"]["grafana_contact_point"]
    dev = stacks["dev"]["resource"]["grafana_contact_point"]
    assert sorted(prod) == sorted(dev) == ["oncall", "ops-email", "payments", "team-slack"]
    assert prod["oncall"]["pagerduty"][0]["integration_key"] == "${var.pagerduty_integration_key}"
    assert prod["ops-email"]["email"][0]["addresses"] == ["ops@shop.test"]
    assert set(dev["oncall"]) & {"pagerduty", "webhook", "email"} == set()
    assert set(dev["ops-email"]) & {"email"} == set() and dev["ops-email"]["slack"][0]["recipient"] == "#shop-dev"
    for point in [*prod.values(), *dev.values()]:
        assert "lifecycle" not in point  # delete is by name: see grafana_as_code/lifecycles.py
        assert "disable_provenance" not in point  # provenance kept: UI edits locked (alerts/README.md)
    assert prod["team-slack"]["slack"][0]["text"] == '{{ template "slack.text" . }}'
    assert "grafana_message_template.slack" in prod["team-slack"]["depends_on"]


def test_notification_secrets_are_sensitive_variables_per_environment(stacks: dict[str, dict]) -> None:
    prod, dev = stacks["prod"]["variable"], stacks["dev"]["variable"]
    for name in ("slack_bot_token", "pagerduty_integration_key"):
        assert prod[name]["sensitive"] is True
    assert "slack_bot_token" in dev and "pagerduty_integration_key" not in dev


def test_innermost_level_gets_group_by(tree: Path) -> None:
    """The provider requires group_by at the 5th level: it is filled in from the parents, and the stack validates."""
    deep = "routes:\n" + "".join(f"{'  ' * 2 * level}  - match: {{level{level}: x}}\n"
                                 f"{'  ' * 2 * level}    routes:\n" for level in range(4))
    deep += f"{'  ' * 8}  - match: {{level4: x}}\n"
    write(tree, "alerts/policies/deep.yaml", deep.replace("{level0: x}", "{level0: x, severity: deep}"))
    result = run_cli(tree, "synth", "--env", "dev")
    assert result.returncode == 0, result.stderr
    policy = json.loads((tree / "cdktf.out/stacks/dev/cdk.tf.json").read_text())["resource"][
        "grafana_notification_policy"]["policy"]
    deep_route = next(p for p in policy["policy"] if p["matcher"][0]["label"] == "level0")
    for _ in range(4):
        assert "group_by" not in deep_route
        deep_route = deep_route["policy"][0]
    assert deep_route["group_by"] == ["alertname", "system"]
