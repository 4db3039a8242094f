"""``fieldConfig`` of a panel: units, decimals, min/max, thresholds, colours, value mappings, data links, overrides.

Spec keys are short and snake_case; the JSON is Grafana's. Threshold steps are written as a list whose first item
is the base colour: ``[green, {value: 80, color: orange}, {value: 95, color: red}]`` (``{80: orange}`` works too).
"""
from __future__ import annotations

from typing import Any

from ..errors import UserError
from ..yaml_io import Fields, type_name
from .datasource_refs import DataSourceResolver

COLOR_MODES = ("thresholds", "palette-classic", "palette-classic-by-name", "shades", "continuous-GrYlRd",
               "continuous-RdYlGr", "continuous-BlYlRd", "continuous-YlRd", "continuous-BlPu", "continuous-YlBl",
               "continuous-blues", "continuous-reds", "continuous-greens", "continuous-purples")
THRESHOLD_STYLES = ("off", "line", "dashed", "area", "line+area", "dashed+area")
SPECIAL_MATCHES = ("null", "nan", "null+nan", "true", "false", "empty")
AXIS_PLACEMENTS = ("auto", "left", "right", "hidden")

FIELD_KEYS = ("unit", "decimals", "min", "max", "thresholds", "threshold_mode", "color", "mappings", "no_value",
              "display_name", "data_links", "overrides")
OVERRIDE_MATCHERS = ("match", "match_regex", "match_query")
OVERRIDE_PROPERTIES = ("color", "unit", "decimals", "min", "max", "display_name", "axis", "hidden", "fill",
                       "draw", "stack", "properties")


def color(value: str) -> dict[str, str]:
    """A colour mode by name (``thresholds``, ``palette-classic`` ...) or a fixed colour (``red``, ``#73BF69``)."""
    return {"mode": value} if value in COLOR_MODES else {"fixedColor": value, "mode": "fixed"}


def thresholds(fields: Fields, key: str = "thresholds") -> dict[str, Any] | None:
    steps_in = fields.list(key, None)
    if steps_in is None:
        return None
    mode = fields.str("threshold_mode", "absolute")
    if mode not in ("absolute", "percentage"):
        raise fields.error("threshold_mode", f"expected absolute or percentage, got {mode!r}")
    if not steps_in:
        raise fields.error(key, "needs at least the base colour, e.g. [green, {value: 80, color: red}]")
    steps: list[dict[str, Any]] = []
    for index, item in enumerate(steps_in):
        path = f"{fields.path(key)}[{index}]"
        if index == 0:
            if not isinstance(item, str):
                raise _error(fields, path, f"the first step is the base colour (a string such as green), "
                                           f"got {type_name(item)}")
            steps.append({"color": item, "value": None})
            continue
        if isinstance(item, dict) and len(item) == 1 and not {"value", "color"} & set(item):
            (value, colour), = item.items()
        elif isinstance(item, dict):
            step = Fields(item, fields.where, path)
            step.only(("value", "color"))
            value, colour = step.number("value"), step.str("color")
        else:
            raise _error(fields, path, f"expected {{value: <number>, color: <colour>}}, got {type_name(item)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not isinstance(colour, str):
            raise _error(fields, path, "expected {value: <number>, color: <colour>}")
        if steps[-1]["value"] is not None and value <= steps[-1]["value"]:
            raise _error(fields, path, f"threshold values must increase; {value:g} follows {steps[-1]['value']:g}")
        steps.append({"color": colour, "value": value})
    return {"mode": mode, "steps": steps}


def _error(fields: Fields, path: str, message: str) -> UserError:
    return UserError(fields.where, path, message)


def mappings(fields: Fields) -> list[dict[str, Any]]:
    """Value mappings; all exact-value entries share one Grafana ``value`` mapping, as Grafana's editor writes them."""
    values: dict[str, Any] = {}
    others: list[dict[str, Any]] = []
    for item in fields.items("mappings"):
        item.only(("value", "from", "to", "regex", "special", "text", "color"))
        result = {k: v for k, v in (("text", item.str("text", None)), ("color", item.str("color", None))) if v}
        if sum(("value" in item.data, "from" in item.data or "to" in item.data, "regex" in item.data,
                "special" in item.data)) != 1:
            raise UserError(item.where, item.prefix, "give exactly one of value, from/to, regex or special")
        if "value" in item.data:
            raw = item.data["value"]
            if isinstance(raw, (dict, list)) or raw is None:
                raise item.error("value", f"expected a string or number, got {type_name(raw)}")
            values[str(raw).lower() if isinstance(raw, bool) else str(raw)] = result
        elif "from" in item.data or "to" in item.data:
            others.append({"options": {"from": item.number("from", None), "to": item.number("to", None),
                                       "result": result}, "type": "range"})
        elif "regex" in item.data:
            others.append({"options": {"pattern": item.str("regex"), "result": result}, "type": "regex"})
        else:
            special = item.str("special")
            if special not in SPECIAL_MATCHES:
                raise item.error("special", f"expected one of {', '.join(SPECIAL_MATCHES)}, got {special!r}")
            others.append({"options": {"match": special, "result": result}, "type": "special"})
    result_list = ([{"options": values, "type": "value"}] if values else []) + others
    index = 0
    for mapping in result_list:  # Grafana orders mapping results by index
        targets = mapping["options"].values() if mapping["type"] == "value" else [mapping["options"]["result"]]
        for target in targets:
            target["index"] = index
            index += 1
    return result_list


def data_links(fields: Fields, resolver: DataSourceResolver, key: str = "data_links") -> list[dict[str, Any]]:
    """Links on values: plain URLs, or Explore links into another data source (trace id -> logs, logs -> trace)."""
    links = []
    for item in fields.items(key):
        item.only(("title", "url", "explore", "new_tab"))
        link: dict[str, Any] = {"title": item.str("title"), "url": item.str("url", "")}
        if item.data.get("new_tab"):
            link["targetBlank"] = item.bool("new_tab")
        if "explore" in item.data:
            explore = item.sub("explore")
            explore.only(("datasource", "expr", "query_type"))
            ref = resolver.ref(explore.str("datasource"), item.where, explore.path("datasource"))
            query: dict[str, Any] = {"datasource": ref, "refId": "A"}
            if ref["type"] == "tempo":
                query.update(query=explore.str("expr"), queryType=explore.str("query_type", "traceql"))
            else:
                query["expr"] = explore.str("expr")
            link["internal"] = {"datasourceName": ref["uid"], "datasourceUid": ref["uid"], "query": query}
        elif not link["url"]:
            raise item.error("url", "is required unless explore is given")
        links.append(link)
    return links


def defaults(fields: Fields, resolver: DataSourceResolver) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, name in (("unit", "unit"), ("no_value", "noValue"), ("display_name", "displayName")):
        if fields.data.get(key) is not None:
            out[name] = fields.str(key)
    if fields.data.get("decimals") is not None:
        out["decimals"] = fields.int("decimals")
    for key in ("min", "max"):
        if fields.data.get(key) is not None:
            out[key] = fields.number(key)
    steps = thresholds(fields)
    if steps:
        out["thresholds"] = steps
    if fields.data.get("color") is not None:
        out["color"] = color(fields.str("color"))
    elif steps:
        out["color"] = {"mode": "thresholds"}
    if fields.data.get("mappings") is not None:
        out["mappings"] = mappings(fields)
    if fields.data.get("data_links") is not None:
        out["links"] = data_links(fields, resolver)
    return out


def overrides(fields: Fields) -> list[dict[str, Any]]:
    result = []
    for item in fields.items("overrides"):
        item.only(OVERRIDE_MATCHERS + OVERRIDE_PROPERTIES)
        given = [k for k in OVERRIDE_MATCHERS if k in item.data]
        if len(given) != 1:
            raise UserError(item.where, item.prefix, f"give exactly one of {', '.join(OVERRIDE_MATCHERS)}")
        matcher_id = {"match": "byName", "match_regex": "byRegexp", "match_query": "byFrameRefID"}[given[0]]
        properties: list[dict[str, Any]] = []
        simple = {"unit": ("unit", item.str), "display_name": ("displayName", item.str),
                  "decimals": ("decimals", item.int), "min": ("min", item.number), "max": ("max", item.number),
                  "fill": ("custom.fillOpacity", item.int), "hidden": ("custom.hideFrom", item.bool)}
        for key in sorted(item.data):
            if key in OVERRIDE_MATCHERS or key == "properties":
                continue
            if key == "color":
                properties.append({"id": "color", "value": color(item.str("color"))})
            elif key == "axis":
                placement = item.str("axis")
                if placement not in AXIS_PLACEMENTS:
                    raise item.error("axis", f"expected one of {', '.join(AXIS_PLACEMENTS)}, got {placement!r}")
                properties.append({"id": "custom.axisPlacement", "value": placement})
            elif key == "draw":
                properties.append({"id": "custom.drawStyle", "value": draw_style(item, "draw")})
            elif key == "stack":
                properties.append({"id": "custom.stacking", "value": {"group": "A", "mode": stack_mode(item)}})
            elif key == "hidden":
                hide = item.bool("hidden")
                properties.append({"id": "custom.hideFrom", "value": {"legend": hide, "tooltip": hide, "viz": hide}})
            else:
                property_id, getter = simple[key]
                properties.append({"id": property_id, "value": getter(key)})
        for property_id, value in item.mapping("properties", {}).items():
            properties.append({"id": str(property_id), "value": value})
        if not properties:
            raise UserError(item.where, item.prefix, "sets nothing; add color, unit, axis, ... or properties")
        result.append({"matcher": {"id": matcher_id, "options": item.str(given[0])}, "properties": properties})
    return result


def draw_style(fields: Fields, key: str) -> str:
    value = fields.str(key)
    if value not in ("line", "bars", "points"):
        raise fields.error(key, f"expected line, bars or points, got {value!r}")
    return value


def stack_mode(fields: Fields) -> str:
    value = fields.data.get("stack")
    if value is True:
        return "normal"
    if value in (False, "none"):
        return "none"
    if value not in ("normal", "percent"):
        raise fields.error("stack", f"expected normal, percent or false, got {value!r}")
    return value
