"""Tests for the offline provider-schema validator, against the real Grafana provider schema (v4.45.1).

Each negative case starts from one realistic, valid stack and breaks exactly one thing, so a failure points at the
check that regressed. Set GRAFANA_PROVIDER_SCHEMA to test against another schema file.
"""
from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from grafana_as_code.errors import Problem, UserError
from grafana_as_code.validate import (
    ProviderSchema,
    check_stack,
    load_schema,
    parse_schema,
    resolve_schema_path,
    validate_outdir,
)
from grafana_as_code.validate.templates import find_interpolations, is_whole_interpolation, literal_text

from project_copy import schema_path

SCHEMA_PATH = schema_path()  # the committed schema, or $GRAFANA_PROVIDER_SCHEMA

@pytest.fixture(scope="module")
def schema() -> ProviderSchema:
    # A missing schema fails the run: skipping would count an unvalidated repository as green.
    assert SCHEMA_PATH.is_file(), f"provider schema not found at {SCHEMA_PATH}; set GRAFANA_PROVIDER_SCHEMA"
    return load_schema(SCHEMA_PATH)


DASHBOARD_MODEL = {
    "uid": "platform-api",
    "title": "API overview",
    "schemaVersion": 39,
    "templating": {"list": [
        {"name": "datasource", "type": "datasource", "query": "prometheus"},
        {"name": "job", "type": "query", "datasource": {"uid": "$${datasource}"}, "query": "label_values(up, job)"},
    ]},
    "panels": [{
        "type": "timeseries", "title": "Requests", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
        "datasource": {"type": "prometheus", "uid": "$${datasource}"},
        "targets": [{"refId": "A", "expr": 'sum(rate(http_requests_total{job="$${job}"}[$__rate_interval]))'}],
    }],
}


def rule_data(ref_id: str, datasource_uid: str, model: dict[str, Any], start: int) -> dict[str, Any]:
    return {"ref_id": ref_id, "datasource_uid": datasource_uid, "relative_time_range": {"from": start, "to": 0},
            "model": json.dumps(model)}


def valid_stack() -> dict[str, Any]:
    """A stack shaped like CDKTF output for one environment, using every resource kind the project generates."""
    expr = {"type": "__expr__", "uid": "__expr__"}
    return {
        "//": {"metadata": {"backend": "local", "stackName": "dev", "version": "0.20.11"}, "outputs": {}},
        "terraform": {
            "required_providers": {"grafana": {"source": "grafana/grafana", "version": "~> 4.45"}},
            "backend": {"local": {"path": "terraform.dev.tfstate"}},
        },
        "variable": {
            "grafana_auth": {"type": "string", "sensitive": True},
            "slack_webhook_url": {"type": "string", "sensitive": True},
        },
        "provider": {"grafana": [{"url": "https://grafana.dev.example.com", "auth": "${var.grafana_auth}",
                                  "retries": 5, "retry_wait": 2}]},
        "resource": {
            "grafana_folder": {
                "platform": {"//": {"metadata": {"path": "dev/platform", "uniqueId": "platform"}},
                             "title": "Platform", "uid": "platform"},
                "platform_alerts": {"title": "Platform alerts", "uid": "platform-alerts",
                                    "parent_folder_uid": "${grafana_folder.platform.uid}"},
            },
            "grafana_data_source": {
                "prometheus": {
                    "name": "Prometheus", "type": "prometheus", "uid": "prom-dev", "url": "http://prometheus:9090",
                    "is_default": True,
                    "json_data_encoded": json.dumps({"httpMethod": "POST", "exemplarTraceIdDestinations": [
                        {"name": "traceID", "datasourceUid": "tempo-dev", "urlDisplayLabel": "Trace"}]}),
                },
                "tempo": {
                    "name": "Tempo", "type": "tempo", "uid": "tempo-dev", "url": "http://tempo:3200",
                    "json_data_encoded": json.dumps({
                        "serviceMap": {"datasourceUid": "prom-dev"}, "nodeGraph": {"enabled": True},
                        "tracesToLogsV2": {"datasourceUid": "loki-dev", "customQuery": True,
                                           "query": '{service="$${__span.tags.service}"} |= "$${__value.raw}"'},
                    }),
                    "secure_json_data_encoded": "${jsonencode({basicAuthPassword = var.grafana_auth})}",
                },
            },
            "grafana_dashboard": {
                "api_overview": {"config_json": json.dumps(DASHBOARD_MODEL), "folder": "${grafana_folder.platform.uid}",
                                 "overwrite": True, "message": "generated"},
            },
            "grafana_message_template": {
                "slack": {"name": "slack",
                          "template": '{{ define "slack.title" }}[{{ .Status | toUpper }}] '
                                      '{{ .CommonLabels.alertname }}{{ end }}'},
            },
            "grafana_contact_point": {
                "slack": {
                    "name": "platform-slack",
                    "slack": [{"url": "${var.slack_webhook_url}", "title": '{{ template "slack.title" . }}',
                               "mention_channel": "here", "disable_resolve_message": False}],
                    "lifecycle": {"create_before_destroy": False},  # True is unsafe for contact points (lifecycles.py)
                    "depends_on": ["grafana_message_template.slack"],
                },
            },
            "grafana_mute_timing": {
                "weekends": {"name": "weekends", "intervals": [
                    {"weekdays": ["saturday", "sunday"], "location": "Europe/Berlin",
                     "times": [{"start": "00:00", "end": "23:59"}]}]},
            },
            "grafana_notification_policy": {
                "policy": {
                    "contact_point": "${grafana_contact_point.slack.name}",
                    "group_by": ["alertname", "grafana_folder"], "group_wait": "30s", "repeat_interval": "4h",
                    "policy": [{
                        "contact_point": "${grafana_contact_point.slack.name}",
                        "matcher": [{"label": "team", "match": "=", "value": "platform"},
                                    {"label": "env", "match": "=~", "value": "dev|staging"}],
                        "mute_timings": ["${grafana_mute_timing.weekends.name}"],
                        "continue": False,
                        "policy": [{"matcher": {"label": "severity", "match": "=", "value": "critical"},
                                    "group_wait": "10s"}],
                    }],
                },
            },
            "grafana_rule_group": {
                "api_latency": {
                    "name": "api-latency", "folder_uid": "${grafana_folder.platform_alerts.uid}",
                    "interval_seconds": 60,
                    "rule": [{
                        "name": "High p99 latency", "uid": "api-p99-dev", "condition": "C", "for": "5m",
                        "no_data_state": "NoData", "exec_err_state": "Error",
                        "labels": {"severity": "page", "team": "platform"},
                        "annotations": {"summary": "p99 above 1s on {{ $labels.job }}",
                                        "runbook_url": "https://runbooks.example.com/api-latency"},
                        "data": [
                            rule_data("A", "prom-dev", {"refId": "A", "instant": True, "expr":
                                      "histogram_quantile(0.99, sum by (le) (rate(http_duration_bucket[5m])))"}, 600),
                            rule_data("B", "__expr__", {"refId": "B", "type": "reduce", "expression": "A",
                                                        "reducer": "last", "datasource": expr}, 0),
                            rule_data("C", "__expr__", {"refId": "C", "type": "threshold", "expression": "B",
                                                        "datasource": expr, "conditions": [
                                                            {"evaluator": {"type": "gt", "params": [1]}}]}, 0),
                        ],
                    }],
                },
            },
        },
    }


def problems_after(schema: ProviderSchema, change: Callable[[dict[str, Any]], None]) -> list[Problem]:
    stack = valid_stack()
    change(stack)
    return check_stack("dev", stack, schema)


def only(problems: list[Problem], where: str, field: str) -> Problem:
    """The single problem expected, checked against the whole list so that extra problems fail the test too."""
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    assert (problem.where, problem.field) == (where, field)
    assert str(problem) == f"{where}: {field + ': ' if field else ''}{problem.message}"
    return problem


def resources(stack: dict[str, Any], type_name: str) -> dict[str, Any]:
    found: dict[str, Any] = stack["resource"][type_name]
    return found


# --- the positive case -------------------------------------------------------------------------------------------

def test_realistic_stack_is_valid(schema: ProviderSchema) -> None:
    assert check_stack("dev", valid_stack(), schema) == []


def test_meta_arguments_and_conversions_are_accepted(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        folder = resources(stack, "grafana_folder")["platform"]
        folder.update({"count": "${length(var.grafana_auth) > 0 ? 1 : 0}", "provider": "grafana",
                       "depends_on": ["grafana_data_source.tempo"], "lifecycle": {"prevent_destroy": True}})
        group = resources(stack, "grafana_rule_group")["api_latency"]
        group["interval_seconds"] = "60"  # Terraform converts numeric strings
        group["disable_provenance"] = "true"  # ... and "true"/"false" to bool
        group["rule"][0]["data"][0]["relative_time_range"] = [{"from": "${var.window}", "to": 0}]
        stack["variable"]["window"] = {"type": "number"}
        resources(stack, "grafana_dashboard")["api_overview"]["config_json"] = "${file(\"dashboards/api.json\")}"
    assert problems_after(schema, change) == []


# --- names --------------------------------------------------------------------------------------------------------

def test_misspelled_attribute_suggests_the_real_name(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        folder = resources(stack, "grafana_folder")["platform_alerts"]
        folder["parent_folder_id"] = folder.pop("parent_folder_uid")
    problem = only(problems_after(schema, change), "dev grafana_folder.platform_alerts", "parent_folder_id")
    assert "unknown attribute" in problem.message
    assert "did you mean 'parent_folder_uid'?" in problem.message


def test_unknown_nested_block_is_reported_with_its_path(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        policy = resources(stack, "grafana_notification_policy")["policy"]["policy"][0]
        policy["matchers"] = policy.pop("matcher")
    problem = only(problems_after(schema, change), "dev grafana_notification_policy.policy", "policy[0].matchers")
    assert "unknown block for grafana_notification_policy policy" in problem.message
    assert "did you mean 'matcher'?" in problem.message


def test_unknown_resource_type(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        stack["resource"]["grafana_folders"] = {"extra": {"title": "Extra"}}
    problem = only(problems_after(schema, change), "dev grafana_folders.extra", "")
    assert "unknown resource type 'grafana_folders'" in problem.message
    assert "did you mean 'grafana_folder'?" in problem.message


def test_unknown_provider_attribute(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        stack["provider"]["grafana"][0]["token"] = "${var.grafana_auth}"
    problem = only(problems_after(schema, change), "dev provider.grafana[0]", "token")
    assert "unknown attribute for the grafana provider" in problem.message


def test_provider_written_as_object_is_checked(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        stack["provider"]["grafana"] = {"url": "https://grafana.example.com", "retries": "many", "alias": "dev"}
    problem = only(problems_after(schema, change), "dev provider.grafana[0]", "retries")
    assert problem.message == 'expected number, got string "many"'


def test_required_provider_source(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        stack["terraform"]["required_providers"]["grafana"]["source"] = "hashicorp/grafana"
    problem = only(problems_after(schema, change), "dev terraform", "required_providers.grafana.source")
    assert "'grafana/grafana'" in problem.message

    def registry_prefix(stack: dict[str, Any]) -> None:
        stack["terraform"]["required_providers"]["grafana"]["source"] = "registry.terraform.io/Grafana/Grafana"
    assert problems_after(schema, registry_prefix) == []


# --- required attributes and blocks, block counts ------------------------------------------------------------------

def test_missing_required_attribute(schema: ProviderSchema) -> None:
    problem = only(problems_after(schema, lambda s: resources(s, "grafana_folder")["platform"].pop("title")),
                   "dev grafana_folder.platform", "title")
    assert problem.message == "required attribute is missing"


def test_null_counts_as_missing(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        resources(stack, "grafana_rule_group")["api_latency"]["rule"][0]["data"][1]["ref_id"] = None
    only(problems_after(schema, change), "dev grafana_rule_group.api_latency", "rule[0].data[1].ref_id")


def test_rule_group_without_rule(schema: ProviderSchema) -> None:
    problem = only(problems_after(schema, lambda s: resources(s, "grafana_rule_group")["api_latency"].pop("rule")),
                   "dev grafana_rule_group.api_latency", "rule")
    assert "required block is missing" in problem.message


def test_rule_data_without_relative_time_range(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        del resources(stack, "grafana_rule_group")["api_latency"]["rule"][0]["data"][2]["relative_time_range"]
    problem = only(problems_after(schema, change),
                   "dev grafana_rule_group.api_latency", "rule[0].data[2].relative_time_range")
    assert "required block is missing" in problem.message


def test_too_many_items_in_a_max_one_block(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        data = resources(stack, "grafana_rule_group")["api_latency"]["rule"][0]["data"][0]
        data["relative_time_range"] = [{"from": 600, "to": 0}, {"from": 300, "to": 0}]
    problem = only(problems_after(schema, change),
                   "dev grafana_rule_group.api_latency", "rule[0].data[0].relative_time_range")
    assert problem.message == "at most 1 block allowed, found 2"


# --- types ---------------------------------------------------------------------------------------------------------

def test_non_numeric_string_for_a_number(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        resources(stack, "grafana_rule_group")["api_latency"]["interval_seconds"] = "1m"
    problem = only(problems_after(schema, change), "dev grafana_rule_group.api_latency", "interval_seconds")
    assert problem.message == 'expected number, got string "1m"'


def test_list_for_a_string(schema: ProviderSchema) -> None:
    problem = only(problems_after(schema, lambda s: resources(s, "grafana_folder")["platform"].update(
        title=["Platform"])), "dev grafana_folder.platform", "title")
    assert problem.message == "expected string, got a list"


def test_object_for_a_list(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        resources(stack, "grafana_notification_policy")["policy"]["group_by"] = {"alertname": True}
    problem = only(problems_after(schema, change), "dev grafana_notification_policy.policy", "group_by")
    assert problem.message == "expected list(string), got an object"


def test_wrong_element_and_map_value_types(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        rule = resources(stack, "grafana_rule_group")["api_latency"]["rule"][0]
        rule["labels"]["team"] = {"name": "platform"}
        resources(stack, "grafana_mute_timing")["weekends"]["intervals"][0]["weekdays"][1] = ["sunday"]
        rule["is_paused"] = "no"
    fields = {(p.where, p.field): p.message for p in problems_after(schema, change)}
    assert fields == {
        ("dev grafana_rule_group.api_latency", 'rule[0].labels["team"]'): "expected string, got an object",
        ("dev grafana_rule_group.api_latency", "rule[0].is_paused"): 'expected bool, got string "no"',
        ("dev grafana_mute_timing.weekends", "intervals[0].weekdays[1]"): "expected string, got a list",
    }


def test_partial_template_cannot_be_a_list(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        resources(stack, "grafana_notification_policy")["policy"]["group_by"] = "${var.grafana_auth},alertname"
    problem = only(problems_after(schema, change), "dev grafana_notification_policy.policy", "group_by")
    assert problem.message.startswith("expected list(string), got string")


def test_computed_only_attributes_cannot_be_set(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        resources(stack, "grafana_folder")["platform"]["url"] = "https://grafana.dev.example.com/dashboards/f/platform"
        resources(stack, "grafana_dashboard")["api_overview"]["version"] = 3
    problems = problems_after(schema, change)
    assert [(p.where, p.field) for p in problems] == [("dev grafana_dashboard.api_overview", "version"),
                                                      ("dev grafana_folder.platform", "url")]
    assert all("read-only (computed by the provider)" in p.message for p in problems)


# --- embedded JSON -------------------------------------------------------------------------------------------------

def test_invalid_dashboard_json(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        resources(stack, "grafana_dashboard")["api_overview"]["config_json"] = '{"uid": "x", "title": "API",}'
    problem = only(problems_after(schema, change), "dev grafana_dashboard.api_overview", "config_json")
    assert problem.message.startswith("is not valid JSON: ")


def test_invalid_rule_model_json(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        resources(stack, "grafana_rule_group")["api_latency"]["rule"][0]["data"][1]["model"] = "{'refId': 'B'}"
    problem = only(problems_after(schema, change), "dev grafana_rule_group.api_latency", "rule[0].data[1].model")
    assert "is not valid JSON" in problem.message


def test_embedded_json_must_be_an_object(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        resources(stack, "grafana_data_source")["prometheus"]["json_data_encoded"] = '["httpMethod"]'
    problem = only(problems_after(schema, change), "dev grafana_data_source.prometheus", "json_data_encoded")
    assert problem.message == "must be a JSON object, got a list"


def test_embedded_json_may_contain_references(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        resources(stack, "grafana_data_source")["prometheus"]["json_data_encoded"] = (
            '{"exemplarTraceIdDestinations": [{"datasourceUid": "${grafana_data_source.tempo.uid}"}],'
            ' "timeout": ${var.timeout}}')
        stack["variable"]["timeout"] = {"type": "number"}
    assert problems_after(schema, change) == []


# --- template sequences and references ------------------------------------------------------------------------------

def test_unescaped_grafana_variable_in_json_data(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        tempo = resources(stack, "grafana_data_source")["tempo"]
        tempo["json_data_encoded"] = tempo["json_data_encoded"].replace("$${__value.raw}", "${__value.raw}")
    problem = only(problems_after(schema, change), "dev grafana_data_source.tempo", "json_data_encoded")
    assert "`${__value.raw}`" in problem.message
    assert "Grafana's ${...} must be written $${...} in Terraform JSON" in problem.message


def test_grafana_variables_in_dashboards_are_reported_once_each(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        dashboard = resources(stack, "grafana_dashboard")["api_overview"]
        dashboard["config_json"] = dashboard["config_json"].replace("$${", "${")
    problems = problems_after(schema, change)
    assert [p.message.split("`")[1] for p in problems] == ["${datasource}", "${job}"]
    assert {(p.where, p.field) for p in problems} == {("dev grafana_dashboard.api_overview", "config_json")}


def test_grafana_format_syntax_is_not_a_reference(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        resources(stack, "grafana_rule_group")["api_latency"]["rule"][0]["annotations"]["summary"] = "${var:regex}"
    problem = only(problems_after(schema, change), "dev grafana_rule_group.api_latency",
                   'rule[0].annotations["summary"]')
    assert "must be written $${...}" in problem.message


def test_template_directive(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        resources(stack, "grafana_message_template")["slack"]["template"] = "%{ if true }x%{ endif }"
    problems = problems_after(schema, change)
    assert {(p.where, p.field) for p in problems} == {("dev grafana_message_template.slack", "template")}
    assert all("write %%{ for a literal %{" in p.message for p in problems)

    def escaped(stack: dict[str, Any]) -> None:
        resources(stack, "grafana_message_template")["slack"]["template"] = "100%%{literal}"
    assert problems_after(schema, escaped) == []


def test_reference_to_undeclared_variable(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        stack["provider"]["grafana"][0]["auth"] = "${var.grafana_token}"
    problem = only(problems_after(schema, change), "dev provider.grafana[0]", "auth")
    assert "refers to var.grafana_token, which is not declared under `variable`" in problem.message


def test_reference_to_undeclared_resource(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        resources(stack, "grafana_folder")["platform_alerts"]["parent_folder_uid"] = "${grafana_folder.missing.uid}"
    problem = only(problems_after(schema, change), "dev grafana_folder.platform_alerts", "parent_folder_uid")
    assert "refers to grafana_folder.missing, which is not declared in this stack" in problem.message


def test_reference_to_unknown_attribute_of_a_declared_resource(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        resources(stack, "grafana_dashboard")["api_overview"]["folder"] = "${grafana_folder.platform.uuid}"
    problem = only(problems_after(schema, change), "dev grafana_dashboard.api_overview", "folder")
    assert "grafana_folder does not have" in problem.message and "did you mean 'uid'?" in problem.message


def test_dynamic_blocks_are_checked_with_their_iterator(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        contact_point = resources(stack, "grafana_contact_point")["slack"]
        contact_point["dynamic"] = {"email": {"for_each": "${var.emails}", "iterator": "each",
                                              "content": {"addresses": ["${each.value}"], "subjekt": "x"}}}
        stack["variable"]["emails"] = {"type": "list(string)"}
    problem = only(problems_after(schema, change), "dev grafana_contact_point.slack", "dynamic.email.content.subjekt")
    assert "did you mean 'subject'?" in problem.message


def test_problems_are_sorted_and_name_each_location(schema: ProviderSchema) -> None:
    def change(stack: dict[str, Any]) -> None:
        resources(stack, "grafana_rule_group")["api_latency"]["interval_seconds"] = "often"
        resources(stack, "grafana_folder")["platform"].pop("title")
        stack["provider"]["grafana"][0]["urll"] = "x"
    problems = problems_after(schema, change)
    assert [str(p).split(": ")[0] for p in problems] == [
        "dev grafana_folder.platform", "dev grafana_rule_group.api_latency", "dev provider.grafana[0]"]
    assert problems == sorted(problems, key=lambda p: (p.where, p.field, p.message))


# --- template scanning details --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "live"), [
    ("$${__value.raw}", []),
    ("$$${x}", []),  # Terraform reads "$" followed by the escape "$${"
    ("a ${var.x} b", ["${var.x}"]),
    ('${jsonencode({a = "}"})}', ['${jsonencode({a = "}"})}']),
    ("%%{ok} %{ if x }", ["%{ if x }"]),
])
def test_find_interpolations(text: str, live: list[str]) -> None:
    assert [text[i.start:i.end] for i in find_interpolations(text)] == live


def test_whole_interpolation_and_literal_text() -> None:
    assert is_whole_interpolation("${var.x}")
    assert not is_whole_interpolation("${var.x}-${var.y}")
    assert not is_whole_interpolation("$${var.x}")
    assert literal_text('{"a": "$${b}", "n": ${var.n}, "p": "%%{x}"}') == '{"a": "${b}", "n": 0, "p": "%{x}"}'


# --- synthetic schema: nesting modes and structural types the Grafana schema does not use ------------------------

def tiny_schema() -> ProviderSchema:
    block = {"attributes": {
        "endpoint": {"type": ["object", {"host": "string", "port": "number"}, ["port"]], "optional": True},
        "pair": {"type": ["tuple", ["string", "bool"]], "optional": True},
    }, "block_types": {
        "settings": {"nesting_mode": "single", "block": {"attributes": {"mode": {"type": "string", "required": True}}}},
        "rules": {"nesting_mode": "map", "block": {"attributes": {"weight": {"type": "number", "optional": True}}}},
    }}
    document = {"format_version": "1.0", "provider_schemas": {"mirror.example.com/grafana/grafana": {
        "provider": {"version": 0, "block": {}},
        "resource_schemas": {"grafana_thing": {"version": 0, "block": block}},
    }}}
    return parse_schema(document, "tiny.json")


def test_single_and_map_blocks_and_structural_types() -> None:
    schema = tiny_schema()
    good: dict[str, Any] = {"terraform": {"required_providers": {"grafana": {"source": "grafana/grafana"}}},
            "resource": {"grafana_thing": {"a": {
                "endpoint": {"host": "h"}, "pair": ["x", True],
                "settings": {"mode": "fast"}, "rules": {"first": {"weight": 2}, "second": [{"weight": "3"}]}}}}}
    assert check_stack("t", good, schema) == []
    bad = copy.deepcopy(good)
    bad["resource"]["grafana_thing"]["a"].update(
        endpoint={"port": 1, "hots": "h"}, pair=["x"],
        settings=[{"mode": "a"}, {"mode": "b"}], rules=[{"weight": 1}])
    messages = {p.field: p.message for p in check_stack("t", bad, schema)}
    assert messages == {
        "endpoint.host": "required attribute of the object is missing",
        "endpoint.hots": "unexpected attribute; the object has host, port; did you mean 'host'?",
        "pair": "expected tuple([string, bool]) with 2 elements, got 1",
        "rules": "expected an object of labelled blocks, got a list",
        "settings": "at most 1 block allowed, found 2",
    }


# --- loading the schema ---------------------------------------------------------------------------------------------

def test_load_real_schema(schema: ProviderSchema) -> None:
    assert schema.source == "registry.terraform.io/grafana/grafana"
    folder = schema.resources["grafana_folder"]
    assert folder.required_attributes == ("title",)
    assert folder.attributes["url"].computed_only and not folder.attributes["uid"].computed_only
    data = schema.resources["grafana_rule_group"].block_types["rule"].block.block_types["data"].block
    assert (data.block_types["relative_time_range"].min_items, data.block_types["relative_time_range"].max_items) \
        == (1, 1)
    assert schema.provider.attributes["auth"].sensitive
    with pytest.raises(TypeError):
        folder.attributes["title"] = folder.attributes["uid"]  # type: ignore[index]


def test_load_missing_schema_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such provider schema file") as error:
        load_schema(tmp_path / "nope.json")
    assert error.value.problems[0].where == str(tmp_path / "nope.json")


def test_load_schema_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "schema.json"
    path.write_text("Error: Failed to load plugin schemas\n", encoding="utf-8")
    with pytest.raises(UserError, match="not valid JSON"):
        load_schema(path)


def test_load_schema_without_grafana(tmp_path: Path) -> None:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps({"format_version": "1.0", "provider_schemas": {
        "registry.terraform.io/hashicorp/null": {"provider": {"block": {}}}}}), encoding="utf-8")
    with pytest.raises(UserError) as error:
        load_schema(path)
    assert "ends in /grafana/grafana (found: registry.terraform.io/hashicorp/null)" in str(error.value)
    with pytest.raises(UserError, match=re.escape("no provider 'example.com/x/grafana'")):
        load_schema(path, "example.com/x/grafana")


def test_load_schema_with_a_malformed_block(tmp_path: Path) -> None:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps({"provider_schemas": {"registry.terraform.io/grafana/grafana": {
        "provider": {"block": {}},
        "resource_schemas": {"grafana_folder": {"block": {"attributes": {"title": {"type": ["list"]}}}}}}}}),
        encoding="utf-8")
    with pytest.raises(UserError) as error:
        load_schema(path)
    assert error.value.problems[0].field.endswith("grafana_folder.block.attributes.title.type")


# --- the output directory and the schema location ------------------------------------------------------------------

def write_stack(outdir: Path, name: str, content: str | dict[str, Any] | None) -> None:
    stack_dir = outdir / "stacks" / name
    stack_dir.mkdir(parents=True)
    if content is not None:
        text = content if isinstance(content, str) else json.dumps(content)
        (stack_dir / "cdk.tf.json").write_text(text, encoding="utf-8")


def test_validate_outdir(tmp_path: Path) -> None:
    outdir = tmp_path / "cdktf.out"
    bad = valid_stack()
    resources(bad, "grafana_folder")["platform"]["titel"] = resources(bad, "grafana_folder")["platform"].pop("title")
    write_stack(outdir, "prod", bad)
    write_stack(outdir, "dev", valid_stack())
    write_stack(outdir, "broken", '{"resource": ')
    write_stack(outdir, "empty", None)
    problems = validate_outdir(outdir, SCHEMA_PATH)
    assert [(p.where, p.field) for p in problems] == [
        (str(outdir / "stacks" / "broken" / "cdk.tf.json"), ""),
        (str(outdir / "stacks" / "empty" / "cdk.tf.json"), ""),
        ("prod grafana_folder.platform", "titel"),
        ("prod grafana_folder.platform", "title"),
    ]
    assert problems[0].message.startswith("not valid JSON")
    assert problems[1].message.startswith("missing")


def test_validate_outdir_without_stacks(tmp_path: Path) -> None:
    problems = validate_outdir(tmp_path, SCHEMA_PATH)
    assert len(problems) == 1 and "no synthesized stacks" in problems[0].message


def test_validate_outdir_with_a_bad_schema_raises(tmp_path: Path) -> None:
    write_stack(tmp_path, "dev", valid_stack())
    with pytest.raises(UserError) as error:
        validate_outdir(tmp_path, tmp_path / "missing-schema.json")
    assert str(error.value) == f"{tmp_path / 'missing-schema.json'}: no such provider schema file"


def test_resolve_schema_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRAFANA_PROVIDER_SCHEMA", raising=False)
    with pytest.raises(UserError, match="make provider-schema"):
        resolve_schema_path(None, root=tmp_path)
    committed = tmp_path / "imports" / "grafana-provider-schema.json"
    committed.parent.mkdir()
    committed.write_text("{}", encoding="utf-8")
    assert resolve_schema_path(None, root=tmp_path) == committed
    monkeypatch.setenv("GRAFANA_PROVIDER_SCHEMA", "/from/env.json")
    assert resolve_schema_path(None, root=tmp_path) == Path("/from/env.json")
    assert resolve_schema_path("explicit.json", root=tmp_path) == Path("explicit.json")
