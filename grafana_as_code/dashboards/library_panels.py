"""Library panels: one file each under ``dashboards/<folder path>/_library-panels/``, shared by dashboards.

A library panel is a panel stored once in a Grafana folder (``grafana_library_panel``) and shown by every dashboard
whose panel says ``"libraryPanel": {"uid": …, "name": …}``; Grafana draws the library panel's model at that
panel's place. The ``_library-panels`` directory sits in the folder the library panel belongs to (the leading
``_`` keeps it from being read as a sub-folder or as dashboards, like ``_folder.yaml``).

A file is either

* a YAML spec (``*.yaml``): ``uid`` (default: the file name), ``name`` (default: the panel's title) and the keys
  of one dashboard-spec panel (``type``, ``title``, ``queries``, ``unit``, …; ``width``/``height`` are the size it
  takes in dashboards unless a dashboard says otherwise), rendered per environment like a dashboard spec; or
* JSON, the shape Grafana's library-element API and ``__elements`` of an export use: ``{"uid", "name",
  "model"}`` (``kind`` 1, the instance's ids, version and meta are accepted and dropped).

The model is validated like a dashboard panel (schema, data sources, every query parsed) with its file named in
every problem. Variables (``$job``) belong to the dashboards that show the panel: they are checked there.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..environment import frozen, thaw
from ..errors import Collector, Problem, UserError
from ..folders import FOLDER_FILE
from ..templating import render
from ..uids import check_uid
from ..yaml_io import Fields, display_path, read_text
from .datasource_refs import DataSourceResolver, variable_in
from .model import LibraryPanel, RenderContext  # noqa: F401  (LibraryPanel: defined with the models)
from .normalize import normalize_export
from .panels import panel_type, render_panel, size
from .schema_file import schema_version
from .spec_yaml import load_spec_yaml

LIBRARY_DIR = "_library-panels"
LIBRARY_PANEL_KIND = 1  # Grafana's library element kinds: 1 panel, 2 variable (not supported by the provider)
# Keys of a library element (API response, __elements entry) that the Grafana instance assigns: dropped on load.
ELEMENT_INSTANCE_KEYS = frozenset({"id", "orgId", "folderId", "folderUid", "folderName", "version", "meta",
                                   "type", "description", "schemaVersion", "kind"})
# Keys of the model that belong to one placement in one dashboard, not to the shared panel.
MODEL_INSTANCE_KEYS = ("id", "libraryPanel")
_PANEL_ONE = re.compile(r"""^, panel 1(?: '[^']*'| "[^"]*")?(?=,|$)""")  # the one panel of the stand-in dashboard


def reference(panel: LibraryPanel) -> dict[str, str]:
    """The ``libraryPanel`` of a dashboard panel showing ``panel``: Grafana finds it by uid; the name is for people."""
    return {"name": panel.name, "uid": panel.uid}


def reference_panel(panel: LibraryPanel) -> dict[str, Any]:
    """A dashboard panel showing ``panel`` (without its id and gridPos): what Grafana saves (id, gridPos, title,
    libraryPanel {uid, name}) plus the library panel's ``type``, which Grafana ignores there but its dashboard
    schema requires of every panel, so the stored JSON stays valid for any tool that reads it."""
    return {"libraryPanel": reference(panel), "title": panel.title, "type": panel.type}


def library_panel_files(root: Path) -> list[Path]:
    """Files in ``_library-panels`` directories of ``root`` (dashboards/) and of its folders, sorted."""
    if not root.is_dir():
        return []
    found = []
    for directory in root.rglob(LIBRARY_DIR):
        relative = directory.relative_to(root).parent
        if not directory.is_dir() or any(part.startswith((".", "_")) for part in relative.parts):
            continue
        found += [p for p in directory.iterdir() if p.is_file() and p.suffix in (".json", ".yaml", ".yml")]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def clean_model(model: Mapping[str, Any]) -> dict[str, Any]:
    """The model without what belongs to one placement, with the keys Grafana always returns."""
    out = {k: v for k, v in model.items() if k not in MODEL_INSTANCE_KEYS}
    out.setdefault("description", "")
    out.setdefault("type", "")
    return out


def _from_spec(path: Path, where: str, ctx: RenderContext) -> tuple[str, str | None, dict[str, Any]]:
    from .spec import protect_grafana_braces  # the same Jinja rules as dashboard specs

    text = read_text(path)
    protected = protect_grafana_braces(text)
    data = load_spec_yaml(text if protected is None else render(protected, where, {"env": ctx.env.template_context()}),
                          where)
    if not isinstance(data, dict):
        raise UserError(where, "", "expected a mapping: uid, name and the keys of one dashboard panel")
    top = Fields(data, where)
    uid = top.str("uid", path.stem)
    name = top.str("name", None)
    fields = Fields({k: v for k, v in data.items() if k not in ("uid", "name", "id")}, where)
    resolver = DataSourceResolver(ctx.env.name, ctx.datasources, {})
    model = render_panel(fields, 1, resolver, None)
    width, height = size(fields, panel_type(fields))
    model["gridPos"] = {"h": height, "w": width, "x": 0, "y": 0}  # the size it takes when added to a dashboard
    return uid, name, model


def _from_json(path: Path, where: str, ctx: RenderContext) -> tuple[str, str | None, dict[str, Any]]:
    from .loader import read_json

    data = read_json(path)
    if isinstance(data, dict) and isinstance(data.get("result"), dict) and "model" not in data:
        data = data["result"]  # a GET /api/library-elements/<uid> response saved as is
    if not isinstance(data, dict) or not isinstance(data.get("model"), dict):
        raise UserError(where, "model", "is required: the panel JSON (a library panel file is {uid, name, model})")
    kind = data.get("kind", LIBRARY_PANEL_KIND)
    if kind != LIBRARY_PANEL_KIND:
        raise UserError(where, "kind", f"is {kind!r}: only library panels (kind 1) are supported, not library "
                                       "variables")
    for key in data:
        if key not in ("uid", "name", "model") and key not in ELEMENT_INSTANCE_KEYS:
            raise UserError(where, str(key), "unknown field; a library panel file holds uid, name and model")
    fields = Fields(data, where)
    uid = fields.str("uid", path.stem)
    name = fields.str("name", None)
    return uid, name, normalize_model(data["model"], where, ctx.datasources)


def normalize_model(model: Mapping[str, Any], where: str, datasources: Mapping[str, Any],
                    inputs: list[Any] | None = None, remap_foreign: bool = False) -> dict[str, Any]:
    """A panel model normalized the way exported dashboards are (data source references, inputs of an external
    export), by normalizing a one-panel dashboard: one set of rules for panels wherever they are stored."""
    wrapper: dict[str, Any] = {"uid": "library-panel", "title": "library panel", "panels": [dict(model)]}
    if inputs:
        wrapper["__inputs"] = inputs
    normalized = normalize_export(wrapper, where, datasources, remap_foreign=remap_foreign)
    panels = normalized.get("panels") or [{}]
    return clean_model(panels[0])


def load_library_panel(path: Path, root: Path, ctx: RenderContext) -> LibraryPanel:
    where = display_path(path)
    folder_dir = path.parent.parent.relative_to(root).as_posix()
    folder = ctx.folders.get(folder_dir) if folder_dir != "." else None
    if folder_dir != "." and folder is None:
        raise UserError(where, "", f"directory {folder_dir!r} is not a known folder (it needs a {FOLDER_FILE})")
    uid, name, model = (_from_json if path.suffix == ".json" else _from_spec)(path, where, ctx)
    check_uid(uid, where, "uid")
    model = clean_model(model)
    name = name or (model.get("title") if isinstance(model.get("title"), str) else "") or uid
    return LibraryPanel(uid=uid, name=name, folder_uid=folder.uid if folder else None, file=where,
                        model=frozen(model))


def load_library_panels(root: Path, ctx: RenderContext) -> list[LibraryPanel]:
    """Every library panel of one environment, sorted by uid, validated; all problems reported together."""
    problems = Collector()
    by_uid: dict[str, LibraryPanel] = {}
    by_name: dict[tuple[str | None, str], LibraryPanel] = {}
    for path in library_panel_files(root):
        with problems.guard():
            panel = load_library_panel(path, root, ctx)
            if panel.uid in by_uid:
                raise UserError(panel.file, "uid", f"library panel uid {panel.uid!r} is already used by "
                                                   f"{by_uid[panel.uid].file}")
            # Grafana keeps library panel names unique per folder (unique index org, folder, name, kind).
            if (panel.folder_uid, panel.name) in by_name:
                raise UserError(panel.file, "name", f"library panel name {panel.name!r} is already used in this "
                                                    f"folder by {by_name[(panel.folder_uid, panel.name)].file}")
            by_uid[panel.uid] = panel
            by_name[(panel.folder_uid, panel.name)] = panel
    panels = [by_uid[uid] for uid in sorted(by_uid)]
    problems.add(*validation_problems(panels, ctx))
    problems.raise_if_any()
    return panels


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _datasource_variables(model: Mapping[str, Any]) -> dict[str, str]:
    """Variables used as a data source (``"uid": "${ds}"``) with the plugin type the reference names."""
    found: dict[str, str] = {}
    references = [model.get("datasource")] + [t.get("datasource") for t in model.get("targets") or []
                                              if isinstance(t, Mapping)]
    for ref in references:
        uid = ref.get("uid") if isinstance(ref, Mapping) else ref
        variable = variable_in(uid) if isinstance(uid, str) else None
        if variable is not None:
            found[variable] = str(ref.get("type") or "") if isinstance(ref, Mapping) else ""
    return found


def as_dashboard(panel: LibraryPanel) -> dict[str, Any]:
    """A one-panel dashboard showing ``panel``, so that the dashboard validators check it as Grafana would draw
    it. Its variables get stand-ins (a data source variable of the referenced type, else a textbox): which values
    they take is the business of the dashboards that show the panel, and is checked there."""
    from .validate.macros import BUILT_INS, used_variables

    model = thaw(panel.model)
    width, height = panel.default_size()
    as_data_source = _datasource_variables(model)
    names = sorted({name for text in _strings(model) for name in used_variables(text)} - BUILT_INS)
    variables = [{"name": name, "type": "datasource", "query": as_data_source[name]} if name in as_data_source
                 else {"name": name, "type": "textbox", "query": ""} for name in names]
    return {"panels": [{**model, "gridPos": {"h": height, "w": width, "x": 0, "y": 0}, "id": 1}],
            "schemaVersion": schema_version(), "templating": {"list": variables}, "title": panel.name,
            "uid": panel.uid}


def validation_problems(panels: list[LibraryPanel], ctx: RenderContext) -> list[Problem]:
    """Each model checked like a dashboard panel (all in one batch, so queries are parsed in one process)."""
    from .model import Dashboard
    from .validate import validate_dashboards

    if not panels:
        return []
    pseudo = [(Dashboard(uid=p.uid, title=p.name, folder_uid=p.folder_uid, file=p.file, config=frozen({})),
               as_dashboard(p)) for p in panels]
    names = {p.uid: p.name for p in panels}
    problems = []
    for problem in validate_dashboards(pseudo, ctx):
        where = problem.field
        for uid, name in names.items():  # say what it is: the file holds a library panel, not a dashboard
            prefix = f"dashboard {uid!r}"
            if where.startswith(prefix):
                where = f"library panel {name!r}" + _PANEL_ONE.sub("", where[len(prefix):], count=1)
                break
        problems.append(Problem(problem.where, where, problem.message))
    return problems
