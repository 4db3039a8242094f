"""Finding dashboard files, turning each into a ``Dashboard`` and validating them together.

Validation runs once per environment over all dashboards, so LogQL/TraceQL queries are parsed in one Node process.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..cache import cached, context_key
from ..conventions import check_conventions
from ..errors import Collector, UserError
from ..folders import FOLDER_FILE
from ..uids import slug
from ..yaml_io import display_path, read_text
from . import durations
from .model import Dashboard, RenderContext
from .normalize import normalize_export
from .repair import repair_dashboard
from .spec import render_spec
from .validate import validate_dashboards

SPEC_SUFFIXES = (".yaml", ".yml")


def read_json(path: Path) -> Any:
    where = display_path(path)
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise UserError(where, f"line {exc.lineno}", f"malformed JSON: {exc.msg}") from None


def _from_json(path: Path, ctx: RenderContext) -> dict[str, Any]:
    where = display_path(path)
    config = normalize_export(read_json(path), where, ctx.datasources, default_uid=slug(path.stem))
    config = repair_dashboard(config, where)
    if isinstance(config.get("refresh"), str):
        config["refresh"] = durations.at_least(config["refresh"], ctx.env.overrides.min_refresh)
    return config


def dashboard_files(root: Path) -> list[Path]:
    """Dashboard files under ``root``; directories starting with '.' or '_' are not folders and are skipped."""
    if not root.is_dir():
        return []
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix in (".json",) + SPEC_SUFFIXES
             and p.name != FOLDER_FILE
             and not any(part.startswith((".", "_")) for part in p.relative_to(root).parent.parts)]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def load_dashboard(path: Path, root: Path, ctx: RenderContext) -> tuple[Dashboard, dict[str, Any]]:
    """The dashboard and its JSON as a plain dict (validation reads it without thawing the frozen copy)."""
    where = display_path(path)
    relative_dir = path.parent.relative_to(root).as_posix()
    folder = ctx.folders.get(relative_dir) if relative_dir != "." else None
    if relative_dir != "." and folder is None:
        raise UserError(where, "", f"directory {relative_dir!r} is not a known folder (it needs a {FOLDER_FILE})")
    if path.suffix == ".json":
        config = _from_json(path, ctx)
    else:
        config = render_spec(read_text(path), where, ctx, default_uid=path.stem)
    dashboard = Dashboard.loaded(uid=config["uid"], title=config["title"], folder_uid=folder.uid if folder else None,
                                 file=where, config=config)
    if folder is not None:
        check_conventions(folder.conventions, config["title"], config.get("tags"), where, folder.conventions_file)
    return dashboard, config


def load_dashboard_cached(path: Path, root: Path, ctx: RenderContext, ctx_key: str | None) -> tuple[Dashboard,
                                                                                                   dict[str, Any]]:
    """``load_dashboard`` through the content-addressed cache (grafana_as_code/cache.py): the key is the file's
    bytes and path, the environment's whole render context and the code."""
    def encode(result: tuple[Dashboard, dict[str, Any]]) -> dict[str, Any]:
        dashboard, config = result
        return {"uid": dashboard.uid, "title": dashboard.title, "folder_uid": dashboard.folder_uid,
                "file": dashboard.file, "config": config}

    def decode(value: dict[str, Any]) -> tuple[Dashboard, dict[str, Any]]:
        config = value["config"]
        return Dashboard.loaded(uid=value["uid"], title=value["title"], folder_uid=value["folder_uid"],
                                file=value["file"], config=config), config

    return cached("dashboard", (path.read_bytes(), path.relative_to(root).as_posix(), display_path(path), ctx_key),
                  lambda: load_dashboard(path, root, ctx), encode, decode)


def load_dashboards(root: Path, ctx: RenderContext) -> list[Dashboard]:
    """Every dashboard of one environment, sorted by uid; duplicate uids and invalid dashboards are errors.

    Every file is loaded and every loaded dashboard validated before the problems are raised, all together."""
    problems = Collector()
    by_uid: dict[str, tuple[Dashboard, dict[str, Any]]] = {}
    ctx_key = context_key(ctx)
    for path in dashboard_files(root):
        with problems.guard():
            dashboard, config = load_dashboard_cached(path, root, ctx, ctx_key)
            if dashboard.uid in by_uid:
                raise UserError(dashboard.file, "uid", f"dashboard uid {dashboard.uid!r} is already used by "
                                                       f"{by_uid[dashboard.uid][0].file}")
            by_uid[dashboard.uid] = (dashboard, config)
    loaded = [by_uid[uid] for uid in sorted(by_uid)]
    with problems.guard():
        problems.add(*validate_dashboards(loaded, ctx))
    problems.raise_if_any()
    return [dashboard for dashboard, _ in loaded]
