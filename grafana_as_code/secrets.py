"""Secrets: named sensitive Terraform variables, never values.

A definition file names a secret (``secret: prometheus_basic_auth_password``); the stack declares a sensitive
variable of that name and the value arrives at plan/apply time as ``TF_VAR_<name>``. Synthesis never reads a
secret's value, so none can reach ``cdktf.out``.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from .errors import Problem, UserError

SECRET_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True, order=True)
class Secret:
    name: str  # the Terraform variable name
    description: str
    file: str  # where it was first asked for
    field: str

    @property
    def env_var(self) -> str:
        return f"TF_VAR_{self.name}"


GRAFANA_AUTH = Secret("grafana_auth", "Grafana service account token (or user:password) for this environment",
                      "environments/<env>.yaml", "grafana")


def check_name(name: str, where: str, field: str) -> str:
    if not SECRET_NAME.fullmatch(name):  # fullmatch: "$" alone would let a trailing newline through
        raise UserError(where, field, f"secret names are lower_snake_case Terraform variable names, got {name!r}")
    return name


def merge(secrets: Iterable[Secret]) -> list[Secret]:
    """One declaration per name (the first place that asks for it), sorted."""
    by_name: dict[str, Secret] = {}
    for secret in sorted(secrets, key=lambda s: (s.name, s.file, s.field)):
        by_name.setdefault(secret.name, secret)
    return [by_name[name] for name in sorted(by_name)]


def missing(secrets: Iterable[Secret], environ: dict[str, str] | None = None,
            where_set: Callable[[Secret], str] | None = None) -> list[Problem]:
    """Secrets with no ``TF_VAR_<name>`` value in the environment (checked before a plan, never during synth).

    ``where_set`` names where CI keeps the value (the GitHub secret), so the message says what to create."""
    environ = dict(os.environ) if environ is None else environ
    return [Problem(s.file, s.field, f"secret {s.name!r} is not set; export {s.env_var} "
                                     f"({where_set(s) if where_set else 'from your secret store or CI secrets'})")
            for s in secrets if not environ.get(s.env_var)]
