"""Rule files shaped like Grafana's own monitoring mixins (the compiled Mimir, Loki and Tempo alerts.yaml and
rules.yaml), on a fixture of our own (fixtures/mixin/queue-mixin.yaml): imported as the README says, loaded on Grafana
12.1 and 11.6, and still passing their promtool tests once the Grafana translation is read back as PromQL.

The shapes: a comment between a query and its comparison (Mimir's MimirKVStoreFailure), the same alert name twice
with the same labels (Loki's two LokiCompactorHasNotSuccessfullyRunCompaction), nested subqueries with a 5s step
(MimirSchedulerQueriesStuck), a threshold written as arithmetic (``> 60 * 60 * 3``), and one metric recorded by
several rules that differ in a label (Mimir's cluster_namespace_deployment_reason:required_replicas:count)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from grafana_as_code.alerting.rule_groups import GrafanaRuleGroup
from grafana_as_code.errors import collecting_warnings
from grafana_as_code.project import load_project

from project_copy import copy_fixture_project, run_cli
from rule_readback import rule_file
from test_promtool import promtool

FIXTURES = Path(__file__).parent / "fixtures" / "mixin"
RULES = FIXTURES / "queue-mixin.yaml"
QUEUE = "alerts/rules/queue.yaml"
RECORDED = "cluster_deployment_reason:required_replicas:count"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_fixture_project(tmp_path / "project")
    monkeypatch.chdir(root)
    result = run_cli(root, "import-rules", str(RULES), "--system", "queue")
    assert result.returncode == 0, result.stderr
    assert "Wrote alerts/rules/queue.yaml" in result.stdout
    (root / "alerts" / "grafana" / "queue.yaml").write_text("folder: shop\n")
    return root


def queue_groups(root: Path, env: str) -> list[GrafanaRuleGroup]:
    (catalog,) = load_project(root, [env]).catalogs
    return [g for g in catalog.rule_groups if g.file == QUEUE]


def read_back_and_test(root: Path, env: str, work: Path) -> subprocess.CompletedProcess:
    (catalog,) = load_project(root, [env]).catalogs
    groups = [g for g in catalog.rule_groups if g.file == QUEUE]
    work.mkdir()
    (work / RULES.name).write_text(yaml.safe_dump(rule_file(groups, catalog.env.labels), sort_keys=False))
    shutil.copy(FIXTURES / "queue-mixin.test.yaml", work)
    return subprocess.run([promtool(), "test", "rules", "queue-mixin.test.yaml"], cwd=work, capture_output=True,
                          text=True)


def test_the_fixture_passes_its_own_promtool_tests() -> None:
    result = subprocess.run([promtool(), "test", "rules", "queue-mixin.test.yaml"], cwd=FIXTURES,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_two_alerts_alike_are_a_lint_note_not_a_failure() -> None:
    """promtool's duplicate-rules lint prints the two QueueWorkerNotRunning, but exits 0 (only --lint-fatal makes it
    fail): Prometheus loads and runs both, and so does `promtool check rules` in test_promtool.py."""
    check = subprocess.run([promtool(), "check", "rules", str(RULES)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Metric: QueueWorkerNotRunning" in check.stdout + check.stderr
    fatal = subprocess.run([promtool(), "check", "rules", "--lint-fatal", str(RULES)], capture_output=True, text=True)
    assert fatal.returncode == 3


def test_the_translation_passes_the_same_promtool_tests(tree: Path, tmp_path: Path) -> None:
    result = read_back_and_test(tree, "prod", tmp_path / "readback")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_translation_would_fail_those_tests(tree: Path, tmp_path: Path) -> None:
    """The harness itself: the since-startup QueueWorkerNotRunning dropped, promtool must fail."""
    (catalog,) = load_project(tree, ["prod"]).catalogs
    document = rule_file([g for g in catalog.rule_groups if g.file == QUEUE], catalog.env.labels)
    for group in document["groups"]:
        group["rules"] = [r for r in group["rules"] if "since it started" not in str(r.get("annotations"))]
    (tmp_path / RULES.name).write_text(yaml.safe_dump(document))
    shutil.copy(FIXTURES / "queue-mixin.test.yaml", tmp_path)
    result = subprocess.run([promtool(), "test", "rules", "queue-mixin.test.yaml"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode != 0


def test_a_comment_before_the_comparison_stays_with_the_query(tree: Path) -> None:
    (failing,) = [r for g in queue_groups(tree, "prod") for r in g.rules if r.name == "QueueStoreFailing"]
    query, condition = (json.loads(d["model"]) for d in failing.data)
    assert query["expr"].endswith("# Only a constant failure counts.")  # valid PromQL: a comment ends the query
    assert condition["expression"] == "is_nan($A) == 0 && $A == 1"
    (stuck,) = [r for g in queue_groups(tree, "prod") for r in g.rules if r.name == "QueueStuck"]
    assert stuck.shape == "present"  # `x > 0 and (…)`: every series the whole expression returns fires
    not_running = [r for g in queue_groups(tree, "prod") for r in g.rules if r.name == "QueueWorkerNotRunning"]
    assert [r.shape for r in not_running] == ["present", "math"]  # `> 60 * 60 * 3` is no number literal


def test_grafana_12_keeps_both_names_and_11_6_tells_them_apart(tree: Path) -> None:
    prod = [r for g in queue_groups(tree, "prod") for r in g.rules]
    assert [r.title for r in prod if r.name == "QueueWorkerNotRunning"] == ["QueueWorkerNotRunning"] * 2
    assert len({r.uid for r in prod}) == len(prod)
    with collecting_warnings() as warnings:
        dev = [r for g in queue_groups(tree, "dev") for r in g.rules]
    assert [r.title for r in dev if r.name == "QueueWorkerNotRunning"] == ["QueueWorkerNotRunning",
                                                                          "QueueWorkerNotRunning (2)"]
    assert [r.title for r in dev if r.record] == [RECORDED, f"{RECORDED} (reason=queue_depth_strict)"]
    assert {r.record.metric for r in dev if r.record} == {RECORDED}
    texts = [str(w) for w in warnings]
    assert (f"alerts/rules/queue.yaml: groups[queue_scaling_rules].rules[{RECORDED}#2]: is titled "
            f"'{RECORDED} (reason=queue_depth_strict)' in environment 'dev': Grafana 11.6 needs rule titles unique "
            f"per folder ('shop'; 12.0 and newer do not); the series it records keeps the name '{RECORDED}'") in texts
    assert ("alerts/rules/queue.yaml: groups[queue_alerts].rules[QueueWorkerNotRunning#2]: is titled "
            "'QueueWorkerNotRunning (2)' in environment 'dev': Grafana 11.6 needs rule titles unique per folder "
            "('shop'; 12.0 and newer do not); its alertname differs there") in texts


def test_the_copy_synthesizes(tree: Path) -> None:
    result = run_cli(tree, "synth")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_a_repeated_name_near_grafanas_limit_is_cut_before_its_suffix(tree: Path) -> None:
    """Grafana refuses a title over 190 bytes; a suffix must not push a long name over it on Grafana 11.6."""
    name = "Queue" + "VeryLong" * 22 + "Backlog"  # 188 characters, within the limit on its own
    long_value = "x" * 120  # a label value too long to tell repeats apart in a title: their rank does
    rules = {"groups": [{"name": "queue_long", "rules": [
        {"alert": name, "expr": "queue_depth > 10", "labels": {"severity": "warning"}},
        {"alert": name, "expr": "queue_depth > 100", "labels": {"severity": "critical"}},
        {"alert": name, "expr": "queue_depth > 1000", "labels": {"severity": "critical", "note": long_value}},
    ]}]}
    (tree / "alerts" / "rules" / "long.yaml").write_text(yaml.safe_dump(rules))
    (tree / "alerts" / "grafana" / "long.yaml").write_text("folder: shop\n")
    (catalog,) = load_project(tree, ["dev"]).catalogs
    titles = [r.title for g in catalog.rule_groups if g.file == "alerts/rules/long.yaml" for r in g.rules]
    assert titles[0] == name
    assert titles[1].endswith("... (severity=critical)") and titles[1].startswith(name[:100])
    assert titles[2].endswith("... (3)")
    assert all(len(t.encode()) <= 190 for t in titles) and len(set(titles)) == 3
    (prod,) = load_project(tree, ["prod"]).catalogs  # 12.1: titles may repeat, nothing is cut
    assert {r.title for g in prod.rule_groups if g.file == "alerts/rules/long.yaml" for r in g.rules} == {name}
