"""Helpers for the plan tests (a module of its own: every test folder has a ``conftest`` and they would clash)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).with_name("fixtures")
# Every secret value in the fixtures: none may ever appear in a report.
SECRETS = ("s3cr3t-token-value", "glsa_PlanVariableSecret_0123", "loki-pass-123", "pd-key-OLD-0123456789",
           "pd-key-NEW-9876543210", "OLDSECRETvalue")


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """The CLI as CI runs it, from the project root (where environments/*.yaml name the environments)."""
    return subprocess.run([sys.executable, "-m", "grafana_as_code", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def section(report: str, address: str) -> list[str]:
    """The non-blank body lines of one resource's collapsed section."""
    match = re.search(r"<details><summary><code>" + re.escape(address) + r"</code>.*?</summary>\n(.*?)\n</details>",
                      report, re.S)
    assert match, f"no section for {address}"
    return [line for line in match.group(1).splitlines() if line.strip()]


def write_plan(path: Path, plan: object) -> Path:
    path.write_text(json.dumps(plan))
    return path
