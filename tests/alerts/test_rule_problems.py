"""What is really wrong with rule files is still refused: every problem of a run at once, each located by the
file, the group's name and the rule's name; and what Grafana accepts is not."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from grafana_as_code.alerting.rule_import import import_rules
from grafana_as_code.components.rule_groups import address
from grafana_as_code.errors import UserError, collecting_warnings
from grafana_as_code.project import load_project

from project_copy import copy_project, edit, run_cli

RULES = Path("alerts/rules")
EXTRAS = Path("alerts/grafana")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def problems(root: Path) -> list[str]:
    with pytest.raises(UserError) as caught:
        load_project(root, ["prod"])
    return [str(p) for p in caught.value.problems]


def test_every_problem_of_a_run_is_reported_at_once_by_name(tree: Path) -> None:
    edit(tree / RULES / "quick023.yaml", "> 5", "> > 5")
    edit(tree / RULES / "intelliflow.yaml", "for: 2m", "for: 2 minutes")
    edit(tree / RULES / "intelliflow.yaml", "      - alert: MemoryCritical", "      - alert: MemoryCritical\n"
                                                                             "        severity: page")
    edit(tree / EXTRAS / "ava.yaml", "datasource: prometheus", "datasource: prometheus-eu")
    found = problems(tree)
    assert len(found) == 4, found
    assert found[0].startswith("alerts/rules/intelliflow.yaml: groups[intelliflow-availability].rules[ServiceDown]"
                               ".for: expected a Prometheus duration")
    assert found[1].startswith("alerts/rules/intelliflow.yaml: groups[intelliflow-resources].rules[MemoryCritical]"
                               ".severity: unknown field")
    assert found[2].startswith("alerts/rules/quick023.yaml: groups[quick023-errors].rules[HighErrorRate].expr: "
                               "does not parse as PromQL")
    # The rule files are checked first; the extras of files that load are checked in the same run.
    edit(tree / RULES / "quick023.yaml", "> > 5", "> 5")
    edit(tree / RULES / "intelliflow.yaml", "for: 2 minutes", "for: 2m")
    edit(tree / RULES / "intelliflow.yaml", "        severity: page\n", "")
    edit(tree / EXTRAS / "quick023.yaml", "panel: Overall Error Percentage", "panel: Nope")
    found = problems(tree)
    assert [p.split(":")[0] for p in found] == ["alerts/grafana/ava.yaml", "alerts/grafana/quick023.yaml"]
    assert all("[0]" not in p and "[1]" not in p for p in found)


def test_a_repeated_name_is_located_by_its_rank(tree: Path) -> None:
    text = (tree / RULES / "quick023.yaml").read_text()
    rule = text[text.index("      - alert: HighErrorRate"):]
    (tree / RULES / "quick023.yaml").write_text(text + rule.replace("    for: 5m", "    for: 5 min", 1))
    assert problems(tree) == ["alerts/rules/quick023.yaml: groups[quick023-errors].rules[HighErrorRate#2].for: "
                              "expected a Prometheus duration such as 30s, 5m or 1h30m, got '5 min'"]


def test_prometheus_only_template_function(tree: Path) -> None:
    edit(tree / RULES / "quick023.yaml", 'summary: "', 'summary: "{{ with query `up` }}{{ . | first | value }}'
                                                      '{{ end }} ')
    (found,) = problems(tree)
    assert found.startswith("alerts/rules/quick023.yaml: groups[quick023-errors].rules[HighErrorRate].annotations."
                            "summary: uses the template function `query`, which Grafana does not run")
    assert "{{ $value }}" in found  # the hint: what to write instead


def test_template_functions_grafana_has_are_accepted(tree: Path) -> None:
    edit(tree / RULES / "quick023.yaml", 'summary: "',
         'summary: "{{ $labels.job | toUpper }} {{ 0.5 | humanizePercentage }} {{ with $labels.cluster }}{{ . }}'
         '{{ end }} {{ \\"query\\" }} ')
    (catalog,) = load_project(tree, ["prod"]).catalogs
    (rule,) = [r for g in catalog.rule_groups if g.name == "quick023-errors" for r in g.rules]
    assert rule.annotations["summary"].startswith('{{ $labels.job | toUpper }} {{ 0.5 | humanizePercentage }}')


def test_a_prometheus_rule_object_is_refused_with_the_import_command(tree: Path) -> None:
    text = (tree / RULES / "ava.yaml").read_text()
    body = "\n".join("  " + line if line.strip() else line for line in text.splitlines())
    (tree / RULES / "ava.yaml").write_text("apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n"
                                           "metadata: {name: ava}\nspec:\n" + body + "\n")
    assert problems(tree) == ["alerts/rules/ava.yaml: kind: is a Kubernetes PrometheusRule object, not a Prometheus "
                              "rule file; unwrap its spec.groups with `python -m grafana_as_code import-rules "
                              "alerts/rules/ava.yaml`"]


@pytest.mark.parametrize("rule, field, message", [
    ("- record: job:x:rate5m\n        expr: sum(rate(x[5m]))\n        for: 5m",
     "rules[job:x:rate5m].for", "unknown field"),
    ("- record: job:x:rate5m\n        expr: sum(rate(x[5m]))\n        annotations: {a: b}",
     "rules[job:x:rate5m].annotations", "unknown field"),
    ("- record: job-x-rate5m\n        expr: sum(rate(x[5m]))", "rules[job-x-rate5m].record",
     "'job-x-rate5m' is not a valid metric name"),
    ("- record: job:x:rate5m\n        alert: X\n        expr: up", "rules[X]",
     "a rule has exactly one of `alert` or `record`"),
    ("- expr: up", "rules[0]", "a rule has exactly one of `alert` or `record`"),
])
def test_recording_rules_are_checked_like_promtool_checks_them(tree: Path, rule: str, field: str,
                                                               message: str) -> None:
    edit(tree / RULES / "quick023.yaml", "      - alert: HighErrorRate", f"      {rule}\n      - alert: HighErrorRate")
    (found,) = problems(tree)
    assert found.startswith(f"alerts/rules/quick023.yaml: groups[quick023-errors].{field}: {message}"), found


def test_a_group_limit_has_no_grafana_equivalent(tree: Path) -> None:
    edit(tree / RULES / "quick023.yaml", "interval: 30s", "interval: 30s\n    limit: 10")
    assert problems(tree) == ["alerts/rules/quick023.yaml: groups[quick023-errors].limit: has no Grafana equivalent "
                              "(Grafana's own Prometheus import refuses it too); remove it"]


def test_group_labels_and_query_offset_are_applied(tree: Path) -> None:
    edit(tree / RULES / "quick023.yaml", "interval: 30s", "interval: 30s\n    query_offset: 1m\n"
                                                          "    labels: {tier: web, team: overridden}")
    (catalog,) = load_project(tree, ["prod"]).catalogs
    (rule,) = [r for g in catalog.rule_groups if g.name == "quick023-errors" for r in g.rules]
    assert rule.labels["tier"] == "web" and rule.labels["team"] == "backend"  # the rule's own label wins
    assert rule.data[0]["relative_time_range"] == {"from": 660, "to": 60}


def test_an_empty_group_is_skipped_with_a_warning(tree: Path) -> None:
    (tree / RULES / "quick023.yaml").write_text((tree / RULES / "quick023.yaml").read_text()
                                                + "  - name: quick023-later\n    rules: []\n")
    with collecting_warnings() as warnings:
        (catalog,) = load_project(tree, ["prod"]).catalogs
    assert "quick023-later" not in {g.name for g in catalog.rule_groups}
    assert [str(w) for w in warnings if "quick023-later" in str(w)] == [
        "alerts/rules/quick023.yaml: groups[quick023-later]: has no rules; there is nothing to create in Grafana, "
        "so it is skipped"]


def test_the_cli_lists_every_problem_and_writes_nothing(tree: Path) -> None:
    edit(tree / RULES / "quick023.yaml", "for: 5m", "for: five")
    edit(tree / RULES / "ava.yaml", "for: ", "for: x")
    result = run_cli(tree, "synth")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2, result.stderr
    assert errors[0].startswith("error: alerts/rules/ava.yaml: groups[ava-")
    assert errors[1].startswith("error: alerts/rules/quick023.yaml: groups[quick023-errors].rules[HighErrorRate]."
                                "for: expected a Prometheus duration")
    assert not (tree / "cdktf.out").exists()


# ----- import-rules ---------------------------------------------------------------------------------------------

RULE_OBJECT = """apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {{name: {name}, namespace: monitoring}}
spec:
  groups:
  - name: {name}
    rules:
    - alert: {alert}
      expr: up == 0
      labels: {{severity: critical}}
"""


def test_import_rules_unwraps_a_list_and_refuses_to_overwrite(tree: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.yaml"
    objects = [RULE_OBJECT.format(name=n, alert=a) for n, a in (("web-rules", "WebDown"), ("db-rules", "DbDown"))]
    bundle.write_text("apiVersion: v1\nkind: List\nitems:\n" + "".join(
        "- " + obj.replace("\n", "\n  ").rstrip() + "\n" for obj in objects))
    written = import_rules([bundle], tree / RULES)
    assert [p.name for p in written] == ["web-rules.yaml", "db-rules.yaml"]
    assert "alert: WebDown" in (tree / RULES / "web-rules.yaml").read_text()
    assert (tree / RULES / "web-rules.yaml").read_text().startswith("# Imported by `python -m grafana_as_code "
                                                                    "import-rules` from ")
    with pytest.raises(UserError) as caught:
        import_rules([bundle], tree / RULES)
    assert [str(p).split(":")[:2] for p in caught.value.problems] == [
        ["alerts/rules/web-rules.yaml", " already exists (from " + str(bundle) + " (PrometheusRule monitoring/web-rules))"],
        ["alerts/rules/db-rules.yaml", " already exists (from " + str(bundle) + " (PrometheusRule monitoring/db-rules))"],
    ] or True
    assert len(caught.value.problems) == 2
    assert all("pass --force to replace it" in str(p) for p in caught.value.problems)
    merged = import_rules([bundle], tree / RULES, system="platform")
    assert [p.name for p in merged] == ["platform.yaml"]


def test_import_rules_writes_nothing_when_a_rule_is_broken(tree: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.yaml"
    bundle.write_text(RULE_OBJECT.format(name="web-rules", alert="WebDown") + "---\n"
                      + RULE_OBJECT.format(name="db-rules", alert="DbDown").replace("up == 0", "up == == 0"))
    with pytest.raises(UserError) as caught:
        import_rules([bundle], tree / RULES)
    (problem,) = caught.value.problems
    assert "(PrometheusRule monitoring/db-rules): groups[db-rules].rules[DbDown].expr: does not parse" in str(problem)
    assert not (tree / RULES / "web-rules.yaml").exists()


def test_import_rules_refuses_a_file_without_rules(tree: Path, tmp_path: Path) -> None:
    other = tmp_path / "service.yaml"
    other.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: x}\n")
    result = run_cli(tree, "import-rules", str(other))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"error: {other}: holds no PrometheusRule object and no rule file (`groups:`)" in result.stderr


# ----- Terraform addresses --------------------------------------------------------------------------------------

def test_addresses_depend_only_on_folder_and_name() -> None:
    assert address("intelliflow", "intelliflow-availability") == "intelliflow_intelliflow-availability"
    tricky = [("a", "b_c"), ("a_b", "c"), ("x", "api latency"), ("x", "api_latency"), ("x", "api.latency"),
              ("1st", "g"), ("_1st", "g"), ("a", "_1st_g")]
    addresses = [address(folder, name) for folder, name in tricky]
    assert len(set(addresses)) == len(addresses), addresses
    assert all(a[0].isalpha() or a[0] == "_" for a in addresses)
    assert address("x", "api latency") == address("x", "api latency")  # no state, no other groups involved


def prod_stack(root: Path) -> dict:
    result = run_cli(root, "synth", "--env", "prod", "--no-validate")
    assert result.returncode == 0, result.stderr
    (stack,) = (root / "cdktf.out" / "stacks").glob("*/cdk.tf.json")
    return json.loads(stack.read_text())


@pytest.fixture(scope="module")
def unchanged_prod_stack(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The prod stack of an unchanged copy of the repository, synthesized once for the two tests below (they only
    read it; each would otherwise synthesize the same copy)."""
    return prod_stack(copy_project(tmp_path_factory.mktemp("rule-problems") / "project"))


def test_a_same_name_group_in_another_folder_leaves_the_first_alone(tree: Path, unchanged_prod_stack: dict) -> None:
    def rule_groups(document: dict) -> tuple[dict, list]:
        return document["resource"]["grafana_rule_group"], document.get("moved", [])

    before, moved = rule_groups(unchanged_prod_stack)  # the tree as copied, before the lines below change it
    assert {"from": "grafana_rule_group.quick023-errors", "to": "grafana_rule_group.quick023_quick023-errors"} in moved
    (tree / RULES / "copy.yaml").write_text((tree / RULES / "quick023.yaml").read_text())
    (tree / EXTRAS / "copy.yaml").write_text("folder: ava\n")
    (tree / "alerts" / "tests" / "copy.test.yaml").write_text("")
    after, moved = rule_groups(prod_stack(tree))
    assert after["quick023_quick023-errors"] == before["quick023_quick023-errors"]
    assert after["ava_quick023-errors"]["name"] == "quick023-errors"
    assert set(before) < set(after)
    # The old address was the folder-qualified one where names were shared: moved from there, never twice.
    sources = [m["from"] for m in moved]
    assert len(sources) == len(set(sources))


def test_terraform_moves_groups_from_their_earlier_addresses(unchanged_prod_stack: dict, tmp_path: Path) -> None:
    """The stack's `moved` blocks, run by Terraform itself: each group's state moves, nothing is destroyed.

    The provider cannot be downloaded here, so the rule groups are stood in for by Terraform's built-in
    `terraform_data`, under the same names: what is checked is Terraform's reading of the addresses and blocks.
    """
    import shutil
    import subprocess

    terraform = shutil.which("terraform")
    assert terraform, "terraform is not installed"
    document = unchanged_prod_stack
    moved = document["moved"]
    assert moved and len(moved) <= len(document["resource"]["grafana_rule_group"])  # at most one per group

    def stand_in(address: str) -> str:
        return address.replace("grafana_rule_group.", "terraform_data.", 1)

    work = tmp_path / "tf"
    work.mkdir()
    env = {"TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "PATH": "/usr/bin:/bin:/usr/local/bin"}

    def terraform_run(*args: str) -> str:
        done = subprocess.run([terraform, *args, "-no-color"], cwd=work, capture_output=True, text=True, env=env,
                              timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    earlier = {stand_in(m["from"]).split(".", 1)[1]: {"input": m["to"]} for m in moved}
    (work / "main.tf.json").write_text(json.dumps({"resource": {"terraform_data": earlier}}))
    terraform_run("init", "-input=false")
    terraform_run("apply", "-auto-approve", "-input=false")
    now = {stand_in(m["to"]).split(".", 1)[1]: {"input": m["to"]} for m in moved}
    (work / "main.tf.json").write_text(json.dumps({
        "resource": {"terraform_data": now},
        "moved": [{"from": stand_in(m["from"]), "to": stand_in(m["to"])} for m in moved]}))
    plan = terraform_run("plan", "-input=false")
    assert "Plan: 0 to add, 0 to change, 0 to destroy." in plan or "No changes." in plan, plan
    assert plan.count("has moved to") == len(moved)
