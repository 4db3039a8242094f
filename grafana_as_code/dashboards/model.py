"""What a loaded dashboard is, whatever format it was written in."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping

from ..datasources import DataSource
from ..environment import Environment, frozen
from ..folders import Folder

if TYPE_CHECKING:
    from .library_panels import LibraryPanel


@dataclass(frozen=True)
class RenderContext:
    """Everything a dashboard may depend on in one environment."""

    env: Environment
    datasources: Mapping[str, DataSource]  # by uid, only those this environment has
    folders: Mapping[str, Folder]  # by path relative to dashboards/
    # by uid: the library panels dashboards may show (loaded before the dashboards; see library_panels.py)
    library_panels: Mapping[str, LibraryPanel] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Dashboard:
    uid: str
    title: str
    folder_uid: str | None  # None: the General folder
    file: str
    config: Mapping[str, Any]  # the full dashboard JSON (frozen)
    # config_json() written when the dashboard was loaded, from the plain JSON it was frozen from (``loaded``):
    # walking the frozen copy back costs more than the rest of building its resource.
    canonical: str | None = field(default=None, compare=False, repr=False)

    @classmethod
    def loaded(cls, uid: str, title: str, folder_uid: str | None, file: str, config: dict[str, Any]) -> "Dashboard":
        """A dashboard from its plain JSON (frozen here), with its canonical JSON written once."""
        return cls(uid=uid, title=title, folder_uid=folder_uid, file=file, config=frozen(config),
                   canonical=canonical_json(config))

    def config_json(self) -> str:
        """Canonical JSON: sorted keys and no whitespace, so output is byte-identical across runs."""
        return self.canonical if self.canonical is not None else canonical_json(self.config)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def canonical_json(config: Mapping[str, Any]) -> str:
    """Sorted keys, no whitespace, UTF-8 as is; read-only mappings are written like dicts."""
    return json.dumps(config if isinstance(config, dict) else dict(config), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, default=_plain)
