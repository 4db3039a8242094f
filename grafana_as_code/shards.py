"""Stacks per environment and team: which stack holds which object, and where each keeps its state.

By default an environment is one stack, ``<env>``, with one state. With ``state.split: teams`` in
``environments/<env>.yaml`` it becomes:

- the shared stack, still named ``<env>`` with the environment's own state (so an existing state stays with it):
  every folder, data source, team and folder permission, the contact points, templates, mute timings and the
  policy tree, plus the dashboards, library panels and rule groups of folders no team owns;
- one stack per team that owns folders, ``<env>-<team>``, with its own state and lock derived from the
  environment's backend (``team_state``): the dashboards, library panels and rule groups of the folders it owns
  (``teams.owner_of``: a subfolder belongs to the nearest folder a team claims).

A team stack names shared objects by their literal uids and names (folder uid, data source uid, contact point and
mute timing names), never by cross-stack references: no outputs, no remote-state reads, and the stacks can be
planned in parallel. The shared stack deploys first (``wave``), since the team stacks' objects live in its
folders.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .environment import Environment, StateBackend
from .errors import Problem, UserError
from .teams import owner_of

# The parts of a catalog that live in folders and move to the owning team's stack.
TEAM_KINDS = ("dashboards", "library_panels", "rule_groups")
MIGRATIONS_DIR = "migrations"  # migrations/<env>.yaml, while an environment moves to team stacks (migration.py)


@dataclass(frozen=True)
class Shard:
    """One Terraform stack: its name (``cdktf.out/stacks/<name>/``), its state and what it holds."""

    name: str
    env: Environment
    state: StateBackend
    catalog: Any  # project.Catalog holding only this stack's objects in TEAM_KINDS (None: the layout alone)
    team: str | None = None  # None: the environment's shared (or only) stack
    migration: Any = None  # migration.Migration: the move from one stack to team stacks, while it is under way

    @property
    def shared(self) -> bool:
        return self.team is None


def team_stack_name(env: str, team: str) -> str:
    return f"{env}-{team}"


def team_state(state: StateBackend, env: str, team: str) -> StateBackend:
    """The state of ``team``'s stack in an environment: beside the environment's, with a lock of its own.

    - local: ``terraform.<env>-<team>.tfstate`` (or ``path`` with ``-<team>`` before its extension);
    - s3: ``key`` with ``teams/<team>/`` before the file name (the lock, DynamoDB item or ``.tflock`` file, is per
      key);
    - gcs: ``prefix`` + ``/teams/<team>`` (GCS locks each state object; nested prefixes are not read as workspaces
      of the shared prefix);
    - remote, cloud: workspace ``<workspace>-<team>`` (a workspace is its own state and lock).
    """
    settings = dict(state.settings)
    if state.kind == "local":
        if settings.get("path"):
            stem, dot, suffix = settings["path"].rpartition(".")
            settings["path"] = f"{stem}-{team}.{suffix}" if dot and "/" not in suffix else f"{settings['path']}-{team}"
    elif state.kind == "s3":
        directory, name = posixpath.split(settings["key"])
        settings["key"] = posixpath.join(directory, "teams", team, name)
    elif state.kind == "gcs":
        prefix = str(settings.get("prefix") or "").strip("/")
        settings["prefix"] = posixpath.join(prefix, "teams", team) if prefix else f"teams/{team}"
    elif state.kind in ("remote", "cloud"):
        settings["workspace"] = f"{settings['workspace']}-{team}"
    else:  # the environment loader only lets known kinds through
        raise ValueError(f"unknown state backend {state.kind!r}")
    return StateBackend(kind=state.kind, settings=MappingProxyType(settings), split=state.split)


def folder_owners(folders: Any, teams: Any) -> dict[str, str | None]:
    """Folder uid -> the key of the team owning it (None: no team)."""
    teams = list(teams)
    found = {}
    for folder in folders:
        owner = owner_of(folder.path, teams)
        found[folder.uid] = owner.key if owner else None
    return found


def _owner(item: Any, owners: dict[str, str | None]) -> str | None:
    folder_uid = getattr(item, "folder_uid", None)
    return owners.get(folder_uid) if folder_uid else None  # the General folder is no team's


def stack_layout(env: Environment, folders: Any, teams: Any) -> list[Shard]:
    """The stacks of one environment, without their content: the shared one first, then one per team owning
    folders, by team key. Every team owning a folder has a stack, even while it is empty: a stack must not vanish
    (with its state) because its last dashboard moved elsewhere."""
    shared = Shard(name=env.name, env=env, state=env.state, catalog=None)
    if env.state.split != "teams":
        return [shared]
    owning = sorted({key for key in folder_owners(folders, teams).values() if key is not None})
    return [shared] + [Shard(name=team_stack_name(env.name, team), env=env, state=team_state(env.state, env.name, team),
                             catalog=None, team=team) for team in owning]


def shards_of(catalog: Any) -> list[Shard]:
    """The stacks of one environment with what each holds (``stack_layout`` order)."""
    layout = stack_layout(catalog.env, catalog.folders, catalog.teams)
    if len(layout) == 1:
        return [replace(layout[0], catalog=catalog)]
    owners = folder_owners(catalog.folders, catalog.teams)
    # Each item sorted once into its owner's share (in catalog order), not once per stack.
    shares: dict[str, dict[str | None, list[Any]]] = {}
    for kind in TEAM_KINDS:
        if hasattr(catalog, kind):
            share = shares[kind] = {}
            for item in getattr(catalog, kind):
                share.setdefault(_owner(item, owners), []).append(item)
    return [replace(shard, catalog=replace(catalog, **{
        kind: tuple(share.get(shard.team, ())) for kind, share in shares.items()})) for shard in layout]


def project_shards(project: Any) -> list[Shard]:
    """Every stack of the project, in deploy order within each environment (shared first); names are unique."""
    shards = []
    for catalog in project.catalogs:
        migration = None
        if (project.layout.root / MIGRATIONS_DIR / f"{catalog.env.name}.yaml").is_file():
            from .migration import load_migration  # only while an environment moves to team stacks

            migration = load_migration(project.layout.root, catalog.env.name)
        shards += [replace(shard, migration=migration) for shard in shards_of(catalog)]
    check_unique_names(shards, [team for catalog in project.catalogs[:1] for team in catalog.teams])
    return shards


def load_layout(root: Path, only: list[str] | None = None) -> list[Shard]:
    """Every stack of the project without its content: reads only environments, folders and teams (fast)."""
    from .environment import load_environments
    from .folders import load_folders
    from .teams import load_teams

    environments = load_environments(root / "environments", only)
    folders = load_folders(root / "dashboards")
    teams = load_teams(root / "teams", folders)
    shards = [shard for env in environments for shard in stack_layout(env, folders, teams)]
    check_unique_names(shards, teams)
    return shards


def check_unique_names(shards: list[Shard], teams: Any) -> None:
    seen: dict[str, Shard] = {}
    problems: list[Problem] = []
    team_files = {team.key: team.file for team in teams}
    for shard in shards:
        other = seen.get(shard.name)
        if other is not None:
            team = shard.team or other.team
            problems.append(Problem(shard.env.file if shard.team else other.env.file, "state.split",
                                    f"the stack of team {team!r} ({team_files.get(team, 'teams/')}) in environment "
                                    f"{(shard if shard.team else other).env.name!r} would be named {shard.name!r}, "
                                    f"like environment {(other if shard.team else shard).env.name!r}'s own stack; "
                                    "rename the environment or the team"))
        seen.setdefault(shard.name, shard)
    if problems:
        raise UserError(problems)


def wave(shard: Shard) -> int:
    """Deploy order within an environment: 0 for the shared stack, 1 for team stacks (in parallel, after it)."""
    return 0 if shard.shared else 1
