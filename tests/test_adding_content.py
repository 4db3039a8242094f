"""Adding content as the READMEs say keeps the content checks green; bad content fails them with a message.

On a copy of the whole repository (code, definitions and this test suite) the test adds what a team adds, following
README.md, dashboards/README.md, alerts/README.md and teams/README.md: a dashboard in a new folder (the two files
are taken from dashboards/README.md itself), an environment (a copy of an existing one with its own values), a rule
file with its promtool test, a contact point and a route with its routing case, and the team its alerts name. Then
it runs the copy's own content checks with pytest in a separate process. Checks that read only one rule file and its
tests (promtool's unit tests and their Grafana translation) are run for the files the addition brought and
deselected for the files that are byte for byte the repository's, which this suite itself checks.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from project_copy import REPO, content_root, copy_code, copy_fixture_project, edit, schema_path

CONTENT_CHECKS = ["tests/content", "tests/alerts/test_promtool.py", "tests/alerts/test_routes.py",
                  "tests/alerts/test_rule_groups.py", "tests/test_catalog_requirements.py",
                  "tests/dashboards/test_schema_validators.py::test_every_content_dashboard_is_valid_for_both"]
PER_RULE_FILE = ["tests/alerts/test_promtool.py::test_rules_pass_their_unit_tests",
                 "tests/alerts/test_rule_groups.py::test_grafana_rules_fire_exactly_like_the_prometheus_rules"]

RULES = """\
groups:
  - name: payments-availability
    interval: 30s
    rules:
      - alert: PaymentsFailing
        expr: sum by (job) (rate(payments_failed_total[5m])) / sum by (job) (rate(payments_total[5m])) > 0.1
        for: 5m
        labels:
          severity: warning
          system: payments
          team: payments
        annotations:
          summary: "Payments failing on {{ $labels.job }}"
          description: "{{ $value | humanizePercentage }} of payments fail on {{ $labels.job }} (threshold 10%)."
          runbook_url: https://runbooks.example.com/payments/PaymentsFailing
"""
RULE_TESTS = """\
rule_files:
  - ../rules/payments.yaml

evaluation_interval: 30s

tests:
  - name: failing and not
    interval: 1m
    input_series:
      - series: 'payments_total{job="psp"}'
        values: '0+100x20'
      - series: 'payments_failed_total{job="psp"}'
        values: '0+20x20'
    alert_rule_test:
      - {eval_time: 4m, alertname: PaymentsFailing, exp_alerts: []}
      - eval_time: 12m
        alertname: PaymentsFailing
        exp_alerts:
          - exp_labels: {severity: warning, system: payments, team: payments, job: psp}
            exp_annotations:
              summary: "Payments failing on psp"
              description: "20% of payments fail on psp (threshold 10%)."
              runbook_url: https://runbooks.example.com/payments/PaymentsFailing
"""
CONTACT_POINT = """\
# The payments team's channel (alerts/README.md: adding a contact point is adding one file).
integrations:
  - type: slack
    token: {secret: slack_bot_token}
    recipient: "#payments"
    title: {template: slack.title}
    text: {template: slack.text}
"""
ROUTE = """\
# The payments team's warnings go to its own channel.
routes:
  - match: {severity: warning, team: payments}
    contact_point: payments-team
"""
ROUTING_CASE = """\
  - labels: {severity: warning, system: payments, team: payments}
    receivers: [ops-email, payments-team]
"""


def readme_block(readme: Path, first_line: str) -> str:
    """The fenced YAML block of a README that starts with ``first_line`` (a comment naming the file)."""
    blocks = re.findall(r"```yaml\n(.*?)```", readme.read_text(), flags=re.S)
    found = [b for b in blocks if b.startswith(first_line + "\n")]
    assert len(found) == 1, f"{readme.name} has no single block starting {first_line!r}: the README changed"
    return found[0]


def copy_repository(target: Path) -> Path:
    """The code (project_copy.copy_code), the test suite, the scripts and the definition files."""
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache", "cdktf.out", ".cdktf-staging-*")
    target.mkdir(parents=True)
    copy_code(target)
    for name in ("pytest.ini", "scripts", "tests", "environments", "datasources", "dashboards", "alerts", "teams",
                 "adopt", "README.md"):
        source = REPO / name
        if not source.exists():
            continue
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    return target


def run_content_checks(root: Path, *args: str, content: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, GRAFANA_PROVIDER_SCHEMA=str(schema_path()))
    env.pop("CONTENT_ROOT", None)
    if content is not None:
        env["CONTENT_ROOT"] = str(content)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=root,
                          env=env, capture_output=True, text=True, timeout=600)


def test_adding_as_the_readmes_say_keeps_the_content_checks_green(tmp_path: Path) -> None:
    if content_root() != REPO:
        return  # already running inside a copy: do not recurse
    root = copy_repository(tmp_path / "repo")
    # A dashboard in a new folder: dashboards/README.md, "Adding a dashboard".
    readme = root / "dashboards" / "README.md"
    for name in ("dashboards/payments/_folder.yaml", "dashboards/payments/payments-overview.yaml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(readme_block(readme, f"# {name}"))
    # An environment: README.md, "Environments": a copy of an existing one with its own values.
    qa = root / "environments" / "qa.yaml"
    shutil.copy(root / "environments" / "staging.yaml", qa)
    edit(qa, "https://grafana.staging.example.com", "https://grafana.qa.example.com")
    edit(qa, "grafana/staging/terraform.tfstate", "grafana/qa/terraform.tfstate")
    edit(qa, "environment: staging", "environment: qa")
    edit(qa, '"#incidents-staging"', '"#incidents-qa"')
    # A rule file with its test: alerts/README.md, "Adding a rule file"; its folder is dashboards/payments/.
    (root / "alerts" / "rules" / "payments.yaml").write_text(RULES)
    (root / "alerts" / "tests" / "payments.test.yaml").write_text(RULE_TESTS)
    # A contact point and a route with its routing case: alerts/README.md, "Contact points, … and routing".
    (root / "alerts" / "contact-points" / "payments-team.yaml").write_text(CONTACT_POINT)
    (root / "alerts" / "policies" / "team-payments.yaml").write_text(ROUTE)
    table = root / "alerts" / "policies" / "routes.test.yaml"
    if ROUTING_CASE not in table.read_text():  # a repository that already routes it keeps one case
        table.write_text(table.read_text() + ROUTING_CASE)
    # The team its alerts name, owning its folder: teams/README.md.
    (root / "teams" / "payments.yaml").write_text("name: Payments\nfolders: [payments]\n")

    # The rule files this test did not write (a repository that already holds a payments.yaml still has it checked)
    unchanged = [p.name for p in sorted((REPO / "alerts" / "rules").glob("*.yaml"))
                 if p.name != "payments.yaml" and (root / "alerts/rules" / p.name).read_bytes() == p.read_bytes()
                 and (root / "alerts/tests" / f"{p.stem}.test.yaml").read_bytes()
                 == (REPO / "alerts/tests" / f"{p.stem}.test.yaml").read_bytes()]
    deselect = [arg for name in unchanged for test in PER_RULE_FILE for arg in ("--deselect", f"{test}[{name}]")]
    result = run_content_checks(root, "-rA", *CONTENT_CHECKS, *deselect)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary) and "error" not in summary and "skipped" not in summary, summary
    # The additions were seen: the new environment, rule file and routing case have checks of their own, passed.
    for name in ("test_environment_loads[qa]", "test_rules_pass_their_unit_tests[payments.yaml]",
                 "test_grafana_rules_fire_exactly_like_the_prometheus_rules[payments.yaml]",
                 "test_routing_table[severity=warning,system=payments,team=payments-qa]",
                 "test_every_alert_rule_reaches_the_right_kind_of_receiver[qa]"):
        assert re.search(rf"PASSED \S+::{re.escape(name)}$", result.stdout, flags=re.M), name


def test_an_alert_without_a_routing_label_fails_a_check_with_a_message_not_collection(tmp_path: Path) -> None:
    """Both modules that read the rule files' labels are collected; the label check fails with the alert's name."""
    project = copy_fixture_project(tmp_path / "project")
    edit(project / "alerts" / "rules" / "shop.yaml", "          severity: info\n", "")
    result = run_content_checks(REPO, "tests/alerts/test_promtool.py", "tests/alerts/test_routes.py",
                                "-k", "routing_labels", content=project)
    assert result.returncode == 1, result.stdout  # a failed test, not an interrupted collection (2)
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("1 failed") and "error" not in summary and "KeyError" not in result.stdout, summary
    assert "shop.yaml: NoOrders: no severity label (every alert has severity, system, team)" in result.stdout
