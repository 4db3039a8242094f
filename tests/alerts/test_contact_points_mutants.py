"""Contact point files (alerting/contact_points.py) on small fixture files written here, against a fixture environment.

Written from mutation testing (make mutants): each test pins what a contact point must become (the settings that are
deployed, secrets, template references) or the message a broken file gets.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from grafana_as_code.alerting.contact_points import INTEGRATIONS, TemplateRef, load_contact_points, parse_contact_point
from grafana_as_code.environment import Contacts, Environment, GrafanaTarget, Overrides, StateBackend
from grafana_as_code.errors import UserError
from grafana_as_code.secrets import Secret

ENV = Environment(name="qa", file="environments/qa.yaml", grafana=GrafanaTarget(url="https://grafana.qa", version=(12, 1)),
                  state=StateBackend("local"), datasources={}, contacts=Contacts("#qa-alerts", pagerduty=True),
                  overrides=Overrides(), labels={})
WHERE = "alerts/contact-points/oncall.yaml"


def point(text: str, env: Environment = ENV):
    return parse_contact_point(text, WHERE, env, "oncall")


def problem(text: str) -> tuple[str, str, str]:
    with pytest.raises(UserError) as caught:
        point(text)
    (found,) = caught.value.problems
    return found.where, found.field, found.message


def test_every_kind_of_setting_becomes_what_is_deployed() -> None:
    cp = point("""
integrations:
  - type: webhook
    url: {secret: incident_url, description: Incident webhook}
    http_method: POST
    max_alerts: 10
    headers: {X-B: "2", X-A: "1"}
    disable_resolve_message: true
    title: {template: incident.title}
  - type: email
    addresses: [a@example.com, b@example.com]
    single_email: false
""")
    assert cp.name == "oncall" and cp.file == WHERE
    webhook, email = cp.integrations
    assert webhook.type == "webhook" and webhook.field == "integrations[0]"
    assert dict(webhook.settings) == {
        "url": Secret("incident_url", "Incident webhook", WHERE, "integrations[0].url"),
        "http_method": "POST", "max_alerts": 10, "headers": {"X-A": "1", "X-B": "2"},
        "disable_resolve_message": True,
        "title": TemplateRef("incident.title", WHERE, "integrations[0].title"),
    }
    assert list(webhook.settings) == sorted(webhook.settings)  # settings in a stable order
    assert list(webhook.settings["headers"]) == ["X-A", "X-B"]
    assert email.field == "integrations[1]"
    assert dict(email.settings) == {"addresses": ("a@example.com", "b@example.com"), "single_email": False}
    assert cp.kinds == frozenset({"webhook", "email"})
    assert cp.secrets == [Secret("incident_url", "Incident webhook", WHERE, "integrations[0].url")]
    assert cp.template_refs == [TemplateRef("incident.title", WHERE, "integrations[0].title")]
    assert cp.template_refs[0].text == '{{ template "incident.title" . }}'


def test_a_secret_without_description_says_where_it_is_used() -> None:
    cp = point("integrations:\n  - type: pagerduty\n    integration_key: {secret: pd_key}\n")
    (secret,) = cp.secrets
    assert secret == Secret("pd_key", "pagerduty integration of contact point oncall: integration_key", WHERE,
                            "integrations[0].integration_key")
    assert secret.env_var == "TF_VAR_pd_key"


def test_the_name_field_wins_over_the_file_name() -> None:
    assert point("name: pager\nintegrations:\n  - type: email\n    addresses: [a@b.c]\n").name == "pager"


def test_the_file_is_templated_with_the_environment() -> None:
    text = """
integrations:
{% if env.contacts.pagerduty %}
  - type: pagerduty
    integration_key: {secret: pd_key}
{% endif %}
  - type: slack
    token: {secret: slack_token}
    recipient: "{{ env.contacts.slack_channel }}"
"""
    cp = point(text)
    assert [i.type for i in cp.integrations] == ["pagerduty", "slack"]
    assert cp.integrations[1].settings["recipient"] == "#qa-alerts"
    quiet = Environment(**{**ENV.__dict__, "contacts": Contacts("#dev")})
    assert [i.type for i in point(text, quiet).integrations] == ["slack"]


@pytest.mark.parametrize("integration, field, message", [
    ("type: msteams", "integrations[0].type",  # Microsoft Teams is `teams` in the provider
     f"unknown integration type 'msteams'; the provider's are: {', '.join(sorted(INTEGRATIONS))}"),
    ("type: webhook", "integrations[0].url", "is required for a webhook integration"),
    ("type: pagerduty\n    integration_key: abc", "integrations[0].integration_key",
     "is sensitive: name a secret ({secret: <variable name>}), never write the value"),
    ("type: pagerduty\n    integration_key: {template: x}", "integrations[0].integration_key",
     "is sensitive: name a secret ({secret: <variable name>}), never write the value"),
    ("type: webhook\n    url: https://x\n    title: 3", "integrations[0].title",
     "expected a string, {secret: <name>} or {template: <name>}, got an integer"),
    ("type: email\n    addresses: []", "integrations[0].addresses", "must not be empty"),
    ("type: email\n    addresses: [a@b.c, nobody]", "integrations[0].addresses[1]",
     "expected an e-mail address, got 'nobody'"),
    ("type: email\n    addresses: ['a b@c.d']", "integrations[0].addresses[0]",
     "expected an e-mail address, got 'a b@c.d'"),
    ("type: email\n    addresses: ['a@b@c']", "integrations[0].addresses[0]",
     "expected an e-mail address, got 'a@b@c'"),
    ("type: slack\n    recipient: '#x'", "integrations[0].token",
     "a slack integration needs either a bot token (token + recipient) or an incoming-webhook url, not both"),
    ("type: slack\n    url: {secret: u}\n    token: {secret: t}\n    recipient: '#x'", "integrations[0].token",
     "a slack integration needs either a bot token (token + recipient) or an incoming-webhook url, not both"),
    ("type: slack\n    token: {secret: t}", "integrations[0].recipient",
     "is required with a bot token (the channel to post to)"),
    ("type: webhook\n    url: {secret: Bad-Name}", "integrations[0].url.secret",
     "secret names are lower_snake_case Terraform variable names, got 'Bad-Name'"),
])
def test_bad_integrations_name_the_field(integration: str, field: str, message: str) -> None:
    assert problem(f"integrations:\n  - {integration}\n") == (WHERE, field, message)


def test_a_slack_webhook_url_alone_is_enough() -> None:
    cp = point("integrations:\n  - type: slack\n    url: {secret: slack_url}\n")
    assert list(cp.integrations[0].settings) == ["url"]


def test_a_null_setting_is_left_out() -> None:
    cp = point("integrations:\n  - type: webhook\n    url: https://x\n    title: null\n")
    assert dict(cp.integrations[0].settings) == {"url": "https://x"}


def test_unknown_secret_keys_and_fields_are_refused() -> None:
    where, field, _ = problem("integrations:\n  - type: webhook\n    url: {secret: a, extra: 1}\n")
    assert field.startswith("integrations[0].url")
    where, field, _ = problem("integrations:\n  - type: webhook\n    url: https://x\n    colour: red\n")
    assert field.startswith("integrations[0]")


def test_a_contact_point_needs_an_integration_in_each_environment() -> None:
    assert problem("integrations: []\n") == (
        WHERE, "integrations", "contact point 'oncall' needs at least one integration in environment 'qa'")
    assert problem("name: pager\n") == (
        WHERE, "integrations", "contact point 'pager' needs at least one integration in environment 'qa'")


@pytest.mark.parametrize("text, line", [
    ('integrations:\n  - type: webhook\n    url: https://x\n    title: "{{ template \\"t\\" . }}"\n', 4),
    ("\n{{- define \"x\" }}\n", 2),
    ("{{ .CommonLabels }}\n", 1),
])
def test_grafana_template_syntax_gets_a_hint_with_its_line(text: str, line: int) -> None:
    assert problem(text) == (WHERE, f"line {line}", "Grafana template syntax in a contact point file is read as Jinja; "
                                                    "reference a message template with {template: <name>} instead")


def test_grafana_template_syntax_inside_raw_is_the_authors_choice() -> None:
    cp = point('integrations:\n  - type: webhook\n    url: https://x\n'
               '    title: "{% raw %}{{ template \\"t\\" . }}{% endraw %}"\n')
    assert cp.integrations[0].settings["title"] == '{{ template "t" . }}'


def test_a_bad_name_is_refused() -> None:
    assert problem("name: 'on call'\nintegrations:\n  - type: email\n    addresses: [a@b.c]\n") == (
        WHERE, "name", "contact point names may only hold letters, digits, '-' and '_' (at most 100, not starting "
                       "with '-' or '_'); got 'on call'")


@pytest.mark.parametrize("text", ["{% if env.name %}\nintegrations: []\n", "integrations: [\n"])
def test_broken_jinja_or_yaml_names_the_file(text: str) -> None:
    with pytest.raises(UserError) as caught:
        point(text)
    assert caught.value.problems[0].where == WHERE


def test_a_folder_of_contact_points_sorted_by_name(tmp_path: Path) -> None:
    directory = tmp_path / "contact-points"
    directory.mkdir()
    (directory / "zeta.yaml").write_text("integrations:\n  - type: email\n    addresses: [a@b.c]\n")
    (directory / "alpha.yaml").write_text("name: beta\nintegrations:\n  - type: email\n    addresses: [a@b.c]\n")
    points = load_contact_points(directory, ENV)
    assert [p.name for p in points] == ["beta", "zeta"]
    assert [Path(p.file).name for p in points] == ["alpha.yaml", "zeta.yaml"]
