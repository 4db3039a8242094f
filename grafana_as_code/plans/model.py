"""A plan as ``terraform show -json <planfile>`` writes it, read and checked once.

Only the parts the reports need are kept: ``resource_changes`` and ``resource_drift`` (same shape), with sensitive
values already masked (``sensitive``) and values unknown until apply replaced by ``UNKNOWN``. ``variables`` and
``configuration`` are read only to learn which strings are secret; they never leave this module.

Format: https://developer.hashicorp.com/terraform/internals/json-format — ``format_version`` "1.x"; a new minor
version only adds fields (ignored here), a new major version may change meaning, so it is refused.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..yaml_io import Fields, display_path, load_json, type_name
from .sensitive import mask, sensitive_variable_values

SUPPORTED_MAJOR = 1

# Terraform's action lists, and the one word a report uses for each.
ACTIONS = {
    ("no-op",): "no-op",
    ("create",): "create",
    ("read",): "read",
    ("update",): "update",
    ("delete", "create"): "replace",  # destroy first (the default)
    ("create", "delete"): "replace",  # create_before_destroy
    ("delete",): "delete",
    ("forget",): "forget",  # a `removed` block: leaves Grafana alone, drops it from state (Terraform >= 1.7)
    ("create", "forget"): "replace",  # a deposed object forgotten while its replacement is created
}


class _Unknown:
    """A value Terraform learns only during apply (``after_unknown``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "(known after apply)"


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class ResourceChange:
    """One entry of ``resource_changes`` or ``resource_drift``; ``before``/``after`` are masked."""

    address: str
    mode: str  # "managed" or "data"
    type: str
    name: str
    provider_name: str
    action: str  # a value of ACTIONS
    before: Any
    after: Any
    replace_paths: tuple[tuple[str | int, ...], ...] = ()
    action_reason: str = ""
    deposed: str = ""
    importing: str | None = None  # an import block adopts it (Terraform >= 1.5): the id, "" when Terraform gives none


@dataclass(frozen=True)
class Plan:
    env: str
    source: str  # the file, as the user named it
    format_version: str
    terraform_version: str
    changes: tuple[ResourceChange, ...]
    drift: tuple[ResourceChange, ...]
    errored: bool = False
    secrets: frozenset[str] = field(default=frozenset(), repr=False)


def load_plan(path: Path, env: str) -> Plan:
    """Read and check one plan JSON file; every problem is a ``UserError`` naming the file and field."""
    where = display_path(path)
    if _is_saved_plan_file(path):
        raise UserError(where, "", "this is a binary plan file: run `terraform show -json <planfile>` first")
    return parse_plan(load_json(path, where), where, env)


# A plan saved by `terraform plan -out` is a zip archive (Terraform's internal/plans/planfile); the reports read
# the JSON that `terraform show -json` makes of it.
_ZIP_MAGIC = b"PK\x03\x04"


def _is_saved_plan_file(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(len(_ZIP_MAGIC)) == _ZIP_MAGIC
    except OSError:
        return False  # load_json says why it cannot be read


def parse_plan(data: Any, where: str, env: str) -> Plan:
    if not isinstance(data, dict):
        raise UserError(where, "", f"not a Terraform plan: expected a JSON object, got {type_name(data)}")
    top = Fields(data, where)
    if "format_version" not in data:
        raise UserError(where, "format_version", "missing: not a Terraform plan; expected the output of "
                                                 "`terraform show -json <planfile>`")
    version = top.str("format_version")
    if version.split(".", 1)[0] != str(SUPPORTED_MAJOR):
        raise UserError(where, "format_version", f"unsupported plan format {version!r}: this tool reads format "
                                                 f"{SUPPORTED_MAJOR}.x (Terraform >= 1.0)")
    if "resource_changes" not in data and "planned_values" not in data:
        what = "a state file" if "values" in data else "not a plan"
        raise UserError(where, "resource_changes", f"missing: {what}; expected the output of "
                                                   "`terraform show -json <planfile>`")
    secrets: set[str] = set()
    sensitive_variable_values(data, secrets)
    changes = tuple(_resource_change(item, secrets) for item in top.items("resource_changes"))
    drift = tuple(_resource_change(item, secrets) for item in top.items("resource_drift"))
    return Plan(env=env, source=where, format_version=version, terraform_version=top.str("terraform_version", ""),
                changes=changes, drift=drift, errored=top.bool("errored", False), secrets=frozenset(secrets))


def _resource_change(item: Fields, secrets: set[str]) -> ResourceChange:
    change = item.sub("change")
    raw_actions = change.str_list("actions")
    action = ACTIONS.get(tuple(raw_actions))
    if action is None:
        raise change.error("actions", f"unknown action {raw_actions!r} (a newer Terraform?); known: "
                                      + ", ".join("+".join(a) for a in ACTIONS))
    data = change.data
    before = mask(data.get("before"), data.get("before_sensitive"), secrets)
    after = _with_unknowns(mask(data.get("after"), data.get("after_sensitive"), secrets), data.get("after_unknown"))
    replace_paths = []
    for index, path in enumerate(change.list("replace_paths", [])):
        if not isinstance(path, list) or not all(isinstance(step, (str, int)) for step in path):
            raise UserError(change.where, f"{change.path('replace_paths')}[{index}]",
                            f"expected a list of attribute names and indexes, got {type_name(path)}")
        replace_paths.append(tuple(path))
    importing = None
    if change.data.get("importing") is not None:
        imported = change.sub("importing")
        importing = imported.str("id", "")  # Terraform >= 1.12 may import by identity instead of id
    mode = item.str("mode", "managed")
    if mode not in ("managed", "data"):
        raise item.error("mode", f"expected 'managed' or 'data', got {mode!r}")
    return ResourceChange(address=item.str("address"), mode=mode, type=item.str("type"), name=item.str("name", ""),
                          provider_name=item.str("provider_name", ""), action=action, before=before, after=after,
                          replace_paths=tuple(replace_paths), action_reason=item.str("action_reason", ""),
                          deposed=item.str("deposed", ""), importing=importing)


def _with_unknowns(value: Any, unknown: Any) -> Any:
    """``after`` with every leaf marked in ``after_unknown`` set to ``UNKNOWN`` (such keys are absent from after)."""
    if unknown is True:
        return UNKNOWN
    if not unknown:
        return value
    if isinstance(unknown, dict):
        merged = dict(value) if isinstance(value, dict) else {}
        for key, marker in unknown.items():
            if marker:
                merged[key] = _with_unknowns(merged.get(key), marker)
        return merged
    if isinstance(unknown, list) and isinstance(value, list):
        return [_with_unknowns(item, unknown[index] if index < len(unknown) else None)
                for index, item in enumerate(value)]
    return value
