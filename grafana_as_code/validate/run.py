"""Validate every synthesized stack in a CDKTF output directory.

This is the entry point the CLI and CI use after ``cdktf synth``: it finds the schema, loads it once, and checks
``<outdir>/stacks/<stack>/cdk.tf.json`` for each stack in name order, so the report is the same on every run.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from grafana_as_code.errors import Problem, UserError
from grafana_as_code.lifecycles import lifecycle_problems
from grafana_as_code.validate.schema import ProviderSchema, load_schema
from grafana_as_code.validate.stack_check import check_stack

SCHEMA_ENV_VAR = "GRAFANA_PROVIDER_SCHEMA"
# The provider's contract, committed like a lock file next to the bindings generated from it: the output of
# `terraform providers schema -json` for the release named in grafana-provider-schema.version. `make
# provider-schema` refreshes both (and the bindings) when the provider is bumped.
COMMITTED_SCHEMA_PATH = Path("imports") / "grafana-provider-schema.json"
COMMITTED_SCHEMA_VERSION_PATH = Path("imports") / "grafana-provider-schema.version"
STACK_FILE = "cdk.tf.json"


def resolve_schema_path(explicit: str | None = None, root: Path | None = None) -> Path:
    """The schema to validate against: the explicit path, else $GRAFANA_PROVIDER_SCHEMA, else the committed one.

    ``root`` is the project root holding ``imports/`` (the current directory by default). Raises UserError when
    none is available, because validating without a schema would silently pass everything.
    """
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(SCHEMA_ENV_VAR, "").strip()
    if from_env:
        return Path(from_env)
    committed = (root or Path.cwd()) / COMMITTED_SCHEMA_PATH
    if committed.is_file():
        return committed
    raise UserError(str(COMMITTED_SCHEMA_PATH), "",
                    f"no Grafana provider schema found; run from the project root (the schema is committed as "
                    f"{COMMITTED_SCHEMA_PATH.as_posix()}), set {SCHEMA_ENV_VAR}=<path to the output of "
                    "`terraform providers schema -json`>, or run `make provider-schema` where the Terraform "
                    "registry is reachable")


def validate_outdir(outdir: Path, schema_path: Path) -> list[Problem]:
    """Problems in all stacks under ``outdir`` (the cdktf.out directory); raises UserError if the schema is unusable."""
    return validate_stacks(Path(outdir), load_schema(Path(schema_path)))


def validate_stacks(outdir: Path, schema: ProviderSchema) -> list[Problem]:
    """Like validate_outdir, with an already loaded schema (for callers that validate several outputs)."""
    stacks_dir = outdir / "stacks"
    stack_dirs = sorted(p for p in stacks_dir.iterdir() if p.is_dir() and not p.name.startswith(".")) \
        if stacks_dir.is_dir() else []
    if not stack_dirs:
        return [Problem(str(stacks_dir), "", "no synthesized stacks found; run the synth step first")]
    problems: list[Problem] = []
    for stack_dir in stack_dirs:
        stack_file = stack_dir / STACK_FILE
        tf = _read_stack(stack_file, problems)
        if tf is not None:
            problems.extend(check_stack(stack_dir.name, tf, schema))
            # lifecycles the provider's delete semantics make unsafe (grafana_as_code/lifecycles.py)
            problems.extend(Problem(f"{stack_dir.name} {problem.split(':', 1)[0]}", "lifecycle",
                                    problem.split(": ", 1)[1]) for problem in lifecycle_problems(tf))
    return sorted(problems, key=lambda p: (p.where, p.field, p.message))


def _read_stack(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    """The decoded stack file, or None after recording why it cannot be checked."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(str(path), "", f"missing; every stack directory must contain {STACK_FILE}"))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), "", f"cannot be read: {exc}"))
        return None
    try:
        tf = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(Problem(str(path), "", f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"))
        return None
    if not isinstance(tf, dict):
        problems.append(Problem(str(path), "", "must be a JSON object (Terraform JSON configuration)"))
        return None
    return tf
