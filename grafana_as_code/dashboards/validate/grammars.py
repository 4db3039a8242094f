"""The parser each query language is checked with, and its release: named in "unchecked" reasons, and part of the
project snapshot's key (another grammar may judge a query differently). Light on purpose: no parser is imported."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .node_parser import REPOSITORY_ROOT


@lru_cache(maxsize=1)
def grammar_releases() -> dict[str, str]:
    """``{"PromQL": "promql-parser 0.5.0", "LogQL": "@grafana/lezer-logql 0.2.7", ...}``."""
    def npm(name: str) -> str:
        package = REPOSITORY_ROOT / "node_modules" / name / "package.json"
        try:
            return f"{name} {json.loads(Path(package).read_text())['version']}"
        except (OSError, ValueError, KeyError):
            return name
    try:
        promql = f"promql-parser {metadata.version('promql-parser')}"
    except metadata.PackageNotFoundError:
        promql = "promql-parser"
    return {"PromQL": promql, "LogQL": npm("@grafana/lezer-logql"), "TraceQL": npm("@grafana/lezer-traceql")}
