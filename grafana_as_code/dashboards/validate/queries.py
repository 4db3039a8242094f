"""Every query of a dashboard is parsed, once its variables are substituted, or reported as unchecked with why.

PromQL is parsed in process (``promql-parser``, the Rust parser Prometheus-compatible tools use). LogQL and
TraceQL are parsed with Grafana's own Lezer grammars in Node, all queries of a run in one process.

Queries are found in every layout: panels, panels inside (collapsed) rows, inline library panel models, template
variables and annotations (legacy ``rows`` are migrated to panels before validation). The data source a query runs
on is the one Grafana would use: the target's, else the panel's, else the default data source (``null``, a
missing reference and ``"default"`` all mean the default; a Mixed panel's targets without one too).

A query is an error only when it does not parse in a grammar that knows its syntax. It is *unchecked* (counted
and listed with the reason, never an error) when the whole query is a variable's value, when it uses syntax newer
than our grammar release (``newer_syntax``), or when no parser exists for its language (SQL, plugin queries).
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import promql_parser

from ...dashboard_panels import panels_of
from ...errors import Problem
from ..datasource_refs import variable_in
from ..model import Dashboard, RenderContext
from . import newer_syntax
from .locations import place, target_label
from .macros import VARIABLE, samples_from, substitute
from .grammars import grammar_releases
from .node_parser import parse_batch
from .query_report import NO_PARSER, record
from .references import variable_query

LANGUAGES = {"prometheus": "PromQL", "loki": "LogQL", "tempo": "TraceQL"}
# A Prometheus-type data source declared to answer in MetricsQL (datasources.py QUERY_LANGUAGES): its queries are
# listed as unchecked, since no MetricsQL parser is at hand and a PromQL one refuses valid MetricsQL.
METRICSQL = "metricsql"
NO_PARSER_NAMES = {METRICSQL: "MetricsQL"}
SQL_TYPES = frozenset({"grafana-postgresql-datasource", "postgres", "mysql", "grafana-mysql-datasource", "mssql",
                       "grafana-mssql-datasource"})
NOT_QUERIES = frozenset({"-- Grafana --", "grafana", "-- Dashboard --"})  # built-in annotations, reused results
MIXED = "-- Mixed --"
# Grafana's variable query functions: the part that is a real query is checked.
LABEL_VALUES = re.compile(r"^\s*label_values\((.*),\s*[\w.]+\s*\)\s*$", re.S)
QUERY_RESULT = re.compile(r"^\s*query_result\((.*)\)\s*$", re.S)
VARIABLE_FUNCTIONS = re.compile(r"^\s*(label_values\(\s*[\w.]*\s*\)|label_names\(\s*\)|metrics\(.*\))\s*$", re.S)
WHOLE_VARIABLE = re.compile(r"^\s*(\$\w+|\$\{\w+(?::[^}]+)?\}|\[\[\w+(?::\w+)?\]\])\s*$")
TRACE_ID = re.compile(r"^\s*[0-9a-fA-F]{16,32}\s*$")


@dataclass(frozen=True)
class Query:
    file: str
    where: str
    language: str  # PromQL, LogQL or TraceQL
    text: str  # as written
    checked: str  # with variables substituted


def _default_type(ctx: RenderContext) -> str | None:
    defaults = [s for s in ctx.datasources.values() if getattr(s, "is_default", False)]
    return _query_kind(defaults[0]) if defaults else None


def _query_kind(source: Any) -> str:
    """What a data source's queries are checked as: its type, or the dialect it is declared to speak."""
    return METRICSQL if getattr(source, "query_language", None) == METRICSQL else source.type


def _plugin_type(reference: Any, variables: Mapping[str, Any], ctx: RenderContext) -> str | None:
    """The plugin type a data source reference resolves to in this environment (None: not a query source)."""
    if reference is None or reference == "default" or reference == {}:
        return _default_type(ctx)
    if isinstance(reference, str):
        reference = {"uid": reference}
    if not isinstance(reference, dict):
        return None
    uid = reference.get("uid")
    if not isinstance(uid, str):
        return reference.get("type") if isinstance(reference.get("type"), str) else _default_type(ctx)
    if uid in NOT_QUERIES:
        return None
    variable = variable_in(uid)
    if variable is not None:
        found = variables.get(variable) or {}
        kind = found.get("query") if isinstance(found.get("query"), str) else reference.get("type")
        # A viewer can pick any data source of the type: where one of them answers in MetricsQL, a query that works
        # there is no error (it is listed unchecked).
        if any(_query_kind(s) == METRICSQL and s.type == kind for s in ctx.datasources.values()):
            return METRICSQL
        return kind
    source = ctx.datasources.get(uid)
    return _query_kind(source) if source else reference.get("type")


def _target_text(kind: str | None, target: Mapping[str, Any]) -> str | None:
    if kind in ("prometheus", "loki", METRICSQL):
        return target.get("expr") if isinstance(target.get("expr"), str) else None
    if kind == "tempo":
        if target.get("queryType", "traceql") not in ("traceql", "traceqlSearch"):
            return None  # service map, upload: no query text
        return target.get("query") if isinstance(target.get("query"), str) else None
    for key in ("rawSql", "query", "expr", "rawQuery"):
        if isinstance(target.get(key), str):
            return target[key]
    return None


def _variable_part(query: str) -> tuple[str | None, bool]:
    """(the real query inside a variable query, whether the rest was judged as Grafana's variable syntax)."""
    for pattern in (LABEL_VALUES, QUERY_RESULT):
        match = pattern.match(query)
        if match:
            return match.group(1), True
    if VARIABLE_FUNCTIONS.match(query):
        return None, True
    return query, False


def effective_targets(panel: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any], Any]]:
    """(index, target, the data source reference in effect) of a panel, and of its inline library panel model."""
    models = [panel]
    library = panel.get("libraryPanel")
    if isinstance(library, Mapping) and isinstance(library.get("model"), Mapping):
        models.append(library["model"])
    for model in models:
        panel_ref = model.get("datasource")
        panel_is_mixed = isinstance(panel_ref, Mapping) and panel_ref.get("uid") == MIXED or panel_ref == MIXED
        for index, target in enumerate(model.get("targets") or []):
            if not isinstance(target, Mapping):
                continue
            reference = target.get("datasource")
            if reference is None and not panel_is_mixed:
                reference = panel_ref
            yield index, target, reference


class _Collector:
    def __init__(self, dashboard: Dashboard, config: Mapping[str, Any], ctx: RenderContext):
        self.dashboard = dashboard
        self.ctx = ctx
        templating = [v for v in (config.get("templating") or {}).get("list") or [] if isinstance(v, Mapping)]
        self.variables = {v.get("name"): v for v in templating}
        self.samples = samples_from(templating)
        self.found: list[Query] = []

    def add(self, kind: str | None, text: str | None, where: str) -> None:
        if kind is None:
            return
        language = LANGUAGES.get(kind)
        if language is None:  # SQL, or a plugin's structured query: counted as unchecked, nothing to parse
            name = "SQL" if kind in SQL_TYPES else NO_PARSER_NAMES.get(kind, kind)
            record(self.dashboard.file, where, name, text or "", f"{NO_PARSER} {name}")
            return
        if not isinstance(text, str) or not text.strip():
            return
        self.found.append(Query(self.dashboard.file, where, language, text, substitute(text, self.samples)))

    def collect(self, config: Mapping[str, Any]) -> list[Query]:
        uid = self.dashboard.uid
        for variable in self.variables.values():
            query = variable_query(dict(variable))
            if variable.get("type") != "query" or not query:
                continue
            kind = _plugin_type(variable.get("datasource"), self.variables, self.ctx)
            where = place(uid, query=f"variable {variable.get('name')!r}")
            part, judged = _variable_part(query)
            if part is None and judged and kind in LANGUAGES:
                record(self.dashboard.file, where, LANGUAGES[kind], query, None)
            elif kind in ("prometheus", "loki") or (kind in LANGUAGES and judged):
                self.add(kind, part, where)
            elif kind == METRICSQL:
                self.add(kind, query, where)  # listed as unchecked, as its panels' queries are
        for index, annotation in enumerate((config.get("annotations") or {}).get("list") or []):
            if not isinstance(annotation, Mapping) or annotation.get("builtIn"):
                continue
            target = annotation.get("target") if isinstance(annotation.get("target"), Mapping) else {}
            kind = _plugin_type(annotation.get("datasource"), self.variables, self.ctx)
            text = _target_text(kind, target) or (annotation.get("expr") if kind in ("prometheus", "loki", METRICSQL)
                                                  else None)
            if kind in LANGUAGES or text:  # a tag or plugin annotation without a query is no query
                self.add(kind, text, place(uid, query=f"annotation {annotation.get('name', index)!r}"))
        for panel in panels_of(config):
            for index, target, reference in effective_targets(panel):
                kind = _plugin_type(reference, self.variables, self.ctx)
                self.add(kind, _target_text(kind, target), place(uid, dict(panel), target_label(dict(target), index)))
        return self.found


def collect_queries(dashboard: Dashboard, config: Mapping[str, Any], ctx: RenderContext) -> list[Query]:
    return _Collector(dashboard, config, ctx).collect(config)


def _message(query: Query, error: str) -> str:
    shown = query.text if query.text == query.checked else f"{query.text} (checked as: {query.checked})"
    return f"{query.language} does not parse: {error}: {shown}"


def _whole_variable_reason(query: Query) -> str | None:
    match = WHOLE_VARIABLE.match(query.text)
    if not match:
        return None
    names = [m.group(1) or m.group(2) or m.group(4) for m in VARIABLE.finditer(query.text)]
    return (f"the whole query is the value of variable ${names[0]}, known only when the dashboard runs"
            if names else None)


def _reduce(query: Query) -> newer_syntax.Reduced:
    if query.language == "TraceQL":
        return newer_syntax.reduce_traceql(query.checked)
    if query.language == "PromQL":
        return newer_syntax.reduce_promql(query.checked)
    return newer_syntax.Reduced((query.checked,), ())


def _parse_promql(text: str) -> str | None:
    try:
        promql_parser.parse(text)
    except ValueError as exc:
        return newer_syntax.removed_promql_hint(str(exc))
    return None


def parse_problems(queries: list[Query]) -> list[Problem]:
    """Errors for queries that do not parse; every query is recorded as checked or unchecked (``query_report``)."""
    problems: list[Problem] = []
    plans: list[tuple[Query, newer_syntax.Reduced]] = []
    for query in queries:
        reason = _whole_variable_reason(query)
        if reason is None and query.language == "TraceQL" and TRACE_ID.match(query.checked):
            record(query.file, query.where, query.language, query.text, None)  # a trace id lookup: judged
            continue
        if reason is not None:
            record(query.file, query.where, query.language, query.text, reason)
            continue
        plans.append((query, _reduce(query)))
    by_node = [(q, part) for q, reduced in plans if q.language != "PromQL" for part in reduced.parts]
    node_results = iter(parse_batch([(q.language.lower(), part) for q, part in by_node]))
    releases = grammar_releases()
    for query, reduced in plans:
        errors = [(_parse_promql(part) if query.language == "PromQL" else next(node_results))
                  for part in reduced.parts]
        error = next((e for e in errors if e), None)
        if error:
            if reduced.features:
                error += f" (after setting aside {', '.join(reduced.features)}, newer than {releases[query.language]})"
            problems.append(Problem(query.file, query.where, _message(query, error)))
            record(query.file, query.where, query.language, query.text, None)
        elif reduced.features:
            record(query.file, query.where, query.language, query.text,
                   f"uses {', '.join(reduced.features)}, which {releases[query.language]} (the newest "
                   f"release we can get) does not know; the rest of the query parses")
        else:
            record(query.file, query.where, query.language, query.text, None)
    return problems
