"""Annotations: Grafana's built-in "Annotations & Alerts", events by tag (deployments posted by CI), and queries.

A query annotation runs on Prometheus or Loki (``expr``); Grafana keeps the query in ``target`` like any other
data source annotation.
"""
from __future__ import annotations

from typing import Any

from ..errors import UserError
from ..yaml_io import Fields
from .datasource_refs import GRAFANA, DataSourceResolver

BUILT_IN = {
    "builtIn": 1, "datasource": dict(GRAFANA), "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
    "name": "Annotations & Alerts", "type": "dashboard",
}


def render_annotation(fields: Fields, resolver: DataSourceResolver) -> dict[str, Any]:
    fields.only(("name", "color", "enable", "hide", "tags", "datasource", "expr", "title", "text", "label_tags",
                 "step"))
    out: dict[str, Any] = {"enable": fields.bool("enable", True), "hide": fields.bool("hide", False),
                           "iconColor": fields.str("color", "#8AB8FF"), "name": fields.str("name")}
    if ("tags" in fields.data) == ("expr" in fields.data):
        raise UserError(fields.where, fields.prefix,
                        "give either tags (Grafana annotations carrying those tags) or expr (a query)")
    if "tags" in fields.data:
        if "datasource" in fields.data:
            raise fields.error("datasource", "tag annotations read Grafana's own annotation store; remove it")
        out["datasource"] = dict(GRAFANA)
        out["target"] = {"limit": 100, "matchAny": True, "tags": fields.str_list("tags"), "type": "tags"}
        return out
    ref = resolver.ref(fields.str("datasource"), fields.where, fields.path("datasource"))
    if ref["type"] not in ("prometheus", "loki"):
        raise fields.error("datasource", f"query annotations are supported on Prometheus and Loki, not {ref['type']}")
    out["datasource"] = ref
    out["target"] = {"expr": fields.str("expr"), "refId": "Anno"}
    if ref["type"] == "prometheus":
        out["step"] = fields.str("step", "60s")
    for key, json_key in (("title", "titleFormat"), ("text", "textFormat")):
        if fields.data.get(key) is not None:
            out[json_key] = fields.str(key)
    if fields.data.get("label_tags") is not None:
        out["tagKeys"] = ",".join(fields.str_list("label_tags"))
    return out
