"""What a loaded dashboard is, whatever format it was written in."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping

from ..datasources import DataSource
from ..environment import Environment, thaw
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

    def config_json(self) -> str:
        """Canonical JSON: sorted keys and no whitespace, so output is byte-identical across runs."""
        return json.dumps(thaw(self.config), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
