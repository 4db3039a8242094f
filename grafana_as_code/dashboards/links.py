"""Dashboard links (top of the dashboard): to another dashboard by uid, to dashboards by tag, to Explore, to a URL."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from ..errors import UserError
from ..yaml_io import Fields
from .datasource_refs import DataSourceResolver

KINDS = ("dashboard", "tags", "explore", "url")


def explore_url(ref: dict[str, str], expr: str) -> str:
    """A Grafana Explore URL (``panes`` form, Grafana 10+) opening ``expr`` on data source ``ref``.

    ``$`` stays unencoded so that ``$var`` in the query is still replaced by Grafana when the link is followed.
    """
    query: dict[str, Any] = {"datasource": ref, "refId": "A"}
    query.update({"query": expr, "queryType": "traceql"} if ref["type"] == "tempo" else {"expr": expr})
    panes = {"a": {"datasource": ref["uid"], "queries": [query], "range": {"from": "now-1h", "to": "now"}}}
    encoded = quote(json.dumps(panes, sort_keys=True, separators=(",", ":")), safe="$")
    return f"/explore?schemaVersion=1&panes={encoded}"


def render_link(fields: Fields, resolver: DataSourceResolver) -> dict[str, Any]:
    fields.only(("title", "tooltip", "icon", "new_tab", "keep_time", "include_vars", "as_dropdown") + KINDS)
    given = [k for k in KINDS if k in fields.data]
    if len(given) != 1:
        raise UserError(fields.where, fields.prefix, f"give exactly one of {', '.join(KINDS)}")
    kind = given[0]
    link: dict[str, Any] = {
        "asDropdown": fields.bool("as_dropdown", kind == "tags"), "icon": fields.str("icon", "external link"),
        "includeVars": fields.bool("include_vars", kind == "dashboard"),
        "keepTime": fields.bool("keep_time", kind in ("dashboard", "tags", "explore")), "tags": [],
        "targetBlank": fields.bool("new_tab", kind in ("url", "explore")), "title": fields.str("title"),
        "tooltip": fields.str("tooltip", ""), "type": "link",
    }
    if kind == "dashboard":
        link.update(icon=fields.str("icon", "dashboard"), url=f"/d/{fields.str('dashboard')}")
    elif kind == "tags":
        link.update(icon=fields.str("icon", "dashboard"), tags=fields.str_list("tags"), type="dashboards")
    elif kind == "explore":
        explore = fields.sub("explore")
        explore.only(("datasource", "expr"))
        ref = resolver.ref(explore.str("datasource"), fields.where, explore.path("datasource"))
        link.update(icon=fields.str("icon", "info"), url=explore_url(ref, explore.str("expr")))
    else:
        link["url"] = fields.str("url")
    return link
