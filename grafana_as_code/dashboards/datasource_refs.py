"""Data source references: a spec names a data source by uid or by a data source variable (``$ds``/``${ds}``).

Both become Grafana's ``{"type", "uid"}`` object. Grafana's special sources (mixed, built-in annotations,
dashboard) are spelled out here once.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from ..datasources import DataSource
from ..errors import UserError

MIXED = {"type": "datasource", "uid": "-- Mixed --"}
GRAFANA = {"type": "grafana", "uid": "-- Grafana --"}
SPECIAL_UIDS = frozenset({"-- Mixed --", "-- Grafana --", "-- Dashboard --", "grafana"})

VARIABLE_REF = re.compile(r"^\$(?:\{(\w+)(?::\w+)?\}|(\w+))$")


def variable_in(text: str) -> str | None:
    """The variable name when ``text`` is exactly one variable reference (``$ds`` or ``${ds}``)."""
    match = VARIABLE_REF.match(text)
    return (match.group(1) or match.group(2)) if match else None


class DataSourceResolver:
    """Turns the names used in one spec into references, knowing the environment and the spec's variables."""

    def __init__(self, env_name: str, datasources: Mapping[str, DataSource], variable_types: Mapping[str, str]):
        self.env_name = env_name
        self.datasources = datasources
        self.variable_types = variable_types  # datasource variable name -> plugin type

    def ref(self, name: str, where: str, field: str) -> dict[str, str]:
        variable = variable_in(name)
        if variable is not None:
            if variable not in self.variable_types:
                known = ", ".join(f"${v}" for v in sorted(self.variable_types)) or "none"
                raise UserError(where, field, f"{name!r} is not a data source variable of this dashboard "
                                              f"(data source variables: {known})")
            return {"type": self.variable_types[variable], "uid": f"${{{variable}}}"}
        if name not in self.datasources:
            raise UserError(where, field, f"unknown data source {name!r} in environment {self.env_name!r}; "
                                          f"known: {', '.join(sorted(self.datasources)) or 'none'}")
        return {"type": self.datasources[name].type, "uid": name}
