"""Variables replaced by values of the right kind, syntax newer than our grammars set aside (and said so), and
every query counted as checked or unchecked."""
from __future__ import annotations

from types import MappingProxyType

import promql_parser
import pytest

from grafana_as_code.dashboards.model import Dashboard, RenderContext
from grafana_as_code.dashboards.validate.macros import substitute
from grafana_as_code.dashboards.validate.newer_syntax import reduce_promql, reduce_traceql
from grafana_as_code.dashboards.validate.queries import Query, collect_queries, parse_problems
from grafana_as_code.dashboards.validate.query_report import collecting_query_report
from grafana_as_code.datasources import load_datasources
from project_copy import FIXTURE_PROJECT

UNKNOWN = {"n": None, "code": None, "job": None, "q": None}


@pytest.mark.parametrize("query, expected", [
    ("vector($n)", "vector(1)"),                                   # a scalar argument, not a metric name
    ("sum(up) or vector($n)", "sum(up) or vector(1)"),
    ("topk($n, up)", "topk(1, up)"),
    ("topk_max($n, up)", "topk_max(1, up)"),                      # VictoriaMetrics' topk variants too
    ("histogram_quantile($q, rate(x_bucket[5m]))", "histogram_quantile(1, rate(x_bucket[5m]))"),
    ("clamp_min(up, $n)", "clamp_min(up, 1)"),
    ("predict_linear(x[1h], $n)", "predict_linear(x[1h], 1)"),
    ("sum($job)", "sum(x)"),                                      # a whole vector argument stays a name
    ("rate($job[5m])", "rate(x[5m])"),
    ("up > $n", "up > 1"),
    ("up @ $n", "up @ 300"),                                      # a timestamp
    ('{app="a"} | json | status >= $code', '{app="a"} | json | status >= 1'),
    ("{ span.http.status_code = $code }", "{ span.http.status_code = 1 }"),
    ('{job=~"${job:regex}"}', '{job=~"x"}'),
    ("rate(x[$__rate_interval]) / $__range_s", "rate(x[5m]) / 300"),
    ("x[$__range:$__interval]", "x[5m:5m]"),
    ('{job="[[job]]"}', '{job="x"}'),
])
def test_placeholders_fit_where_the_variable_stands(query, expected):
    assert substitute(query, UNKNOWN) == expected


def test_known_values_are_used_when_they_fit_and_replaced_when_they_do_not():
    samples = {"n": "10", "slow": "250ms", "name": "not a number"}
    assert substitute("topk($n, up)", samples) == "topk(10, up)"
    assert substitute("{ duration > $slow }", samples) == "{ duration > 250ms }"
    assert substitute("vector($name)", samples) == "vector(1)"
    promql_parser.parse(substitute("sum(up) or vector($n) > $n", samples))


def test_values_in_regex_matchers_are_escaped_as_grafana_escapes_them():
    samples = {"v": "C++ (beta)"}
    assert substitute('up{a=~"$v", b="$v"}', samples) == r'up{a=~"C\\+\\+ \\(beta\\)", b="C++ (beta)"}'
    promql_parser.parse(substitute('up{a=~"$v"}', samples))  # the parser compiles the regex: it must be one


@pytest.mark.parametrize("query, features, parts", [
    ("{ } | rate() by (span.http.route) > 0.5", ["comparisons on metrics"], ["{ } | rate() by (span.http.route)"]),
    ("({ status = error } | rate()) / ({ } | rate())", ["arithmetic between metrics queries"],
     ["{ status = error } | rate()", "{ } | rate()"]),
    ("{ } | rate() with(sample=true)", ["query hints with(…)"], ["{ } | rate() "]),
    ("{ } | quantile_over_time(duration, .99)", ["numbers written .99"], ["{ } | quantile_over_time(duration, 0.99)"]),
    ("{ span:childCount > 2 }", ["intrinsics span:childCount"], ["{ span.intrinsic > 2 }"]),
    ('{ .a = "x" } | select(span.b)', [], ['{ .a = "x" } | select(span.b)']),
])
def test_newer_traceql_is_set_aside_for_the_grammar(query, features, parts):
    reduced = reduce_traceql(query)
    assert list(reduced.features) == features and list(reduced.parts) == parts


def test_newer_and_dialect_promql_is_set_aside():
    assert reduce_promql('rate(x{code=~"[45].."}[5m])').features == ()  # brackets in strings are no ranges
    assert reduce_promql("rate(x[5m+1m])").parts == ("rate(x[5m])",)
    assert reduce_promql("holt_winters(x[5m], 0.5, 0.5)").parts == ("double_exponential_smoothing(x[5m], 0.5, 0.5)",)
    assert reduce_promql("topk_max(5, increases_over_time(x[1h]))").parts == ("topk(5, count_over_time(x[1h]))",)
    assert reduce_promql("(sum(x)) offset 5m").parts == ("(sum(x))",)


def run(queries: list[tuple[str, str]]):
    with collecting_query_report() as report:
        problems = parse_problems([Query("f.json", f"q{i}", lang, text, text) for i, (lang, text) in
                                   enumerate(queries)])
    return problems, report


def test_unchecked_queries_say_why_and_are_counted():
    problems, report = run([
        ("TraceQL", "${traceId}"), ("PromQL", "$query"), ("TraceQL", "0af7651916cd43dd8448eb211c80319c"),
        ("TraceQL", "{ } | rate() with(sample=true)"), ("PromQL", "sum(up)"), ("LogQL", '{app="a"} | json'),
    ])
    assert problems == []
    assert [n.message for n in report.notes] == [
        "the whole query is the value of variable $traceId, known only when the dashboard runs",
        "the whole query is the value of variable $query, known only when the dashboard runs",
        "uses query hints with(…), which @grafana/lezer-traceql 1.0.0 (the newest release we can get) does not "
        "know; the rest of the query parses",
    ]
    assert report.summary() == "Queries: PromQL 1 checked, 1 unchecked; LogQL 1 checked; TraceQL 1 checked, 2 unchecked"


def test_a_real_error_next_to_newer_syntax_is_still_an_error():
    problems, report = run([("TraceQL", "{ .a = } | rate() with(sample=true)")])
    assert len(problems) == 1 and "after setting aside query hints with(…)" in problems[0].message
    assert report.checked["TraceQL"] == 1


def test_a_query_is_counted_once_although_every_environment_checks_it():
    with collecting_query_report() as report:
        for _ in range(3):
            parse_problems([Query("f.json", "q", "PromQL", "up", "up")])
    assert report.checked["PromQL"] == 1


def test_the_effective_data_source_is_targets_then_panels_then_the_default(environments):
    env = environments["dev"]  # the fixture project's, with its own data sources
    sources = {s.uid: s for s in load_datasources(FIXTURE_PROJECT / "datasources", env)}
    ctx = RenderContext(env=env, datasources=MappingProxyType(sources), folders=MappingProxyType({}))
    mixed = {"type": "datasource", "uid": "-- Mixed --"}
    config = {"panels": [
        {"id": 1, "targets": [{"refId": "A", "expr": "up"}]},  # no data source at all: the default
        {"id": 2, "datasource": None, "targets": [{"refId": "A", "expr": "up"}]},
        {"id": 3, "datasource": "default", "targets": [{"refId": "A", "expr": "up"}]},
        {"id": 4, "datasource": mixed, "targets": [{"refId": "A", "expr": "up"},
                                                   {"refId": "B", "expr": '{a="b"}',
                                                    "datasource": {"type": "loki", "uid": "loki"}}]},
        {"id": 5, "datasource": {"type": "loki", "uid": "loki"}, "targets": [{"refId": "A", "expr": '{a="b"}'}]},
        {"id": 6, "datasource": {"type": "datasource", "uid": "-- Dashboard --"}, "targets": [{"panelId": 1}]},
        {"id": 7, "libraryPanel": {"uid": "lib", "name": "Lib", "model": {
            "datasource": {"type": "tempo", "uid": "tempo"}, "targets": [{"refId": "A", "query": "{ }"}]}}},
    ]}
    dashboard = Dashboard(uid="d", title="D", folder_uid=None, file="f.json", config=MappingProxyType({}))
    found = [(q.where.split(", ")[1], q.language) for q in collect_queries(dashboard, config, ctx)]
    assert found == [("panel 1", "PromQL"), ("panel 2", "PromQL"), ("panel 3", "PromQL"), ("panel 4", "PromQL"),
                     ("panel 4", "LogQL"), ("panel 5", "LogQL"), ("panel 7", "TraceQL")]
