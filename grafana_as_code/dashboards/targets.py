"""Panel queries ("targets"): one spec shape, written in the language of the data source it runs on.

``expr`` holds the query for Prometheus/Mimir (PromQL), Loki (LogQL) and Tempo (TraceQL); ``sql`` for PostgreSQL;
``raw`` is merged into the target as is for data sources without a dedicated shape (Sentry) or for fields we do
not model.
"""
from __future__ import annotations

from typing import Any

from ..yaml_io import Fields

QUERY_KEYS = ("expr", "sql", "raw", "legend", "instant", "interval", "format", "datasource", "ref_id", "hide",
              "limit", "query_type", "exemplar")
EXPR_TYPES = ("prometheus", "loki", "tempo")
SQL_TYPES = ("grafana-postgresql-datasource", "postgres", "mysql", "grafana-mysql-datasource")
PROMETHEUS_FORMATS = ("time_series", "table", "heatmap")
TEMPO_QUERY_TYPES = ("traceql", "serviceMap")


_LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
_REF_IDS = tuple(_LETTERS + [a + b for a in _LETTERS for b in _LETTERS])


def ref_ids() -> tuple[str, ...]:
    """A, B, ... Z, AA, AB ...: Grafana's own naming for targets (computed once: every panel asks)."""
    return _REF_IDS


def target(fields: Fields, ref_id: str, ref: dict[str, str]) -> dict[str, Any]:
    fields.only(QUERY_KEYS)
    kind = ref["type"]
    out: dict[str, Any] = {"datasource": ref, "refId": fields.str("ref_id", ref_id)}
    if fields.data.get("hide"):
        out["hide"] = fields.bool("hide")
    needs_expr = not (kind == "tempo" and fields.data.get("query_type") == "serviceMap")
    if kind in EXPR_TYPES and needs_expr and "expr" not in fields.data and "raw" not in fields.data:
        raise fields.error("expr", f"is required: the {kind} query of this target")
    if kind not in EXPR_TYPES and "expr" in fields.data:
        raise fields.error("expr", f"data source type {kind!r} takes no expr; use "
                                   + ("sql" if kind in SQL_TYPES else "raw (the target fields as a mapping)"))
    if kind not in SQL_TYPES and "sql" in fields.data:
        raise fields.error("sql", f"only SQL data sources take sql, not {kind!r}")
    if kind == "prometheus":
        out.update(_prometheus(fields))
    elif kind == "loki":
        out.update(_loki(fields))
    elif kind == "tempo":
        out.update(_tempo(fields))
    elif kind in SQL_TYPES:
        out.update(editorMode="code", format=_choice(fields, "format", ("table", "time_series"), "table"),
                   rawQuery=True, rawSql=fields.str("sql"))
    elif "raw" not in fields.data:
        raise fields.error("raw", f"is required for data source type {kind!r} (the target fields as a mapping)")
    out.update(fields.mapping("raw", {}))
    return out


def _choice(fields: Fields, key: str, options: tuple[str, ...], default: str) -> str:
    value = fields.str(key, default)
    if value not in options:
        raise fields.error(key, f"expected one of {', '.join(options)}, got {value!r}")
    return value


def _prometheus(fields: Fields) -> dict[str, Any]:
    instant = fields.bool("instant", False)
    out: dict[str, Any] = {"editorMode": "code", "expr": fields.str("expr", ""), "instant": instant,
                           "range": not instant}
    if fields.data.get("legend") is not None:
        out["legendFormat"] = fields.str("legend")
    if fields.data.get("format") is not None:
        out["format"] = _choice(fields, "format", PROMETHEUS_FORMATS, "time_series")
    if fields.data.get("interval") is not None:
        out["interval"] = fields.str("interval")
    if fields.data.get("exemplar") is not None:
        out["exemplar"] = fields.bool("exemplar")
    return out


def _loki(fields: Fields) -> dict[str, Any]:
    out: dict[str, Any] = {"editorMode": "code", "expr": fields.str("expr", ""),
                           "queryType": "instant" if fields.bool("instant", False) else "range"}
    if fields.data.get("legend") is not None:
        out["legendFormat"] = fields.str("legend")
    if fields.data.get("limit") is not None:
        out["maxLines"] = fields.int("limit")
    if fields.data.get("interval") is not None:
        out["step"] = fields.str("interval")
    return out


def _tempo(fields: Fields) -> dict[str, Any]:
    query_type = _choice(fields, "query_type", TEMPO_QUERY_TYPES, "traceql")
    out: dict[str, Any] = {"queryType": query_type}
    if query_type == "traceql":
        out.update(limit=fields.int("limit", 20), query=fields.str("expr", ""), tableType="traces")
    return out
