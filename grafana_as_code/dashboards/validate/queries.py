"""Every PromQL, LogQL and TraceQL query of a dashboard must parse, once its variables are substituted.

PromQL is parsed in process (``promql-parser``, the Rust parser Prometheus-compatible tools use). LogQL and
TraceQL are parsed with Grafana's own Lezer grammars in Node, all queries of a run in one process.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import promql_parser

from ...errors import Problem
from ..datasource_refs import variable_in
from ..model import Dashboard, RenderContext
from ...dashboard_panels import panels_of
from .locations import place, target_label
from .macros import samples_from, substitute
from .node_parser import parse_batch
from .references import targets_of, variable_query

LANGUAGES = {"prometheus": "PromQL", "loki": "LogQL", "tempo": "TraceQL"}
# Grafana's variable query functions: the part that is a real query is checked.
LABEL_VALUES = re.compile(r"^\s*label_values\((.*),\s*[\w.]+\s*\)\s*$", re.S)
QUERY_RESULT = re.compile(r"^\s*query_result\((.*)\)\s*$", re.S)


@dataclass(frozen=True)
class Query:
    file: str
    where: str
    language: str  # PromQL, LogQL or TraceQL
    text: str  # as written
    checked: str  # with variables substituted


def _plugin_type(reference: Any, variables: dict[str, Any], ctx: RenderContext) -> str | None:
    if isinstance(reference, str):
        reference = {"uid": reference}
    if not isinstance(reference, dict) or not isinstance(reference.get("uid"), str):
        return None
    variable = variable_in(reference["uid"])
    if variable is not None:
        found = variables.get(variable) or {}
        return found.get("query") if isinstance(found.get("query"), str) else reference.get("type")
    source = ctx.datasources.get(reference["uid"])
    return source.type if source else reference.get("type")


def _target_query(kind: str | None, target: dict[str, Any]) -> str | None:
    if kind in ("prometheus", "loki"):
        return target.get("expr") if isinstance(target.get("expr"), str) else None
    if kind == "tempo" and target.get("queryType", "traceql") == "traceql":
        return target.get("query") if isinstance(target.get("query"), str) else None
    return None


def _variable_part(query: str) -> str | None:
    for pattern in (LABEL_VALUES, QUERY_RESULT):
        match = pattern.match(query)
        if match:
            return match.group(1)
    return None


def collect_queries(dashboard: Dashboard, config: dict[str, Any], ctx: RenderContext) -> list[Query]:
    templating = [v for v in (config.get("templating") or {}).get("list") or [] if isinstance(v, dict)]
    variables = {v.get("name"): v for v in templating}
    samples = samples_from(templating)
    found: list[Query] = []

    def add(kind: str | None, text: str | None, where: str) -> None:
        if kind in LANGUAGES and text and text.strip():
            found.append(Query(dashboard.file, where, LANGUAGES[kind], text, substitute(text, samples)))

    for variable in templating:
        query = variable_query(variable)
        if variable.get("type") == "query" and query:
            kind = _plugin_type(variable.get("datasource"), variables, ctx)
            add(kind, _variable_part(query), place(dashboard.uid, query=f"variable {variable.get('name')!r}"))
    for index, annotation in enumerate((config.get("annotations") or {}).get("list") or []):
        if isinstance(annotation, dict) and not annotation.get("builtIn"):
            target = annotation.get("target") if isinstance(annotation.get("target"), dict) else {}
            kind = _plugin_type(annotation.get("datasource"), variables, ctx)
            add(kind, target.get("expr") or annotation.get("expr"),
                place(dashboard.uid, query=f"annotation {annotation.get('name', index)!r}"))
    for panel in panels_of(config):
        for index, target, reference in targets_of(panel):
            kind = _plugin_type(reference, variables, ctx)
            add(kind, _target_query(kind, target), place(dashboard.uid, panel, target_label(target, index)))
    return found


def _message(query: Query, error: str) -> str:
    shown = query.text if query.text == query.checked else f"{query.text} (checked as: {query.checked})"
    return f"{query.language} does not parse: {error}: {shown}"


def parse_problems(queries: list[Query]) -> list[Problem]:
    problems: list[Problem] = []
    by_node = [q for q in queries if q.language != "PromQL"]
    for query in queries:
        if query.language == "PromQL":
            try:
                promql_parser.parse(query.checked)
            except ValueError as exc:
                problems.append(Problem(query.file, query.where, _message(query, str(exc))))
    errors = parse_batch([(q.language.lower(), q.checked) for q in by_node])
    problems += [Problem(q.file, q.where, _message(q, error)) for q, error in zip(by_node, errors) if error]
    return problems
