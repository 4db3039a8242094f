"""Prometheus alerting expressions and templates, translated into Grafana-managed rule queries.

Prometheus fires one alert per series that the expression returns. A Grafana rule fires one alert instance per
series whose condition node is non-zero. The translation keeps those sets equal:

* ``<query> OP <number>`` (OP one of > < >= <= == !=, no ``bool``; the number may also stand first): query A is
  the ``<query>`` side, evaluated instantly like Prometheus does, and the condition C compares each series of A with
  the number.
* Any other shape (``absent(x)``, ``a > b``, ``x > bool 1``, ``x > 1 unless y``): query A is the whole expression,
  and the condition C is true for every series A returns (``$A == $A || $A != $A`` also holds for NaN), exactly
  as Prometheus fires for every returned series.

NaN (0/0 at zero traffic, ``histogram_quantile`` without observations) must not fire where Prometheus does not fire.
In Prometheus a NaN sample fails every comparison but ``!=``. Grafana's math expressions carry NaN through a
comparison (``binaryOp`` in pkg/expr/mathexp/exp.go returns NaN when an operand is NaN) and a NaN condition is
Alerting (``*val == 0`` is Normal, anything else Alerting: pkg/services/ngalert/eval/eval.go); Grafana's threshold
expression compares with Go's predicates (NaN > x is false, pkg/expr/threshold.go) from 11.1, and before that ran as
the math expression ``${A} > %f``. So:

* ``>`` and ``<`` become a *threshold* (shown as a threshold line in Grafana's editor) on Grafana >= 11.1 when the
  threshold keeps the number exact (the old math conversion printed it with six decimals);
* every other comparison but ``!=`` becomes the math expression ``is_nan($A) == 0 && $A OP number``: ``&&``
  short-circuits on a 0 left side before its NaN check, so a NaN sample gives 0 (Normal), and any other sample
  compares exactly (the number is printed with every digit; ``&&`` binds looser than comparisons in Grafana's
  math grammar, pkg/expr/mathexp/parse/parse.go);
* ``!=`` stays ``$A != number``: NaN fires there, as it does in Prometheus.

With ``no_data_state: OK`` (our default) "no series" means "no alert" in both. ``$value`` in annotations becomes
``$values.A.Value``, the value of query A for that series: Prometheus' ``$value`` is the value of the filtered
expression, which for a comparison is the value of its query side. Grafana's own ``$value`` is a debug string
listing every node, so it must not be used.
"""
from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from dataclasses import dataclass
from typing import Any, Mapping

import promql_parser

from .. import readback

QUERY_REF = "A"
CONDITION_REF = "C"
EXPRESSION_DATASOURCE = "__expr__"
QUERY_LOOKBACK_SECONDS = 600  # the relative time range of query A; an instant query evaluates at its end

_THRESHOLD_TYPES = {">": "gt", "<": "lt"}
_MIRRORED = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "==": "==", "!=": "!="}
_NUMBER = r"[-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|Inf|NaN)"
_TRAILING = re.compile(rf"\s*(==|!=|>=|<=|>|<)\s*({_NUMBER})\s*$", re.DOTALL)
_LEADING = re.compile(rf"^\s*({_NUMBER})\s*(==|!=|>=|<=|>|<)\s*", re.DOTALL)
_PRESENT = f"${QUERY_REF} == ${QUERY_REF} || ${QUERY_REF} != ${QUERY_REF}"
_NOT_NAN = f"is_nan(${QUERY_REF}) == 0 && "  # see the module doc: a NaN sample never fires after this guard
# Grafana's threshold ignores NaN from this version on (threshold.go predicates); before, it ran as a math expression.
THRESHOLD_IGNORES_NAN_FROM = (11, 1)


@dataclass(frozen=True)
class Comparison:
    """A top-level ``query OP number`` (normalized so that the query stands on the left)."""

    query: str
    op: str
    number: float


@dataclass(frozen=True)
class Translation:
    query: str  # the PromQL of node A
    condition: Mapping[str, Any]  # the model of node C, without refId/datasource
    shape: str  # "threshold", "math" or "present": which rule above applied


def _format_number(value: float) -> str:
    """A number in plain decimal notation (no exponent), with every digit its float has: exact when read back."""
    if not math.isfinite(value):
        return {math.inf: "Inf", -math.inf: "-Inf"}.get(value, "NaN")
    return format(Decimal(repr(value)), "f").removesuffix(".0")


def _json_number(value: float) -> int | float:
    """Whole numbers as JSON integers: Grafana stores ``3``, and ``3.0`` would read back as a change."""
    return int(value) if value.is_integer() else value


def _same(text: str, node: Any) -> bool:
    try:
        return str(promql_parser.parse(text)) == str(node)
    except Exception:  # not parsable on its own: fall back to the parser's printing of the node
        return False


def _side_text(expr: str, node: Any, query_first: bool) -> str:
    """The query side as the user wrote it (their layout and spelling), when it can be cut out unambiguously."""
    pattern = _TRAILING if query_first else _LEADING
    match = pattern.search(expr)
    if match:
        text = (expr[:match.start()] if query_first else expr[match.end():]).strip()
        if _same(text, node):
            return text
    return node.prettify()


def comparison(expr: str) -> Comparison | None:
    """The top-level comparison of ``expr`` with a number literal, or None for any other shape."""
    node = promql_parser.parse(expr)
    while isinstance(node, promql_parser.ParenExpr):
        node = node.expr
    if not isinstance(node, promql_parser.BinaryExpr):
        return None
    op = str(node.op)
    if op not in _MIRRORED or (node.modifier is not None and node.modifier.return_bool):
        return None  # not a comparison, or a "bool" comparison, which returns every series as 0/1
    lhs_number = isinstance(node.lhs, promql_parser.NumberLiteral)
    rhs_number = isinstance(node.rhs, promql_parser.NumberLiteral)
    if lhs_number == rhs_number:
        return None  # vector OP vector (or number OP number, which is no alert at all)
    if rhs_number:
        return Comparison(_side_text(expr, node.lhs, True), op, float(node.rhs.val))
    return Comparison(_side_text(expr, node.rhs, False), _MIRRORED[op], float(node.lhs.val))


def _threshold_is_exact(number: float) -> bool:
    # Grafana turns a threshold into a math expression with Go's %f (six decimals): 0.0000001 would become 0.
    return math.isfinite(number) and float(f"{number:f}") == number


def translate(expr: str, threshold_ignores_nan: bool = True) -> Translation:
    """``threshold_ignores_nan``: the target Grafana is at least THRESHOLD_IGNORES_NAN_FROM."""
    found = comparison(expr)
    if found is None:
        return Translation(expr, {"type": "math", "expression": _PRESENT}, "present")
    if found.op in _THRESHOLD_TYPES and threshold_ignores_nan and _threshold_is_exact(found.number):
        evaluator = {"type": _THRESHOLD_TYPES[found.op], "params": [_json_number(found.number)]}
        return Translation(found.query, {"type": "threshold", "expression": QUERY_REF,
                                         "conditions": [{"evaluator": evaluator}]}, "threshold")
    guard = "" if found.op == "!=" else _NOT_NAN  # Prometheus keeps NaN samples for != only
    return Translation(found.query, {"type": "math", "expression": f"{guard}${QUERY_REF} {found.op} "
                                                                   f"{_format_number(found.number)}"}, "math")


def model_json(model: Mapping[str, Any]) -> str:
    """A rule's ``model`` exactly as Grafana returns it into state (Go's JSON: sorted keys, no spaces, ``<>&``
    escaped, Go's numbers; see grafana_as_code/readback.py): byte-identical output and no spurious diffs."""
    return readback.rule_model(dict(model))


def query_model(query: str, datasource_uid: str, datasource_type: str) -> dict[str, Any]:
    # intervalMs and maxDataPoints are left out on purpose: the provider drops their defaults from state, so
    # writing them would show a change on every plan.
    return {"refId": QUERY_REF, "datasource": {"type": datasource_type, "uid": datasource_uid},
            "expr": query, "instant": True, "range": False, "editorMode": "code"}


def condition_model(translation: Translation) -> dict[str, Any]:
    return {"refId": CONDITION_REF, "datasource": {"type": EXPRESSION_DATASOURCE, "uid": EXPRESSION_DATASOURCE},
            **translation.condition}


# ----- annotation templates -------------------------------------------------------------------------------------

_ACTION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_VALUE = re.compile(r"\$value(?![A-Za-z0-9_])")
# Grafana has no external labels or URL; its ".Value" is a debug string (and "." changes inside range/with),
# so the dot forms are refused rather than guessed: "$value" and "$labels" say the same thing unambiguously.
_UNSUPPORTED = {
    "$externalLabels": "Grafana has no external labels; write the value, or add it as a rule label",
    "$externalURL": "Grafana has no external URL; link with the runbook_url annotation or a dashboard",
    ".Value": "write $value (Grafana's .Value is a debug string of every query)",
    ".Labels": "write $labels",
}
_UNSUPPORTED_PATTERN = re.compile(r"\$externalLabels|\$externalURL|(?<![\w.$])\.(?:Value|Labels)(?![A-Za-z0-9_])")


def unsupported_template_variable(text: str) -> str | None:
    """Why ``text`` cannot be rendered the same by Grafana, or None when it can."""
    for action in _ACTION.findall(text):
        match = _UNSUPPORTED_PATTERN.search(action)
        if match:
            return f"uses {match.group(0)}: {_UNSUPPORTED[match.group(0)]}"
    return None


def annotation(text: str) -> str:
    """A Prometheus annotation template as Grafana renders it the same way (only inside ``{{ }}`` actions)."""
    return _ACTION.sub(lambda match: _VALUE.sub(f"$values.{QUERY_REF}.Value", match.group(0)), text)
