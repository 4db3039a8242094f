"""Query syntax that is newer (or older) than the grammar releases we can get, and how to judge the rest.

The newest grammars on npm and PyPI lag behind the databases: ``@grafana/lezer-traceql`` 1.0.0 does not know
TraceQL metrics comparisons and arithmetic, query hints ``with(…)``, ``span:childCount`` or numbers written
``.99``, all valid in current Tempo releases (Tempo's TraceQL docs: "TraceQL metrics queries", "query hints");
``promql-parser`` 0.11 knows Prometheus 3 but not the experimental duration expressions (``[5m+1m]``) of
Prometheus 3.5, and no longer ``holt_winters`` (renamed ``double_exponential_smoothing`` in Prometheus 3.0,
still the name on Prometheus 2.x). A query using such syntax is rewritten into what the grammar knows (the feature
removed or renamed, arithmetic operands checked one by one); when the rest parses, the query is reported as
*unchecked* with the feature named, not as an error. When the rest does not parse, the error is real.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

TRACEQL_METRICS = ("rate", "count_over_time", "min_over_time", "max_over_time", "avg_over_time", "sum_over_time",
                   "quantile_over_time", "histogram_over_time", "compare", "topk", "bottomk")
_METRICS_CALL = re.compile(r"\|\s*(" + "|".join(TRACEQL_METRICS) + r")\s*\(")
_HINTS = re.compile(r"\bwith\s*\([^()]*\)")
_LEADING_DOT_NUMBER = re.compile(r"(?<=[\s,(=<>!+\-*/])\.(\d)")
_NEW_INTRINSICS = re.compile(r"\b(span:childCount|nestedSetParent|nestedSetLeft|nestedSetRight)\b")
_TRAILING_COMPARISON = re.compile(r"\s*(>=|<=|==|!=|>|<)\s*-?[\d.]+[a-zµ]*\s*$")
_DURATION_EXPRESSION = re.compile(r"\[([^\[\]:]*?\d+[a-z]*\s*[-+*/%^]\s*[^\[\]]*?|[^\[\]]*?step\(\)[^\[\]]*?)"
                                  r"(:[^\[\]]*)?\]")
_STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
# MetricsQL functions that PromQL lacks, of the families with a PromQL function of the same shape.
_METRICSQL = re.compile(r"\b((?:topk|bottomk)_(?:max|min|avg|median|last)|(?:increases|decreases|median|distinct|"
                        r"first|tfirst|tlast|tmin|tmax|range|lifetime|duration|rate|share_le|share_gt|count_le|"
                        r"count_gt|count_eq|count_ne|sum2|geomean|mad|zscore|stale_samples|integrate|ideriv)"
                        r"_over_time)(?=\s*\()")
_EXPRESSION_OFFSET = re.compile(r"\)\s*offset\s+-?[\w$]+")  # PromQL: offset follows a selector or subquery
_METRICSQL_AS = {"topk": "topk", "bottomk": "bottomk", "over_time": "count_over_time"}
REMOVED_PROMQL = {"count_scalar": "removed in Prometheus 2.0: use scalar(count(…))",
                  "drop_common_labels": "removed in Prometheus 2.0", "keep_common": "removed in Prometheus 2.0"}


@dataclass(frozen=True)
class Reduced:
    parts: tuple[str, ...]  # what to parse instead (one part, or the operands of metrics arithmetic)
    features: tuple[str, ...]  # the newer syntax found; empty: parse the query as it is


def reduce_traceql(query: str) -> Reduced:
    features: list[str] = []
    text = query
    if _HINTS.search(text):
        features.append("query hints with(…)")
        text = _HINTS.sub("", text)
    if _LEADING_DOT_NUMBER.search(text):
        features.append("numbers written .99")
        text = _LEADING_DOT_NUMBER.sub(r"0.\1", text)
    intrinsics = sorted(set(_NEW_INTRINSICS.findall(text)))
    if intrinsics:
        features.append("intrinsics " + ", ".join(intrinsics))
        text = _NEW_INTRINSICS.sub("span.intrinsic", text)  # an attribute stands where an intrinsic does
    parts = [text]
    if _METRICS_CALL.search(text):
        operands = _split_arithmetic(text)
        if len(operands) > 1:
            features.append("arithmetic between metrics queries")
            parts = operands
        stripped = [_TRAILING_COMPARISON.sub("", p) if _METRICS_CALL.search(p) else p for p in parts]
        if stripped != parts:
            features.append("comparisons on metrics")
            parts = stripped
    return Reduced(tuple(parts), tuple(features))


def _split_arithmetic(text: str) -> list[str]:
    """Operands of top-level ``+ - * /`` between parenthesised pipelines: ``({…} | rate()) / ({…} | rate())``."""
    operands, depth, start, quote = [], 0, 0, None
    for index, char in enumerate(text):
        if quote:
            quote = None if char == quote and text[index - 1] != "\\" else quote
        elif char in "\"`":
            quote = char
        elif char in "({[":
            depth += 1
        elif char in ")}]":
            depth -= 1
        elif depth == 0 and char in "+-*/^" and text[:index].rstrip().endswith(")") \
                and text[index + 1:].lstrip().startswith("("):
            operands.append(text[start:index])
            start = index + 1
    operands.append(text[start:])
    return [_unwrap(o.strip()) for o in operands] if len(operands) > 1 else [text]


def _unwrap(text: str) -> str:
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def reduce_promql(query: str) -> Reduced:
    features: list[str] = []
    text = query
    metricsql = sorted(set(_METRICSQL.findall(_STRING.sub('""', text))))
    if metricsql:
        # VictoriaMetrics' dashboards use its PromQL dialect on data sources of type prometheus: those functions
        # are judged by the PromQL function of the same shape (topk_max -> topk, increases_over_time ->
        # count_over_time), the rest of the query by the PromQL grammar.
        features.append("MetricsQL functions " + ", ".join(metricsql) + " (VictoriaMetrics only)")
        text = _METRICSQL.sub(lambda m: _METRICSQL_AS[m.group(1).split("_")[0]
                                                      if not m.group(1).endswith("_over_time") else "over_time"],
                              text)
    masked_strings = _STRING.sub('""', text)
    if _EXPRESSION_OFFSET.search(masked_strings):
        features.append("offset after a parenthesised expression (MetricsQL, VictoriaMetrics only)")
        text = _EXPRESSION_OFFSET.sub(")", text)
    if re.search(r"\bholt_winters\s*\(", text):
        features.append("holt_winters (Prometheus 2.x; double_exponential_smoothing since 3.0)")
        text = re.sub(r"\bholt_winters\s*\(", "double_exponential_smoothing(", text)
    strings: list[str] = []
    masked = _STRING.sub(lambda m: strings.append(m.group(0)) or f'"\x00{len(strings) - 1}"', text)
    if _DURATION_EXPRESSION.search(masked):  # brackets inside strings are regex classes, not ranges
        features.append("duration expressions in ranges (Prometheus 3.5, experimental)")
        masked = _DURATION_EXPRESSION.sub(lambda m: "[5m" + ("" if m.group(2) is None else ":1m") + "]", masked)
        text = re.sub(r'"\x00(\d+)"', lambda m: strings[int(m.group(1))], masked)
    return Reduced((text,), tuple(features))


def removed_promql_hint(message: str) -> str:
    match = re.search(r"unknown function with name '(\w+)'", message)
    if match and match.group(1) in REMOVED_PROMQL:
        return f"{message} ({match.group(1)} was {REMOVED_PROMQL[match.group(1)]})"
    return message
