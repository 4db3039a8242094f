"""Rendered dashboards checked against Grafana's dashboard schema (``dashboard.schema.json``)."""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: a run whose project comes from its snapshot validates nothing
    import jsonschema_rs
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

from ...errors import Problem
from ..model import Dashboard
from ..schema_file import dashboard_schema
from .locations import place


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(dashboard_schema())


def schema_validator() -> Draft202012Validator:
    """The validator that locates violations (its errors point into the instance, so defaults can be filled)."""
    return _validator()


@lru_cache(maxsize=1)
def _fast_validator() -> jsonschema_rs.Draft202012Validator:
    """A compiled validator for the same schema: it only says valid or not, and nearly every dashboard is valid,
    so the slower validator above runs only to locate and explain the violations of an invalid one."""
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(dashboard_schema())


def is_valid(config: dict[str, Any]) -> bool:
    return _fast_validator().is_valid(config)


def _field(config: dict[str, Any], uid: str, path: list[Any]) -> str:
    """``dashboard 'x', panel 3 'Title', gridPos.w`` for a JSON path inside a panel, else the dotted path."""
    panel = None
    rest = list(path)
    if len(rest) >= 2 and rest[0] == "panels" and isinstance(rest[1], int):
        panels = config.get("panels") or []
        panel = panels[rest[1]] if rest[1] < len(panels) and isinstance(panels[rest[1]], dict) else None
        rest = rest[2:]
        if panel is not None and len(rest) >= 2 and rest[0] == "panels" and isinstance(rest[1], int):
            inner = panel.get("panels") or []
            panel = inner[rest[1]] if rest[1] < len(inner) and isinstance(inner[rest[1]], dict) else panel
            rest = rest[2:]
    dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest).lstrip(".")
    base = place(uid, panel)
    return f"{base}, {dotted}" if dotted else base


def _specific(error: ValidationError) -> ValidationError:
    from jsonschema.exceptions import best_match

    return best_match(error.context) if error.context else error


@lru_cache(maxsize=256)
def _errors(canonical: str) -> tuple[tuple[tuple[Any, ...], str], ...]:
    """(JSON path, message) of each schema violation; memoized because most dashboards render to the same JSON
    in every environment."""
    config = json.loads(canonical)
    errors = sorted(_validator().iter_errors(config), key=lambda e: [str(p) for p in e.absolute_path])
    return tuple((tuple(_specific(e).absolute_path), _specific(e).message) for e in errors)


def schema_problems(dashboard: Dashboard, config: dict[str, Any]) -> list[Problem]:
    if _fast_validator().is_valid(config):
        return []
    return [Problem(dashboard.file, _field(config, dashboard.uid, list(path)),
                    f"does not match Grafana's dashboard schema: {message}")
            for path, message in _errors(json.dumps(config, sort_keys=True, separators=(",", ":")))]
