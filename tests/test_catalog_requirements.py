"""What the five catalogs (../shared/seeds/) specifically require, in one place, as "at least these exist".

Everything else about the content is checked from the files present (tests/content/, alerts/test_promtool.py,
alerts/test_routes.py, alerts/test_rule_groups.py); the machinery is tested on tests/fixtures/project-minimal. So
adding a dashboard, an alert, a contact point or an environment never breaks a test here; removing or renaming
something a catalog names does, on purpose.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from grafana_as_code.environment import thaw
from grafana_as_code.project import Catalog

# Dashboards each catalog names, by uid (dashboards/README.md: IntelliFlow keeps its "Dashboard ID"s, the other
# catalogs' file names become <team>-<file name>).
DASHBOARDS = {
    "intelliflow": {"system-overview", "k8s-resources", "api-performance", "database-performance",
                    "ai-service-performance", "trpc-procedures", "error-overview", "sentry-errors",
                    "unhandled-exceptions", "traces-overview", "correlation-ids", "service-health", "app-logs",
                    "audit-logs", "infra-logs", "lead-scoring-pipeline", "workflow-automation",
                    "infrastructure-costs", "resource-efficiency"},
    "task057": {"task057-system", "task057-application", "task057-business", "task057-oauth", "task057-sms",
                "task057-tasks"},
    "quick023": {"quick023-api-performance", "quick023-database-metrics", "quick023-celery-tasks",
                 "quick023-error-rates"},
    "ava": {"ava-circuit-breaker-health", "ava-error-analytics", "ava-performance-metrics"},
    "pyairtable": {"pyairtable-overview", "pyairtable-api-gateway", "pyairtable-airtable-gateway",
                   "pyairtable-llm-orchestrator", "pyairtable-mcp-server", "pyairtable-platform-services",
                   "pyairtable-automation-services"},
}
# quick-023's catalog gives its panel counts exactly ("6/6/8/8").
QUICK023_PANELS = {"quick023-api-performance": 6, "quick023-database-metrics": 6, "quick023-celery-tasks": 8,
                   "quick023-error-rates": 8}
# IntelliFlow's catalog lists the panels of twelve dashboards ("**Panels**:"): at least that many each.
INTELLIFLOW_PANELS = {"system-overview": 6, "k8s-resources": 6, "api-performance": 7, "database-performance": 8,
                      "ai-service-performance": 9, "trpc-procedures": 7, "error-overview": 7, "sentry-errors": 7,
                      "unhandled-exceptions": 6, "traces-overview": 7, "correlation-ids": 5, "service-health": 6}
# Alerts each catalog names or implies, per rule file (alerts/README.md explains each choice).
ALERTS = {
    "ava": {"AvailabilityLowWarning", "AvailabilityLowCritical", "HighErrorRateWarning", "HighErrorRate",
            "LatencyP50HighWarning", "LatencyP50HighCritical", "SlowResponseTime", "SlowResponseTimeCritical",
            "LatencyP99HighWarning", "LatencyP99HighCritical", "CircuitBreakerHighOpenRate",
            "CircuitBreakerHighOpenRateCritical", "ConnectionPoolEfficiencyLowWarning",
            "ConnectionPoolEfficiencyLowCritical"},
    "intelliflow": {"HighErrorRate", "ServiceDown", "MemoryCritical", "DiskCritical", "DiskUsageHigh", "NodeCpuHigh",
                    "PodMemoryOverRequest", "StorageHigh", "DatabaseDown", "SlowQueriesHigh",
                    "ConnectionPoolSaturated", "ReplicationLagHigh"},
    "pyairtable": {"ServiceDown", "HighErrorRateCritical", "HighErrorRateWarning", "HighResponseTimeCritical",
                   "HighResponseTimeWarning", "HighCpuUsage", "HighMemoryUsage", "CacheHitRateLow", "QueueDepthHigh"},
    "quick023": {"HighErrorRate"},
    "task057": {"ServiceDown", "HighErrorRate", "HighRequestLatency", "DatabaseConnectionPoolHigh", "TaskQueueBacklog",
                "TaskFailureRateHigh", "HighCpuUsage", "HighMemoryUsage", "HighDiskUsage", "SmsDeliverySuccessRateLow",
                "OAuthTokenRefreshFailures", "PhoneVerificationSuccessRateLow"},
}
# The contact points named by role (alerts/README.md); the policy tree and the routing table use them.
CONTACT_POINTS = {"oncall", "team-slack", "ops-email"}


def _team(dashboard) -> str:
    return Path(dashboard.file).parts[Path(dashboard.file).parts.index("dashboards") + 1]


@pytest.fixture(scope="module")
def catalogs(content_catalogs: dict[str, Catalog]) -> dict[str, Catalog]:
    return content_catalogs


def test_each_catalog_has_at_least_its_dashboards(catalogs: dict[str, Catalog]) -> None:
    for env, catalog in catalogs.items():
        found = {team: {d.uid for d in catalog.dashboards if _team(d) == team} for team in DASHBOARDS}
        missing = {team: sorted(uids - found[team]) for team, uids in DASHBOARDS.items() if uids - found[team]}
        assert missing == {}, env


def test_quick023_panel_counts_match_its_catalog(catalogs: dict[str, Catalog]) -> None:
    for catalog in catalogs.values():
        by_uid = {d.uid: d for d in catalog.dashboards}
        assert {uid: len(by_uid[uid].config["panels"]) for uid in QUICK023_PANELS} == QUICK023_PANELS


def test_intelliflow_dashboards_have_at_least_the_catalogs_panels(catalogs: dict[str, Catalog]) -> None:
    def panels(config) -> int:  # rows are layout; the panels of a collapsed row count
        return sum(len(p.get("panels", [])) if p["type"] == "row" else 1 for p in config["panels"])

    for catalog in catalogs.values():
        by_uid = {d.uid: d for d in catalog.dashboards}
        short = {uid: (panels(by_uid[uid].config), wanted) for uid, wanted in INTELLIFLOW_PANELS.items()
                 if panels(by_uid[uid].config) < wanted}
        assert short == {}, catalog.env.name


def test_each_catalog_has_at_least_its_alerts(catalogs: dict[str, Catalog]) -> None:
    for env, catalog in catalogs.items():
        found: dict[str, set[str]] = {}
        for group in catalog.rule_groups:
            found.setdefault(Path(group.file).stem, set()).update(r.title for r in group.rules)
        missing = {system: sorted(names - found.get(system, set())) for system, names in ALERTS.items()
                   if names - found.get(system, set())}
        assert missing == {}, env


def test_the_role_contact_points_exist(catalogs: dict[str, Catalog]) -> None:
    for env, catalog in catalogs.items():
        assert CONTACT_POINTS <= set(catalog.notifications.contact_point_names), env


def test_intelliflow_error_rate_alert_as_the_catalog_says(catalogs: dict[str, Catalog]) -> None:
    """"High Error Rate: >1% for 5 min, page on-call", linked to its dashboard's panel."""
    for env, catalog in catalogs.items():
        groups = {g.name: g for g in catalog.rule_groups}
        availability = groups["intelliflow-availability"]
        assert availability.folder_uid == "intelliflow" and availability.interval_seconds == 30
        rule = next(r for r in availability.rules if r.title == "HighErrorRate")
        assert rule.uid == "intelliflow-high-error-rate" and rule.for_ == "5m"
        assert {k: rule.labels[k] for k in ("severity", "system", "team")} == {
            "severity": "critical", "system": "intelliflow", "team": "backend"}
        assert rule.annotations["__dashboardUid__"] == "error-overview" and rule.annotations["__panelId__"] == "1"
        assert rule.no_data_state == "OK" and rule.exec_err_state == "Error"


def test_pyairtable_alerts_query_mimir(catalogs: dict[str, Catalog]) -> None:
    for catalog in catalogs.values():
        queries = [r.data[0] for g in catalog.rule_groups if g.folder_uid == "pyairtable" for r in g.rules]
        assert queries and all(d["datasource_uid"] == "mimir" for d in queries)


def test_task057_business_alerts_are_paused_in_dev(catalogs: dict[str, Catalog]) -> None:
    """Task 057's business signals are noise in dev (alerts/grafana/task057.yaml)."""
    if "dev" not in catalogs:
        pytest.fail("the catalogs expect a dev environment")
    groups = {g.name: g for g in catalogs["dev"].rule_groups}
    assert all(r.is_paused for r in groups["task057-business"].rules)
    for env, catalog in catalogs.items():
        if env != "dev":
            assert not any(r.is_paused for g in catalog.rule_groups if g.name == "task057-business" for r in g.rules)


def test_refresh_rates_of_the_catalog_within_each_environment_floor(catalogs: dict[str, Catalog]) -> None:
    """IntelliFlow's API dashboard refreshes every 10s, its Sentry one every 5s, costs daily; min_refresh slows them."""
    from grafana_as_code.dashboards import durations

    catalog_refresh = {"api-performance": "10s", "sentry-errors": "5s", "infrastructure-costs": "1d"}
    for catalog in catalogs.values():
        by_uid = {d.uid: d for d in catalog.dashboards}
        for uid, wanted in catalog_refresh.items():
            expected = durations.at_least(wanted, catalog.env.overrides.min_refresh)
            assert by_uid[uid].config["refresh"] == expected, (catalog.env.name, uid)


def test_pyairtable_uses_the_lgtm_data_sources_and_links_traces_to_logs(catalogs: dict[str, Catalog]) -> None:
    for catalog in catalogs.values():
        for dashboard in catalog.dashboards:
            if dashboard.uid not in DASHBOARDS["pyairtable"]:
                continue
            config = thaw(dashboard.config)
            used = {t["datasource"]["uid"] for p in config["panels"] for t in p.get("targets", [])}
            assert used <= {"mimir", "loki", "tempo"}, dashboard.uid
            links = [link for p in config["panels"]
                     for link in p.get("fieldConfig", {}).get("defaults", {}).get("links", [])]
            assert any(link.get("internal", {}).get("datasourceUid") == "loki" for link in links), dashboard.uid
