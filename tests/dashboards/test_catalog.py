"""The repository's own catalog: every dashboard of the five teams loads and validates in every environment."""
from __future__ import annotations

import subprocess
from collections import Counter

import pytest

from grafana_as_code.dashboards.validate.node_parser import node_binary
from grafana_as_code.environment import thaw

EXPECTED_PER_TEAM = {"intelliflow": 19, "task057": 6, "quick023": 4, "ava": 3, "pyairtable": 7}


def _team(dashboard) -> str:
    return dashboard.file.split("/")[1]


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_catalog_loads_with_expected_counts_per_team(project, env):
    catalog = next(c for c in project.catalogs if c.env.name == env)
    assert Counter(_team(d) for d in catalog.dashboards) == EXPECTED_PER_TEAM
    folders = {f.uid for f in catalog.folders}
    assert all(d.folder_uid in folders for d in catalog.dashboards)


def test_quick023_panel_counts_match_its_catalog(project):
    by_uid = {d.uid: d for d in project.catalogs[0].dashboards}
    counts = {uid: len(by_uid[uid].config["panels"]) for uid in
              ("quick023-api-performance", "quick023-database-metrics", "quick023-celery-tasks",
               "quick023-error-rates")}
    assert counts == {"quick023-api-performance": 6, "quick023-database-metrics": 6, "quick023-celery-tasks": 8,
                      "quick023-error-rates": 8}


def test_intelliflow_uids_are_the_catalog_ids(project):
    uids = {d.uid for d in project.catalogs[0].dashboards if _team(d) == "intelliflow"}
    assert uids == {"system-overview", "k8s-resources", "api-performance", "database-performance",
                    "ai-service-performance", "trpc-procedures", "error-overview", "sentry-errors",
                    "unhandled-exceptions", "traces-overview", "correlation-ids", "service-health", "app-logs",
                    "audit-logs", "infra-logs", "lead-scoring-pipeline", "workflow-automation",
                    "infrastructure-costs", "resource-efficiency"}


def test_refresh_follows_the_environment_floor(project):
    refresh = {c.env.name: {d.uid: d.config["refresh"] for d in c.dashboards} for c in project.catalogs}
    assert refresh["dev"]["api-performance"] == "30s"  # catalog 10s, dev min_refresh 30s
    assert refresh["prod"]["api-performance"] == "10s"
    assert refresh["prod"]["sentry-errors"] == "10s"  # catalog 5s, prod min_refresh 10s
    assert refresh["prod"]["infrastructure-costs"] == "1d"


def test_pyairtable_uses_the_lgtm_data_sources_and_links_traces_to_logs(project):
    for dashboard in project.catalogs[0].dashboards:
        if _team(dashboard) != "pyairtable":
            continue
        config = thaw(dashboard.config)
        used = {t["datasource"]["uid"] for p in config["panels"] for t in p.get("targets", [])}
        assert used <= {"mimir", "loki", "tempo"}, dashboard.uid
        links = [link for p in config["panels"]
                 for link in p.get("fieldConfig", {}).get("defaults", {}).get("links", [])]
        assert any(link.get("internal", {}).get("datasourceUid") == "loki" for link in links), dashboard.uid


def test_catalog_json_is_deterministic(project, repo_root):
    from grafana_as_code.project import load_project

    again = load_project(repo_root)
    assert [[d.config_json() for d in c.dashboards] for c in again.catalogs] == \
           [[d.config_json() for d in c.dashboards] for c in project.catalogs]


def test_committed_schema_matches_the_generator(repo_root):
    run = subprocess.run([str(node_binary()), "scripts/gen_dashboard_schema.mjs", "--check"], cwd=repo_root,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
