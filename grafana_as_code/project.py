"""The whole repository, loaded and cross-checked, one ``Catalog`` per environment.

Everything is read and validated here, before any construct exists: a bad file stops the run before anything is
written to ``cdktf.out``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from types import MappingProxyType

from typing import TYPE_CHECKING

from . import secrets as secret_names
from .adopt.adopt_file import Adoption
from .alerting.notifications import Notifications
from .errors import Collector, Problem, UserError, warn

if TYPE_CHECKING:  # the models; the loaders are imported where they run (a snapshot's load needs none of them)
    from .alerting.prometheus_rules import RuleFile
    from .alerting.rule_groups import GrafanaRuleGroup
    from .dashboards import Dashboard
    from .dashboards.library_panels import LibraryPanel
    from .datasources import DataSource
    from .environment import Environment
    from .folders import Folder
    from .secrets import Secret
    from .teams import FolderAccess, Team


@dataclass(frozen=True)
class Layout:
    """Where definition files live; tests point it at temporary trees."""

    root: Path

    @property
    def environments(self) -> Path:
        return self.root / "environments"

    @property
    def datasources(self) -> Path:
        return self.root / "datasources"

    @property
    def dashboards(self) -> Path:
        return self.root / "dashboards"

    @property
    def alerts(self) -> Path:
        return self.root / "alerts"

    @property
    def teams(self) -> Path:
        return self.root / "teams"

    @property
    def adopt(self) -> Path:
        return self.root / "adopt"


@dataclass(frozen=True)
class Catalog:
    """Everything one environment's stack declares."""

    env: Environment
    folders: tuple[Folder, ...]
    datasources: tuple[DataSource, ...]
    dashboards: tuple[Dashboard, ...]
    notifications: Notifications = Notifications()  # contact points, templates, mute timings, the policy tree
    rule_groups: tuple[GrafanaRuleGroup, ...] = ()
    teams: tuple[Team, ...] = ()
    folder_access: tuple[FolderAccess, ...] = ()  # permissions of the folders teams own
    adoption: Adoption = Adoption()  # objects that already exist in this Grafana: imported, not created
    library_panels: tuple[LibraryPanel, ...] = ()  # dashboards/<folder>/_library-panels/

    @property
    def secrets(self) -> list[Secret]:
        grafana_auth = secret_names.Secret(secret_names.GRAFANA_AUTH.name, secret_names.GRAFANA_AUTH.description,
                              self.env.file, "grafana")
        return secret_names.merge([grafana_auth, *(s for d in self.datasources for s in d.secrets),
                                   *self.notifications.secrets])

    @property
    def resource_count(self) -> int:
        return (len(self.folders) + len(self.datasources) + len(self.dashboards) + len(self.rule_groups)
                + self.notifications.resource_count + len(self.teams) + len(self.folder_access)
                + len(self.library_panels))


@dataclass(frozen=True)
class Project:
    layout: Layout
    catalogs: tuple[Catalog, ...]

    @property
    def environments(self) -> list[Environment]:
        return [c.env for c in self.catalogs]


def _check_links(env: Environment, datasources: list[DataSource]) -> None:
    """Every ``datasourceUid`` a data source links to (LGTM correlations) exists in the same environment."""
    uids = {d.uid for d in datasources}
    problems = [Problem(source.file, path, f"links to data source {uid!r}, which environment {env.name!r} "
                                           f"does not have (known: {', '.join(sorted(uids))})")
                for source in datasources for path, uid in source.linked_uids() if uid not in uids]
    if problems:
        raise UserError(problems)


def load_catalog(layout: Layout, env: Environment, folders: list[Folder], datasources: list[DataSource],
                 rule_files: list[RuleFile] | None = None, teams: list[Team] | None = None,
                 access: list[FolderAccess] | None = None) -> Catalog:
    from .adopt.adopt_file import load_adoption
    from .adopt.declared import declared_keys
    from .alerting.notifications import load_notifications
    from .alerting.rule_groups import RuleContext, build_rule_groups
    from .dashboards import RenderContext, load_dashboards
    from .dashboards.library_panels import load_library_panels

    _check_links(env, datasources)  # data sources first: dashboards are checked against them
    notifications = load_notifications(layout.alerts, env)  # before rules: they name contact points, mute timings
    ctx = RenderContext(env=env, datasources=MappingProxyType({d.uid: d for d in datasources}),
                        folders=MappingProxyType({f.path: f for f in folders}))
    # Library panels before dashboards: dashboards show them and are checked against them.
    library_panels = tuple(load_library_panels(layout.dashboards, ctx))
    ctx = replace(ctx, library_panels=MappingProxyType({p.uid: p for p in library_panels}))
    dashboards = tuple(load_dashboards(layout.dashboards, ctx))
    # Alert rules last: they link to dashboards and panels.
    rules_ctx = RuleContext(env=env, folders=ctx.folders, datasources=ctx.datasources,
                            dashboards=MappingProxyType({d.uid: d for d in dashboards}),
                            contact_points=notifications.contact_point_names,
                            mute_timings=notifications.mute_timing_names)
    rule_groups = build_rule_groups(rule_files or [], layout.alerts / "grafana", rules_ctx)
    catalog = Catalog(env=env, folders=tuple(folders), datasources=tuple(datasources), dashboards=dashboards,
                      rule_groups=rule_groups, notifications=notifications, teams=tuple(teams or ()),
                      folder_access=tuple(access or ()), library_panels=library_panels)
    adoption = load_adoption(layout.adopt, env.name, declared_keys(catalog), env.grafana.org_id, env.grafana.version)
    return replace(catalog, adoption=adoption)


def _check_same_uids(sources: dict[str, list[DataSource]]) -> None:
    """A data source keeps its uid in every environment, so dashboards stay portable."""
    first: dict[str, tuple[str, str]] = {}
    for env_name, env_sources in sources.items():
        for source in env_sources:
            key = Path(source.file).stem
            if key in first and first[key][1] != source.uid:
                raise UserError(source.file, "uid", f"is {source.uid!r} in {env_name} but {first[key][1]!r} in "
                                f"{first[key][0]}; a data source keeps one uid in every environment")
            first.setdefault(key, (env_name, source.uid))


def _check_team_labels(rule_files: list[RuleFile], teams: list[Team]) -> None:
    """Once teams are declared, an alert's ``team`` label should name one (routing and ownership share the name)."""
    keys = {t.key for t in teams}
    if not keys:
        return
    for rule_file in rule_files:
        for group in rule_file.groups:
            for rule in group.rules:
                team = getattr(rule, "labels", {}).get("team")
                if team is not None and team not in keys:
                    warn(rule_file.file, f"{rule.field}.labels.team", f"{team!r} is not a team in teams/ "
                                                                      f"({', '.join(sorted(keys))})")


def load_project(root: Path, only: list[str] | None = None, check_secrets: bool = True) -> Project:
    from .cache import caching
    from .project_snapshot import load_through_snapshot

    layout = Layout(root)

    def load() -> Project:
        # rendered dashboards by content: a synth costs per changed file (grafana_as_code/cache.py)
        with caching(root):
            return _load_project(root, only, check_secrets)

    # Nothing changed since a load of the same request: that project, without loading a file (project_snapshot.py).
    return load_through_snapshot(root, definition_folders(layout), f"{only!r} {check_secrets!r}", load,
                                 rebase=lambda project: replace(project, layout=layout))


def definition_folders(layout: Layout) -> list[Path]:
    """Every folder load_project reads (a change in any of them is a new project snapshot)."""
    return [layout.environments, layout.datasources, layout.dashboards, layout.alerts, layout.teams, layout.adopt]


def _load_project(root: Path, only: list[str] | None = None, check_secrets: bool = True) -> Project:
    from .alerting.prometheus_rules import read_rule_files
    from .datasources import load_datasources
    from .environment import load_environments
    from .folders import load_folders
    from .parallel import run_each
    from .secret_guard.door import check_definitions
    from .teams import folder_access, load_teams

    layout = Layout(root)
    environments = load_environments(layout.environments, only)
    if check_secrets:  # the door: secrets written into any definition file are refused first, all of them at once
        check_definitions(layout.datasources, layout.alerts / "contact-points", environments)
    folders = load_folders(layout.dashboards)
    teams = load_teams(layout.teams, folders)  # the same in every environment
    access = folder_access(folders, teams)
    sources = {env.name: load_datasources(layout.datasources, env) for env in environments}
    _check_same_uids(sources)
    # Rule files are the same in every environment: read once. The problems of those that do not load are reported
    # together with everything else the catalogs find (the extras, links, data sources of the files that do).
    rule_files, rule_problems = read_rule_files(layout.alerts / "rules")
    _check_team_labels(rule_files, teams)
    problems = Collector()
    problems.add(*rule_problems)
    catalogs = []
    with problems.guard():
        # one process per environment where there are cores for it (grafana_as_code/parallel.py)
        catalogs = run_each(root, [partial(load_catalog, layout, env, folders, sources[env.name], rule_files, teams,
                                           access) for env in environments])
    problems.raise_if_any()
    return Project(layout=layout, catalogs=tuple(catalogs))
