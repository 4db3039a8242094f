"""A small project of its own for the tests of team stacks, affected plans and the migration: two environments
(dev: one stack, local state; prod: state.split: teams, S3), two teams owning a folder each (one with a subfolder),
a folder no team owns, two data sources, a rule file in a team's folder and a contact point."""
from __future__ import annotations

import subprocess
from pathlib import Path

from project_copy import copy_code

ENVIRONMENT = """\
grafana: {{url: "https://grafana.{name}.example.com", version: "12.1"}}
state:
{state}
datasources:
  prom: {{url: "http://prometheus.{name}:9090"}}
  logs: {{url: "http://loki.{name}:3100"}}
contacts: {{slack_channel: "#{name}-alerts"}}
"""
DEV_STATE = "  backend: local"
PROD_STATE = """\
  backend: s3
  split: teams
  bucket: grafana-state
  key: grafana/prod/terraform.tfstate
  region: eu-west-1
  use_lockfile: true"""

FILES = {
    "datasources/prom.yaml": 'uid: prom\nname: Prometheus\ntype: prometheus\nurl: "{{ endpoint.url }}"\n'
                             "is_default: true\n",
    "datasources/logs.yaml": 'uid: logs\nname: Loki\ntype: loki\nurl: "{{ endpoint.url }}"\n',
    "teams/shop.yaml": "name: Shop\nfolders: [shop]\n",
    "teams/infra.yaml": "name: Infrastructure\nfolders: [infra]\n",
    "dashboards/shop/_folder.yaml": "title: Shop\n",
    "dashboards/shop/orders.yaml": "uid: shop-orders\ntitle: Orders\ndatasource: prom\npanels:\n"
                                   "  - {type: timeseries, title: Orders, queries: [{expr: 'sum(rate(orders_total[5m]))'}]}\n",
    "dashboards/shop/checkout/_folder.yaml": "title: Checkout\n",
    "dashboards/shop/checkout/logs.yaml": "uid: checkout-logs\ntitle: Checkout logs\ndatasource: logs\npanels:\n"
                                          "  - {type: logs, title: Errors, queries: [{expr: '{app=\"checkout\"} |= \"error\"'}]}\n",
    "dashboards/infra/_folder.yaml": "title: Infrastructure\n",
    "dashboards/infra/nodes.yaml": "uid: infra-nodes\ntitle: Nodes\ndatasource: prom\npanels:\n"
                                   "  - {type: timeseries, title: CPU, queries: [{expr: 'sum(rate(node_cpu_seconds_total[5m]))'}]}\n",
    "dashboards/misc/_folder.yaml": "title: Misc\n",
    "dashboards/misc/about.yaml": "uid: misc-about\ntitle: About\ndatasource: prom\npanels:\n"
                                  "  - {type: stat, title: Up, queries: [{expr: 'sum(up)'}]}\n",
    "alerts/rules/shop.yaml": "groups:\n  - name: shop-errors\n    interval: 1m\n    rules:\n"
                              "      - alert: OrdersFailing\n        expr: sum(rate(orders_failed_total[5m])) > 1\n"
                              "        for: 5m\n        labels: {severity: warning, system: shop, team: shop}\n"
                              "        annotations: {summary: Orders fail, runbook_url: 'https://runbooks.example.com/orders'}\n",
    "alerts/grafana/shop.yaml": "folder: shop\ndatasource: prom\n",
    "alerts/contact-points/team-slack.yaml": "integrations:\n  - type: slack\n    token: {secret: slack_bot_token}\n"
                                             '    recipient: "{{ env.contacts.slack_channel }}"\n',
    "alerts/policies/_root.yaml": "contact_point: team-slack\ngroup_by: [alertname]\n",
    "README.md": "A fixture.\n",
}


def make_project(target: Path, git: bool = False) -> Path:
    """Write the fixture project (with the repository's code) under ``target``; ``git`` commits it as main."""
    copy_code(target)
    files = dict(FILES)
    files["environments/dev.yaml"] = ENVIRONMENT.format(name="dev", state=DEV_STATE)
    files["environments/prod.yaml"] = ENVIRONMENT.format(name="prod", state=PROD_STATE)
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    if git:
        (target / ".gitignore").write_text("node_modules\ncdktf.out/\n__pycache__/\n")
        run_git(target, "init", "-q", "-b", "main")
        run_git(target, "add", "-A")
        run_git(target, "commit", "-q", "-m", "fixture")
    return target


def run_git(root: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "PATH": "/usr/bin:/bin", "HOME": str(root)}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout
