"""User-facing errors.

Every problem caused by a definition file (malformed YAML, an unknown reference, a wrong type, a missing secret)
is raised as a ``UserError`` naming the file and the field. The CLI prints it as one line and exits non-zero;
it never shows a traceback for these.
"""
from __future__ import annotations

import contextvars
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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


# --- Warnings and collecting every problem of a run -------------------------------------------------------------
# An *error* is what Grafana refuses or what is certainly broken: it stops the run. A *warning* is what Grafana
# accepts, migrates or repairs (we normalize it and tell the user where it matters): it never stops synthesis,
# unless the user asks for strictness (``--strict`` or the repository setting), which turns warnings into errors.


# The list the caller sees, and the same warnings as a set (a real-world import can raise thousands).
_warnings: contextvars.ContextVar[tuple[list[Problem], set[Problem]] | None] = contextvars.ContextVar(
    "gac_warnings", default=None)


def warn(where: str, field: str, message: str) -> None:
    """Record a warning for the run in progress (see ``collecting_warnings``); without one, it goes to stderr."""
    sink = _warnings.get()
    problem = Problem(where, field, message)
    if sink is None:
        print(f"warning: {problem}", file=sys.stderr)
    elif problem not in sink[1]:  # the same file is loaded once per environment: say it once
        sink[0].append(problem)
        sink[1].add(problem)


@contextmanager
def collecting_warnings() -> Iterator[list[Problem]]:
    """Collect the warnings raised inside the block into the yielded list (in order, without repeats)."""
    sink: list[Problem] = []
    token = _warnings.set((sink, set()))
    try:
        yield sink
    finally:
        _warnings.reset(token)


def report_warnings(warnings: list[Problem]) -> None:
    for problem in warnings:
        print(f"warning: {problem}", file=sys.stderr)


class Collector:
    """Gathers the problems of many independent checks, so a run reports all of them, not just the first.

        problems = Collector()
        for path in files:
            with problems.guard():
                load(path)          # a UserError here is recorded, and the loop goes on
        problems.raise_if_any()    # one UserError holding every problem, in the order found
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    @contextmanager
    def guard(self) -> Iterator[None]:
        try:
            yield
        except UserError as error:
            self.add(*error.problems)

    def add(self, *problems: Problem) -> None:
        for problem in problems:
            if problem not in self.problems:
                self.problems.append(problem)

    def raise_if_any(self) -> None:
        if self.problems:
            raise UserError(list(self.problems))
