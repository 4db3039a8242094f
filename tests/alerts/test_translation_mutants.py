"""What the rule translation must do in the corners the shape table of test_translation.py does not reach.

Written from mutation testing (make mutants): each test pins a behaviour Grafana sees, found unguarded when a
planted change in alerting/translate.py passed every test.
"""
from __future__ import annotations

import json
import math

import pytest

from grafana_as_code.alerting.translate import (annotation, comparison, condition_model, model_json, query_model,
                                                 translate, unsupported_template_variable)


@pytest.mark.parametrize("expr, shape", [
    ("up > 3", "threshold"),
    ("up < 0.5", "threshold"),
    ("up >= 3", "math"),
    ("x > 0.0000001", "math"),  # a threshold would round it to 0
    ("absent(up)", "present"),
])
def test_the_shape_names_the_rule_that_applied(expr: str, shape: str) -> None:
    assert translate(expr).shape == shape


@pytest.mark.parametrize("expr, expression", [
    ("x > Inf", "is_nan($A) == 0 && $A > Inf"),  # a threshold cannot hold an infinite number: exact math instead
    ("x < -Inf", "is_nan($A) == 0 && $A < -Inf"),
    ("x != NaN", "$A != NaN"),  # NaN fires on != in Prometheus too: no guard
    ("x > NaN", "is_nan($A) == 0 && $A > NaN"),
    ("x == 1.5", "is_nan($A) == 0 && $A == 1.5"),
    ("x >= 100", "is_nan($A) == 0 && $A >= 100"),  # whole numbers print without ".0"
    ("x <= -2.25", "is_nan($A) == 0 && $A <= -2.25"),
    ("x == 0x10", "is_nan($A) == 0 && $A == 16"),
])
def test_numbers_in_math_expressions_read_back_exactly(expr: str, expression: str) -> None:
    assert translate(expr).condition == {"type": "math", "expression": expression}


def test_threshold_parameters_are_json_numbers_grafana_stores() -> None:
    whole = translate("up > 3").condition["conditions"][0]["evaluator"]["params"]
    fraction = translate("up > 2.5").condition["conditions"][0]["evaluator"]["params"]
    assert whole == [3] and type(whole[0]) is int
    assert fraction == [2.5] and type(fraction[0]) is float
    assert json.dumps(translate("up > 3").condition) == (
        '{"type": "threshold", "expression": "A", "conditions": [{"evaluator": {"type": "gt", "params": [3]}}]}')


@pytest.mark.parametrize("expr, query, op, number", [
    ("5 < up", "up", ">", 5.0),
    ("5 > up", "up", "<", 5.0),
    ("5 >= up", "up", "<=", 5.0),
    ("5 <= up", "up", ">=", 5.0),
    ("5 == up", "up", "==", 5.0),
    ("5 != up", "up", "!=", 5.0),
    ("((up > 1))", "up", ">", 1.0),
])
def test_a_number_first_is_mirrored(expr: str, query: str, op: str, number: float) -> None:
    found = comparison(expr)
    assert found is not None and (found.query, found.op, found.number) == (query, op, number)


@pytest.mark.parametrize("expr", ["a > b", "(a) > (b)", "x > bool 1", "x + 1", "sum(x)", "x and y", "x > 1 unless y"])
def test_other_shapes_are_not_comparisons(expr: str) -> None:
    assert comparison(expr) is None


def test_a_number_first_keeps_the_authors_layout() -> None:
    # the parser would print "sum by (job) (rate(x[5m]))": the author's spelling is kept, as for a number last
    assert comparison("0.5 <\n  sum(rate( x[5m] )) by (job)").query == "sum(rate( x[5m] )) by (job)"
    assert comparison("0.5 >= sum(rate( x[5m] )) by (job)").query == "sum(rate( x[5m] )) by (job)"


def test_a_query_side_that_cannot_be_cut_out_is_printed_by_the_parser() -> None:
    # The text before "> 1" ends in an operator "… == 2 >" pattern: cutting at the last comparison gives a side that
    # is not the parser's left-hand side, so the parser's own printing of that side is used.
    found = comparison("(a == 2) > 1")
    assert found is not None and found.op == ">" and found.number == 1
    assert found.query == "(a == 2)"
    multiline = comparison("x   +   y > 1")
    assert multiline.query == "x   +   y"  # the user's spacing, when it parses to the same side


def test_a_trailing_number_that_is_not_the_comparison_falls_back_to_the_parser() -> None:
    # "x > 1 offset …" is not a number literal comparison at the end; a vector side with the author's text unknown
    # comes from the parser and still parses to the same query.
    found = comparison("rate(x[5m] offset 1m) > 2")
    assert found.query == "rate(x[5m] offset 1m)"


def test_model_json_is_canonical() -> None:
    model = {"b": 1, "a": {"d": "é", "c": [1, 2]}}
    assert model_json(model) == '{"a":{"c":[1,2],"d":"é"},"b":1}'


def test_the_condition_model_carries_the_translation() -> None:
    condition = condition_model(translate("up >= 1"))
    assert condition == {"refId": "C", "datasource": {"type": "__expr__", "uid": "__expr__"}, "type": "math",
                         "expression": "is_nan($A) == 0 && $A >= 1"}
    present = condition_model(translate("absent(up)"))
    assert present["expression"] == "$A == $A || $A != $A"
    assert query_model("up", "uid1", "prometheus")["datasource"] == {"type": "prometheus", "uid": "uid1"}


@pytest.mark.parametrize("text, message", [
    ("{{ $externalLabels.cluster }}",
     "uses $externalLabels: Grafana has no external labels; write the value, or add it as a rule label"),
    ("{{ $externalURL }}",
     "uses $externalURL: Grafana has no external URL; link with the runbook_url annotation or a dashboard"),
    ("{{ .Value }}", "uses .Value: write $value (Grafana's .Value is a debug string of every query)"),
    ("{{ .Labels.job }}", "uses .Labels: write $labels"),
    ("ok {{ $value }} then {{\n .Value }}", "uses .Value: write $value (Grafana's .Value is a debug string of every query)"),
])
def test_unsupported_variables_say_what_to_write(text: str, message: str) -> None:
    assert unsupported_template_variable(text) == message


@pytest.mark.parametrize("text", ["$externalURL outside an action", "{{ $labels.Value }}", "{{ $values.A.Value }}",
                                  "{{ .ValueX }}", ""])
def test_supported_templates_pass(text: str) -> None:
    assert unsupported_template_variable(text) is None


def test_value_is_replaced_in_every_action_even_across_lines() -> None:
    assert annotation("{{\n$value }} and {{ $value }}") == "{{\n$values.A.Value }} and {{ $values.A.Value }}"
    assert annotation("$value {{ 1 }}") == "$value {{ 1 }}"


def test_before_grafana_11_1_a_threshold_is_guarded_math() -> None:
    older = translate("up > 3", threshold_ignores_nan=False)
    assert (older.shape, dict(older.condition)) == ("math", {"type": "math", "expression": "is_nan($A) == 0 && $A > 3"})
    assert translate("up > 3", threshold_ignores_nan=True).shape == "threshold"


def test_infinite_numbers_are_never_thresholds() -> None:
    assert translate("x > Inf").shape == "math"
    assert not math.isfinite(comparison("x > Inf").number)
