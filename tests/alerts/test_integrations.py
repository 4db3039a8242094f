"""Every integration type of the provider, from the committed provider schema: a team's own contacts (Microsoft
Teams, Opsgenie with responders, a signed webhook, Telegram...) load, synthesize as the provider's blocks, keep their
secrets as sensitive variables, and are refused with file and field when written wrong.

Machinery tests, on copies of the fixture project (tests/fixtures/project-minimal).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from grafana_as_code.alerting.contact_points import INTEGRATIONS, LEFT_OUT, _Integrations, integrations_of
from grafana_as_code.errors import UserError
from grafana_as_code.project import load_project
from grafana_as_code.validate.schema import load_schema
from project_copy import COMMITTED_SCHEMA, copy_fixture_project, run_cli

TEAM_CONTACTS = """\
# A team's own contacts, with the provider's field names.
integrations:
  - type: teams
    url: {secret: teams_webhook_url}
    title: {template: slack.title}
  - type: opsgenie
    api_key: {secret: opsgenie_api_key}
    auto_close: true
    responders:
      - {type: team, name: platform}
      - {type: user, username: oncall@example.com}
  - type: webhook
    url: https://hooks.example.com/alerts
    max_alerts: 20
    hmac_config:
      secret: {secret: webhook_hmac_secret}
      header: X-Signature
  - type: telegram
    token: {secret: telegram_bot_token}
    chat_id: "-100123"
    disable_notifications: true
"""
SECRETS = {"TF_VAR_teams_webhook_url": "https://outlook.example.com/SUPERSECRETTEAMS",
           "TF_VAR_opsgenie_api_key": "SUPERSECRETGENIE", "TF_VAR_webhook_hmac_secret": "SUPERSECRETHMAC",
           "TF_VAR_telegram_bot_token": "123:SUPERSECRETTELEGRAM"}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_fixture_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def contacts(root: Path, text: str) -> None:
    (root / "alerts" / "contact-points" / "team-contacts.yaml").write_text(text)


def message(root: Path) -> str:
    with pytest.raises(UserError) as caught:
        load_project(root, ["dev"])
    return str(caught.value)


KINDS = {'"string"': "string", '"bool"': "bool", '"number"': "number", '["list", "string"]': "list",
         '["set", "string"]': "list", '["map", "string"]': "map"}


def expected_specs(block: dict) -> dict:
    """What a block of the raw schema JSON must give: settable attributes but the left-out ones and sensitive maps,
    with their kind and flags, and nested blocks with their own fields."""
    found = {}
    for name, attribute in block.get("attributes", {}).items():
        kind = KINDS.get(json.dumps(attribute["type"]))
        settable = attribute.get("required") or attribute.get("optional")
        if name in LEFT_OUT or kind is None or not settable or (kind == "map" and attribute.get("sensitive")):
            continue
        found[name] = (kind, bool(attribute.get("required")), bool(attribute.get("sensitive")))
    for name, nested in block.get("block_types", {}).items():
        found[name] = ("blocks", nested.get("min_items", 0) > 0, nested.get("max_items") == 1,
                       expected_specs(nested["block"]))
    return found


def actual_specs(specs) -> dict:
    return {name: (spec.kind, spec.required, spec.single, actual_specs(spec.fields)) if spec.kind == "blocks"
            else (spec.kind, spec.required, spec.sensitive) for name, spec in specs.items()}


def test_every_integration_block_of_the_provider_is_supported_with_its_fields() -> None:
    raw = json.loads(COMMITTED_SCHEMA.read_text())
    blocks = raw["provider_schemas"]["registry.terraform.io/grafana/grafana"]["resource_schemas"][
        "grafana_contact_point"]["block"]["block_types"]
    derived = integrations_of(load_schema(COMMITTED_SCHEMA))
    assert sorted(derived) == sorted(blocks)
    for kind, nested in blocks.items():
        assert actual_specs(derived[kind]) == expected_specs(nested["block"]), kind
    # what synthesis reads: the same, from the committed schema, loaded when first asked
    fresh = _Integrations()
    assert {kind: actual_specs(fresh[kind]) for kind in fresh} == {k: actual_specs(v) for k, v in derived.items()}
    assert len(fresh) == len(blocks) and INTEGRATIONS["opsgenie"]["responders"].fields["type"].required


def test_a_future_schema_is_read_the_same_way() -> None:
    """What the committed schema does not have yet: a required nested block, a computed-only attribute, an attribute
    of a type files cannot write."""
    from grafana_as_code.validate.schema import parse_schema

    block = {"attributes": {"url": {"type": "string", "required": True},
                            "id": {"type": "string", "computed": True},
                            "shape": {"type": ["object", {"a": "string"}], "optional": True},
                            "tags": {"type": ["set", "string"], "optional": True}},
             "block_types": {"target": {"nesting_mode": "list", "min_items": 1,
                                        "block": {"attributes": {"name": {"type": "string", "required": True}}}}}}
    document = {"format_version": "1.0", "provider_schemas": {"registry.terraform.io/grafana/grafana": {
        "provider": {"version": 0, "block": {}},
        "resource_schemas": {"grafana_contact_point": {"version": 0, "block": {
            "attributes": {"name": {"type": "string", "required": True}},
            "block_types": {"pager": {"nesting_mode": "set", "block": block}}}}}}}}
    derived = integrations_of(parse_schema(document, "future.json"))
    assert actual_specs(derived["pager"]) == expected_specs(block) == {
        "url": ("string", True, False), "tags": ("list", False, False),
        "target": ("blocks", True, False, {"name": ("string", True, False)})}


def test_a_teams_own_contacts_synthesize_as_the_providers_blocks(tree: Path) -> None:
    contacts(tree, TEAM_CONTACTS)
    result = run_cli(tree, "synth", "--env", "dev", env=SECRETS)
    assert result.returncode == 0, result.stderr
    text = (tree / "cdktf.out" / "stacks" / "dev" / "cdk.tf.json").read_text()
    assert not [value for value in SECRETS.values() if value in text]
    stack = json.loads(text)
    point = stack["resource"]["grafana_contact_point"]["team-contacts"]
    assert point["teams"] == [{"title": '{{ template "slack.title" . }}', "url": "${var.teams_webhook_url}"}]
    assert point["opsgenie"] == [{"api_key": "${var.opsgenie_api_key}", "auto_close": True,
                                  "responders": [{"name": "platform", "type": "team"},
                                                 {"type": "user", "username": "oncall@example.com"}]}]
    assert point["webhook"] == [{"hmac_config": [{"header": "X-Signature", "secret": "${var.webhook_hmac_secret}"}],
                                 "max_alerts": 20, "url": "https://hooks.example.com/alerts"}]
    assert point["telegram"] == [{"chat_id": "-100123", "disable_notifications": True,
                                  "token": "${var.telegram_bot_token}"}]
    variables = stack["variable"]
    for name in ("teams_webhook_url", "opsgenie_api_key", "webhook_hmac_secret", "telegram_bot_token"):
        assert variables[name]["sensitive"] is True, name
    # the message template it names is created first
    assert point["depends_on"] == ["grafana_message_template.slack"]


def test_check_secrets_names_the_secrets_of_nested_blocks(tree: Path) -> None:
    contacts(tree, TEAM_CONTACTS)
    result = run_cli(tree, "check-secrets", "--env", "dev", env={"TF_VAR_grafana_auth": "x",
                                                                  "TF_VAR_slack_bot_token": "s"})
    assert result.returncode == 1
    for name in ("teams_webhook_url", "opsgenie_api_key", "webhook_hmac_secret", "telegram_bot_token"):
        assert f"secret '{name}' is not set" in result.stderr, name


@pytest.mark.parametrize("old, new, expected", [
    ("      secret: {secret: webhook_hmac_secret}\n", "      secret: my-signing-key\n",
     "integrations[2].hmac_config.secret: is sensitive: name a secret ({secret: <variable name>}), never write the "
     "value"),
    ("      - {type: team, name: platform}\n", "      - {name: platform}\n",
     "integrations[1].responders[0].type: is required for a responders block of the opsgenie integration"),
    ("      header: X-Signature\n", "      headr: X-Signature\n",
     "integrations[2].hmac_config.headr: unknown field; did you mean 'header'?"),
    ("    hmac_config:\n      secret: {secret: webhook_hmac_secret}\n      header: X-Signature\n",
     "    hmac_config: [{secret: {secret: webhook_hmac_secret}}, {secret: {secret: webhook_hmac_secret}}]\n",
     "integrations[2].hmac_config: expected a mapping, got a list"),
    ("    responders:\n      - {type: team, name: platform}\n      - {type: user, username: oncall@example.com}\n",
     "    responders: platform\n",
     "integrations[1].responders: expected a mapping or a list of mappings, got a string"),
    ("    chat_id: \"-100123\"\n", "",
     "integrations[3].chat_id: is required for a telegram integration"),
    ("    max_alerts: 20\n", "    max_alerts: twenty\n",
     "integrations[2].max_alerts: expected a number, got a string"),
])
def test_wrong_fields_are_refused_with_file_and_field(tree: Path, old: str, new: str, expected: str) -> None:
    assert old in TEAM_CONTACTS
    contacts(tree, TEAM_CONTACTS.replace(old, new))
    assert message(tree) == f"alerts/contact-points/team-contacts.yaml: {expected}"


def test_a_secret_written_in_a_nested_block_stops_synthesis_at_the_door(tree: Path) -> None:
    contacts(tree, TEAM_CONTACTS.replace("      secret: {secret: webhook_hmac_secret}\n",
                                         "      secret: my-signing-key\n"))
    result = run_cli(tree, "synth", env=SECRETS)
    assert result.returncode == 1
    assert ("error: alerts/contact-points/team-contacts.yaml: integrations[2].hmac_config.secret: is sensitive"
            in result.stderr)
    assert "my-signing-key" not in result.stderr + result.stdout
    assert not (tree / "cdktf.out").exists()


def test_routing_tests_see_the_new_kinds(tree: Path) -> None:
    """The amtool view of the stack (alertmanager.py) lists every integration block as a kind of receiver."""
    from grafana_as_code.alerting.alertmanager import contact_point_kinds

    contacts(tree, TEAM_CONTACTS)
    assert run_cli(tree, "synth", "--env", "dev", env=SECRETS).returncode == 0
    stack = json.loads((tree / "cdktf.out" / "stacks" / "dev" / "cdk.tf.json").read_text())
    assert contact_point_kinds(stack)["team-contacts"] == {"teams", "opsgenie", "webhook", "telegram"}


def test_the_readme_example_loads_as_written(tree: Path) -> None:
    """alerts/README.md, "Every integration type of the provider": its example is a contact point that loads."""
    import re

    from project_copy import REPO

    blocks = re.findall(r"```yaml\n(.*?)```", (REPO / "alerts" / "README.md").read_text(), flags=re.S)
    example = [b for b in blocks if b.startswith("# alerts/contact-points/platform-team.yaml\n")]
    assert len(example) == 1, "alerts/README.md has no single platform-team.yaml example"
    (tree / "alerts" / "contact-points" / "platform-team.yaml").write_text(example[0])
    catalog = load_project(tree, ["dev"]).catalogs[0]
    point = next(p for p in catalog.notifications.contact_points if p.name == "platform-team")
    assert [i.type for i in point.integrations] == ["teams", "opsgenie", "webhook"]
    assert {s.name: s.description for s in point.secrets} == {
        "teams_webhook_url": "teams integration of contact point platform-team: url",
        "opsgenie_api_key": "opsgenie integration of contact point platform-team: api_key",
        "webhook_hmac_secret": "webhook integration of contact point platform-team: hmac_config: secret"}
