"""Loading the project for a command, with its warnings and query figures reported once.

Both entry points load the project once: ``synth`` (which then builds ``main.py``'s stacks in its own process from
that project) and ``main.py`` (run by ``cdktn synth``). Each prints what it collected, so a warning is printed once
either way.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .dashboards.validate.query_report import QueryReport, collecting_query_report
from .errors import Problem, UserError, collecting_warnings, report_warnings
from .project import Project, load_project
from .settings import strict_setting

STRICT_NOTE = "(a warning; strict mode makes it an error)"


def load_reported(root: Path, environments: list[str] | None, strict: bool = False, **options: Any) -> Project:
    """``load_project`` (``options`` passed on) with warnings printed (or, when strict, raised as errors) and the
    query figures shown."""
    strict = strict or strict_setting(root)
    with collecting_warnings() as warnings, collecting_query_report() as queries:
        try:
            project = load_project(root, environments, **options)
        except UserError as error:  # the warnings found before the errors still matter
            if strict:
                raise UserError(error.problems + _strict(warnings)) from None
            report_warnings(warnings)
            raise
    report_queries(queries)
    if strict and warnings:
        raise UserError(_strict(warnings))
    report_warnings(warnings)
    return project


def _strict(warnings: list[Problem]) -> list[Problem]:
    return [Problem(w.where, w.field, f"{w.message} {STRICT_NOTE}") for w in warnings]


def report_queries(queries: QueryReport) -> None:
    for note in queries.notes:
        print(f"unchecked: {note}", file=sys.stderr)
    print(queries.summary(), file=sys.stderr)
