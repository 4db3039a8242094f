"""Validation of rendered dashboards, all of one environment at once.

Each module checks one kind of rule and returns ``Problem``s naming file, dashboard uid, panel and query:
``schema`` (Grafana's JSON schema), ``structure`` (panel ids, grid), ``references`` (data sources, variables,
linked dashboards) and ``queries`` (PromQL/LogQL/TraceQL syntax).
"""
from __future__ import annotations

from typing import Any

from typing import TYPE_CHECKING

from ...errors import Problem, warn

if TYPE_CHECKING:
    from ..model import Dashboard, RenderContext


def is_export(dashboard: Dashboard) -> bool:
    """JSON dashboards come from Grafana: held to what Grafana accepts. Specs are rendered by our code, whose
    output must match the schema and grid exactly (a mismatch there is our bug or an explicit authoring mistake)."""
    return dashboard.file.endswith(".json")


def validate_dashboards(dashboards: list[tuple[Dashboard, dict[str, Any]]], ctx: RenderContext) -> list[Problem]:
    """Problems of all ``(dashboard, its JSON as plain data)`` of one environment, checked together.

    For exported JSON, a schema mismatch or a grid defect left after ``repair`` is a warning: Grafana's API
    stores any dashboard object and its frontend copes (it does not validate against the schema)."""
    # The checks are imported here, not with the package: a run whose project comes from its snapshot
    # (project_snapshot.py) imports the query report alone.
    from ..legacy_rows import MIGRATED_BY_GRAFANA
    from .library_refs import as_shown, library_reference_problems
    from .queries import collect_queries, parse_problems
    from .references import reference_problems
    from .schema import schema_problems
    from .structure import structure_problems

    problems: list[Problem] = []
    known = {d.uid for d, _ in dashboards}
    queries = []
    for dashboard, config in dashboards:
        problems += library_reference_problems(dashboard, config, ctx)
        config = as_shown(config, ctx)  # a library panel reference checked as the panel Grafana draws there
        if is_export(dashboard):  # keys Grafana's migrator still reads are no schema matter
            as_checked = {k: v for k, v in config.items() if k not in MIGRATED_BY_GRAFANA}
        else:
            as_checked = config
        found = schema_problems(dashboard, as_checked) + structure_problems(dashboard, config)
        if is_export(dashboard):
            for problem in found:
                warn(problem.where, problem.field, f"{problem.message} (Grafana loads it as it is)")
        else:
            problems += found
        problems += reference_problems(dashboard, config, ctx, known)
        queries += collect_queries(dashboard, config, ctx)
    problems += parse_problems(queries)
    return problems
