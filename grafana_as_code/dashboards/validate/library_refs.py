"""Dashboard panels that show a library panel (``"libraryPanel": {"uid", "name"}``).

Grafana finds the library panel by uid (a reference without one is refused when the dashboard is saved:
``errLibraryPanelHeaderUIDMissing`` in pkg/services/librarypanels) and refuses to connect a dashboard to a uid that
does not exist; it then draws the library panel's model at the reference's id and grid position. So here: the uid
must name a library panel of this repository, the variables its queries use must be defined by the dashboard, and
the other validators see the reference as Grafana shows it (with the library panel's type and title), not as a
panel without a type. The library panel's own content is checked once, with its own file (library_panels.py).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...dashboard_panels import panels_of
from ...environment import thaw
from ...errors import Problem, warn
from ..datasource_refs import variable_in
from ..model import Dashboard, RenderContext
from .locations import place, target_label
from .macros import BUILT_INS, used_variables
from .references import query_texts, targets_of


def _reference_of(panel: Mapping[str, Any]) -> Mapping[str, Any] | None:
    reference = panel.get("libraryPanel")
    return reference if isinstance(reference, Mapping) else None


def library_reference_problems(dashboard: Dashboard, config: dict[str, Any], ctx: RenderContext) -> list[Problem]:
    problems: list[Problem] = []
    types = {v.get("name"): v.get("type") for v in (config.get("templating") or {}).get("list") or []
             if isinstance(v, dict)}
    variables = set(types)
    for panel in panels_of(config):
        if "libraryPanel" not in panel:
            continue
        where = place(dashboard.uid, dict(panel))
        reference = _reference_of(panel)
        uid = reference.get("uid") if reference is not None else None
        if not isinstance(uid, str) or not uid:
            problems.append(Problem(dashboard.file, f"{where}, libraryPanel.uid",
                                    "is required: Grafana finds a library panel by its uid"))
            continue
        library = ctx.library_panels.get(uid)
        if library is None:
            known = ", ".join(sorted(ctx.library_panels)) or "none"
            problems.append(Problem(dashboard.file, f"{where}, libraryPanel.uid",
                                    f"unknown library panel {uid!r} (name {reference.get('name')!r}); library "
                                    f"panels are files in dashboards/<folder>/_library-panels/ (known: {known})"))
            continue
        if reference.get("name") != library.name:
            # Grafana goes by the uid and shows the library panel's own name: stale, not broken.
            warn(dashboard.file, f"{where}, libraryPanel.name",
                 f"is {reference.get('name')!r}, but library panel {uid!r} is named {library.name!r} "
                 f"({library.file}); Grafana shows the latter")
        model = thaw(library.model)
        references = [model.get("datasource")] + [t.get("datasource") for t in model.get("targets") or []
                                                  if isinstance(t, dict)]
        for uid_or_ref in references:
            ref_uid = uid_or_ref.get("uid") if isinstance(uid_or_ref, dict) else uid_or_ref
            name = variable_in(ref_uid) if isinstance(ref_uid, str) else None
            if name is not None and types.get(name) != "datasource":
                problems.append(Problem(dashboard.file, f"{where}, libraryPanel",
                                        f"library panel {library.name!r} ({library.file}) takes its data source from "
                                        f"${name}, which this dashboard does not define as a data source variable"))
                break
        for index, target, _ in targets_of(model):
            for _, text in query_texts(target):
                for name in dict.fromkeys(used_variables(text)):
                    if name not in variables and name not in BUILT_INS:
                        problems.append(Problem(
                            dashboard.file, f"{where}, libraryPanel",
                            f"library panel {library.name!r} ({library.file}), {target_label(target, index)}, "
                            f"uses variable ${name}, which this dashboard does not define"))
    return problems


def _shown(panel: Any, ctx: RenderContext) -> Any:
    if not isinstance(panel, dict):
        return panel
    reference = _reference_of(panel)
    if reference is not None:
        library = ctx.library_panels.get(reference.get("uid"))  # type: ignore[arg-type]
        # Grafana draws the model at the reference's place; what the reference itself holds besides is ignored.
        shown = {key: panel[key] for key in ("id", "gridPos") if key in panel}
        if library is not None:  # (a reference without a known uid is reported by library_reference_problems)
            shown["libraryPanel"] = {"name": library.name, "uid": library.uid}
        shown["title"] = library.title if library is not None else panel.get("title", "")
        shown["type"] = library.type if library is not None and library.type else "library-panel"
        return shown
    if panel.get("type") == "row" and isinstance(panel.get("panels"), list):
        return {**panel, "panels": [_shown(inner, ctx) for inner in panel["panels"]]}
    return panel


def as_shown(config: dict[str, Any], ctx: RenderContext) -> dict[str, Any]:
    """``config`` with each library panel reference as Grafana shows it (a copy; ``config`` is not changed)."""
    panels = config.get("panels")
    if not isinstance(panels, list) or not any(isinstance(p, dict) and ("libraryPanel" in p or p.get("panels"))
                                               for p in panels):
        return config
    return {**config, "panels": [_shown(panel, ctx) for panel in panels]}
