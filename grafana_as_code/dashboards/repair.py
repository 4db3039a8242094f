"""What Grafana accepts, migrates or repairs when it loads a dashboard, done here when a JSON dashboard is loaded.

Grafana's dashboard API stores any JSON object with a title; its frontend then fills defaults, migrates old shapes
and repairs the grid. Refusing those dashboards would refuse what Grafana loads, so the loader does the same
repairs, and says so (``errors.warn``) where the user would want to know:

* legacy ``rows`` (schemaVersion < 16) become grid panels, as Grafana's DashboardMigrator does (``legacy_rows``);
* ``null`` in optional fields is dropped (``timeFrom: null``, ``gnetId: null``, ``datasource: null`` = the
  default data source), except where null means something (a threshold's base step, open range ends);
* properties the dashboard schema requires and gives a default for are filled with that default (the base
  threshold step's ``value``, ``links[].asDropdown``, ``fieldConfig.overrides`` ...), as Grafana's models do;
* value mappings of the old ``{type: 1, value, text}`` shapes become the current ones (DashboardMigrator's
  ``upgradeValueMappings``);
* missing or duplicate panel ids are renumbered (DashboardModel's ``ensurePanelsHaveUniqueIds``: the next free
  id after the highest), panels past column 24 are moved left and too wide ones shrunk (react-grid-layout's
  ``correctBounds``), and a missing ``gridPos`` gets PanelModel's default.

Overlapping panels are left as they are (Grafana pushes the later one down when it shows the dashboard) and
reported as warnings by the structure check.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

from ..dashboard_panels import panels_of
from ..errors import warn
from .legacy_rows import MIGRATED_BY_GRAFANA, has_legacy_rows, migrate_rows
from .value_mappings import upgrade_mappings
from .validate.locations import panel_label
from .validate.schema import is_valid, schema_validator

GRID_COLUMNS = 24
DEFAULT_GRID = {"h": 3, "w": 6, "x": 0, "y": 0}  # PanelModel's defaults for a panel without a position
NULL_MEANS_SOMETHING = frozenset({"value", "from", "to"})  # threshold base step; open ends of a range mapping
MAX_DEFAULT_ROUNDS = 4
LINK_DEFAULTS = {"asDropdown": False, "includeVars": False, "keepTime": False, "tags": [], "targetBlank": False}


def drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None or k in NULL_MEANS_SOMETHING}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def repair_panels(config: dict[str, Any], where: str, uid: str) -> None:
    """Ids, positions and value mappings of every panel, in place."""
    panels = [p for p in panels_of(config) if isinstance(p, dict)]
    highest = max((p["id"] for p in panels if _int(p.get("id"))), default=0)
    seen: set[int] = set()
    for panel in panels:
        label = panel_label(panel)
        panel_id = panel.get("id")
        if not _int(panel_id) or not panel_id or panel_id in seen:  # Grafana: `!panel.id || ids.has(panel.id)`
            highest += 1
            panel["id"] = highest
            if _int(panel_id):
                warn(where, f"dashboard {uid!r}, {label}",
                     f"panel id {panel_id} is used twice; renumbered to {highest} (Grafana does the same on load)")
        seen.add(panel["id"])
        label = panel_label(panel)
        grid = panel.get("gridPos")
        if not isinstance(grid, dict) or not all(_int(grid.get(k)) for k in ("x", "y", "w", "h")):
            filled = {**DEFAULT_GRID, **{k: v for k, v in (grid or {}).items() if _int(v) and k in DEFAULT_GRID}}
            panel["gridPos"] = {**(grid if isinstance(grid, dict) else {}), **filled}
            warn(where, f"dashboard {uid!r}, {label}", f"has no complete gridPos; using Grafana's default "
                                                       f"{{x: {filled['x']}, y: {filled['y']}, w: {filled['w']}, "
                                                       f"h: {filled['h']}}}")
            grid = panel["gridPos"]
        x, w = grid["x"], grid["w"]
        if x + w > GRID_COLUMNS or x < 0:
            new_x = max(GRID_COLUMNS - w, 0)
            new_w = min(w, GRID_COLUMNS)
            grid["x"], grid["w"] = new_x, new_w
            warn(where, f"dashboard {uid!r}, {label}",
                 f"gridPos x {x} + w {w} extends past the {GRID_COLUMNS} grid columns; moved to x {new_x}, "
                 f"w {new_w} as Grafana's grid does on load")
        upgrade_mappings(panel)
        fill_threshold_base(panel)
        if isinstance(panel.get("fieldConfig"), dict):  # the schema's defaults, filled without the slow validator
            panel["fieldConfig"].setdefault("defaults", {})
            panel["fieldConfig"].setdefault("overrides", [])


def fill_threshold_base(panel: dict[str, Any]) -> None:
    """The first threshold step is the base (from -Infinity); Grafana stores its value as null and reads a missing
    one the same way (ThresholdsEditor / getActiveThreshold)."""
    field_config = panel.get("fieldConfig") if isinstance(panel.get("fieldConfig"), dict) else {}
    candidates = [(field_config.get("defaults") or {}).get("thresholds")]
    for override in field_config.get("overrides") or []:
        for prop in (override.get("properties") or []) if isinstance(override, dict) else []:
            if isinstance(prop, dict) and prop.get("id") == "thresholds":
                candidates.append(prop.get("value"))
    for thresholds in candidates:
        steps = thresholds.get("steps") if isinstance(thresholds, dict) else None
        if isinstance(steps, list) and steps and isinstance(steps[0], dict) and "value" not in steps[0]:
            steps[0]["value"] = None


def repair_links(config: dict[str, Any]) -> None:
    """Dashboard (and panel) links with Grafana's defaults for what the editor always writes (a new link in
    DashboardLinksEditor: type "dashboards" with tags, else "link"; icon "external link"; empty tooltip). The
    schema types panel links the same way; Grafana ignores the keys a data link does not use."""
    panel_links = [link for panel in panels_of(config) for link in panel.get("links") or []]
    for link in [*(config.get("links") or []), *panel_links]:
        if not isinstance(link, dict):
            continue
        link.setdefault("type", "dashboards" if link.get("tags") else "link")
        link.setdefault("icon", "external link")
        link.setdefault("tooltip", "")
        for key, default in LINK_DEFAULTS.items():  # the schema's own defaults for DashboardLink
            link.setdefault(key, _copy(default))


def fill_schema_defaults(config: dict[str, Any]) -> None:
    """Fill required properties that the schema gives a default for, wherever the schema asks for them.

    The (slow) locating validator runs only on dashboards the compiled one finds invalid, and sees the top-level
    keys Grafana's migrator reads as absent; the view shares every nested object, so fills land in ``config``."""
    validator = schema_validator()
    view = {k: v for k, v in config.items() if k not in MIGRATED_BY_GRAFANA}
    for _ in range(MAX_DEFAULT_ROUNDS):
        if is_valid(view):
            return
        filled = 0
        for error in validator.iter_errors(view):
            filled += _fill(error)
        if not filled:
            return


def _fill(error: ValidationError) -> int:
    if error.context:  # anyOf/oneOf: fill only inside the one branch the instance is meant to be
        branch = _meant_branch(error)
        return sum(_fill(e) for e in branch) if branch else 0
    if error.validator != "required" or not isinstance(error.instance, dict):
        return 0
    name = error.message.split("'")[1] if error.message.count("'") >= 2 else None
    properties = error.schema.get("properties") if isinstance(error.schema, dict) else None
    subschema = properties.get(name) if isinstance(properties, dict) and name else None
    if not isinstance(subschema, dict) or "default" not in subschema or name in error.instance:
        return 0
    error.instance[name] = _copy(subschema["default"])
    return 1


def _meant_branch(error: ValidationError) -> list[ValidationError] | None:
    """The errors of the only branch whose discriminating fields (a ``type`` const such as "row", the JSON type)
    the instance matches; None when that is not exactly one branch."""
    branches: dict[Any, list[ValidationError]] = {}
    for inner in error.context or []:
        branches.setdefault(inner.schema_path[0] if inner.schema_path else None, []).append(inner)
    meant = [errors for errors in branches.values()
             if not any(e.validator in ("const", "enum", "type") and len(e.relative_path) <= 1 for e in errors)]
    return meant[0] if len(meant) == 1 else None


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def repair_dashboard(config: dict[str, Any], where: str) -> dict[str, Any]:
    """The dashboard as Grafana holds it after loading (a new dict); warnings name what changed."""
    uid = config.get("uid", "?")
    if has_legacy_rows(config):
        rows = len(config["rows"])
        config = migrate_rows(config)
        panels = sum(1 for panel in panels_of(config) if panel.get("type") != "row")
        if rows:  # `rows: []` (7 of the Mimir mixin's dashboards): Grafana only drops the key, nothing moves
            warn(where, "rows", f"the legacy rows layout (schemaVersion {config.get('schemaVersion', '?')}) is "
                                f"migrated to grid panels as Grafana does on load ({rows} rows, {panels} panels); "
                                "re-export from Grafana to keep the file as Grafana stores it")
    config = drop_nulls(config)
    repair_panels(config, where, uid)
    repair_links(config)
    fill_schema_defaults(config)
    return config
