"""Dashboards: one file per dashboard under ``dashboards/<folder path>/``.

``load_dashboards`` returns, for one environment, every dashboard as the full Grafana dashboard JSON it will
send, with the folder it belongs to. Exported Grafana JSON is accepted as is (``*.json``).
"""
from __future__ import annotations

from .model import Dashboard, RenderContext
from .loader import load_dashboards

__all__ = ["Dashboard", "RenderContext", "load_dashboards"]
