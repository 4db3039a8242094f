"""``import-dashboard``: dashboards exported from Grafana written into the repository, normalized; nothing of
the export lost, nothing in the repository overwritten unless asked.

The result is what ``load_dashboards`` reads: a stable uid, this repository's data source uids, no instance or
export-only keys, sorted keys and 2-space indentation so that re-importing the same dashboard gives no diff.

* Many exports at once (files and directories of ``*.json``): every problem of every export is reported
  together, and nothing is written unless all of them import.
* An export without a uid (Grafana generates one when it imports it) gets one derived from its title, said in a
  note, stable across imports (``uids.uid_from_title``).
* A uid that a dashboard of the repository already has (anywhere under dashboards/) is refused unless ``force``,
  which replaces that file.
* Data sources: ``${DS_…}`` inputs of an "Export for sharing externally" and uids of the exporting Grafana are
  mapped to this repository's data source of the same plugin type; when there are several, the export is refused
  with the choice to make, given as ``choices`` (``--datasource DS_PROMETHEUS=mimir``: an input name, a foreign
  uid or a plugin type, mapped to a uid of this repository).
* Library panels: the export's ``__elements`` become library panel files in the folder's ``_library-panels/``
  (see library_panels.py); a panel of a pre-"sharing externally" export that embeds its library panel's model
  gives that model; panels showing them keep ``{id, gridPos, title, type, libraryPanel {uid, name}}``.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..dashboard_panels import panels_of
from ..datasources import DataSource, load_datasources
from ..environment import load_environments
from ..errors import Collector, Problem, UserError
from ..folders import FOLDER_FILE
from ..uids import check_uid, slug, uid_from_title
from ..yaml_io import display_path
from .datasource_refs import SPECIAL_UIDS, variable_in
from .library_panels import LIBRARY_DIR, LIBRARY_PANEL_KIND, clean_model, library_panel_files, normalize_model
from .loader import dashboard_files, read_json
from .normalize import INPUT, normalize_export

# A uid written at the top level of a YAML spec (the default being the file name); Jinja in it is not resolved.
_SPEC_UID = re.compile(r"""^uid:[ \t]*["']?([A-Za-z0-9_-]+)["']?[ \t]*(?:#.*)?$""", re.M)
# What a reference panel keeps: Grafana draws the library panel's model at its id and gridPos.
REFERENCE_KEYS = ("id", "gridPos", "libraryPanel", "title", "type")


@dataclass(frozen=True)
class ImportResult:
    dashboards: tuple[Path, ...]  # the dashboard file of each export, in order (written, or already the same)
    written: tuple[Path, ...]  # dashboards and library panels, in the order written
    removed: tuple[Path, ...]  # files whose dashboard or library panel an import replaced (``force``)
    notes: tuple[Problem, ...]  # what the user should know: derived uids, library panels already present


@dataclass
class _LibraryPanelFile:
    uid: str
    name: str
    model: dict[str, Any]
    where: str  # the export it came from
    field: str

    def content(self) -> dict[str, Any]:
        return {"model": self.model, "name": self.name, "uid": self.uid}


@dataclass
class _Prepared:
    where: str
    config: dict[str, Any]
    library_panels: list[_LibraryPanelFile] = field(default_factory=list)


def _repository_root(dest_dir: Path) -> Path:
    for candidate in (dest_dir.resolve(), *dest_dir.resolve().parents):
        if candidate.name == "dashboards":
            return candidate.parent
    raise UserError(display_path(dest_dir), "", "is not inside the repository's dashboards/ directory")


def folder_directory(folder: str) -> Path:
    """The directory of ``--folder``, given as under dashboards/ (``payments``) or from the repository root
    (``dashboards/payments``, as a path completed by the shell would be); relative to the current directory."""
    parts = [part for part in folder.replace("\\", "/").split("/") if part not in ("", ".")]
    if parts and parts[0] == "dashboards":
        parts = parts[1:]
    return Path("dashboards", *parts)


def repository_datasources(root: Path) -> dict[str, DataSource]:
    """Data sources of every environment by uid (uids are the same in all environments)."""
    found: dict[str, DataSource] = {}
    for env in load_environments(root / "environments"):
        for source in load_datasources(root / "datasources", env):
            found.setdefault(source.uid, source)
    return found


def _declared_uid(path: Path) -> str:
    """The uid a dashboard or library panel file declares, read without rendering it (default: the file name)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return path.stem
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return path.stem
        uid = data.get("uid") if isinstance(data, dict) else None
        return uid if isinstance(uid, str) and uid else path.stem
    match = _SPEC_UID.search(text)
    return match.group(1) if match else path.stem


class _Repository:
    """The uids already used under dashboards/, by the file that holds them."""

    def __init__(self, dashboards_root: Path) -> None:
        self.dashboards = {_declared_uid(p): p for p in dashboard_files(dashboards_root)}
        self.library_panels = {_declared_uid(p): p for p in library_panel_files(dashboards_root)}

    def library_content(self, uid: str) -> dict[str, Any] | None:
        path = self.library_panels.get(uid)
        if path is None or path.suffix != ".json":
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None


# --- data sources ---------------------------------------------------------------------------------------------

def check_choices(choices: Mapping[str, str], datasources: Mapping[str, DataSource]) -> None:
    problems = [Problem("--datasource", name, f"{uid!r} is not a data source of this repository (known: "
                                              f"{', '.join(sorted(datasources))})")
                for name, uid in sorted(choices.items()) if uid not in datasources]
    if problems:
        raise UserError(problems)


def _foreign(uid: Any, datasources: Mapping[str, DataSource]) -> bool:
    return (isinstance(uid, str) and bool(uid) and uid not in datasources and uid not in SPECIAL_UIDS
            and variable_in(uid) is None and INPUT.fullmatch(uid) is None)


def _apply_choices(data: dict[str, Any], choices: Mapping[str, str], datasources: Mapping[str, DataSource]) -> None:
    """Replace the data sources the user chose for (by input name, foreign uid or plugin type), in place."""
    if not choices:
        return
    chosen_inputs: dict[str, str] = {}
    kept_inputs = []
    for item in data.get("__inputs") or []:
        if isinstance(item, dict) and item.get("type") == "datasource":
            pick = choices.get(str(item.get("name"))) or choices.get(str(item.get("pluginId")))
            if pick is not None:
                chosen_inputs[str(item["name"])] = pick
                continue
        kept_inputs.append(item)
    if isinstance(data.get("__inputs"), list):
        data["__inputs"] = kept_inputs

    def chosen(reference: Any) -> str | None:
        uid = reference.get("uid") if isinstance(reference, dict) else reference
        if not isinstance(uid, str):
            return None
        match = INPUT.fullmatch(uid)
        if match:
            return chosen_inputs.get(match.group(1))
        if uid in choices and uid not in datasources:
            return choices[uid]
        kind = reference.get("type") if isinstance(reference, dict) else None
        return choices.get(kind) if isinstance(kind, str) and _foreign(uid, datasources) else None

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                pick = chosen(item) if key == "datasource" else None
                if pick is not None:
                    value[key] = {**(item if isinstance(item, dict) else {}),
                                  "type": datasources[pick].type, "uid": pick}
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)


def _ambiguities(data: dict[str, Any], where: str, datasources: Mapping[str, DataSource]) -> list[Problem]:
    """Data sources the export needs that match several of ours: the user chooses (never a silent guess)."""
    def candidates(plugin: Any) -> list[str]:
        found = sorted(uid for uid, source in datasources.items() if source.type == plugin)
        return [] if plugin in found or len(found) < 2 else found

    problems = []
    for index, item in enumerate(data.get("__inputs") or []):
        if isinstance(item, dict) and item.get("type") == "datasource" and candidates(item.get("pluginId")):
            problems.append(Problem(where, f"__inputs[{index}] ({item.get('name')})",
                                    f"several {item.get('pluginId')!r} data sources here "
                                    f"({', '.join(candidates(item.get('pluginId')))}); choose one with "
                                    f"--datasource {item.get('name')}=<uid>"))
    seen: set[str] = set()

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "datasource" and isinstance(item, dict) and _foreign(item.get("uid"), datasources) \
                        and item["uid"] not in seen and candidates(item.get("type")):
                    seen.add(item["uid"])
                    problems.append(Problem(where, f"{path}.{key}" if path else key,
                                            f"data source {item['uid']!r} of the exporting Grafana: several "
                                            f"{item.get('type')!r} data sources here "
                                            f"({', '.join(candidates(item.get('type')))}); choose with "
                                            f"--datasource {item['uid']}=<uid> (or {item.get('type')}=<uid> "
                                            "for all of that type)"))
                else:
                    walk(item, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")

    walk({k: v for k, v in data.items() if k != "__inputs"}, "")
    return problems


# --- one export -----------------------------------------------------------------------------------------------

def _elements(data: dict[str, Any], where: str, datasources: Mapping[str, DataSource]) -> dict[str, _LibraryPanelFile]:
    raw = data.get("__elements") or {}
    items = list(raw.items()) if isinstance(raw, dict) else [(str(i), e) for i, e in enumerate(raw)] \
        if isinstance(raw, list) else None
    if items is None:
        raise UserError(where, "__elements", "expected an object (library panels by uid)")
    found: dict[str, _LibraryPanelFile] = {}
    problems = Collector()
    for key, element in items:
        path = f"__elements.{key}"
        with problems.guard():
            if not isinstance(element, dict) or not isinstance(element.get("model"), dict):
                raise UserError(where, path, "expected a library element with a model")
            if element.get("kind", LIBRARY_PANEL_KIND) != LIBRARY_PANEL_KIND:
                raise UserError(where, f"{path}.kind", f"is {element.get('kind')!r}: only library panels (kind 1) "
                                                       "can be managed by the Grafana provider")
            uid = element.get("uid") if isinstance(element.get("uid"), str) and element.get("uid") else key
            check_uid(uid, where, f"{path}.uid")
            model = normalize_model(element["model"], where, datasources, inputs=data.get("__inputs"),
                                    remap_foreign=True)
            name = element.get("name") if isinstance(element.get("name"), str) and element.get("name") \
                else str(model.get("title") or uid)
            found[uid] = _LibraryPanelFile(uid, name, model, where, path)
    problems.raise_if_any()
    return found


def _embedded(panel: Mapping[str, Any]) -> bool:
    """Grafana 8/9 stored the library panel's whole model in each dashboard panel showing it."""
    return isinstance(panel.get("type"), str) and any(k in panel for k in ("targets", "options", "fieldConfig"))


def _library_references(data: dict[str, Any], where: str, elements: dict[str, _LibraryPanelFile],
                        repository: _Repository, datasources: Mapping[str, DataSource]) -> list[_LibraryPanelFile]:
    """Reduce panels showing a library panel to what Grafana keeps of them; the library panels they need."""
    needed: dict[str, _LibraryPanelFile] = {}
    problems = Collector()
    top = data.get("panels") if isinstance(data.get("panels"), list) else []
    for panel in panels_of(data):
        if "libraryPanel" not in panel or not isinstance(panel, dict):
            continue
        index = next((f"panels[{i}]" for i, p in enumerate(top) if p is panel), None) or next(
            f"panels[{i}].panels[{j}]" for i, row in enumerate(top) if isinstance(row, dict)
            for j, inner in enumerate(row.get("panels") or []) if inner is panel)
        with problems.guard():
            reference = panel["libraryPanel"] if isinstance(panel["libraryPanel"], dict) else {}
            uid = reference.get("uid")
            if not isinstance(uid, str) or not uid:
                raise UserError(where, f"{index}.libraryPanel.uid",
                                "is required: Grafana finds a library panel by its uid")
            library = elements.get(uid)
            if library is None and uid not in repository.library_panels and _embedded(panel):
                model = normalize_model({k: v for k, v in panel.items() if k != "gridPos"}, where, datasources,
                                        inputs=data.get("__inputs"), remap_foreign=True)
                library = _LibraryPanelFile(uid, str(reference.get("name") or panel.get("title") or uid), model,
                                            where, index)
            if library is None and uid not in repository.library_panels:
                raise UserError(where, f"{index}.libraryPanel.uid",
                                f"library panel {uid!r} ({reference.get('name')!r}) is neither in the export "
                                "nor in the repository: export with \"Export for sharing externally\" (which "
                                "adds the library panels as __elements), or import the library panel first")
            if library is not None:
                needed[uid] = library
                name, title, kind = library.name, library.model.get("title"), library.model.get("type")
            else:
                existing = repository.library_content(uid) or {}
                model = existing.get("model") if isinstance(existing.get("model"), dict) else {}
                name = existing.get("name") or reference.get("name") or uid
                title, kind = model.get("title", panel.get("title")), model.get("type", panel.get("type"))
            shown = {k: panel[k] for k in ("id", "gridPos") if k in panel}
            shown["libraryPanel"] = {"name": name, "uid": uid}
            if isinstance(title, str):
                shown["title"] = title
            if isinstance(kind, str) and kind:
                shown["type"] = kind
            panel.clear()
            panel.update(shown)
    problems.raise_if_any()
    return [needed[uid] for uid in sorted(needed)]


def _prepare(path: Path, datasources: Mapping[str, DataSource], repository: _Repository,
             choices: Mapping[str, str], notes: list[Problem]) -> _Prepared:
    where = display_path(path)
    data = read_json(path)
    if not isinstance(data, dict):
        raise UserError(where, "", "expected a dashboard JSON object")
    _apply_choices(data, choices, datasources)
    ambiguous = _ambiguities(data, where, datasources)
    if ambiguous:
        raise UserError(ambiguous)
    elements = _elements(data, where, datasources)
    libraries = _library_references(data, where, elements, repository, datasources)
    uid = data.get("uid")
    if (uid is None or uid == "") and isinstance(data.get("title"), str) and data["title"].strip() \
            and not isinstance(data.get("dashboard"), dict):  # (an API response is explained by normalize_export)
        data["uid"] = uid_from_title(data["title"])
        notes.append(Problem(where, "uid", f"the export has none (Grafana would make up a random one); using "
                                           f"{data['uid']!r}, derived from the title"))
    config = normalize_export(data, where, datasources, remap_foreign=True)
    # Library panels of __elements that no panel shows are kept too: the export carried them.
    shown = {lib.uid for lib in libraries}
    libraries += [elements[uid] for uid in sorted(elements) if uid not in shown]
    return _Prepared(where, config, libraries)


# --- the whole import -----------------------------------------------------------------------------------------

def _expand(sources: Sequence[Path], problems: Collector) -> list[Path]:
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            found = sorted(p for p in source.rglob("*.json") if p.is_file())
            if not found:
                problems.add(Problem(display_path(source), "", "holds no *.json exports"))
            files += found
        elif source.is_file():
            files.append(source)
        else:
            problems.add(Problem(display_path(source), "", "no such file or directory"))
    unique = list(dict.fromkeys(p.resolve() for p in files))
    return [next(f for f in files if f.resolve() == p) for p in unique]


def _check_destination(dest_dir: Path) -> Path:
    if not dest_dir.is_dir():
        raise UserError(display_path(dest_dir), "", "folder directory does not exist; create it with a "
                                                    f"{FOLDER_FILE} giving its title first")
    root = _repository_root(dest_dir)
    if dest_dir.resolve() != (root / "dashboards").resolve() and not (dest_dir / FOLDER_FILE).is_file():
        raise UserError(display_path(dest_dir), "", f"is not a folder: it has no {FOLDER_FILE}")
    return root


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _same_file(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except OSError:
        return False


def import_dashboards(sources: Sequence[Path], dest_dir: Path, *, force: bool = False,
                      choices: Mapping[str, str] | None = None,
                      datasources: Mapping[str, DataSource] | None = None) -> ImportResult:
    """Import every export in ``sources`` (files, or directories of ``*.json``) into ``dest_dir``: all or none.

    ``datasources`` defaults to the repository's own (read from ``environments/`` and ``datasources/``).
    """
    root = _check_destination(dest_dir)
    if datasources is None:
        datasources = repository_datasources(root)
    choices = dict(choices or {})
    check_choices(choices, datasources)
    problems = Collector()
    notes: list[Problem] = []
    files = _expand(sources, problems)
    repository = _Repository(root / "dashboards")
    prepared: list[_Prepared] = []
    for path in files:
        with problems.guard():
            prepared.append(_prepare(path, datasources, repository, choices, notes))

    writes: dict[Path, str] = {}
    removed: list[Path] = []
    dashboard_paths: list[Path] = []
    dashboards_by_path = {p.resolve(): uid for uid, p in repository.dashboards.items()}
    batch: dict[str, str] = {}
    for item in prepared:
        uid = item.config["uid"]
        target = dest_dir / f"{uid}.json"
        text = _dump(item.config)
        if uid in batch:
            problems.add(Problem(item.where, "uid", f"dashboard uid {uid!r} is also the uid of {batch[uid]}, "
                                                    "imported in the same run"))
            continue
        batch[uid] = item.where
        existing = repository.dashboards.get(uid)
        occupant = dashboards_by_path.get(target.resolve())
        if existing is not None and existing.resolve() == target.resolve() and _same_file(existing, text):
            notes.append(Problem(item.where, "", f"already imported as {display_path(existing)}, unchanged"))
            dashboard_paths.append(existing)
            continue
        if existing is not None and not force:
            problems.add(Problem(item.where, "uid", f"dashboard uid {uid!r} is already in the repository: "
                                                    f"{display_path(existing)}; pass --force to replace it"))
            continue
        if occupant is not None and occupant != uid and not force:
            problems.add(Problem(item.where, "uid", f"would overwrite {display_path(target)} (dashboard "
                                                    f"{occupant!r}); pass --force to replace it"))
            continue
        if existing is not None and existing.resolve() != target.resolve():
            removed.append(existing)
        writes[target] = text
        dashboard_paths.append(target)
    _plan_library_panels(prepared, dest_dir, repository, force, writes, removed, notes, problems)
    problems.raise_if_any()  # nothing is written unless every export imports

    for target, text in writes.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for path in removed:
        if path not in writes and path.exists():
            path.unlink()
    return ImportResult(dashboards=tuple(dashboard_paths), written=tuple(writes), removed=tuple(p for p in removed if p not in writes),
                        notes=tuple(notes))


def _library_target(directory: Path, library: _LibraryPanelFile, taken: set[Path],
                    repository: _Repository) -> Path:
    occupied = set(repository.library_panels.values()) | taken
    base = slug(library.name) or library.uid
    for name in (base, f"{base}-{library.uid}"):
        candidate = directory / f"{name}.json"
        if candidate not in occupied and not candidate.exists():
            return candidate
    return directory / f"{library.uid}.json"


def _plan_library_panels(prepared: list[_Prepared], dest_dir: Path, repository: _Repository, force: bool,
                         writes: dict[Path, str], removed: list[Path], notes: list[Problem],
                         problems: Collector) -> None:
    directory = dest_dir / LIBRARY_DIR
    batch: dict[str, _LibraryPanelFile] = {}
    taken: set[Path] = set()
    for item in prepared:
        for library in item.library_panels:
            content = library.content()
            if library.uid in batch:
                if batch[library.uid].content() != content:
                    problems.add(Problem(library.where, library.field,
                                         f"library panel {library.uid!r} differs from the one of the same uid in "
                                         f"{batch[library.uid].where}"))
                continue
            batch[library.uid] = library
            existing = repository.library_panels.get(library.uid)
            if existing is not None:
                current = repository.library_content(library.uid)
                if current is not None and {**current, "model": clean_model(current.get("model") or {})} == content:
                    continue  # the same library panel, already here
                if current is None and existing.suffix != ".json" and not force:
                    # A spec of ours, deployed from here: the export's copy is what Grafana got from it (or a UI
                    # edit the next apply reverts). The spec stays the source; --force would replace it.
                    notes.append(Problem(library.where, library.field,
                                         f"library panel {library.uid!r} is {display_path(existing)} here: kept"))
                    continue
                if not force:
                    problems.add(Problem(library.where, library.field,
                                         f"library panel {library.uid!r} is already in the repository: "
                                         f"{display_path(existing)}, with other content; pass --force to replace "
                                         "it"))
                    continue
                removed.append(existing)
            target = _library_target(directory, library, taken, repository)
            taken.add(target)
            writes[target] = _dump(content)
            notes.append(Problem(library.where, library.field, f"library panel {library.name!r} ({library.uid}) "
                                                               f"→ {display_path(target)}"))


def import_dashboard(exported_json_path: Path, dest_dir: Path,
                     datasources: Mapping[str, DataSource] | None = None, *, force: bool = False) -> Path:
    """Import one export; returns the dashboard file written (see ``import_dashboards``)."""
    result = import_dashboards([exported_json_path], dest_dir, force=force, datasources=datasources)
    return result.dashboards[0]
