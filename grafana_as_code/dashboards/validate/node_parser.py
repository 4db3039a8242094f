"""Running ``parse_queries.mjs``: LogQL/TraceQL parsed by Grafana's Lezer grammars, one Node process per batch.

Results are memoized per (language, query) for the life of the process: the same dashboards are validated for
every environment, and parsing is a pure function of the text.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from ...errors import UserError

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("parse_queries.mjs")
_RESULTS: dict[tuple[str, str], str | None] = {}


def node_binary() -> Path:
    """``$GAC_NODE``, else the Node the repository installs (``npm install`` puts it in node_modules)."""
    configured = os.environ.get("GAC_NODE")
    return Path(configured) if configured else REPOSITORY_ROOT / "node_modules" / "node" / "bin" / "node"


def parse_batch(items: list[tuple[str, str]]) -> list[str | None]:
    """For each (language, query) an error message, or None when the query parses."""
    missing = list(dict.fromkeys(item for item in items if item not in _RESULTS))
    if missing:
        node = node_binary()
        if not node.is_file():
            raise UserError(str(node), "", "Node.js is needed to check LogQL and TraceQL queries; run "
                                           "`npm install` in the repository root, or set GAC_NODE to a node binary")
        payload = json.dumps([{"lang": lang, "query": query} for lang, query in missing])
        try:
            run = subprocess.run([str(node), str(SCRIPT)], input=payload, capture_output=True, text=True,
                                 cwd=REPOSITORY_ROOT, timeout=120, check=False)
        except OSError as exc:
            raise UserError(str(node), "", f"cannot run Node.js: {exc}") from None
        if run.returncode != 0:
            raise UserError(str(SCRIPT), "", f"query parser failed: {run.stderr.strip()[-500:]}")
        for item, result in zip(missing, json.loads(run.stdout)):
            _RESULTS[item] = result
    return [_RESULTS[item] for item in items]
