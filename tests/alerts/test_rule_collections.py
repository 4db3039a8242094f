"""Rule files shaped like the popular public collections: imported, loaded, translated, and still passing their
promtool tests once the Grafana translation is read back as PromQL.

The fixture (tests/alerts/fixtures/collection/) is our own, reproducing what kube-prometheus, the Kubernetes and
node-exporter mixins and the exporter rule collections do: a multi-document bundle with a ``PrometheusRule`` object,
recording and alerting rules mixed, one metric recorded twice, one alert name at two severities and windows.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from grafana_as_code.alerting.rule_groups import GrafanaRuleGroup
from grafana_as_code.alerting.rule_import import import_rules
from grafana_as_code.errors import UserError, collecting_warnings
from grafana_as_code.project import load_project

from project_copy import copy_project, edit, run_cli
from rule_readback import rule_file

FIXTURES = Path(__file__).parent / "fixtures" / "collection"
BUNDLE = FIXTURES / "storage-rules.k8s.yaml"
STORAGE = "alerts/rules/storage.yaml"


def promtool() -> str:
    path = shutil.which("promtool")
    assert path, "promtool is not installed: run `make system-tools` (Debian package prometheus)"
    return path


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository with the bundle imported as the README says: rules, their tests, their extras."""
    root = copy_project(tmp_path / "project")
    monkeypatch.chdir(root)
    result = run_cli(root, "import-rules", str(BUNDLE))
    assert result.returncode == 0, result.stderr
    assert "Wrote alerts/rules/storage.yaml" in result.stdout
    assert "skipped 1 object(s) that hold no rules (ServiceAccount)" in result.stderr
    shutil.copy(FIXTURES / "storage.test.yaml", root / "alerts" / "tests" / "storage.test.yaml")
    (root / "alerts" / "grafana" / "storage.yaml").write_text("folder: intelliflow\n")
    return root


def storage_groups(root: Path, env: str = "prod") -> list[GrafanaRuleGroup]:
    (catalog,) = load_project(root, [env]).catalogs
    return [g for g in catalog.rule_groups if g.file == STORAGE]


def test_the_imported_file_is_a_plain_rule_file_that_passes_its_tests(tree: Path) -> None:
    check = subprocess.run([promtool(), "check", "rules", STORAGE], cwd=tree, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "6 rules found" in check.stdout
    test = subprocess.run([promtool(), "test", "rules", "storage.test.yaml"], cwd=tree / "alerts" / "tests",
                          capture_output=True, text=True)
    assert test.returncode == 0, test.stdout + test.stderr


def test_the_translation_passes_the_same_promtool_tests(tree: Path, tmp_path: Path) -> None:
    (catalog,) = load_project(tree, ["prod"]).catalogs
    groups = [g for g in catalog.rule_groups if g.file == STORAGE]
    work = tmp_path / "readback"
    (work / "rules").mkdir(parents=True)
    (work / "tests").mkdir()
    (work / "rules" / "storage.yaml").write_text(yaml.safe_dump(rule_file(groups, catalog.env.labels),
                                                                sort_keys=False))
    shutil.copy(FIXTURES / "storage.test.yaml", work / "tests")
    result = subprocess.run([promtool(), "test", "rules", "storage.test.yaml"], cwd=work / "tests",
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_translation_would_fail_those_tests(tree: Path, tmp_path: Path) -> None:
    """The harness itself: dropping the second tier of VolumeFillingUp must make promtool fail."""
    (catalog,) = load_project(tree, ["prod"]).catalogs
    document = rule_file([g for g in catalog.rule_groups if g.file == STORAGE], catalog.env.labels)
    for group in document["groups"]:
        group["rules"] = [r for r in group["rules"] if r.get("labels", {}).get("severity") != "critical"]
    (tmp_path / "rules").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "rules" / "storage.yaml").write_text(yaml.safe_dump(document))
    shutil.copy(FIXTURES / "storage.test.yaml", tmp_path / "tests")
    result = subprocess.run([promtool(), "test", "rules", "storage.test.yaml"], cwd=tmp_path / "tests",
                            capture_output=True, text=True)
    assert result.returncode != 0


def test_recording_rules_become_grafana_managed_recording_rules(tree: Path) -> None:
    rules = [r for g in storage_groups(tree) for r in g.rules if r.record]
    assert sorted(r.record.metric for r in rules) == ["volume:free_bytes:ratio", "volume:free_bytes:ratio",
                                                      "volume:used_bytes:sum"]
    for rule in rules:
        assert rule.condition is None and rule.for_ is None and rule.no_data_state is None
        assert rule.exec_err_state is None and rule.annotations == {}
        assert rule.record.from_ == "A" and rule.record.target_datasource == "prometheus"  # the query data source
        (query,) = rule.data
        assert query["datasource_uid"] == "prometheus"
        assert "environment" not in rule.labels  # recorded series carry the expression's labels only
    assert {r.labels.get("source") for r in rules} == {"disk", "nfs", None}


def test_recording_rules_write_where_the_extras_say(tree: Path) -> None:
    (tree / "alerts" / "grafana" / "storage.yaml").write_text(
        "folder: intelliflow\nrecording:\n  target_datasource: {{ 'mimir' if env.name == 'prod' else 'prometheus' }}\n")
    targets = {r.record.target_datasource for g in storage_groups(tree) for r in g.rules if r.record}
    assert targets == {"mimir"}
    targets = {r.record.target_datasource for g in storage_groups(tree, "dev") for r in g.rules if r.record}
    assert targets == {"prometheus"}


def test_the_same_alert_name_at_two_severities_keeps_its_name_and_gets_two_uids(tree: Path) -> None:
    tiers = [r for g in storage_groups(tree) for r in g.rules if r.name == "VolumeFillingUp"]
    assert [r.title for r in tiers] == ["VolumeFillingUp", "VolumeFillingUp"]
    assert [r.labels["severity"] for r in tiers] == ["warning", "critical"]
    assert tiers[0].uid == "storage-volume-filling-up"  # the first keeps the plain uid
    assert tiers[1].uid.startswith("storage-volume-filling-up-") and len(tiers[1].uid) <= 40
    uids = [r.uid for g in storage_groups(tree) for r in g.rules]
    assert len(uids) == len(set(uids))
    assert uids == [r.uid for g in storage_groups(tree, "dev") for r in g.rules]  # the same in every environment


def test_uids_of_repeated_names_follow_their_order_and_labels(tree: Path) -> None:
    before = {(r.name, r.labels.get("severity")): r.uid for g in storage_groups(tree) for r in g.rules}
    document = yaml.safe_load((tree / STORAGE).read_text())
    (storage,) = [g for g in document["groups"] if g["name"] == "storage"]
    storage["rules"].reverse()  # the critical tier first now, and the warning tier gains a label
    next(r for r in storage["rules"] if r.get("labels", {}).get("severity") == "warning")["labels"]["team"] = "x"
    (tree / STORAGE).write_text(yaml.safe_dump(document))
    after = {(r.name, r.labels.get("severity")): r.uid for g in storage_groups(tree) for r in g.rules}
    # The critical tier is first now and takes the plain uid; the warning tier's digest follows its new labels.
    assert after[("VolumeFillingUp", "critical")] == "storage-volume-filling-up"
    assert after[("VolumeFillingUp", "warning")] not in before.values()
    assert after[("StorageExporterDown", "warning")] == before[("StorageExporterDown", "warning")]


def _older_grafana(tree: Path, version: str) -> None:
    """prod on an older Grafana: our catalogs' keep_firing_for (refused below 12.0, test_version_gates.py) goes."""
    edit(tree / "environments" / "prod.yaml", 'version: "12.1"', f'version: "{version}"')
    for rules in (tree / "alerts" / "rules").glob("*.yaml"):
        rules.write_text("".join(line for line in rules.read_text().splitlines(keepends=True)
                                 if not line.strip().startswith("keep_firing_for:")))


def test_grafana_before_12_gets_unique_titles_with_a_warning(tree: Path) -> None:
    _older_grafana(tree, "11.6")
    with collecting_warnings() as warnings:
        groups = storage_groups(tree)
    titles = [r.title for g in groups for r in g.rules if r.name == "VolumeFillingUp"]
    assert titles == ["VolumeFillingUp", "VolumeFillingUp (severity=critical)"]
    texts = [str(w) for w in warnings]
    assert any(t.startswith("alerts/rules/storage.yaml: groups[storage].rules[VolumeFillingUp#2]: is titled "
                            "'VolumeFillingUp (severity=critical)' in environment 'prod'") for t in texts)
    # Recorded twice under one metric name: titles made unique too, the metric written stays the same.
    records = [r for g in groups for r in g.rules if r.name == "volume:free_bytes:ratio"]
    assert [r.title for r in records] == ["volume:free_bytes:ratio", "volume:free_bytes:ratio (source=nfs)"]
    assert {r.record.metric for r in records} == {"volume:free_bytes:ratio"}
    # Recording rules are off by default before 12.1: accepted, with what to switch on.
    assert any("grafanaManagedRecordingRules" in t for t in texts)


def test_grafana_without_recording_rules_refuses_them(tree: Path) -> None:
    _older_grafana(tree, "11.1")
    with pytest.raises(UserError) as caught:
        load_project(tree, ["prod"])
    (problem,) = caught.value.problems
    assert str(problem).startswith("alerts/rules/storage.yaml: groups[storage.rules].rules[volume:free_bytes:ratio]: "
                                   "3 recording rule(s): Grafana-managed recording rules need Grafana 11.2 or newer, "
                                   "and environment 'prod' runs 11.1")


def test_recording_rules_need_a_prometheus_target(tree: Path) -> None:
    (tree / "alerts" / "grafana" / "storage.yaml").write_text(
        "folder: intelliflow\nrecording: {target_datasource: loki}\n")
    with pytest.raises(UserError) as caught:
        load_project(tree, ["prod"])
    assert [str(p) for p in caught.value.problems] == [
        "alerts/grafana/storage.yaml: recording.target_datasource: data source 'loki' is of type 'loki'; Grafana "
        "writes recorded series with Prometheus remote write, to a Prometheus-type data source (set "
        "recording.target_datasource)"]


def test_the_stack_holds_record_blocks_and_folder_qualified_addresses(tree: Path) -> None:
    result = run_cli(tree, "synth", "--env", "prod")
    assert result.returncode == 0, result.stderr
    (stack,) = (tree / "cdktf.out" / "stacks").glob("*/cdk.tf.json")
    document = json.loads(stack.read_text())
    groups = document["resource"]["grafana_rule_group"]
    by_name = {g["name"]: address for address, g in groups.items()}
    # `storage` reads back unambiguously; `storage.rules` is not in Terraform's alphabet: cleaned, plus a digest.
    assert by_name["storage"] == "intelliflow_storage"
    assert by_name["storage.rules"].startswith("_intelliflow_storage_rules_") and len(by_name["storage.rules"]) == 35
    first = groups[by_name["storage.rules"]]["rule"][0]
    assert first["record"]["metric"] == "volume:free_bytes:ratio" and first["record"]["from"] == "A"
    assert first["record"]["target_datasource_uid"].startswith("${grafana_data_source.")
    assert not {"condition", "for", "no_data_state", "exec_err_state"} & set(first)
