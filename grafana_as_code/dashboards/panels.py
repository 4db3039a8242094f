"""One panel of a spec rendered to Grafana's panel JSON (everything except its grid position).

Each panel type has its option builder below; keys that only make sense for some types are refused elsewhere so
that a misplaced key is reported instead of ignored. ``options`` and ``custom`` are deep-merged last: the escape
hatch for Grafana settings this spec does not model.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..yaml_io import Fields
from . import fieldconfig
from .datasource_refs import MIXED, DataSourceResolver
from .layout import DEFAULT_SIZE
from .targets import ref_ids, target

COMMON_KEYS = ("type", "title", "description", "datasource", "queries", "width", "height", "gridPos", "id",
               "interval", "max_data_points", "repeat", "repeat_direction", "transparent", "links",
               "transformations", "options", "custom") + fieldconfig.FIELD_KEYS
REDUCERS = frozenset({"allIsNull", "allIsZero", "changeCount", "count", "delta", "diff", "diffperc", "distinctCount",
                      "first", "firstNotNull", "last", "lastNotNull", "logmin", "max", "mean", "median", "min",
                      "range", "step", "stdDev", "sum", "variance"})
PERCENTILE = re.compile(r"^p([1-9]|[1-9][0-9])$")


def _reduce(fields: Fields) -> dict[str, Any]:
    calc = fields.str("reduce", "lastNotNull")
    if calc not in REDUCERS and not PERCENTILE.match(calc):
        raise fields.error("reduce", f"unknown reducer {calc!r}; e.g. lastNotNull, mean, max, sum, p95")
    return {"calcs": [calc], "fields": "", "values": False}


def _enum(fields: Fields, key: str, options: tuple[str, ...], default: str) -> str:
    value = fields.str(key, default)
    if value not in options:
        raise fields.error(key, f"expected one of {', '.join(options)}, got {value!r}")
    return value


def _legend(fields: Fields, default_placement: str = "bottom") -> dict[str, Any]:
    raw = fields.data.get("legend", "list")
    legend = Fields({"mode": raw} if isinstance(raw, str) else raw if raw is not None else {}, fields.where,
                    fields.path("legend"))
    legend.only(("mode", "placement", "calcs", "values"))
    mode = _enum(legend, "mode", ("list", "table", "hidden"), "list")
    calcs = legend.str_list("calcs", [])
    for index, calc in enumerate(calcs):
        if calc not in REDUCERS and not PERCENTILE.match(calc):
            raise legend.error("calcs", f"[{index}] unknown reducer {calc!r}")
    out = {"calcs": calcs, "displayMode": mode, "placement": _enum(legend, "placement", ("bottom", "right"),
                                                                    default_placement),
           "showLegend": mode != "hidden"}
    if legend.data.get("values") is not None:
        out["values"] = legend.str_list("values")
    return out


def _tooltip(fields: Fields) -> dict[str, Any]:
    return {"mode": _enum(fields, "tooltip", ("single", "multi", "none"), "multi"), "sort": "desc"}


def _timeseries(fields: Fields, custom: dict[str, Any]) -> dict[str, Any]:
    custom.update(axisPlacement="auto", drawStyle=fieldconfig.draw_style(fields, "draw") if "draw" in fields.data
                  else "line", fillOpacity=fields.int("fill", 10), lineWidth=fields.int("line_width", 1),
                  showPoints=_enum(fields, "points", ("never", "auto", "always"), "never"), spanNulls=False,
                  stacking={"group": "A", "mode": fieldconfig.stack_mode(fields) if "stack" in fields.data
                            else "none"},
                  thresholdsStyle={"mode": _enum(fields, "threshold_style", fieldconfig.THRESHOLD_STYLES, "off")})
    if fields.data.get("axis_label") is not None:
        custom["axisLabel"] = fields.str("axis_label")
    if fields.data.get("log_scale") is not None:
        base = fields.int("log_scale")
        if base not in (2, 10):
            raise fields.error("log_scale", f"expected 2 or 10, got {base}")
        custom["scaleDistribution"] = {"log": base, "type": "log"}
    return {"legend": _legend(fields), "tooltip": _tooltip(fields)}


def _stat(fields: Fields, custom: dict[str, Any]) -> dict[str, Any]:
    return {"colorMode": _enum(fields, "color_mode", ("value", "background", "background_solid", "none"), "value"),
            "graphMode": "area" if fields.bool("graph", True) else "none", "justifyMode": "auto",
            "orientation": _enum(fields, "orientation", ("auto", "horizontal", "vertical"), "auto"),
            "reduceOptions": _reduce(fields),
            "textMode": _enum(fields, "text_mode", ("auto", "value", "value_and_name", "name", "none"), "auto")}


def _gauge(fields: Fields, custom: dict[str, Any]) -> dict[str, Any]:
    return {"orientation": _enum(fields, "orientation", ("auto", "horizontal", "vertical"), "auto"),
            "reduceOptions": _reduce(fields), "showThresholdLabels": False,
            "showThresholdMarkers": fields.bool("show_threshold_markers", True)}


def _bargauge(fields: Fields, custom: dict[str, Any]) -> dict[str, Any]:
    return {"displayMode": _enum(fields, "display_mode", ("gradient", "lcd", "basic"), "gradient"),
            "orientation": _enum(fields, "orientation", ("auto", "horizontal", "vertical"), "horizontal"),
            "reduceOptions": _reduce(fields), "showUnfilled": True}


def _table(fields: Fields, custom: dict[str, Any]) -> dict[str, Any]:
    custom.update(align="auto", filterable=fields.bool("filterable", False))
    options: dict[str, Any] = {"cellHeight": "sm", "showHeader": True}
    sort_by = []
    for item in fields.items("sort_by"):
        item.only(("field", "desc"))
        sort_by.append({"desc": item.bool("desc", True), "displayName": item.str("field")})
    if sort_by:
        options["sortBy"] = sort_by
    return options


def _heatmap(fields: Fields, custom: dict[str, Any]) -> dict[str, Any]:
    return {"calculate": fields.bool("calculate", False), "cellGap": 1,
            "color": {"exponent": 0.5, "fill": "dark-orange", "mode": "scheme",
                      "scheme": fields.str("color_scheme", "Oranges"), "steps": 64},
            "legend": {"show": True}, "tooltip": {"mode": "single", "yHistogram": True},
            "yAxis": {"axisPlacement": "left", "unit": fields.str("y_unit", "")}}


def _piechart(fields: Fields, custom: dict[str, Any]) -> dict[str, Any]:
    legend = _legend(fields, default_placement="right")
    legend.setdefault("values", ["percent"])
    return {"legend": legend, "pieType": _enum(fields, "pie_type", ("pie", "donut"), "pie"),
            "reduceOptions": _reduce(fields), "tooltip": _tooltip(fields)}


def _logs(fields: Fields, custom: dict[str, Any]) -> dict[str, Any]:
    return {"dedupStrategy": _enum(fields, "dedup", ("none", "exact", "numbers", "signature"), "none"),
            "enableLogDetails": True, "prettifyLogMessage": fields.bool("prettify", False), "showCommonLabels": False,
            "showLabels": False, "showTime": fields.bool("show_time", True),
            "sortOrder": _enum(fields, "sort", ("Descending", "Ascending"), "Descending"),
            "wrapLogMessage": fields.bool("wrap", True)}


def _state_timeline(fields: Fields, custom: dict[str, Any]) -> dict[str, Any]:
    custom.update(fillOpacity=fields.int("fill", 80), lineWidth=0)
    return {"alignValue": "left", "legend": _legend(fields), "mergeValues": fields.bool("merge_values", True),
            "rowHeight": 0.9, "showValue": _enum(fields, "show_value", ("auto", "always", "never"), "auto"),
            "tooltip": _tooltip(fields)}


def _text(fields: Fields, custom: dict[str, Any]) -> dict[str, Any]:
    return {"code": {"language": "plaintext", "showLineNumbers": False, "showMiniMap": False},
            "content": fields.str("content"), "mode": _enum(fields, "mode", ("markdown", "html"), "markdown")}


def _none(fields: Fields, custom: dict[str, Any]) -> dict[str, Any]:
    return {}


OptionBuilder = Callable[[Fields, dict[str, Any]], dict[str, Any]]
PANEL_TYPES: dict[str, tuple[tuple[str, ...], OptionBuilder]] = {
    "timeseries": (("legend", "tooltip", "stack", "fill", "draw", "threshold_style", "axis_label", "log_scale",
                    "line_width", "points"), _timeseries),
    "stat": (("reduce", "color_mode", "graph", "text_mode", "orientation"), _stat),
    "gauge": (("reduce", "show_threshold_markers", "orientation"), _gauge),
    "bargauge": (("reduce", "orientation", "display_mode"), _bargauge),
    "table": (("sort_by", "filterable"), _table),
    "heatmap": (("calculate", "color_scheme", "y_unit"), _heatmap),
    "piechart": (("reduce", "pie_type", "legend", "tooltip"), _piechart),
    "logs": (("wrap", "show_time", "sort", "dedup", "prettify"), _logs),
    "traces": ((), _none),
    "nodeGraph": ((), _none),
    "state-timeline": (("legend", "tooltip", "merge_values", "show_value", "fill"), _state_timeline),
    "text": (("content", "mode"), _text),
}
assert set(PANEL_TYPES) == set(DEFAULT_SIZE)


def deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            deep_merge(base[key], value)
        else:
            base[key] = value
    return base


def panel_type(fields: Fields) -> str:
    kind = fields.str("type")
    if kind not in PANEL_TYPES:
        raise fields.error("type", f"unknown panel type {kind!r}; one of: {', '.join(sorted(PANEL_TYPES))}")
    return kind


def render_panel(fields: Fields, panel_id: int, resolver: DataSourceResolver, default_datasource: str | None
                 ) -> dict[str, Any]:
    kind = panel_type(fields)
    specific, build_options = PANEL_TYPES[kind]
    for key in fields.data:
        owners = sorted(other for other, (keys, _) in PANEL_TYPES.items() if key in keys)
        if key not in COMMON_KEYS + specific and owners:
            raise fields.error(str(key), f"does not apply to a {kind} panel (an option of: {', '.join(owners)})")
    fields.only(COMMON_KEYS + specific)
    panel: dict[str, Any] = {"id": panel_id, "title": fields.str("title", ""), "type": kind}
    if fields.data.get("description") is not None:
        panel["description"] = fields.str("description")
    custom: dict[str, Any] = {}
    panel["options"] = deep_merge(build_options(fields, custom), fields.mapping("options", {}))
    defaults = fieldconfig.defaults(fields, resolver)
    custom = deep_merge(custom, fields.mapping("custom", {}))
    if custom:
        defaults["custom"] = custom
    panel["fieldConfig"] = {"defaults": defaults, "overrides": fieldconfig.overrides(fields)}
    _queries(fields, panel, resolver, default_datasource)
    for key, name, getter in (("interval", "interval", fields.str), ("max_data_points", "maxDataPoints", fields.int),
                              ("repeat", "repeat", fields.str), ("transparent", "transparent", fields.bool)):
        if fields.data.get(key) is not None:
            panel[name] = getter(key)
    if "repeat" in panel:
        panel["repeatDirection"] = _enum(fields, "repeat_direction", ("h", "v"), "h")
    if fields.data.get("transformations") is not None:
        panel["transformations"] = fields.list("transformations")
    if fields.data.get("links") is not None:
        panel["links"] = [_panel_link(item) for item in fields.items("links")]
    return panel


def _panel_link(item: Fields) -> dict[str, Any]:
    item.only(("title", "url", "new_tab"))
    return {"targetBlank": item.bool("new_tab", False), "title": item.str("title"), "url": item.str("url")}


def _queries(fields: Fields, panel: dict[str, Any], resolver: DataSourceResolver, default: str | None) -> None:
    items = fields.items("queries")
    if panel["type"] == "text":
        if items:
            raise fields.error("queries", "a text panel runs no queries")
        return
    if not items:
        raise fields.error("queries", "is required: at least one query (a panel without one shows nothing)")
    panel_ds = fields.str("datasource", default)
    targets = []
    for ref_id, item in zip(ref_ids(), items):
        name = item.str("datasource", panel_ds)
        if name is None:
            raise item.error("datasource", "is required (or set datasource on the panel or the dashboard)")
        field = item.path("datasource") if "datasource" in item.data else (
            fields.path("datasource") if "datasource" in fields.data else "datasource")
        targets.append(target(item, ref_id, resolver.ref(name, fields.where, field)))
    refs = {(t["datasource"]["type"], t["datasource"]["uid"]) for t in targets}
    panel["datasource"] = dict(targets[0]["datasource"]) if len(refs) == 1 else dict(MIXED)
    panel["targets"] = targets


def size(fields: Fields, kind: str) -> tuple[int, int]:
    width, height = DEFAULT_SIZE[kind]
    return fields.int("width", width), fields.int("height", height)
