"""The translation of each expression shape and annotation template, pinned (alerting/translate.py)."""
from __future__ import annotations

import json

import pytest

from grafana_as_code.alerting.translate import (annotation, comparison, condition_model, query_model, translate,
                                                 unsupported_template_variable)


def threshold(kind: str, value: float) -> dict:
    return {"type": "threshold", "expression": "A", "conditions": [{"evaluator": {"type": kind, "params": [value]}}]}


def math(expression: str) -> dict:
    return {"type": "math", "expression": expression}


PRESENT = math("$A == $A || $A != $A")


def guarded(comparison: str) -> dict:
    """A math comparison that a NaN sample cannot make fire (see translate.py)."""
    return math(f"is_nan($A) == 0 && {comparison}")


@pytest.mark.parametrize("expr, query, condition", [
    # query > number and query < number: Grafana's threshold expression
    ("rate(x[5m]) > 0.01", "rate(x[5m])", threshold("gt", 0.01)),
    ("avg(up) < 99.5", "avg(up)", threshold("lt", 99.5)),
    ("up > 3", "up", threshold("gt", 3)),  # whole numbers stay integers: Grafana stores 3, not 3.0
    ("up < -1", "up", threshold("lt", -1)),
    # number first: mirrored, so the query is always A
    ("0.5 < up", "up", threshold("gt", 0.5)),
    ("10 >= up", "up", guarded("$A <= 10")),
    # >=, <=, == and numbers a six-decimal threshold would round: exact math expressions, NaN-guarded
    # (!= keeps NaN samples in Prometheus, so it stays unguarded)
    ("up == 0", "up", guarded("$A == 0")),
    ("up != 1", "up", math("$A != 1")),
    ("x >= 0.95", "x", guarded("$A >= 0.95")),
    ("x <= 80", "x", guarded("$A <= 80")),
    ("x > 0.0000001", "x", guarded("$A > 0.0000001")),
    ("x >= 1e20", "x", guarded("$A >= 100000000000000000000")),  # no exponent: plain decimals for Grafana math
    # parentheses around the whole comparison are not part of the query
    ("(up == 0)", "up", guarded("$A == 0")),
    # every other shape: the whole expression is A, and every series it returns fires, as in Prometheus
    ("absent(up{job=\"api\"})", "absent(up{job=\"api\"})", PRESENT),
    ("x > bool 1", "x > bool 1", PRESENT),
    ("a > b", "a > b", PRESENT),
    ("x > 1 unless on (job) y", "x > 1 unless on (job) y", PRESENT),
])
def test_each_shape(expr: str, query: str, condition: dict) -> None:
    translation = translate(expr)
    assert translation.query == query
    assert dict(translation.condition) == condition


def test_before_grafana_11_1_no_threshold() -> None:
    """Grafana's threshold ran as the math expression ``${A} > %f`` before 11.1, which fires on NaN."""
    assert dict(translate("up > 3", threshold_ignores_nan=False).condition) == guarded("$A > 3")
    assert dict(translate("up < 0.5", threshold_ignores_nan=False).condition) == guarded("$A < 0.5")
    assert translate("up > 3", threshold_ignores_nan=True).shape == "threshold"


def test_the_query_keeps_the_authors_layout() -> None:
    expr = "sum by (job) (rate(errors_total[5m]))\n  /\nsum by (job) (rate(requests_total[5m]))\n> 0.01\n"
    assert translate(expr).query == "sum by (job) (rate(errors_total[5m]))\n  /\nsum by (job) (rate(requests_total[5m]))"


def test_a_comparison_inside_the_query_is_not_the_condition() -> None:
    found = comparison("(x > 5) * 2 < 20")
    assert found is not None and found.op == "<" and found.number == 20
    assert found.query == "(x > 5) * 2"


def test_models_are_what_grafana_reads() -> None:
    model = query_model("up", "prometheus", "prometheus")
    assert model == {"refId": "A", "datasource": {"type": "prometheus", "uid": "prometheus"}, "expr": "up",
                     "instant": True, "range": False, "editorMode": "code"}
    assert "intervalMs" not in model and "maxDataPoints" not in model  # the provider drops their defaults
    condition = condition_model(translate("up > 1"))
    assert condition["refId"] == "C" and condition["datasource"] == {"type": "__expr__", "uid": "__expr__"}
    json.dumps(condition)


@pytest.mark.parametrize("prometheus, grafana", [
    ("{{ $value }}", "{{ $values.A.Value }}"),
    ("{{ $value | humanizePercentage }} of {{ $labels.job }}", "{{ $values.A.Value | humanizePercentage }} of {{ $labels.job }}"),
    ('{{ printf "%.2f" $value }}%', '{{ printf "%.2f" $values.A.Value }}%'),
    ("{{ humanizeDuration $value }}", "{{ humanizeDuration $values.A.Value }}"),
    ("costs $value dollars", "costs $value dollars"),  # outside {{ }} it is plain text
    ("{{ $valueX }}", "{{ $valueX }}"),
])
def test_annotation_templates(prometheus: str, grafana: str) -> None:
    assert annotation(prometheus) == grafana


@pytest.mark.parametrize("text, problem", [
    ("{{ $externalLabels.cluster }}", "$externalLabels"),
    ("{{ .Value }}", ".Value"),
    ("{{ .Labels.job }}", ".Labels"),
])
def test_prometheus_only_template_variables_are_refused(text: str, problem: str) -> None:
    message = unsupported_template_variable(text)
    assert message is not None and problem in message
    assert unsupported_template_variable("{{ $labels.job }} {{ $value }}") is None
