"""What a dashboard points at must exist: data sources of this environment, variables of this dashboard, and
dashboards linked by uid."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...errors import Problem, warn
from ..datasource_refs import SPECIAL_UIDS, variable_in
from ..model import Dashboard, RenderContext
from ...dashboard_panels import panels_of
from .locations import place, target_label
from . import is_export
from .macros import BUILT_INS, quoted_only, used_variables

QUERY_KEYS = ("expr", "query", "rawSql")
DASHBOARD_LINK = re.compile(r"^/d/([A-Za-z0-9_-]+)")


def query_texts(target: dict[str, Any]) -> list[tuple[str, str]]:
    return [(key, target[key]) for key in QUERY_KEYS if isinstance(target.get(key), str) and target[key].strip()]


def targets_of(panel: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any], Any]]:
    """(index, target, data source reference in effect) of a panel."""
    for index, target in enumerate(panel.get("targets") or []):
        if isinstance(target, dict):
            yield index, target, target.get("datasource") or panel.get("datasource")


def variable_query(variable: dict[str, Any]) -> str | None:
    query = variable.get("query")
    if isinstance(query, dict):
        query = query.get("query")
    return query if isinstance(query, str) and query.strip() else None


def _uid(reference: Any) -> str | None:
    if isinstance(reference, dict):
        return reference.get("uid") if isinstance(reference.get("uid"), str) else None
    return reference if isinstance(reference, str) else None


class _Checker:
    def __init__(self, dashboard: Dashboard, config: dict[str, Any], ctx: RenderContext, known: set[str]):
        self.dashboard = dashboard
        self.ctx = ctx
        self.known_dashboards = known
        self.variables = {v.get("name"): v for v in (config.get("templating") or {}).get("list") or []
                          if isinstance(v, dict)}
        self.problems: list[Problem] = []

    def report(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.dashboard.file, where, message))

    def datasource(self, reference: Any, where: str) -> None:
        uid = _uid(reference)
        if uid is None or uid in SPECIAL_UIDS:
            return
        variable = variable_in(uid)
        if variable is not None:
            found = self.variables.get(variable)
            if found is None:
                self.report(where, f"data source {uid!r} refers to an undefined variable")
            elif found.get("type") != "datasource":
                self.report(where, f"data source {uid!r} refers to a {found.get('type')} variable, "
                                   "not a datasource variable")
        elif uid not in self.ctx.datasources:
            self.report(where, f"data source {uid!r} does not exist in environment {self.ctx.env.name!r} "
                               f"(known: {', '.join(sorted(self.ctx.datasources)) or 'none'})")

    def text(self, text: str, where: str, allowed: set[str]) -> None:
        for name in dict.fromkeys(used_variables(text)):
            if name not in allowed and name not in BUILT_INS:
                hint = " (Grafana's built-ins start with two underscores)" if name.startswith("__") else ""
                message = f"uses variable ${name}, which the dashboard does not define{hint}"
                if is_export(self.dashboard) and quoted_only(text, name):
                    # Grafana leaves an unknown variable as written (templateSrv.replace): inside a string the
                    # query still runs, and matches the text "$name" (no data). An export Grafana loads as it
                    # is; outside a string the data source refuses the query, and that stays an error.
                    warn(self.dashboard.file, where, f"{message}; Grafana sends it as written, so the string "
                                                     f"holding it matches the text \"${name}\" (no data)")
                else:
                    self.report(where, message)

    def run(self, config: dict[str, Any]) -> list[Problem]:
        uid = self.dashboard.uid
        names = set(self.variables)
        for name, variable in self.variables.items():
            where = place(uid, query=f"variable {name!r}")
            self.datasource(variable.get("datasource"), where)
            query = variable_query(variable)
            if query and variable.get("type") == "query":
                self.text(query, where, names - {name})
        for index, annotation in enumerate((config.get("annotations") or {}).get("list") or []):
            if not isinstance(annotation, dict):
                continue
            where = place(uid, query=f"annotation {annotation.get('name', index)!r}")
            self.datasource(annotation.get("datasource"), where)
            target = annotation.get("target") if isinstance(annotation.get("target"), dict) else {}
            for _, text in query_texts({**annotation, **target}):
                self.text(text, where, names)
        for panel in panels_of(config):
            self.datasource(panel.get("datasource"), place(uid, panel))
            repeat = panel.get("repeat")
            if isinstance(repeat, str) and repeat and repeat not in names:
                self.report(place(uid, panel), f"repeats over variable {repeat!r}, which the dashboard does not define")
            for index, target, reference in targets_of(panel):
                where = place(uid, panel, target_label(target, index))
                self.datasource(target.get("datasource"), where)
                for _, text in query_texts(target):
                    self.text(text, where, names)
        for index, link in enumerate(config.get("links") or []):
            url = link.get("url") if isinstance(link, dict) else None
            match = DASHBOARD_LINK.match(url) if isinstance(url, str) else None
            if match and match.group(1) not in self.known_dashboards:
                self.report(place(uid, query=f"link {link.get('title', index)!r}"),
                            f"links to dashboard uid {match.group(1)!r}, which does not exist")
        return self.problems


def reference_problems(dashboard: Dashboard, config: dict[str, Any], ctx: RenderContext,
                       known_dashboards: set[str]) -> list[Problem]:
    return _Checker(dashboard, config, ctx, known_dashboards).run(config)
