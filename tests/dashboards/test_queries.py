"""Query validation: real-world queries with Grafana macros pass; broken PromQL/LogQL/TraceQL is caught."""
from __future__ import annotations

import promql_parser
import pytest

from grafana_as_code.dashboards.validate.macros import substitute, used_variables
from grafana_as_code.dashboards.validate.node_parser import parse_batch

from query_batch import thousand_queries, validate_queries

SAMPLES = {"job": None, "service": None, "interval": "5m", "topn": "10", "search": 'say "hi"', "threshold": "250ms"}

VALID_PROMQL = [
    'sum by (le) (rate(http_request_duration_seconds_bucket{job=~"$job"}[$__rate_interval]))',
    'histogram_quantile(0.95, sum by (le, path) (rate(http_request_duration_seconds_bucket[$interval])))',
    'topk($topn, sum by (path) (rate(http_requests_total{job="${job}"}[5m])))',
    'sum(increase(http_requests_total{service=~"${service:regex}"}[$__range])) / $__range_s',
    'max_over_time(sum(rate(up[$__interval]))[1h:$__interval])',
    'rate(http_requests_total{job="[[job]]"}[$__rate_interval] offset $interval)',
    'label_replace(up, "host", "$1", "instance", "(.*):.*")',
    'sum by ($job) (up)',
    '100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle"}[$__auto])))',
]
VALID_LOGQL = [
    '{job="$job"} | json | level="ERROR"',
    '{job=~"$service"} |= `$search` | logfmt | duration > $threshold',
    'sum by (level) (count_over_time({job="$job"} | json [$__auto]))',
    'topk(10, sum by (error) (count_over_time({job=~"${service:regex}"} | json | unhandled="true" [1h])))',
    '{job="intelliflow-api"} | json | line_format "{{.service}} {{.error}}"',
    'sum(rate({job="api"} |~ "(?i)error" [$__interval])) by (pod)',
    '{job="x"} | json | trace_id="${__value.raw}"',
]
VALID_TRACEQL = [
    '{ resource.service.name = "$service" && duration > $threshold }',
    '{ span:kind = server && duration > 50ms } | select(resource.service.name)',
    '{ status = error && resource.service.name =~ "${service:regex}" }',
    '{ span.http.status_code >= 500 } | rate() by (resource.service.name)',
    '{ .db.system = "postgresql" } >> { status = error }',
]
BROKEN = [
    ("promql", "sum(rate(http_requests_total[5m])", "unclosed left parenthesis"),
    ("promql", 'rate(http_requests_total{job="a"}[$__rate_interval]) by (job)', "invalid promql query"),
    ("logql", '{job="api" | json', "syntax error at column 12 near '| json'"),
    ("logql", 'count_over_time({job="api"})', "syntax error"),
    ("logql", '{job="api"} |= ', "unexpected end of query"),
    ("traceql", '{ .http.status_code = }', "syntax error at column 23 near '}'"),
    ("traceql", '{ resource.service.name = "api" && }', "syntax error"),
]


@pytest.mark.parametrize("query", VALID_PROMQL)
def test_valid_promql_with_macros_parses(query):
    promql_parser.parse(substitute(query, SAMPLES))


def test_valid_logql_and_traceql_with_macros_parse():
    batch = [("logql", substitute(q, SAMPLES)) for q in VALID_LOGQL]
    batch += [("traceql", substitute(q, SAMPLES)) for q in VALID_TRACEQL]
    assert parse_batch(batch) == [None] * len(batch)


@pytest.mark.parametrize("lang, query, message", BROKEN)
def test_broken_queries_are_caught(lang, query, message):
    if lang == "promql":
        with pytest.raises(ValueError, match=message):
            promql_parser.parse(substitute(query, SAMPLES))
    else:
        [error] = parse_batch([(lang, substitute(query, SAMPLES))])
        assert error is not None and message in error


def test_substitution_fits_the_context():
    assert substitute('rate(x{job="$job"}[$__rate_interval])', SAMPLES) == 'rate(x{job="x"}[5m])'
    assert substitute("topk($topn, up)", SAMPLES) == "topk(10, up)"
    assert substitute("x[$interval] offset $interval", SAMPLES) == "x[5m] offset 5m"
    assert substitute('{a="$search"}', SAMPLES) == '{a="say \\"hi\\""}'
    assert substitute("x / $__range_s", SAMPLES) == "x / 300"
    back_reference = 'label_replace(up, "h", "$1", "i", "(.*)")'
    assert substitute(back_reference, SAMPLES) == back_reference


def test_used_variables_recognises_every_grafana_syntax():
    text = 'a{x="$one", y="${two}", z="${three:regex}", w="[[four]]", v="[[five:csv]]"} "$1" ${six.text}'
    assert used_variables(text) == ["one", "two", "three", "four", "five", "six"]


def test_a_thousand_distinct_queries_validate_in_one_batch():
    # How long this takes is measured by `make bench` (scripts/bench.py), never asserted here.
    node_queries, promql = thousand_queries("suite")
    assert len(node_queries) + len(promql) == 1000
    assert validate_queries(node_queries, promql) == []


def test_the_thousand_query_batch_would_see_a_broken_query():
    node_queries, promql = thousand_queries("broken")
    node_queries[-1] = ("traceql", node_queries[-1][1].replace("&&", "&& &&"))
    promql[0] = promql[0].replace("(le)", "(le")
    problems = validate_queries(node_queries, promql)
    assert [p.split(":")[0] for p in problems] == ["traceql", "promql"]
