"""The deployed notification resources (components/notifications.py), synthesized in this process from a fixture model.

Written from mutation testing (make mutants): the policy tree, contact points, templates and mute timings exactly as
the provider's schema has them (grafana_notification_policy: nested ``policy`` blocks, ``matcher`` with ``label``,
``match``, ``value``; group_by required on the innermost level), so a change in the rendering fails here and not
only in the amtool tests that run the CLI.
"""
from __future__ import annotations

import json
from pathlib import Path
from types import MappingProxyType

import pytest

from grafana_as_code.alerting.contact_points import ContactPoint, Integration, TemplateRef
from grafana_as_code.alerting.mute_timings import Interval, MuteTiming, TimeRange
from grafana_as_code.alerting.notifications import Notifications
from grafana_as_code.alerting.policies import Matcher, Policy, Route, Timings
from grafana_as_code.alerting.templates import MessageTemplate
from grafana_as_code.secrets import Secret


def route(label: str, value: str, *children: Route, op: str = "=", contact_point: str | None = None,
          continue_: bool = False, timings: Timings = Timings(), mute_timings: tuple[str, ...] = ()) -> Route:
    return Route(file="p.yaml", field="routes[0]", matchers=(Matcher(label, op, value),), contact_point=contact_point,
                 continue_=continue_, timings=timings, mute_timings=mute_timings, routes=children)


PAGER = ContactPoint("pager", "cp/pager.yaml", (
    Integration("pagerduty", "integrations[0]", MappingProxyType({
        "integration_key": Secret("pd_key", "PagerDuty key", "cp/pager.yaml", "integrations[0].integration_key"),
        "summary": TemplateRef("pd.summary", "cp/pager.yaml", "integrations[0].summary"),
        "details": MappingProxyType({"a": "1"}),
    })),
    Integration("webhook", "integrations[1]", MappingProxyType({"url": "https://hook", "max_alerts": 10.0})),
    Integration("webhook", "integrations[2]", MappingProxyType({"url": "https://other", "max_alerts": 2.5})),
))
MAIL = ContactPoint("mail", "cp/mail.yaml", (
    Integration("email", "integrations[0]", MappingProxyType({"addresses": ("a@b.c", "d@e.f"),
                                                             "single_email": True})),))
TEMPLATES = (MessageTemplate("pd", "t/pd.tmpl", '{{ define "pd.summary" }}x{{ end }}', ("pd.summary",)),
             MessageTemplate("unused", "t/unused.tmpl", '{{ define "u" }}y{{ end }}', ("u",)))
NIGHTS = MuteTiming("nights", "m/nights.yaml", (
    Interval(times=(TimeRange("22:00", "24:00"), TimeRange("00:00", "06:00")), weekdays=("monday:friday",),
             location="Europe/Paris"),
    Interval(days_of_month=("1", "-1"), months=("january",), years=("2030",)),
))
DEEP = route("l1", "a", route("l2", "b", route("l3", "c", route("l4", "d", route("l5", "e")))),
             timings=Timings(group_by=("team",)))
POLICY = Policy("p/_root.yaml", "mail", Timings(group_by=("alertname",), group_wait="30s", group_interval="5m",
                                                repeat_interval="4h"), (
    route("audit", "yes", contact_point="mail", continue_=True),
    route("severity", "critical|page", op="=~", contact_point="pager", mute_timings=("nights",),
          timings=Timings(group_wait="0s", repeat_interval="1h")),
    DEEP,
))


def synthesize(tmp_path_factory: pytest.TempPathFactory, notifications: Notifications) -> dict:
    from grafana_as_code.bindings.runtime import synth_stack
    from grafana_as_code.cdk import App, TerraformOutput, TerraformStack
    from grafana_as_code.components.notifications import NotificationResources
    from grafana_as_code.components.secret_variables import SecretVariables

    stack = TerraformStack(App(outdir=str(tmp_path_factory.mktemp("cdk"))), "notifications")
    variables = SecretVariables(stack, "secrets", notifications.secrets)
    resources = NotificationResources(stack, "notifications", notifications, variables, org_id="3")
    # what rules that notify directly reference
    TerraformOutput(stack, "contact_point", value=resources.contact_point(notifications.contact_points[-1].name))
    TerraformOutput(stack, "mute_timing", value=resources.mute_timing("nights"))
    return synth_stack(stack)


# Function-scoped on purpose: mutmut credits a construct's code to the tests that ran it, and a module-scoped
# synthesis would be credited to the first test alone.
@pytest.fixture
def stack(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return synthesize(tmp_path_factory, Notifications(contact_points=(MAIL, PAGER), templates=TEMPLATES,
                                                      mute_timings=(NIGHTS,), policy=POLICY))


GENIE = ContactPoint("genie", "cp/genie.yaml", (
    Integration("opsgenie", "integrations[0]", MappingProxyType({
        "api_key": Secret("genie_key", "Opsgenie key", "cp/genie.yaml", "integrations[0].api_key"),
        "responders": (MappingProxyType({"type": "team", "name": "platform"}),
                       MappingProxyType({"type": "user", "username": "a@b.c"}))})),
    Integration("webhook", "integrations[1]", MappingProxyType({
        "url": "https://hook",
        "hmac_config": (MappingProxyType({
            "secret": Secret("hmac", "HMAC secret", "cp/genie.yaml", "integrations[1].hmac_config.secret"),
            "header": "X-Sig"}),)})),
))


def test_nested_blocks_and_active_timings(tmp_path_factory: pytest.TempPathFactory) -> None:
    business = Route(file="p.yaml", field="routes[0]", matchers=(Matcher("team", "=", "web"),), contact_point=None,
                     continue_=False, timings=Timings(), mute_timings=(), routes=(), active_timings=("nights",))
    stack = synthesize(tmp_path_factory, Notifications(
        contact_points=(GENIE,), mute_timings=(NIGHTS,), policy=Policy("p/_root.yaml", "genie", Timings(
            group_by=("alertname",)), (business,))))
    point = stack["resource"]["grafana_contact_point"]["genie"]
    assert point["opsgenie"] == [{"api_key": "${var.genie_key}", "responders": [
        {"name": "platform", "type": "team"}, {"type": "user", "username": "a@b.c"}]}]
    assert point["webhook"] == [{"hmac_config": [{"header": "X-Sig", "secret": "${var.hmac}"}], "url": "https://hook"}]
    assert sorted(stack["variable"]) == ["genie_key", "hmac"]
    (route,) = stack["resource"]["grafana_notification_policy"]["policy"]["policy"]
    assert route["active_timings"] == ["${grafana_mute_timing.nights.name}"] and "mute_timings" not in route


@pytest.fixture
def resources(stack: dict) -> dict:
    return stack["resource"]


def test_references_for_rules(stack: dict) -> None:
    assert stack["output"]["contact_point"]["value"] == "${grafana_contact_point.pager.name}"
    assert stack["output"]["mute_timing"]["value"] == "${grafana_mute_timing.nights.name}"


def test_the_policy_tree_as_the_provider_reads_it(resources: dict) -> None:
    # one policy at a fixed address: another name would destroy the tree and create a new one
    assert list(resources["grafana_notification_policy"]) == ["policy"]
    (policy,) = resources["grafana_notification_policy"].values()
    assert {k: v for k, v in policy.items() if k != "policy"} == {
        "contact_point": "${grafana_contact_point.mail.name}", "group_by": ["alertname"], "group_wait": "30s",
        "group_interval": "5m", "repeat_interval": "4h", "org_id": "3"}
    audit, severity, deep = policy["policy"]
    assert audit == {"matcher": [{"label": "audit", "match": "=", "value": "yes"}],
                     "contact_point": "${grafana_contact_point.mail.name}", "continue": True}
    assert severity == {"matcher": [{"label": "severity", "match": "=~", "value": "critical|page"}],
                        "contact_point": "${grafana_contact_point.pager.name}", "group_wait": "0s",
                        "repeat_interval": "1h", "mute_timings": ["${grafana_mute_timing.nights.name}"]}
    assert deep["group_by"] == ["team"] and "contact_point" not in deep and "continue" not in deep


def test_the_innermost_level_gets_the_inherited_group_by(resources: dict) -> None:
    (policy,) = resources["grafana_notification_policy"].values()
    levels = [policy["policy"][2]]
    while "policy" in levels[-1]:
        (child,) = levels[-1]["policy"]
        levels.append(child)
    assert [level["matcher"][0]["label"] for level in levels] == ["l1", "l2", "l3", "l4", "l5"]
    assert [level.get("group_by") for level in levels] == [["team"], None, None, None, ["team"]]


def test_contact_points_with_their_integrations_secrets_and_templates(resources: dict) -> None:
    points = resources["grafana_contact_point"]
    assert sorted(points) == ["mail", "pager"]
    pager = points["pager"]
    assert pager["name"] == "pager" and pager["org_id"] == "3"
    assert "lifecycle" not in pager  # never create_before_destroy: the provider deletes a contact point by name
    assert pager["depends_on"] == ["grafana_message_template.pd"]
    assert pager["pagerduty"] == [{"integration_key": "${var.pd_key}", "summary": '{{ template "pd.summary" . }}',
                                   "details": {"a": "1"}}]
    assert pager["webhook"] == [{"url": "https://hook", "max_alerts": 10}, {"url": "https://other", "max_alerts": 2.5}]
    mail = points["mail"]
    assert "depends_on" not in mail
    assert mail["email"] == [{"addresses": ["a@b.c", "d@e.f"], "single_email": True}]


def test_templates_and_mute_timings(resources: dict) -> None:
    templates = resources["grafana_message_template"]
    assert templates["pd"] == {"name": "pd", "template": '{{ define "pd.summary" }}x{{ end }}', "org_id": "3"}
    assert sorted(templates) == ["pd", "unused"]
    nights = resources["grafana_mute_timing"]["nights"]
    assert nights["name"] == "nights" and nights["org_id"] == "3"
    assert nights["intervals"] == [
        {"times": [{"start": "22:00", "end": "24:00"}, {"start": "00:00", "end": "06:00"}],
         "weekdays": ["monday:friday"], "location": "Europe/Paris"},
        {"days_of_month": ["1", "-1"], "months": ["1"], "years": ["2030"]},  # as Grafana returns them
    ]


def test_the_innermost_level_inherits_the_roots_group_by(tmp_path: Path) -> None:
    from grafana_as_code.bindings.runtime import synth_stack
    from grafana_as_code.cdk import App, TerraformStack
    from grafana_as_code.components.notifications import NotificationResources
    from grafana_as_code.components.secret_variables import SecretVariables

    stack = TerraformStack(App(outdir=str(tmp_path)), "deep")
    chain = route("l1", "a", route("l2", "b", route("l3", "c", route("l4", "d", route("l5", "e")))))
    policy = Policy("p/_root.yaml", "mail", Timings(group_by=("alertname", "team")), (chain,))
    NotificationResources(stack, "notifications", Notifications(contact_points=(MAIL,), policy=policy),
                          SecretVariables(stack, "secrets", []))
    tree = synth_stack(stack)["resource"]["grafana_notification_policy"]["policy"]
    level = tree
    for _ in range(5):
        (level,) = level["policy"]
    assert level["matcher"][0]["label"] == "l5" and level["group_by"] == ["alertname", "team"]


def test_no_policy_tree_means_no_policy_resource(tmp_path: Path) -> None:
    from grafana_as_code.bindings.runtime import synth_stack
    from grafana_as_code.cdk import App, TerraformStack
    from grafana_as_code.components.notifications import NotificationResources
    from grafana_as_code.components.secret_variables import SecretVariables

    stack = TerraformStack(App(outdir=str(tmp_path)), "empty")
    NotificationResources(stack, "notifications", Notifications(contact_points=(MAIL,)),
                          SecretVariables(stack, "secrets", []))
    resources = synth_stack(stack)["resource"]
    assert "grafana_notification_policy" not in resources
    assert "org_id" not in resources["grafana_contact_point"]["mail"]


def test_objects_named_like_their_component_are_placed_under_it(tmp_path: Path) -> None:
    """Construct paths in the `//` metadata: a name taken in the stack (here by the component) puts the resource
    under its component's path, as the engine's construct tree would."""
    from grafana_as_code.bindings.runtime import StackResources
    from grafana_as_code.cdk import App, TerraformStack
    from grafana_as_code.components.notifications import NotificationResources
    from grafana_as_code.components.secret_variables import SecretVariables

    def paths(component: str, notifications: Notifications) -> dict[str, dict[str, str]]:
        stack = TerraformStack(App(outdir=str(tmp_path / component)), "dev")
        NotificationResources(stack, component, notifications, SecretVariables(stack, "secrets", []))
        rendered = StackResources.of(stack).render()["resource"]
        return {f"{kind}.{name}": body["//"]["metadata"]["path"]
                for kind, bodies in rendered.items() for name, body in bodies.items()}

    named = ContactPoint("alerting", "cp/alerting.yaml", MAIL.integrations)
    template = MessageTemplate("alerting", "t/alerting.tmpl", '{{ define "a" }}a{{ end }}', ("a",))
    timing = MuteTiming("alerting", "m/alerting.yaml", NIGHTS.intervals)
    assert paths("alerting", Notifications(contact_points=(named, MAIL), templates=(template,),
                                           mute_timings=(timing,))) == {
        "grafana_contact_point.alerting": "dev/alerting/contact-point-alerting",
        "grafana_contact_point.mail": "dev/mail",
        "grafana_message_template.alerting": "dev/alerting/template-alerting",
        "grafana_mute_timing.alerting": "dev/alerting/mute-timing-alerting"}
    policy = Policy("p/_root.yaml", "mail", Timings(group_by=("alertname",)), ())
    assert paths("policy", Notifications(contact_points=(MAIL,), policy=policy)) == {
        "grafana_contact_point.mail": "dev/mail", "grafana_notification_policy.policy": "dev/policy/policy"}
