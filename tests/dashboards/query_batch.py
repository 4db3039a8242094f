"""A thousand distinct dashboard queries (400 LogQL, 300 TraceQL, 300 PromQL with Grafana macros), all valid.

The test suite checks they all parse; `make bench` (scripts/bench.py) times the same batch against its budget.
``tag`` makes the texts distinct from any earlier batch, so nothing comes from the parser's memo.
"""
from __future__ import annotations

import promql_parser

from grafana_as_code.dashboards.validate.macros import substitute
from grafana_as_code.dashboards.validate.node_parser import parse_batch

SAMPLES = {"job": None, "service": None, "interval": "5m", "topn": "10", "search": 'say "hi"', "threshold": "250ms"}
BUDGET_S = 0.5  # what a dashboard-heavy synth can afford for its queries (scripts/bench.py reports the ratio)


def thousand_queries(tag: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(LogQL and TraceQL for the Node parsers, PromQL with macros): 1,000 queries in all."""
    logql = [("logql", f'sum by (level) (count_over_time({{job="api-{tag}-{i}"}} | json | level=~"ERROR|WARN" [5m]))')
             for i in range(400)]
    traceql = [("traceql", f'{{ resource.service.name = "svc-{tag}-{i}" && duration > {i}ms }}') for i in range(300)]
    promql = [f'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{job="{tag}-{i}"}}'
              f'[$__rate_interval])))' for i in range(300)]
    return logql + traceql, promql


def validate_queries(node_queries: list[tuple[str, str]], promql: list[str]) -> list[str]:
    """Every problem found, as the dashboard validator finds them: one Node batch, then PromQL in process."""
    problems = [f"{language}: {query}: {error}" for (language, query), error in zip(node_queries,
                                                                                   parse_batch(node_queries))
                if error is not None]
    for query in promql:
        try:
            promql_parser.parse(substitute(query, SAMPLES))
        except Exception as exc:  # noqa: BLE001 - the parser raises plain exceptions for syntax errors
            problems.append(f"promql: {query}: {exc}")
    return problems
