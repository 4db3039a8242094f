"""Features checked against the environment's Grafana version (alerting/version_gates.py, translate.py)."""
from __future__ import annotations

import json
import re
from pathlib import Path

from grafana_as_code.project import load_project

from project_copy import copy_project, edit, run_cli


def test_keep_firing_for_below_12_is_an_error_naming_rule_and_environment(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    edit(root / "environments" / "dev.yaml", 'version: "12.1"', 'version: "11.6"')
    result = run_cli(root, "synth")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = next(line for line in result.stderr.splitlines() if "keep_firing_for" in line)
    assert re.match(r"error: alerts/rules/\w+\.yaml: groups\[[\w-]+\]\.rules\[\w+\]\.keep_firing_for: rule '\w+' uses "
                    r"keep_firing_for, which needs Grafana 12\.0; environment 'dev' runs Grafana 11\.6", line), line
    assert not (root / "cdktf.out").exists()
    # every rule that uses it is named, not only the first (17 in today's catalogs; not pinned)
    named = [line for line in result.stderr.splitlines() if "uses keep_firing_for" in line]
    expected = sum(text.count("keep_firing_for:") for text in
                   (p.read_text() for p in (root / "alerts" / "rules").glob("*.yaml")))
    assert len(named) == expected > 1


def test_an_old_grafana_gets_nan_safe_math_instead_of_thresholds(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    edit(root / "environments" / "dev.yaml", 'version: "12.1"', 'version: "11.0"')
    for rules in (root / "alerts" / "rules").glob("*.yaml"):
        rules.write_text(re.sub(r"\n\s*keep_firing_for: \S+", "", rules.read_text()))
    catalogs = {c.env.name: c for c in load_project(root).catalogs}
    conditions = {env: [json.loads(r.data[1]["model"]) for g in c.rule_groups for r in g.rules]
                  for env, c in catalogs.items()}
    assert not [c for c in conditions["dev"] if c["type"] == "threshold"]
    assert any(c["type"] == "threshold" for c in conditions["prod"])
    for condition in conditions["dev"]:
        expression = condition["expression"]
        assert expression.startswith("is_nan($A) == 0 && ") or " != " in expression \
            or expression == "$A == $A || $A != $A", expression
