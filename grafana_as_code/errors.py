"""User-facing errors.

Every problem caused by a definition file (malformed YAML, an unknown reference, a wrong type, a missing secret)
is raised as a ``UserError`` naming the file and the field. The CLI prints it as one line and exits non-zero;
it never shows a traceback for these.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    where: str  # a file path, or a stack/resource address for synthesized output
    field: str  # dotted path inside it ("" when the whole file is at fault)
    message: str

    def __str__(self) -> str:
        parts = [self.where, self.field, self.message]
        return ": ".join(part for part in parts if part)


class UserError(Exception):
    """One or more problems in the user's input; nothing should be written when this is raised."""

    def __init__(self, where: str | Problem | list[Problem], field: str = "", message: str = "") -> None:
        if isinstance(where, list):
            self.problems = list(where)
        elif isinstance(where, Problem):
            self.problems = [where]
        else:
            self.problems = [Problem(str(where), field, message)]
        super().__init__("\n".join(str(p) for p in self.problems))


def report(error: UserError) -> None:
    """Print each problem on its own line, for humans (and grep)."""
    for problem in error.problems:
        print(f"error: {problem}", file=sys.stderr)
