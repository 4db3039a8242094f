"""``ENV=PLAN.json`` arguments: each names an environment of this project and a plan file for it.

All arguments are checked before anything is written, and every problem is reported at once.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import Problem, UserError
from .model import Plan, load_plan


def environment_names(root: Path) -> list[str]:
    """The environments of the project in ``root``: one ``environments/<name>.yaml`` each."""
    return sorted(path.stem for path in (root / "environments").glob("*.yaml"))


def load_plans(arguments: list[str], root: Path) -> list[Plan]:
    known = environment_names(root)
    problems: list[Problem] = []
    plans: list[Plan] = []
    seen: set[str] = set()
    for argument in arguments:
        env, sep, file = argument.partition("=")
        if not sep or not env or not file:
            problems.append(Problem(argument, "", "expected ENV=PLAN.json, e.g. prod=plan-prod.json"))
            continue
        if env not in known:
            choices = ", ".join(known) if known else "none: no environments/*.yaml here (run from the project root)"
            problems.append(Problem(file, "environment", f"unknown environment {env!r}; known: {choices}"))
            continue
        if env in seen:
            problems.append(Problem(file, "environment", f"{env!r} is given twice"))
            continue
        seen.add(env)
        try:
            plans.append(load_plan(Path(file), env))
        except UserError as error:
            problems.extend(error.problems)
    if problems:
        raise UserError(problems)
    return plans
