"""The dashboard schema the validator uses is the one generated from Grafana's own package.

What the catalogs require of their dashboards is in tests/test_catalog_requirements.py; that every dashboard file
loads and validates in every environment is a content check (tests/content/test_environments.py).
"""
from __future__ import annotations

import subprocess

from grafana_as_code.dashboards.validate.node_parser import node_binary


def test_committed_schema_matches_the_generator(repo_root):
    run = subprocess.run([str(node_binary()), "scripts/gen_dashboard_schema.mjs", "--check"], cwd=repo_root,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
