"""Message templates may use every function Grafana's notification templates have: amtool, which checks their syntax
in the routing tests, is told about Grafana's functions (alertmanager.for_amtool); a function Grafana does not have
either, or a syntax error, still fails.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from grafana_as_code.alerting.alertmanager import GRAFANA_TEMPLATE_FUNCTIONS, for_amtool
from amtool_helpers import amtool

CONFIG = """route: {receiver: a}
receivers: [{name: a, webhook_configs: [{url: "https://example.invalid/a"}]}]
templates: ["*.tmpl"]
"""
GRAFANA_ONLY = """{{ define "team.text" -}}
{{ range .Alerts.Firing }}{{ .Labels.alertname | trimSpace }} since {{ .StartsAt | tz "Europe/Berlin" | date "15:04" }}
({{ since .StartsAt | humanizeDuration }}) {{ .Labels | toJson }} {{ .GeneratorURL | urlUnescape | safeUrl }}
{{ end }}{{ $d := coll.Dict "team" .CommonLabels.team }}{{ tmpl.Exec "team.title" $d }} {{ time.Now }}
{{ data.ToJSON .CommonLabels }}{{- end }}
{{ define "team.title" }}{{ .team | toUpper }}{{ end }}
"""


def check(directory: Path, template: str) -> subprocess.CompletedProcess:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "alertmanager.yml").write_text(CONFIG)
    (directory / "team.tmpl").write_text(template)
    return subprocess.run([amtool(), "check-config", str(directory / "alertmanager.yml")], capture_output=True,
                          text=True)


def test_a_template_using_grafanas_functions_passes(tmp_path: Path) -> None:
    used = {name for name in GRAFANA_TEMPLATE_FUNCTIONS if name in GRAFANA_ONLY}
    assert used == GRAFANA_TEMPLATE_FUNCTIONS  # the fixture uses every one of them
    result = check(tmp_path / "declared", for_amtool(GRAFANA_ONLY))
    assert result.returncode == 0, result.stdout + result.stderr


def test_amtool_alone_refuses_it(tmp_path: Path) -> None:
    """What the declaration is for (and proof that amtool really parses the file)."""
    result = check(tmp_path / "raw", GRAFANA_ONLY)
    assert result.returncode != 0 and "not defined" in result.stdout + result.stderr


@pytest.mark.parametrize("broken, why", [
    ('{{ define "x" }}{{ .Value | humanizePercentage }}{{ end }}', 'function "humanizePercentage" not defined'),
    ('{{ define "x" }}{{ if .Alerts }}{{ date "15:04" .StartsAt }}{{ end }}', "unexpected EOF"),
])
def test_what_grafana_refuses_still_fails(tmp_path: Path, broken: str, why: str) -> None:
    result = check(tmp_path / "broken", for_amtool(broken))
    assert result.returncode != 0 and why in result.stdout + result.stderr


def test_only_calls_are_renamed() -> None:
    text = '{{ define "x" }}{{ "date" }}{{ $date := .Labels.time }}{{/* tz */}}{{ `since` }}{{ $date }}{{ end }}'
    assert for_amtool(text) == text
    assert for_amtool('{{ .StartsAt | date "15:04" }} date') == '{{ .StartsAt | toUpper "15:04" }} date'
