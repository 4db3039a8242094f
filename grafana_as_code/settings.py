"""Repository-wide settings that are not definitions: kept in ``cdktf.json`` under ``context`` (the file every
CDK Terrain project already has), so there is no second settings file to find.

    "context": {"strictWarnings": true}

``strictWarnings``: treat every warning (what Grafana accepts, migrates or repairs, see errors.py) as an error,
as ``synth --strict`` does for one run.
"""
from __future__ import annotations

import json
from pathlib import Path

from .errors import UserError
from .yaml_io import display_path

SETTINGS_FILE = "cdktf.json"
STRICT_KEY = "strictWarnings"


def strict_setting(root: Path) -> bool:
    path = root / SETTINGS_FILE
    if not path.is_file():
        return False
    try:
        context = json.loads(path.read_text(encoding="utf-8")).get("context") or {}
    except (ValueError, AttributeError):
        raise UserError(display_path(path), "", "is not a JSON object") from None
    value = context.get(STRICT_KEY, False) if isinstance(context, dict) else False
    if not isinstance(value, bool):
        raise UserError(display_path(path), f"context.{STRICT_KEY}", f"expected true or false, got {value!r}")
    return value
