"""Which stacks a change touches: changed files (``git diff --name-only`` against the base branch) → stacks.

Pull requests plan only these (``.github/workflows/plan.yml``). The mapping errs on the side of planning more:

| changed file | stacks |
|---|---|
| code: ``grafana_as_code/``, ``stacks/``, ``main.py``, ``imports/``, ``cdktf.json``, ``requirements.txt``, ``package.json``, ``package-lock.json``, ``Makefile``, ``.github/`` | every stack |
| ``teams/*`` (ownership moves objects between stacks; permissions live in the shared stacks) | every stack |
| ``environments/<env>.yaml`` | every stack of that environment |
| ``datasources/<key>.yaml`` | the shared stacks, and the team stacks whose dashboards or rules use the data source |
| ``dashboards/<folder>/<file>``, ``dashboards/<folder>/_library-panels/*`` | the stack holding the folder's objects (its owning team's, or the shared one), in every environment |
| ``dashboards/<folder>/_folder.yaml`` | the shared stacks, and the folder's owning team's stacks |
| ``alerts/rules/<x>``, ``alerts/grafana/<x>`` | the stacks holding the rule groups of ``<x>``, and those of every folder the file names, before or after the change |
| ``alerts/contact-points``, ``templates``, ``mute-timings``, ``policies`` | the shared stacks, and team stacks whose rules name contact points or mute timings |
| anything else (READMEs, ``tests/``, ``alerts/tests/``, ``routes.test.yaml``) | none |

A file that cannot be placed (a rule file gone at the head and unreadable at the base) affects every stack.
"""
from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from .errors import UserError
from .shards import Shard, folder_owners
from .teams import owner_of

CODE_PATHS = ("grafana_as_code/", "stacks/", "imports/", ".github/")
CODE_FILES = ("main.py", "cdktf.json", "requirements.txt", "package.json", "package-lock.json", "Makefile")
NOTIFICATION_DIRS = ("alerts/contact-points/", "alerts/templates/", "alerts/mute-timings/", "alerts/policies/")
NOT_DEPLOYED = ("alerts/tests/", "alerts/policies/routes.test.yaml")


@dataclass(frozen=True)
class Affected:
    stacks: tuple[Shard, ...]  # in deploy order: environment by environment, shared before teams
    reasons: dict[str, tuple[str, ...]]  # stack name -> the changed files that touch it

    def matrix(self, outdir: str = "cdktf.out") -> dict[str, Any]:
        """A GitHub Actions matrix (``include``), plus the environments involved, for ``fromJSON``."""
        include = [{"stack": s.name, "environment": s.env.name, "team": s.team or "",
                    "stack_dir": f"{outdir}/stacks/{s.name}", "shared": s.shared} for s in self.stacks]
        environments = list(dict.fromkeys(s.env.name for s in self.stacks))
        return {"include": include, "environments": environments, "count": len(include)}


def changed_files(base: str, root: Path) -> list[str]:
    """Files changed since the merge base with ``base``; both sides of a rename (the old path matters too)."""
    merge_base = _git(root, "merge-base", base, "HEAD").strip()
    out = _git(root, "diff", "--name-only", "--no-renames", f"{merge_base}...HEAD")
    return [line for line in out.splitlines() if line]


def base_reader(base: str | None, root: Path) -> Callable[[str], str | None]:
    """The text of a file at the merge base with ``base`` (None: no base, or the file did not exist there)."""
    if base is None:
        return lambda path: None
    merge_base = _git(root, "merge-base", base, "HEAD").strip()

    def read(path: str) -> str | None:
        done = subprocess.run(["git", "show", f"{merge_base}:{path}"], cwd=root, capture_output=True, text=True)
        return done.stdout if done.returncode == 0 else None
    return read


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=120)
    except OSError as exc:
        raise UserError("git", "", f"cannot run git: {exc}") from None
    if done.returncode != 0:
        raise UserError("git", " ".join(args[:1]), done.stderr.strip() or f"exit {done.returncode}")
    return done.stdout


def affected_stacks(layout: list[Shard], paths: Iterable[str], root: Path,
                    read_base: Callable[[str], str | None] = lambda path: None,
                    content: Callable[[], list[Shard]] | None = None) -> Affected:
    """``layout``: every stack (``shards.load_layout``); ``content``: the same stacks with what they hold
    (``shards.project_shards`` of the loaded project), asked for only when a changed file needs it (data sources,
    rules, notifications), so a change of dashboards alone is mapped without loading any dashboard."""
    index = _Index(layout, content, root)
    reasons: dict[str, list[str]] = {}
    for path in sorted(set(paths)):
        for shard in index.stacks_for(path, root, read_base):
            reasons.setdefault(shard.name, []).append(path)
    chosen = tuple(s for s in layout if s.name in reasons)
    return Affected(stacks=chosen, reasons={name: tuple(files) for name, files in reasons.items()})


class _Index:
    """What the mapping needs to know of the loaded stacks."""

    def __init__(self, shards: list[Shard], content: Callable[[], list[Shard]] | None, root: Path) -> None:
        from .folders import load_folders
        from .teams import load_teams

        self.shards = shards
        self.shared = [s for s in shards if s.shared]
        folders = load_folders(root / "dashboards")
        self.teams = load_teams(root / "teams", folders)
        self.owners = folder_owners(folders, self.teams)
        self._content = content
        self._loaded: dict[str, Shard] | None = None

    def loaded(self) -> list[Shard]:
        """The stacks with their content (loaded on first use)."""
        if self._loaded is None:
            if self._content is None:
                raise ValueError("this change needs the stacks' content")
            self._loaded = {s.name: s for s in self._content()}
        return [self._loaded[s.name] for s in self.shards]

    def holding_team(self, team: str | None) -> list[Shard]:
        """In each environment, the stack that holds a team's (or, for None, unowned) folder objects."""
        found = []
        for env in dict.fromkeys(s.env.name for s in self.shards):
            stacks = [s for s in self.shards if s.env.name == env]
            found.append(next((s for s in stacks if team is not None and s.team == team),
                              next(s for s in stacks if s.shared)))
        return found

    def for_folder_path(self, folder_path: str) -> list[Shard]:
        owner = owner_of(folder_path, self.teams) if folder_path else None
        return self.holding_team(owner.key if owner else None)

    def for_folder_uid(self, uid: str) -> list[Shard]:
        return self.holding_team(self.owners.get(uid))

    def stacks_for(self, path: str, root: Path, read_base: Callable[[str], str | None]) -> list[Shard]:
        parts = PurePosixPath(path).parts
        if path.startswith(NOT_DEPLOYED):
            return []
        if path.startswith(CODE_PATHS) or path in CODE_FILES or path.startswith("teams/"):
            return self.shards
        if path.startswith("environments/"):
            return [s for s in self.shards if s.env.name == PurePosixPath(path).stem]
        if path.startswith("datasources/"):
            return self._datasource(path)
        if path.startswith("dashboards/") and len(parts) >= 2:
            return self._dashboards(parts[1:])
        if path.startswith(("alerts/rules/", "alerts/grafana/")):
            return self._rules(path, root, read_base)
        if path.startswith(NOTIFICATION_DIRS):
            return self.shared + [s for s in self.loaded() if not s.shared and _names_notifications(s)]
        return []

    def _dashboards(self, parts: tuple[str, ...]) -> list[Shard]:
        *directories, name = parts
        if "_library-panels" in directories:
            directories = directories[:directories.index("_library-panels")]
        folder_path = "/".join(directories)
        if name == "_folder.yaml":
            return _unique(self.shared + self.for_folder_path(folder_path))
        if any(d.startswith((".", "_")) for d in directories):
            return []  # not a folder: nothing loads it
        return self.for_folder_path(folder_path)

    def _datasource(self, path: str) -> list[Shard]:
        key = PurePosixPath(path).stem
        uids = {d.uid for s in self.loaded() if s.shared for d in s.catalog.datasources
                if PurePosixPath(d.file).stem == key}
        if not uids:
            return self.shards  # gone, or unknown at the head: every stack, to be safe
        return _unique(self.shared + [s for s in self.loaded() if not s.shared and uids & _datasource_uids(s)])

    def _rules(self, path: str, root: Path, read_base: Callable[[str], str | None]) -> list[Shard]:
        system = PurePosixPath(path).stem
        found = [s for s in self.loaded() for g in s.catalog.rule_groups if PurePosixPath(g.file).stem == system]
        texts = [read_base(path)]
        if (root / path).is_file():
            texts.append((root / path).read_text(errors="replace"))
        elif texts[0] is None:
            return self.shards  # neither side readable: every stack, to be safe
        for text in texts:
            for uid in _folders_named(text):
                found += self.for_folder_uid(uid) if uid in self.owners else self.for_folder_path(uid)
        return _unique(found or self.holding_team(None))


def _unique(shards: list[Shard]) -> list[Shard]:
    return list({s.name: s for s in shards}.values())


def _folders_named(text: str | None) -> set[str]:
    """Every value of a ``folder`` key in a rule or extras file (Jinja-templated files are read as far as YAML
    allows; an unreadable file names no folder, and its rule groups are still found by file)."""
    if not text:
        return set()
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return set()
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "folder" and isinstance(item, str):
                    found.add(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    walk(data)
    return found


def _datasource_uids(shard: Shard) -> set[str]:
    """Every data source uid a stack's dashboards and rules name (after rendering: defaults included)."""
    found: set[str] = set()

    def walk(value: Any, key: str | None = None) -> None:
        if hasattr(value, "items"):
            if key == "datasource" and isinstance(value.get("uid"), str):
                found.add(value["uid"])
            for name, item in value.items():
                if name in ("datasourceUid", "datasource_uid") and isinstance(item, str):
                    found.add(item)
                elif name == "datasource" and isinstance(item, str):
                    found.add(item)
                walk(item, name)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, key)
    for dashboard in shard.catalog.dashboards:
        walk(dashboard.config)
    for panel in getattr(shard.catalog, "library_panels", ()):
        walk(getattr(panel, "model", None) or getattr(panel, "config", None))
    for group in shard.catalog.rule_groups:
        for rule in group.rules:
            found.update(d["datasource_uid"] for d in rule.data)
    return found


def _names_notifications(shard: Shard) -> bool:
    return any(rule.notification_settings is not None for g in shard.catalog.rule_groups for rule in g.rules)
