"""The shared error machinery: warnings are collected once and never stop a run; a Collector keeps every problem."""
from __future__ import annotations

import pytest

from grafana_as_code.errors import Collector, Problem, UserError, collecting_warnings, warn


def test_warnings_are_collected_in_order_and_once() -> None:
    with collecting_warnings() as warnings:
        warn("a.yaml", "x", "first")
        warn("b.yaml", "", "second")
        warn("a.yaml", "x", "first")  # the same file loaded for another environment
    assert warnings == [Problem("a.yaml", "x", "first"), Problem("b.yaml", "", "second")]


def test_a_warning_outside_a_run_goes_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    warn("a.yaml", "x", "looked odd")
    assert capsys.readouterr().err == "warning: a.yaml: x: looked odd\n"


def test_collector_reports_every_problem_of_every_check() -> None:
    problems = Collector()
    for name in ("one.yaml", "two.yaml", "three.yaml"):
        with problems.guard():
            if name != "two.yaml":
                raise UserError(name, "field", "is wrong")
    with pytest.raises(UserError) as caught:
        problems.raise_if_any()
    assert str(caught.value) == "one.yaml: field: is wrong\nthree.yaml: field: is wrong"


def test_an_empty_collector_raises_nothing() -> None:
    Collector().raise_if_any()
