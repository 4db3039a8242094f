"""Dashboard and attribute diffs by meaning (plans/dashboard_diff.py, plans/attribute_diff.py) on small models.

Written from mutation testing (make mutants): each test pins a finding a reviewer reads (its label, values, kind)
for one kind of change, where a planted change in the differs passed the suite.
"""
from __future__ import annotations

import json

import pytest

from grafana_as_code.plans.attribute_diff import diff_values, parse_json_attribute
from grafana_as_code.plans.dashboard_diff import compare_models, dashboard_findings, plural, summary, title
from grafana_as_code.plans.findings import MISSING, Finding
from grafana_as_code.plans.model import UNKNOWN
from grafana_as_code.plans.sensitive import Sensitive


def panel(id: int, title: str = "", type: str = "timeseries", x: int = 0, y: int = 0, w: int = 12, h: int = 8,
          targets: list | None = None, **rest) -> dict:
    out = {"id": id, "type": type, "gridPos": {"x": x, "y": y, "w": w, "h": h}, **rest}
    if title:
        out["title"] = title
    if targets is not None:
        out["targets"] = targets
    return out


def dash(*panels: dict, **rest) -> dict:
    return {"title": "D", "uid": "d", "panels": list(panels), **rest}


def brief(findings: list[Finding]) -> list[tuple]:
    return [(f.label, f.before, f.after, f.note, f.kind, f.code) for f in findings]


def test_the_same_model_has_no_findings() -> None:
    model = dash(panel(1, "A"))
    assert compare_models(model, json.loads(json.dumps(model))) == []


def test_id_and_version_are_ignored_but_other_settings_are_not() -> None:
    assert compare_models(dash(id=1, version=3), dash(id=2, version=9)) == []
    assert brief(compare_models(dash(refresh="1m"), dash(refresh="5m"))) == [
        ("refresh", "1m", "5m", "", "changed", False)]


def test_panels_added_and_removed_say_what_they_are() -> None:
    old = dash(panel(1, "Gone", type="stat"), panel(5, type="gauge", x=3, y=4))
    new = dash(panel(2, "New", targets=[{"refId": "A", "expr": "up"}, {"refId": "B", "expr": "x"}]),
               panel(3, "One", targets=[{"refId": "A", "expr": "up"}]), panel(4, "None"), panel(6, type="text", x=1))
    found = brief(compare_models(old, new))
    assert found[:2] == [("panel “Gone”", MISSING, MISSING, "removed (stat)", "panel removed", False),
                         ("gauge panel at (3, 4)", MISSING, MISSING, "removed (gauge)", "panel removed", False)]
    assert found[2:] == [
        ("panel “New”", MISSING, MISSING, "added (timeseries, 2 queries)", "panel added", False),
        ("panel “One”", MISSING, MISSING, "added (timeseries, 1 query)", "panel added", False),
        ("panel “None”", MISSING, MISSING, "added (timeseries, 0 queries)", "panel added", False),
        ("text panel at (1, 0)", MISSING, MISSING, "added (text, 0 queries)", "panel added", False)]


def test_a_panel_without_type_or_position() -> None:
    found = brief(compare_models(dash({"id": 1}), dash()))
    assert found == [("panel panel at (?, ?)", MISSING, MISSING, "removed (?)", "panel removed", False)]


def test_panels_match_by_id_then_title_then_position() -> None:
    # ids changed but titles stayed: matched by title (a retitle is not a remove + add)
    assert compare_models(dash(panel(1, "A", x=0), panel(2, "B", x=12)),
                          dash(panel(7, "A", x=0), panel(8, "B", x=12))) == []
    # neither id nor title: the same position
    assert compare_models(dash(panel(1, type="text", x=0), panel(2, type="text", x=12)),
                          dash(panel(3, type="text", x=0), panel(4, type="text", x=12))) == []
    # positions differing only in y, or only in height, are different places
    assert compare_models(dash(panel(1, type="text", y=0), panel(2, type="text", y=8)),
                          dash(panel(3, type="text", y=0), panel(4, type="text", y=8))) == []
    assert compare_models(dash(panel(1, type="text", h=4), panel(2, type="text", h=8)),
                          dash(panel(3, type="text", h=4), panel(4, type="text", h=8))) == []
    # ids kept, titles changed: matched by id
    found = brief(compare_models(dash(panel(1, "Old")), dash(panel(1, "New"))))
    assert found == [("panel “Old”", MISSING, MISSING, "retitled to “New”", "panel retitled", False)]


def test_shared_ids_titles_or_positions_identify_nothing() -> None:
    old = dash(panel(1, "A", x=0), panel(1, "A", x=12))
    new = dash(panel(1, "A", x=0), panel(1, "A", x=12, w=6))
    found = brief(compare_models(old, new))
    assert found == [("panel “A”", MISSING, MISSING, "removed (timeseries)", "panel removed", False),
                     ("panel “A”", MISSING, MISSING, "added (timeseries, 0 queries)", "panel added", False)]


def test_moved_resized_and_retyped() -> None:
    found = brief(compare_models(dash(panel(1, "A", x=0, y=0, w=12, h=8)),
                                 dash(panel(1, "A", type="stat", x=12, y=4, w=6, h=3))))
    assert found == [
        ("panel “A” visualization", "timeseries", "stat", "", "changed", False),
        ("panel “A”", MISSING, MISSING, "moved from (0, 0) to (12, 4)", "panel moved", False),
        ("panel “A”", MISSING, MISSING, "resized from 12×8 to 6×3", "panel moved", False)]
    only_y = brief(compare_models(dash(panel(1, "A", y=0)), dash(panel(1, "A", y=9))))
    assert only_y == [("panel “A”", MISSING, MISSING, "moved from (0, 0) to (0, 9)", "panel moved", False)]
    only_h = brief(compare_models(dash(panel(1, "A", h=8)), dash(panel(1, "A", h=9))))
    assert only_h == [("panel “A”", MISSING, MISSING, "resized from 12×8 to 12×9", "panel moved", False)]
    typed = brief(compare_models(dash({"id": 1, "title": "A"}), dash({"id": 1, "title": "A", "type": "stat"})))
    assert typed == [("panel “A” visualization", MISSING, "stat", "", "changed", False)]


def test_findings_follow_the_new_panel_order() -> None:
    old = dash(panel(1, "A", x=0, description="a"), panel(2, "B", x=12, description="b"))
    new = dash(panel(2, "B", x=12, description="b2"), panel(1, "A", x=0, description="a2"))
    assert [f.label for f in compare_models(old, new)] == ["panel “B” description", "panel “A” description"]


def test_queries_by_ref_id() -> None:
    old = dash(panel(1, "A", targets=[{"refId": "A", "expr": "up", "legendFormat": "x"},
                                      {"refId": "B", "rawSql": "select 1"}, {"refId": "C", "datasource": "x"}]))
    new = dash(panel(1, "A", targets=[{"refId": "A", "expr": "up == 1", "legendFormat": "y"},
                                      {"refId": "D", "query": "{job=\"a\"}"}, {"refId": "C", "datasource": "x"}]))
    assert brief(compare_models(old, new)) == [
        ("panel “A” query A", "up", "up == 1", "", "query changed", True),
        ("panel “A” query A legendFormat", "x", "y", "", "query changed", False),
        ("panel “A” query D", MISSING, '{job="a"}', "", "query added", True),
        ("panel “A” query B", "select 1", MISSING, "", "query removed", True)]


def test_queries_without_ref_id_are_matched_by_position_and_shown_whole() -> None:
    old = dash(panel(1, "A", targets=[{"expr": "a"}]))
    new = dash(panel(1, "A", targets=[{"expr": "a"}, {"datasource": {"uid": "x"}}, "not a dict"]))
    assert brief(compare_models(old, new)) == [
        ("panel “A” query 1", MISSING, '{"datasource": {"uid": "x"}}', "", "query added", True)]


@pytest.mark.parametrize("key", ["expr", "query", "rawSql", "expression", "target"])
def test_the_query_text_of_a_removed_query(key: str) -> None:
    found = compare_models(dash(panel(1, "A", targets=[{"refId": "Z", key: "text", "other": 1}])), dash(panel(1, "A")))
    assert (found[0].before, found[0].after) == ("text", MISSING)


def test_thresholds_read_as_steps() -> None:
    def with_steps(steps, **thresholds) -> dict:
        return panel(1, "A", fieldConfig={"defaults": {"thresholds": {"mode": "absolute", "steps": steps,
                                                                      **thresholds}, "unit": "s"}})
    old = with_steps([{"value": None, "color": "green"}, {"value": 80, "color": "red"}])
    new = with_steps([{"value": None, "color": "green"}, {"value": 90, "color": "red"}, {"value": 95}, "x"])
    assert brief(compare_models(dash(old), dash(new))) == [
        ("panel “A” thresholds", "base green, 80 red", "base green, 90 red, 95", "", "thresholds changed", False)]
    mode = brief(compare_models(dash(old), dash(with_steps(old["fieldConfig"]["defaults"]["thresholds"]["steps"],
                                                           mode="percentage"))))
    assert mode == [("panel “A” fieldConfig.defaults.thresholds.mode", "absolute", "percentage", "",
                     "setting changed", False)]
    gone = brief(compare_models(dash(old), dash(panel(1, "A", fieldConfig={"defaults": {"unit": "s"}}))))
    assert gone[0][:3] == ("panel “A” thresholds", "base green, 80 red", MISSING)


def test_other_panel_settings_read_as_settings() -> None:
    found = brief(compare_models(dash(panel(1, "A", options={"legend": {"show": True}})),
                                 dash(panel(1, "A", options={"legend": {"show": False}}))))
    assert found == [("panel “A” options.legend.show", True, False, "", "setting changed", False)]


def test_nested_row_panels_are_compared() -> None:
    row = {"id": 10, "type": "row", "title": "Row", "collapsed": True, "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1}}
    old = dash({**row, "panels": [panel(11, "Inner", description="a")]})
    new = dash({**row, "panels": [panel(11, "Inner", description="b")]})
    assert [f.label for f in compare_models(old, new)] == ["panel “Inner” description"]


def test_variables_by_name() -> None:
    def variables(*items, **rest) -> dict:
        return dash(templating={"list": list(items), **rest})
    old = variables({"name": "env", "type": "custom", "query": "a,b"}, {"name": "gone", "type": "query"})
    new = variables({"name": "env", "type": "custom", "query": "a,b,c"}, {"name": "new", "type": "interval"},
                    {"name": "x"}, "junk")
    assert brief(compare_models(old, new)) == [
        ("variable $env query", "a,b", "a,b,c", "", "variable changed", True),
        ("variable $new", MISSING, MISSING, "added (interval)", "variable added", False),
        ("variable $x", MISSING, MISSING, "added (?)", "variable added", False),
        ("variable $gone", MISSING, MISSING, "removed", "variable removed", False)]
    rest = brief(compare_models(variables(enable=True), variables(enable=False)))
    assert rest == [("templating.enable", True, False, "", "changed", False)]


def test_dashboard_findings_from_the_json_strings() -> None:
    assert dashboard_findings(json.dumps(dash(refresh="1m")), json.dumps(dash(refresh="5m")))[0].label == "refresh"
    masked = dashboard_findings(Sensitive("x"), json.dumps(dash()))
    assert brief(masked) == [("config_json", Sensitive("x"), json.dumps(dash()), "", "changed", False)]
    assert dashboard_findings(json.dumps(dash()), UNKNOWN)[0].after is UNKNOWN
    broken = brief(dashboard_findings("not json", json.dumps(dash())))
    assert broken == [("config_json", MISSING, "…", "not a JSON object on one side; compare the raw plan", "changed",
                       False)]
    listed = brief(dashboard_findings(json.dumps(dash()), "[1]"))
    assert listed[0][1:4] == ("…", "…", "not a JSON object on one side; compare the raw plan")


def test_summary_title_and_plural() -> None:
    model = json.dumps(dash({"id": 9, "type": "row", "title": "R"},
                            panel(1, "A", targets=[{"refId": "A"}, {"refId": "B"}]), panel(2, "B", targets=None)))
    assert summary(model) == "dashboard “D”: 2 panels, 2 queries"
    assert summary(json.dumps({"panels": [panel(1, "A", targets=[{"refId": "A"}])]})) == \
        "dashboard “?”: 1 panel, 1 query"
    assert summary("nope") == "dashboard" and summary(None) == "dashboard"
    assert title(json.dumps(dash())) == "“D”" and title(json.dumps({})) == "“?”" and title("x") == ""
    assert (plural(0, "query"), plural(1, "query"), plural(2, "panel"), plural(1, "panel")) == (
        "0 queries", "1 query", "2 panels", "1 panel")


# ----- attribute_diff -----------------------------------------------------------------------------------------------

def test_nested_blocks_are_matched_by_identity() -> None:
    before = {"rule": [{"name": "a", "for": "1m"}, {"name": "b", "for": "5m"}]}
    after = {"rule": [{"name": "new", "for": "2m"}, {"name": "a", "for": "2m"}, {"name": "b", "for": "5m"}]}
    found = diff_values(before, after)
    assert [(f.label, f.before, f.after, f.kind, f.path) for f in found] == [
        ('rule["new"]', MISSING, {"name": "new", "for": "2m"}, "block added", ("rule", "new")),
        ('rule["a"].for', "1m", "2m", "changed", ("rule", "a", "for"))]
    removed = diff_values({"r": [{"uid": "x"}, {"uid": "y"}]}, {"r": [{"uid": "y"}]})
    assert [(f.label, f.kind) for f in removed] == [('r["x"]', "block removed")]


@pytest.mark.parametrize("key", ["ref_id", "refId", "name", "uid", "title", "label", "contact_point"])
def test_every_identity_key(key: str) -> None:
    found = diff_values([{key: "b", "v": 1}, {key: "a", "v": 1}], [{key: "a", "v": 2}, {key: "b", "v": 1}])
    assert [f.label for f in found] == ['["a"].v']


def test_identity_needs_unique_non_empty_strings_on_both_sides() -> None:
    assert [f.label for f in diff_values([{"name": "a", "v": 1}, {"name": "a", "v": 2}],
                                         [{"name": "a", "v": 1}, {"name": "a", "v": 3}])] == ["[1].v"]
    assert [f.label for f in diff_values([{"name": "", "v": 1}], [{"name": "", "v": 2}])] == ["[0].v"]
    assert [f.label for f in diff_values([{"name": 1, "v": 1}], [{"name": 1, "v": 2}])] == ["[0].v"]
    assert [f.label for f in diff_values([{"name": "a", "v": 1}], [{"name": "a", "v": 2}, {"name": "a", "v": 3}])] \
        == ["[0].v", "[1]"]
    # an identity key missing on one item: the next key that works
    assert [f.label for f in diff_values([{"uid": "u", "name": "a", "v": 1}], [{"name": "a", "v": 2}])] == \
        ['["a"].uid', '["a"].v']


def test_lists_of_scalars_read_whole_and_reorders_are_named() -> None:
    found = diff_values({"tags": ["a", "b"]}, {"tags": ["a"]})
    assert [(f.label, f.before, f.after, f.kind) for f in found] == [("tags", ["a", "b"], ["a"], "changed")]
    reordered = diff_values({"x": [{"k": 1}, {"k": 2}]}, {"x": [{"k": 2}, {"k": 1}]})
    assert [(f.label, f.note, f.kind, f.path) for f in reordered] == [
        ("x", "same elements, different order", "reordered", ("x", "*"))]
    longer = diff_values({"x": [{"k": 1}]}, {"x": [{"k": 1}, {"k": 2}]})
    assert [(f.label, f.before, f.after, f.kind) for f in longer] == [("x[1]", MISSING, {"k": 2}, "block added")]
    shorter = diff_values({"x": [{"k": 1}, [3]]}, {"x": [{"k": 1}]})
    assert [(f.label, f.before, f.after, f.kind) for f in shorter] == [("x[1]", [3], MISSING, "removed")]


def test_json_strings_are_compared_by_content() -> None:
    same = diff_values({"model": '{"a": 1, "b": 2}'}, {"model": '{"b":2,"a":1}'})
    assert [(f.label, f.before, f.after, f.path, f.note, f.reformatted, f.kind) for f in same] == [
        ("model", '{"a": 1, "b": 2}', '{"b":2,"a":1}', ("model",), "same JSON, reformatted (key order or whitespace)",
         True, "changed")]
    inner = diff_values({"model": ' {"expr": "up"}'}, {"model": '{"expr": "down"}'})
    assert [(f.label, f.before, f.after, f.code) for f in inner] == [("model.expr", "up", "down", True)]
    broken = diff_values({"m": "{broken"}, {"m": "{}"})
    assert [(f.label, f.before, f.after, f.path) for f in broken] == [("m", "{broken", "{}", ("m",))]
    text = diff_values({"m": "plain"}, {"m": "{}"})
    assert [(f.label, f.before, f.after) for f in text] == [("m", "plain", "{}")]


def test_leaves() -> None:
    assert [(f.label, f.code) for f in diff_values({"a": "x\ny"}, {"a": "x"})] == [("a", True)]
    assert [(f.label, f.code) for f in diff_values({"expr": "x"}, {"expr": "y"})] == [("expr", True)]
    assert [(f.label, f.kind) for f in diff_values(1, 2)] == [("(value)", "changed")]
    assert [(f.label, f.kind) for f in diff_values({"a": 1}, {})] == [("a", "removed")]
    assert [(f.label, f.kind) for f in diff_values({}, {"a": {"b": 1}})] == [("a", "block added")]
    assert [(f.label, f.before) for f in diff_values({"a": Sensitive("s")}, {"a": Sensitive("t")})] == \
        [("a", Sensitive("s"))]
    assert [(f.label, f.after) for f in diff_values({"a": {"b": 1}}, {"a": UNKNOWN})] == [("a", UNKNOWN)]
    assert diff_values({"a": 1, "b": 2}, {"a": 1, "b": 3}, label="L", skip=("b",)) == []
    assert [f.label for f in diff_values({"a": 1}, {"a": 2}, label="L", path=("p",))] == ["L.a"]
    assert diff_values({"a": 1}, {"a": 2}, path=("p",))[0].path == ("p", "a")
    assert [f.label for f in diff_values({2: "a", 10: "b"}, {2: "c", 10: "d"})] == ["10", "2"]  # keys as text


def test_a_masked_value_replaced_by_a_block_is_a_change() -> None:
    (found,) = diff_values({"a": Sensitive("x")}, {"a": {"b": 1}})
    assert (found.kind, found.before, found.after) == ("changed", Sensitive("x"), {"b": 1})


def test_values_of_different_shapes_are_one_change_whatever_is_skipped() -> None:
    assert [(f.label, f.before, f.after) for f in diff_values([1], [2], skip=("a",))] == [("(value)", [1], [2])]
    assert [(f.label, f.before, f.after) for f in diff_values({"a": 1}, [1])] == [("(value)", {"a": 1}, [1])]
    assert [(f.label, f.before, f.after) for f in diff_values({"a": 1}, [1], skip=("a",))] == [
        ("(value)", {"a": 1}, [1])]


def test_parse_json_attribute() -> None:
    assert parse_json_attribute('{"a": 1}') == {"a": 1} and parse_json_attribute(" [1]") == [1]
    assert parse_json_attribute("{bad") is MISSING and parse_json_attribute("text") is MISSING
    assert parse_json_attribute(None) is MISSING and parse_json_attribute(Sensitive("{}")) is MISSING


def test_reordered_blocks_are_recognised_whatever_their_key_order_or_values() -> None:
    found = diff_values({"x": [{"a": 1, "b": 2}, {"c": 3}]}, {"x": [{"c": 3}, {"b": 2, "a": 1}]})
    assert [(f.label, f.kind) for f in found] == [("x", "reordered")]
    masked = diff_values({"x": [{"k": Sensitive("s")}, {"k": 1}]}, {"x": [{"k": 1}, {"k": Sensitive("s")}]})
    assert [(f.label, f.kind) for f in masked] == [("x", "reordered")]


def test_a_query_matched_by_position_is_not_changed_by_its_empty_ref_id() -> None:
    assert compare_models(dash(panel(1, "A", targets=[{"refId": "", "expr": "a"}])),
                          dash(panel(1, "A", targets=[{"expr": "a"}]))) == []


def test_nested_query_settings_keep_their_path_and_code() -> None:
    from grafana_as_code.plans.noise import split
    old = dash(panel(1, "A", targets=[{"refId": "A", "expr": "up", "sql": {"rawSql": "select 1"}}]))
    new = dash(panel(1, "A", targets=[{"refId": "A", "expr": "up", "sql": {"rawSql": "select 2"}, "intervalMs": 1000}]))
    found = compare_models(old, new)
    assert [(f.label, f.code, f.path) for f in found] == [
        ("panel “A” query A intervalMs", False, ("intervalMs",)),
        ("panel “A” query A sql.rawSql", True, ("sql", "rawSql"))]
    real, noise = split("grafana_dashboard", found)  # the default the provider strips is noise, by its key
    assert [f.label for f in real] == ["panel “A” query A sql.rawSql"]
    assert [why for _, why in noise] == ["a default the provider strips from rule models"]


def test_a_title_or_type_taken_away() -> None:
    found = brief(compare_models(dash(panel(1, "A")), dash(panel(1, ""))))
    assert found == [("panel “A”", MISSING, MISSING, "retitled to “”", "panel retitled", False)]
    untyped = compare_models(dash({"id": 1, "title": "A", "type": "stat"}), dash({"id": 1, "title": "A"}))
    assert brief(untyped) == [("panel “A” visualization", "stat", MISSING, "", "changed", False)]
    assert untyped[0].removed


def test_thresholds_set_to_null_are_compared_like_no_thresholds() -> None:
    old = dash(panel(1, "A", fieldConfig={"defaults": {"thresholds": None, "unit": "s"}}))
    new = dash(panel(1, "A", fieldConfig={"defaults": {"thresholds": None, "unit": "ms"}}))
    assert brief(compare_models(old, new)) == [
        ("panel “A” fieldConfig.defaults.unit", "s", "ms", "", "setting changed", False)]


def test_a_panel_is_followed_by_its_id_alone_or_its_title_alone() -> None:
    by_id = brief(compare_models(dash(panel(1, "Old", x=0)), dash(panel(1, "New", x=12))))
    assert by_id == [("panel “Old”", MISSING, MISSING, "retitled to “New”", "panel retitled", False),
                     ("panel “New”", MISSING, MISSING, "moved from (0, 0) to (12, 0)", "panel moved", False)]
    by_title = brief(compare_models(dash(panel(1, "A", x=0)), dash(panel(7, "A", x=12))))
    assert by_title == [("panel “A”", MISSING, MISSING, "moved from (0, 0) to (12, 0)", "panel moved", False)]
    # a panel without a title does not stop the others from being matched by theirs
    after_untitled = brief(compare_models(dash(panel(1, type="text", x=0), panel(2, "B", x=12)),
                                          dash(panel(3, type="text", x=0), panel(4, "B", x=6))))
    assert after_untitled == [("panel “B”", MISSING, MISSING, "moved from (12, 0) to (6, 0)", "panel moved", False)]


def test_an_added_panel_without_type() -> None:
    assert brief(compare_models(dash(), dash({"id": 1, "title": "T"}))) == [
        ("panel “T”", MISSING, MISSING, "added (?, 0 queries)", "panel added", False)]


def test_only_the_first_prefix_of_a_label_is_relabelled() -> None:
    old = dash(templating={"list": [{"name": "a", "options": {"variable $a.x": 1}}]})
    new = dash(templating={"list": [{"name": "a", "options": {"variable $a.x": 2}}]})
    assert [f.label for f in compare_models(old, new)] == ["variable $a options.variable $a.x"]


def test_whole_values_keep_their_path_and_both_sides() -> None:
    (tags,) = diff_values({"tags": ["a", "b"]}, {"tags": ["a"]})
    assert tags.path == ("tags",)
    (moved,) = diff_values({"x": [{"k": 1}, {"k": 2}]}, {"x": [{"k": 2}, {"k": 1}]})
    assert (moved.before, moved.after) == ([{"k": 1}, {"k": 2}], [{"k": 2}, {"k": 1}])


def test_thresholds_of_an_odd_shape_are_compared_not_crashed_on() -> None:
    """Old exports carry ``thresholds`` as a string ("80,90"); a plan with one must still be described."""
    old = dash(panel(1, "A", fieldConfig={"defaults": {"thresholds": "80,90"}}))
    new = dash(panel(1, "A", fieldConfig={"defaults": {"thresholds": "70,90"}}))
    findings = compare_models(old, new)
    assert findings and all(isinstance(f, Finding) for f in findings)
    assert compare_models(old, json.loads(json.dumps(old))) == []
