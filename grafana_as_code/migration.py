"""Moving an environment from one stack to team stacks without destroying or duplicating anything.

When ``state.split: teams`` is switched on, the dashboards, library panels and rule groups of team-owned folders
leave the environment's stack for the team stacks. Left alone, Terraform would destroy them in the shared stack
and create them again in the team stacks. ``python -m grafana_as_code shard-migration --env <env>`` writes
``migrations/<env>.yaml`` instead, and synthesis turns it into Terraform's own blocks (Terraform >= 1.7):

- in the shared stack, a ``removed`` block with ``lifecycle { destroy = false }`` per moving resource: Terraform
  forgets it without deleting it from Grafana;
- in the team stack, an ``import`` block with the provider's import id (folder/dashboard/library panel uid, rule
  group ``folderUID:title``, provider docs ``examples/resources/<type>/import.sh``): Terraform adopts the object;
- a ``moved`` block where a resource that stays in the shared stack changes its address (none today: addresses
  depend on the object alone, but the file can say it).

A state deployed before a release that renamed addresses (rule groups moved to ``<folder>_<name>``) may still hold a
moving object at its earlier address: the old stack's own ``moved`` blocks name those, and each gets a ``removed``
block too (one for an address the state does not hold is a no-op).

The moves are found by synthesizing the environment both ways and matching resources by type and import id, so
they follow whatever addresses the components give. After every stack of the environment has been applied, the
file can be deleted (the blocks are no-ops by then).
"""
from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any


from .errors import UserError
from .shards import MIGRATIONS_DIR, Shard, shards_of
from .yaml_io import Fields, display_path, load_yaml

_REFERENCE = re.compile(r"^\$\{(grafana_\w+)\.([\w-]+)\.(\w+)\}$")


@dataclass(frozen=True)
class Move:
    resource_type: str
    import_id: str
    source: str  # address in the environment's former single stack
    stack: str  # the stack it moves to
    target: str  # its address there
    earlier: tuple[str, ...] = ()  # addresses the old stack still moved from (a state not yet applied since)
    from_stack: str | None = None  # the stack it leaves; None: the environment's shared stack


@dataclass(frozen=True)
class Migration:
    env: str
    file: str
    moves: tuple[Move, ...]  # to other stacks
    renames: tuple[tuple[str, str], ...] = ()  # (from, to) within the shared stack

    def leaving(self, move: Move) -> str:
        return move.from_stack or self.env

    def removed_blocks(self, stack: str) -> list[dict[str, Any]]:
        """One per resource leaving ``stack``, and one per earlier address of it: a state deployed before a release
        that renamed an address still holds the object there (a removed block for an address not in the state is a
        no-op)."""
        return [{"from": address, "lifecycle": {"destroy": False}}
                for m in self.moves if self.leaving(m) == stack for address in (m.source, *m.earlier)]

    def imports_into(self, stack: str) -> list[tuple[str, str]]:
        return [(m.target, m.import_id) for m in self.moves if m.stack == stack]

    def moved_blocks(self) -> list[dict[str, str]]:
        return [{"from": old, "to": new} for old, new in self.renames]


# --- finding the moves ------------------------------------------------------------------------------------------

def identity(resource_type: str, body: dict[str, Any], stack: dict[str, Any]) -> str | None:
    """The provider's import id of a synthesized resource (without an org prefix), or None when it has none we use."""
    def resolve(value: Any) -> Any:
        match = _REFERENCE.match(value) if isinstance(value, str) else None
        if match is None:
            return value
        return stack.get("resource", {}).get(match.group(1), {}).get(match.group(2), {}).get(match.group(3))

    if resource_type == "grafana_dashboard":
        return json.loads(body["config_json"]).get("uid")
    if resource_type == "grafana_rule_group":
        return f"{resolve(body['folder_uid'])}:{body['name']}"
    if resource_type == "grafana_notification_policy":
        return "policy"
    for key in ("uid", "folder_uid", "name"):  # folders, data sources, library panels; permissions; by name
        if isinstance(body.get(key), str):
            return resolve(body[key])
    return None


def resources(stack: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(type, import id) -> address, for every resource of a synthesized stack."""
    found: dict[tuple[str, str], str] = {}
    for resource_type, items in sorted(stack.get("resource", {}).items()):
        for name, body in sorted(items.items()):
            key = identity(resource_type, body, stack)
            if key is not None:
                found[(resource_type, key)] = f"{resource_type}.{name}"
    return found


def find_moves(before: dict[str, Any], after: dict[str, dict[str, Any]], shared: str) -> tuple[list[Move],
                                                                                                list[tuple[str, str]]]:
    """Moves from the single stack ``before`` to the stacks ``after`` (name -> JSON; ``shared`` among them)."""
    old = resources(before)
    earlier: dict[str, list[str]] = {}  # address -> the addresses the old stack moves to it from
    for block in before.get("moved", []):
        earlier.setdefault(block["to"], []).append(block["from"])
    moves: list[Move] = []
    renames: list[tuple[str, str]] = []
    for name, stack in sorted(after.items()):
        for (resource_type, key), address in resources(stack).items():
            source = old.get((resource_type, key))
            if source is None:
                continue  # new in this change: created, not imported
            if name == shared:
                if source != address:
                    renames.append((source, address))
            else:
                moves.append(Move(resource_type, key, source, name, address, tuple(sorted(earlier.get(source, ())))))
    return moves, renames


def synthesize(root: Path, shards: list[Shard]) -> dict[str, dict[str, Any]]:
    """The stacks' JSON, synthesized in this process into a temporary directory."""
    from .bindings.runtime import synthesize as write_stacks
    from .cdk import App
    from .synth import _main_module

    _main_module(root)  # puts the project root (its stacks/) on the import path
    from stacks.grafana_stack import add_stacks  # noqa: E402  (the project's own stack classes)

    with tempfile.TemporaryDirectory(prefix="gac-migration-") as tmp:
        app = App(outdir=tmp)
        add_stacks(app, shards)
        write_stacks(app)
        return {s.name: json.loads((Path(tmp) / "stacks" / s.name / "cdk.tf.json").read_text()) for s in shards}


def generate(root: Path, env_name: str) -> Path:
    """Write ``migrations/<env>.yaml`` for an environment whose file now says ``state.split: teams``."""
    from .project import load_project

    project = load_project(root, [env_name])
    catalog = project.catalogs[0]
    env = catalog.env
    if env.state.split != "teams":
        raise UserError(env.file, "state.split", "is not `teams`: switch the split on first, then generate the "
                                                 "migration from the one stack to the team stacks")
    split = shards_of(catalog)
    single = Shard(name=env.name, env=env, state=replace(env.state, split="none"), catalog=catalog)
    before = synthesize(root, [single])[env.name]
    after = synthesize(root, split)
    moves, renames = find_moves(before, after, env.name)
    path = root / MIGRATIONS_DIR / f"{env.name}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(render(env.name, moves, renames))
    return path


def render(env: str, moves: list[Move], renames: list[tuple[str, str]]) -> str:
    header = (f"# Generated by `python -m grafana_as_code shard-migration --env {env}`: the move of environment {env}\n"
              "# from one stack to team stacks (README, \"Moving to team stacks\"). Synthesis turns each entry into a\n"
              "# `removed` block (destroy = false) in the shared stack and an `import` block in the team stack.\n"
              "# Delete this file once every stack of the environment has been applied.\n")
    data = {"moves": [{"type": m.resource_type, "id": m.import_id, "from": m.source, "stack": m.stack,
                       "to": m.target, **({"earlier": list(m.earlier)} if m.earlier else {})}
                      for m in sorted(moves, key=lambda m: (m.stack, m.target))],
            "renamed": [{"from": old, "to": new} for old, new in sorted(renames)]}
    import yaml

    return header + yaml.safe_dump(data, sort_keys=False, width=120)


# --- reading it back at synthesis -------------------------------------------------------------------------------

def load_migration(root: Path, env: str) -> Migration | None:
    path = root / MIGRATIONS_DIR / f"{env}.yaml"
    if not path.is_file():
        return None
    where = display_path(path)
    fields = Fields(load_yaml(path) or {}, where)
    fields.only(("moves", "renamed"))
    moves = []
    for index, item in enumerate(fields.data.get("moves") or []):
        entry = Fields(item, where, f"moves[{index}]")
        entry.only(("type", "id", "from", "from_stack", "stack", "to", "earlier"))
        moves.append(Move(entry.str("type"), entry.str("id"), entry.str("from"), entry.str("stack"), entry.str("to"),
                          tuple(entry.str_list("earlier", [])), entry.str("from_stack", None)))
    renames = []
    for index, item in enumerate(fields.data.get("renamed") or []):
        entry = Fields(item, where, f"renamed[{index}]")
        entry.only(("from", "to"))
        renames.append((entry.str("from"), entry.str("to")))
    return Migration(env=env, file=where, moves=tuple(moves), renames=tuple(renames))


def check_against(migration: Migration, stacks: dict[str, dict[str, Any]], shared: str) -> list:
    """Problems of a migration file against the synthesized stacks: a `removed` address still declared in the
    shared stack, an import into an address its stack does not declare, one object moved twice."""
    from .errors import Problem

    problems = []
    declared = {name: {f"{t}.{n}" for t, items in stack.get("resource", {}).items() for n in items}
                for name, stack in stacks.items()}
    seen: set[tuple[str, str]] = set()
    for index, move in enumerate(migration.moves):
        field = f"moves[{index}]"
        leaving = migration.leaving(move)
        if leaving not in declared:
            problems.append(Problem(migration.file, f"{field}.from_stack", f"no stack {leaving!r} in this environment"))
        for source in (move.source, *move.earlier):
            if source in declared.get(leaving, set()):
                problems.append(Problem(migration.file, f"{field}.from", f"{source} is still declared in stack "
                                        f"{leaving}: regenerate with `shard-migration --env {migration.env}`"))
        if move.stack not in declared:
            problems.append(Problem(migration.file, f"{field}.stack", f"no stack {move.stack!r} in this environment"))
        elif move.target not in declared[move.stack]:
            problems.append(Problem(migration.file, f"{field}.to", f"{move.target} is not declared in stack "
                                    f"{move.stack}: regenerate with `shard-migration --env {migration.env}`"))
        elif {"to": move.target, "id": move.import_id} not in stacks[move.stack].get("import", []):
            problems.append(Problem(migration.file, f"{field}.to", f"stack {move.stack} has no import block for "
                                    f"{move.target}"))
        if (move.resource_type, move.import_id) in seen:
            problems.append(Problem(migration.file, field, f"{move.resource_type} {move.import_id!r} is moved twice"))
        seen.add((move.resource_type, move.import_id))
    return problems
