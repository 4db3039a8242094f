"""Values are written the way Grafana reads them back (grafana_as_code/readback.py), and lifecycles are safe.

Each row of READ_BACK is tested on examples; then every value of the synthesized stacks is checked against its row,
so no plan can show a change Grafana's own read-back causes.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from grafana_as_code import readback
from grafana_as_code.alerting.policies import effective_timings, load_policy
from grafana_as_code.errors import collecting_warnings
from grafana_as_code.lifecycles import DELETE_SEMANTICS, lifecycle_problems
from grafana_as_code.readback import READ_BACK

from project_copy import copy_project, edit, run_cli

# One example per row: (what we might write, what Grafana returns / the provider stores).
EXAMPLES = {
    "policy group_wait": ("0", "0s"),
    "policy group_interval": ("24h", "1d"),
    "policy repeat_interval": ("168h", "1w"),
    "rule notification_settings group_wait": ("90s", "1m30s"),
    "rule notification_settings group_interval": ("60m", "1h"),
    "rule notification_settings repeat_interval": ("36h", "1d12h"),
    "rule for": ("5m", "5m0s"),
    "rule keep_firing_for": ("1d", "24h0m0s"),
    "rule model": ('{"refId":"A","expr":"x > 1 & y","maxDataPoints":43200,"n":1e-05,"big":1e16,"t":3.0}',
                   '{"big":10000000000000000,"expr":"x \\u003e 1 \\u0026 y","n":0.00001,"refId":"A","t":3}'),
    "mute timing times": ("2:00", "02:00"),
    "mute timing times (end)": ("24:00", "24:00"),
    "mute timing weekdays": ("Monday:monday", "monday"),
    "mute timing months": ("may:august", "5:8"),
    "mute timing days of month": ("1:1", "1"),
    "mute timing years": ("2026:2026", "2026"),
    "message template": ('\n{{ define "x" }}hi{{ end }}\n\n', '{{ define "x" }}hi{{ end }}'),
    "data source json_data_encoded": ('{"b": "<x>", "a": 1.0}', '{"a":1,"b":"\\u003cx\\u003e"}'),
    "data source http_headers names": ("X-Scope-OrgID", "X-Scope-Orgid"),
    "dashboard config_json": ('{"id":3,"version":9,"uid":"u","title":" T ","panels":[{"id":1,"type":"text"}]}',
                              '{"panels":[{"type":"text"}],"title":"T","uid":"u"}'),
}


def test_header_names_are_checked_by_their_keys() -> None:
    block = {"http_headers": {"X-Scope-OrgID": "t", "X-Api-Key": "k"}}
    ((row, path, written, returned),) = readback.differences("grafana_data_source", block)
    assert row.name == "data source http_headers names" and written == "X-Scope-OrgID" and returned == "X-Scope-Orgid"


@pytest.mark.parametrize("row", READ_BACK, ids=lambda row: f"{row.name}@{row.attribute}")
def test_each_row_on_an_example(row: readback.ReadBack) -> None:
    written, returned = EXAMPLES[row.name]
    assert row.read_back(written) == returned
    assert row.source and row.fact
    # what Grafana returns reads back as itself: writing it gives no diff
    assert row.state_func(row.read_back(returned)) == row.read_back(returned)


@pytest.mark.parametrize("text, prometheus, go", [
    ("24h", "1d", "24h0m0s"), ("48h", "2d", "48h0m0s"), ("14d", "2w", "336h0m0s"), ("90d", "90d", "2160h0m0s"),
    ("8760h", "1y", "8760h0m0s"), ("1h30m", "1h30m", "1h30m0s"), ("30s", "30s", "30s"), ("0s", "0s", "0s"),
    ("1500ms", "1s500ms", "1.5s"), ("500ms", "500ms", "500ms"), ("10m", "10m", "10m0s"),
])
def test_durations_as_prometheus_and_go_print_them(text: str, prometheus: str, go: str) -> None:
    assert readback.prometheus_duration(text) == prometheus
    assert readback.go_duration(text) == go


@pytest.mark.parametrize("value, text", [
    (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (1e-6, "0.000001"), (1e-5, "0.00001"), (0.1, "0.1"), (2.5, "2.5"),
    (1e16, "10000000000000000"), (1e21, "1e+21"), (1.25e22, "1.25e+22"), (1e-100, "1e-100"),
])
def test_floats_as_go_json_writes_them(value: float, text: str) -> None:
    assert readback.go_json(value) == text


def test_go_json_sorts_keys_and_escapes_like_go() -> None:
    assert readback.go_json({"b": ["<a&b>", None, True], "a": 1.0, "é": "\u2028"}) == \
        '{"a":1,"b":["\\u003ca\\u0026b\\u003e",null,true],"é":"\\u2028"}'


def test_prometheus_refuses_units_out_of_order() -> None:
    assert readback.duration_ms("1m1h") is None and readback.duration_ms("1h1h") is None
    assert readback.prometheus_duration("soon") == "soon"


@pytest.fixture(scope="module")
def stacks(content_synth: Path) -> dict[str, dict]:
    """Every stack of the repository's content, read from the one synthesis the content checks share (conftest.py;
    these tests only read it)."""
    stacks = sorted((content_synth / "stacks").glob("*/cdk.tf.json"))
    assert stacks, "the content synthesized no stack"
    return {p.parent.name: json.loads(p.read_text()) for p in stacks}


def test_no_value_we_emit_differs_from_what_grafana_returns(stacks: dict[str, dict]) -> None:
    checked: dict[str, int] = {}
    for env, stack in stacks.items():
        for resource_type, blocks in stack["resource"].items():
            for name, block in blocks.items():
                assert readback.differences(resource_type, block) == [], f"{env}: {resource_type}.{name}"
                for row in READ_BACK:
                    if row.resource_type == resource_type:
                        checked[row.name] = checked.get(row.name, 0) + len(readback.values_at(block, row.attribute))
    # the check saw the attributes that caused perpetual diffs
    for name in ("policy group_interval", "policy repeat_interval", "rule for", "rule model", "dashboard config_json"):
        assert checked.get(name), name


def test_policy_timings_read_back_as_written(stacks: dict[str, dict]) -> None:
    for stack in stacks.values():
        for policy in stack["resource"]["grafana_notification_policy"].values():
            timings = [v for row in READ_BACK if row.resource_type == "grafana_notification_policy"
                       for _, v in readback.values_at(policy, row.attribute)]
            assert timings and all(readback.prometheus_duration(t) == t for t in timings)
            assert not [t for t in timings if t.endswith("h") and int(t[:-1].split("d")[-1]) % 24 == 0]


def test_a_day_in_a_policy_file_is_written_1d(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    edit(root / "alerts" / "policies" / "system-task057.yaml", "repeat_interval: 24h", "repeat_interval: 48h")
    assert run_cli(root, "synth", "--env", "dev").returncode == 0
    stack = json.loads((root / "cdktf.out" / "stacks" / "dev" / "cdk.tf.json").read_text())
    (policy,) = stack["resource"]["grafana_notification_policy"].values()
    assert "2d" in [v for _, v in readback.values_at(policy, "policy.*.repeat_interval")]


def test_no_route_repeats_at_or_below_its_group_interval() -> None:
    from project_copy import REPO
    policy = load_policy(REPO / "alerts" / "policies")
    for route, timings in effective_timings(policy):
        assert readback.duration_ms(timings.repeat_interval) > readback.duration_ms(timings.group_interval), \
            (route.file, route.field) if route else "root"


def test_an_equal_repeat_and_group_interval_is_a_warning(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    edit(root / "alerts" / "policies" / "daily-summary.yaml", "group_interval: 1h", "group_interval: 24h")
    with collecting_warnings() as warnings:
        load_policy(root / "alerts" / "policies")
    (warning,) = [w for w in warnings if "repeat_interval" in w.field]
    assert warning.where.endswith("daily-summary.yaml") and "every 2d" in warning.message


def test_every_lifecycle_is_safe_for_the_providers_delete(stacks: dict[str, dict]) -> None:
    for env, stack in stacks.items():
        assert lifecycle_problems(stack) == [], env
        assert set(stack["resource"]) <= set(DELETE_SEMANTICS), "document the delete of every type we emit"


def test_create_before_destroy_on_a_contact_point_is_refused() -> None:
    stack = {"resource": {"grafana_contact_point": {"oncall": {"name": "oncall",
                                                               "lifecycle": {"create_before_destroy": True}}},
                          "grafana_unknown_thing": {"x": {"lifecycle": {"create_before_destroy": True}}}}}
    problems = lifecycle_problems(stack)
    assert len(problems) == 2
    assert "grafana_contact_point.oncall" in problems[0] and "every integration of that name" in problems[0]
    assert "not documented" in problems[1]


def test_the_stack_validator_refuses_an_unsafe_lifecycle(tmp_path: Path, provider_schema: Path) -> None:
    from grafana_as_code.validate.run import validate_outdir
    stack_dir = tmp_path / "out" / "stacks" / "dev"
    stack_dir.mkdir(parents=True)
    (stack_dir / "cdk.tf.json").write_text(json.dumps({"resource": {"grafana_contact_point": {"oncall": {
        "name": "oncall", "email": [{"addresses": ["a@example.com"]}],
        "lifecycle": {"create_before_destroy": True}}}}}))
    problems = [p for p in validate_outdir(tmp_path / "out", provider_schema) if p.field == "lifecycle"]
    assert [p.where for p in problems] == ["dev grafana_contact_point.oncall"]
    assert "every integration of that name" in problems[0].message
