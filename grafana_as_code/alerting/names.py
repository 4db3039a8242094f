"""Names of notification objects (contact points, mute timings, template groups), and their definition files.

Policies and rules reference these objects by name, and each name also becomes a Terraform address
(``grafana_contact_point.<name>``), so names are kept to letters, digits, ``-`` and ``_``.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, TypeVar

from ..errors import UserError

T = TypeVar("T")
TEST_SUFFIXES = (".test.yaml", ".test.yml")  # routing tables beside definitions, not definitions
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


def check_name(name: str, where: str, field: str, what: str) -> str:
    if not NAME.match(name):
        raise UserError(where, field, f"{what} names may only hold letters, digits, '-' and '_' (at most 100, not "
                                      f"starting with '-' or '_'); got {name!r}")
    return name


def unique_by_name(items: Iterable[T], what: str) -> tuple[T, ...]:
    """Objects with ``name`` and ``file``, sorted by name; a name defined twice is an error naming both files."""
    by_name: dict[str, T] = {}
    for item in items:
        name, file = getattr(item, "name"), getattr(item, "file")
        if name in by_name:
            raise UserError(file, "name", f"{what} {name!r} is already defined in {getattr(by_name[name], 'file')}")
        by_name[name] = item
    return tuple(by_name[name] for name in sorted(by_name))


def yaml_files(directory: Path) -> list[Path]:
    """The definition files of one folder, sorted (so results never depend on the order the file system lists)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in [*directory.glob("*.yaml"), *directory.glob("*.yml")] if not p.name.endswith(TEST_SUFFIXES))
