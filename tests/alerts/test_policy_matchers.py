"""Routes written with Alertmanager's matchers (`matchers: ['severity!="info"']`), the four operators Grafana's policy
tree and the provider take: parsed, ordered and checked for overlap like `match`/`match_re`, refused with file and
field when malformed, and routed by amtool exactly as written (read back from the synthesized stack).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from grafana_as_code.alerting.alertmanager import alertmanager_config
from grafana_as_code.alerting.policies import Matcher, load_policy
from project_copy import copy_fixture_project, run_cli
from test_policy_tree_mutants import problem as tree_problem, tree


def problem(directory: Path, file: str = "a.yaml") -> tuple[str, str]:
    """The field and message of the one problem, which is in the fragment ``file``."""
    name, field, message = tree_problem(directory)
    assert name == file
    return field, message


def test_every_operator_quoted_or_bare(tmp_path: Path) -> None:
    policy = load_policy(tree(tmp_path, a="""
routes:
  - matchers: ['severity != "info"', 'team=~"db|storage"', 'service!~db-.*', 'env=prod', 'note="a \\"quoted\\" one"']
    match: {system: shop}
"""))
    (route,) = policy.routes
    assert set(route.matchers) == {Matcher("severity", "!=", "info"), Matcher("team", "=~", "db|storage"),
                                   Matcher("service", "!~", "db-.*"), Matcher("env", "=", "prod"),
                                   Matcher("note", "=", 'a "quoted" one'), Matcher("system", "=", "shop")}


@pytest.mark.parametrize("matcher, message", [
    ("severity", "expected a matcher like severity=\"critical\" or team!~\"db.*\" (a label, one of = != =~ !~, a "
                 "value), got 'severity'"),
    ("sev-erity=x", "expected a matcher like severity=\"critical\" or team!~\"db.*\" (a label, one of = != =~ !~, a "
                    "value), got 'sev-erity=x'"),
    ('team=~"db("', "invalid regular expression 'db(': missing ), unterminated subpattern at position 2"),
    ('team="unterminated', "expected a matcher like severity=\"critical\" or team!~\"db.*\" (a label, one of = != =~ "
                           "!~, a value), got 'team=\"unterminated'"),
    ('team="bad \\q escape"', "the quoted value of 'team=\"bad \\\\q escape\"' is not a valid string"),
])
def test_a_malformed_matcher_names_its_place(tmp_path: Path, matcher: str, message: str) -> None:
    directory = tree(tmp_path, a=f"routes:\n  - matchers: [{json.dumps(matcher)}]\n")
    assert problem(directory) == ("routes[0].matchers[0]", message)


def test_a_route_needs_some_matcher(tmp_path: Path) -> None:
    assert problem(tree(tmp_path, a="routes:\n  - contact_point: x\n")) == (
        "routes[0]", "a route needs match, match_re or matchers (a route matching everything belongs in its parent's "
                     "defaults)")


@pytest.mark.parametrize("first, second", [
    ('severity="critical"', 'severity!="critical"'),
    ('team="db"', 'team!~"d.*"'),
    ('team=~"db.*"', 'team!~"db.*"'),
    ('team="web"', 'team=~"db.*"'),
])
def test_routes_that_exclude_each_other_may_stop_side_by_side(tmp_path: Path, first: str, second: str) -> None:
    policy = load_policy(tree(tmp_path, a=f"routes:\n  - matchers: [{json.dumps(first)}]\n",
                              b=f"routes:\n  - matchers: [{json.dumps(second)}]\n"))
    assert len(policy.routes) == 2


@pytest.mark.parametrize("first, second", [
    ('severity!="info"', 'severity!="debug"'),
    ('team="db"', 'team!="web"'),
    ('team!~"web.*"', 'team=~"db.*"'),
    ('team="db"', 'team!~"web.*"'),
])
def test_routes_that_can_match_one_alert_may_not(tmp_path: Path, first: str, second: str) -> None:
    directory = tree(tmp_path, a=f"routes:\n  - matchers: [{json.dumps(first)}]\n",
                     b=f"routes:\n  - matchers: [{json.dumps(second)}]\n")
    field, message = problem(directory, "b.yaml")
    assert field == "routes[0]" and "can match the same alerts as" in message and "which one wins" in message


def test_the_same_set_written_two_ways_is_claimed_twice(tmp_path: Path) -> None:
    directory = tree(tmp_path, a="routes:\n  - match: {team: db}\n", b="routes:\n  - matchers: ['team=\"db\"']\n")
    field, message = problem(directory, "b.yaml")
    assert field == "routes[0]" and 'the matcher set {team="db"} is already claimed by' in message


def test_amtool_routes_negative_matchers_as_written(tmp_path: Path) -> None:
    """Synthesized, read back from the stack and routed by Alertmanager's own router (amtool)."""
    amtool = shutil.which("amtool")
    assert amtool, "amtool is not installed: run `make system-tools` (Debian package prometheus-alertmanager)"
    root = copy_fixture_project(tmp_path / "project")
    (root / "alerts" / "policies" / "not-info.yaml").write_text(
        "routes:\n  - matchers: ['severity!=\"info\"', 'team!~\"pay.*\"', 'system=\"shop\"']\n"
        "    contact_point: oncall\n")
    result = run_cli(root, "synth", "--env", "dev")
    assert result.returncode == 0, result.stderr
    stack = json.loads((root / "cdktf.out" / "stacks" / "dev" / "cdk.tf.json").read_text())
    config = tmp_path / "alertmanager.yaml"
    config.write_text(yaml.safe_dump(alertmanager_config(stack)))

    def receivers(*labels: str) -> str:
        done = subprocess.run([amtool, "config", "routes", "test", f"--config.file={config}", *labels],
                              capture_output=True, text=True, check=True)
        return done.stdout.strip()

    # the fixture's continue routes first (ops-email for every severity, payments for its team), then by rank
    assert receivers("severity=warning", "team=web", "system=shop") == "ops-email,oncall"
    assert receivers("severity=info", "team=web", "system=shop") == "ops-email,team-slack"
    assert receivers("severity=warning", "team=payments", "system=shop") == "ops-email,payments,payments"
    assert receivers("team=web", "system=shop") == "oncall"  # no severity: "" is not "info"
