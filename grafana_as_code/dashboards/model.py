"""What a loaded dashboard is, whatever format it was written in."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from ..datasources import DataSource
from ..environment import Environment, frozen, thaw
from ..folders import Folder



@dataclass(frozen=True)
class RenderContext:
    """Everything a dashboard may depend on in one environment."""

    env: Environment
    datasources: Mapping[str, DataSource]  # by uid, only those this environment has
    folders: Mapping[str, Folder]  # by path relative to dashboards/
    # by uid: the library panels dashboards may show (loaded before the dashboards; see library_panels.py)
    library_panels: Mapping[str, LibraryPanel] = field(default_factory=lambda: MappingProxyType({}))


class Dashboard:
    """One dashboard of one environment: where it is, and the full dashboard JSON it sends.

    Held as its canonical JSON (``config_json``), written once when the dashboard is loaded; ``config``, the same
    JSON as read-only mappings, is rebuilt from it when first asked for. A stored project (the snapshot, a worker's
    result) then carries one string per dashboard, not thousands of small mappings, and building the stacks needs
    the string only. Immutable, and equal when uid, title, folder, file and JSON are.
    """

    __slots__ = ("uid", "title", "folder_uid", "file", "canonical", "_config")

    def __init__(self, uid: str, title: str, folder_uid: str | None, file: str,
                 config: Mapping[str, Any] | None = None, *, canonical: str | None = None) -> None:
        if canonical is None:
            if config is None:
                raise TypeError("a dashboard needs its config or its canonical JSON")
            canonical = canonical_json(config)
        for name, value in (("uid", uid), ("title", title), ("folder_uid", folder_uid), ("file", file),
                            ("canonical", canonical),
                            ("_config", None if config is None or isinstance(config, dict) else config)):
            object.__setattr__(self, name, value)

    @classmethod
    def loaded(cls, uid: str, title: str, folder_uid: str | None, file: str, config: dict[str, Any]) -> "Dashboard":
        """A dashboard from its plain JSON, with its canonical JSON written once."""
        return cls(uid, title, folder_uid, file, canonical=canonical_json(config))

    @property
    def config(self) -> Mapping[str, Any]:
        """The full dashboard JSON, read-only."""
        if self._config is None:
            object.__setattr__(self, "_config", frozen(json.loads(self.canonical)))
        return self._config

    def config_json(self) -> str:
        """Canonical JSON: sorted keys and no whitespace, so output is byte-identical across runs."""
        return self.canonical

    def _key(self) -> tuple:
        return self.uid, self.title, self.folder_uid, self.file, self.canonical

    def __eq__(self, other: object) -> bool:
        return self._key() == other._key() if isinstance(other, Dashboard) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Dashboard(uid={self.uid!r}, title={self.title!r}, folder_uid={self.folder_uid!r}, file={self.file!r})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a Dashboard is immutable ({name})")

    def __reduce__(self) -> tuple:
        return _dashboard, self._key()


def _dashboard(uid: str, title: str, folder_uid: str | None, file: str, canonical: str) -> Dashboard:
    return Dashboard(uid, title, folder_uid, file, canonical=canonical)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def canonical_json(config: Mapping[str, Any]) -> str:
    """Sorted keys, no whitespace, UTF-8 as is; read-only mappings are written like dicts."""
    return json.dumps(config if isinstance(config, dict) else dict(config), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, default=_plain)


@dataclass(frozen=True)
class LibraryPanel:
    uid: str
    name: str
    folder_uid: str | None  # None: the General folder
    file: str
    model: Mapping[str, Any]  # the panel JSON Grafana stores (frozen)

    @property
    def type(self) -> str:
        return str(self.model.get("type") or "")

    @property
    def title(self) -> str:
        return str(self.model.get("title") or self.name)

    def default_size(self) -> tuple[int, int]:
        """(width, height) in a dashboard that does not say: the model's gridPos, else the type's default."""
        grid = self.model.get("gridPos")
        if isinstance(grid, Mapping) and isinstance(grid.get("w"), int) and isinstance(grid.get("h"), int):
            return grid["w"], grid["h"]
        from .layout import DEFAULT_SIZE

        return DEFAULT_SIZE.get(self.type, (12, 8))

    def model_json(self) -> str:
        """Canonical JSON for ``model_json``; ``description`` and ``type`` are always present because the
        provider's StateFunc (normalizeLibraryPanelModelJSON) adds them as "" otherwise, which would read as drift."""
        return json.dumps(thaw(self.model), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
