"""Dashboards: one file per dashboard under ``dashboards/<folder path>/``.

``load_dashboards`` returns, for one environment, every dashboard as the full Grafana dashboard JSON it will
send, with the folder it belongs to. A file is either a concise YAML spec (``*.yaml``, rendered by ``spec.py``)
or exported Grafana JSON (``*.json``, normalized by ``normalize.py``); ``import_dashboards`` writes the latter
into the repository. Library panels (``library_panels.py``) live in ``<folder>/_library-panels/`` and are loaded
first: dashboards show them. Every dashboard is validated (``validate/``) before it is returned.

The loader, importer and validators are imported when first asked for (PEP 562): a run whose project comes from its
snapshot (project_snapshot.py) needs only the models.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

from .model import Dashboard, RenderContext

_LAZY = {"import_dashboard": ".importer", "import_dashboards": ".importer", "load_dashboards": ".loader"}

__all__ = ["Dashboard", "RenderContext", "import_dashboard", "import_dashboards", "load_dashboards"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
