"""Finding dashboard files and turning each into a ``Dashboard``."""
from __future__ import annotations

import json
from pathlib import Path

from ..environment import frozen
from ..errors import UserError
from ..folders import FOLDER_FILE
from ..uids import check_uid
from ..yaml_io import display_path, read_text
from .model import Dashboard, RenderContext

# Keys Grafana assigns itself: keeping them would make a dashboard differ per instance and churn plans.
_INSTANCE_KEYS = ("id", "version", "iteration")


def _from_json(path: Path, ctx: RenderContext, folder_uid: str | None) -> Dashboard:
    where = display_path(path)
    try:
        config = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise UserError(where, f"line {exc.lineno}", f"malformed JSON: {exc.msg}") from None
    if not isinstance(config, dict):
        raise UserError(where, "", "expected a dashboard JSON object")
    for key in ("uid", "title"):
        if not isinstance(config.get(key), str) or not config[key]:
            raise UserError(where, key, "is required (a string) in an exported dashboard")
    check_uid(config["uid"], where, "uid")
    config = {k: v for k, v in config.items() if k not in _INSTANCE_KEYS}
    return Dashboard(uid=config["uid"], title=config["title"], folder_uid=folder_uid, file=where,
                     config=frozen(config))


def dashboard_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix in (".json", ".yaml", ".yml")
             and p.name != FOLDER_FILE and not any(part.startswith(".") for part in p.parts)]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def load_dashboards(root: Path, ctx: RenderContext) -> list[Dashboard]:
    """Every dashboard of one environment, sorted by uid; duplicate uids are an error."""
    by_uid: dict[str, Dashboard] = {}
    for path in dashboard_files(root):
        relative_dir = path.parent.relative_to(root).as_posix()
        folder = ctx.folders.get(relative_dir) if relative_dir != "." else None
        folder_uid = folder.uid if folder else None
        if path.suffix == ".json":
            dashboard = _from_json(path, ctx, folder_uid)
        else:
            raise UserError(display_path(path), "", "YAML dashboard specs are not supported yet")
        if dashboard.uid in by_uid:
            raise UserError(dashboard.file, "uid", f"dashboard uid {dashboard.uid!r} is already used by "
                                                   f"{by_uid[dashboard.uid].file}")
        by_uid[dashboard.uid] = dashboard
    return [by_uid[uid] for uid in sorted(by_uid)]
