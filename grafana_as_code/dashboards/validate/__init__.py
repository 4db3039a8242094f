"""Validation of rendered dashboards, all of one environment at once.

Each module checks one kind of rule and returns ``Problem``s naming file, dashboard uid, panel and query:
``schema`` (Grafana's JSON schema), ``structure`` (panel ids, grid), ``references`` (data sources, variables,
linked dashboards) and ``queries`` (PromQL/LogQL/TraceQL syntax).
"""
from __future__ import annotations

from typing import Any

from ...errors import Problem
from ..model import Dashboard, RenderContext
from .queries import collect_queries, parse_problems
from .references import reference_problems
from .schema import schema_problems
from .structure import structure_problems


def validate_dashboards(dashboards: list[tuple[Dashboard, dict[str, Any]]], ctx: RenderContext) -> list[Problem]:
    """Problems of all ``(dashboard, its JSON as plain data)`` of one environment, checked together."""
    problems: list[Problem] = []
    known = {d.uid for d, _ in dashboards}
    queries = []
    for dashboard, config in dashboards:
        problems += schema_problems(dashboard, config)
        problems += structure_problems(dashboard, config)
        problems += reference_problems(dashboard, config, ctx, known)
        queries += collect_queries(dashboard, config, ctx)
    problems += parse_problems(queries)
    return problems
