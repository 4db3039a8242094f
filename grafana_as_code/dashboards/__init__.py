"""Dashboards: one file per dashboard under ``dashboards/<folder path>/``.

``load_dashboards`` returns, for one environment, every dashboard as the full Grafana dashboard JSON it will
send, with the folder it belongs to. A file is either a concise YAML spec (``*.yaml``, rendered by ``spec.py``)
or exported Grafana JSON (``*.json``, normalized by ``normalize.py``); ``import_dashboards`` writes the latter
into the repository. Library panels (``library_panels.py``) live in ``<folder>/_library-panels/`` and are loaded
first: dashboards show them. Every dashboard is validated (``validate/``) before it is returned.
"""
from __future__ import annotations

from .importer import import_dashboard, import_dashboards
from .loader import load_dashboards
from .model import Dashboard, RenderContext

__all__ = ["Dashboard", "RenderContext", "import_dashboard", "import_dashboards", "load_dashboards"]
