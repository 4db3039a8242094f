"""The policy tree from its files (alerting/policies.py), on small fixture trees written here.

Written from mutation testing (make mutants): each test pins what the assembled tree must be (order, inheritance,
timings, references) or which message a broken tree gets, where a planted change in the module passed the suite.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from grafana_as_code.alerting.policies import Matcher, check_references, load_policy
from grafana_as_code.environment import Contacts, Environment, GrafanaTarget, Overrides, StateBackend
from grafana_as_code.errors import UserError

ROOT = "contact_point: default\ngroup_by: [alertname]\ngroup_wait: 30s\ngroup_interval: 5m\nrepeat_interval: 4h\n"
DEV = Environment(name="dev", file="environments/dev.yaml", grafana=GrafanaTarget(url="https://grafana.dev", version=(12, 1)),
                  state=StateBackend("local"), datasources={}, contacts=Contacts("#dev"), overrides=Overrides(), labels={})


def tree(tmp_path: Path, root: str = ROOT, **fragments: str) -> Path:
    directory = tmp_path / "policies"
    directory.mkdir(parents=True)
    (directory / "_root.yaml").write_text(root)
    for name, text in fragments.items():
        (directory / f"{name}.yaml").write_text(text)
    return directory


def problem(directory: Path) -> tuple[str, str, str]:
    with pytest.raises(UserError) as caught:
        load_policy(directory)
    (found,) = caught.value.problems
    return Path(found.where).name, found.field, found.message


def test_no_folder_or_no_files_means_no_tree(tmp_path: Path) -> None:
    assert load_policy(tmp_path / "missing") is None
    (tmp_path / "empty").mkdir()
    assert load_policy(tmp_path / "empty") is None


def test_the_root_holds_the_defaults(tmp_path: Path) -> None:
    policy = load_policy(tree(tmp_path, a="routes:\n  - match: {team: a}\n"))
    assert policy.contact_point == "default"
    assert (policy.timings.group_by, policy.timings.group_wait, policy.timings.group_interval,
            policy.timings.repeat_interval) == (("alertname",), "30s", "5m", "4h")
    assert Path(policy.file).name == "_root.yaml"


def test_a_route_keeps_every_field(tmp_path: Path) -> None:
    policy = load_policy(tree(tmp_path, a="""
routes:
  - match: {team: a, severity: critical}
    match_re: {service: "api|web"}
    contact_point: pager
    continue: true
    group_by: [service]
    group_wait: 0s
    group_interval: 1m
    repeat_interval: 2h
    mute_timings: [nights, weekends]
    routes:
      - match: {env: prod}
"""))
    (route,) = policy.routes
    assert route.matchers == (Matcher("service", "=~", "api|web"), Matcher("severity", "=", "critical"),
                              Matcher("team", "=", "a"))
    assert route.matcher_set == 'service=~"api|web", severity="critical", team="a"'
    assert route.contact_point == "pager" and route.continue_ is True
    assert (route.timings.group_by, route.timings.group_wait, route.timings.group_interval,
            route.timings.repeat_interval) == (("service",), "0s", "1m", "2h")
    assert route.mute_timings == ("nights", "weekends")
    assert Path(route.file).name == "a.yaml" and route.field == "routes[0]"
    (child,) = route.routes
    assert child.field == "routes[0].routes[0]"
    assert child.contact_point is None and child.continue_ is False and child.mute_timings == ()
    assert child.timings.group_by is None and child.timings.group_wait is None  # inherited from the parent


def test_sibling_order_continue_first_then_more_matchers_then_matcher_text(tmp_path: Path) -> None:
    policy = load_policy(tree(tmp_path, z="""
routes:
  - match: {team: b}
  - match: {team: a}
  - match: {team: c, severity: critical}
  - match: {audit: "yes"}
    continue: true
""", a="""
routes:
  - match: {team: c, severity: warning, env: prod}
"""))
    assert [r.matcher_set for r in policy.routes] == [
        'audit="yes"', 'env="prod", severity="warning", team="c"', 'severity="critical", team="c"', 'team="a"',
        'team="b"']
    assert [(r.field, Path(r.file).name) for r in policy.routes][1] == ("routes[0]", "a.yaml")


def test_walk_lists_every_route_with_its_depth_in_tree_order(tmp_path: Path) -> None:
    policy = load_policy(tree(tmp_path, a="""
routes:
  - match: {team: a}
    routes:
      - match: {env: prod}
        routes:
          - match: {severity: critical}
  - match: {team: b}
"""))
    assert [(r.matcher_set, depth) for r, depth in policy.walk()] == [
        ('team="a"', 1), ('env="prod"', 2), ('severity="critical"', 3), ('team="b"', 1)]


def test_the_same_matcher_set_twice_names_both_places(tmp_path: Path) -> None:
    where, field, message = problem(tree(tmp_path, b="routes:\n  - match: {team: a}\n",
                                         a="routes:\n  - match: {team: a}\n"))
    assert (where, field) == ("b.yaml", "routes[0]")
    assert message.startswith('the matcher set {team="a"} is already claimed by ')
    assert message.endswith("a.yaml: routes[0]; merge the two routes or make one more specific")


def test_overlapping_routes_of_equal_rank_are_refused_with_both_places(tmp_path: Path) -> None:
    where, field, message = problem(tree(tmp_path, b='routes:\n  - match_re: {team: "a.*"}\n',
                                         a="routes:\n  - match: {team: ab}\n"))
    assert (where, field) == ("b.yaml", "routes[0]")
    assert message.startswith('{team=~"a.*"} can match the same alerts as ')
    assert message.endswith('a.yaml: routes[0] ({team="ab"}) and has as many matchers, so which one wins would be '
                            'arbitrary; add a matcher to one, or continue: true')


@pytest.mark.parametrize("a, b", [
    ("match: {team: a}", "match: {team: b}"),  # equal labels with other values never meet
    ("match: {team: a}", 'match_re: {team: "b|c"}'),  # a value the expression does not match (in full)
    ('match_re: {team: "b|c"}', "match: {team: a}"),
    ("match: {team: ab}", 'match_re: {team: "a"}'),  # fullmatch: "a" does not match "ab"
    # the expression on the route that sorts first: still checked against the other's value
    ('match: {aaa: "1"}\n    match_re: {team: "b|c"}', "match: {team: a, zzz: '1'}"),
])
def test_disjoint_routes_of_equal_rank_are_fine(tmp_path: Path, a: str, b: str) -> None:
    policy = load_policy(tree(tmp_path, f=f"routes:\n  - {a}\n  - {b}\n"))
    assert len(policy.routes) == 2


@pytest.mark.parametrize("a, b", [
    ("match: {team: a}", "match: {env: prod}"),  # other labels: one alert can carry both
    ('match_re: {team: "a.*"}', 'match_re: {team: "b.*"}'),  # two expressions count as overlapping
    ("match: {team: a}", 'match_re: {team: "a|b"}'),
])
def test_overlapping_routes_of_equal_rank_are_refused(tmp_path: Path, a: str, b: str) -> None:
    with pytest.raises(UserError, match="can match the same alerts as"):
        load_policy(tree(tmp_path, f=f"routes:\n  - {a}\n  - {b}\n"))


def test_overlap_is_allowed_with_continue_or_more_matchers(tmp_path: Path) -> None:
    policy = load_policy(tree(tmp_path, f="""
routes:
  - match: {team: a}
  - match: {env: prod}
    continue: true
  - match: {team: a, env: prod}
"""))
    assert [r.continue_ for r in policy.routes] == [True, False, False]
    assert len(policy.routes[1].matchers) == 2


def test_children_are_ordered_and_checked_like_the_top_level(tmp_path: Path) -> None:
    policy = load_policy(tree(tmp_path, f="""
routes:
  - match: {team: a}
    routes:
      - match: {env: b}
      - match: {env: a}
"""))
    assert [c.matcher_set for c in policy.routes[0].routes] == ['env="a"', 'env="b"']
    where, field, message = problem(tree(tmp_path / "x", f="""
routes:
  - match: {team: a}
    routes:
      - match: {env: a}
      - match: {env: a}
"""))
    assert field == "routes[0].routes[1]" and "already claimed" in message


@pytest.mark.parametrize("route, field, message", [
    ("contact_point: x", "routes[0]",
     "a route needs match, match_re or matchers (a route matching everything belongs in its parent's defaults)"),
    ('match: {"bad-label": x}', "routes[0].match.bad-label", "is not a valid label name"),
    ('match_re: {"1x": x}', "routes[0].match_re.1x", "is not a valid label name"),
    ('match_re: {team: "(a"}', "routes[0].match_re.team",
     "invalid regular expression '(a': missing ), unterminated subpattern at position 0"),
    ("match: {team: a}\n    group_interval: 0s", "routes[0].group_interval", "must be longer than 0s"),
    ("match: {team: a}\n    repeat_interval: 0m", "routes[0].repeat_interval", "must be longer than 0s"),
    ("match: {team: a}\n    group_wait: soon", "routes[0].group_wait",
     "expected a duration such as 30s, 5m or 4h, got 'soon'"),
    ("match: {team: a}\n    group_by: [team, 'a-b']", "routes[0].group_by[1]",
     "expected label names, or [\"...\"] alone to group by all labels; got 'a-b'"),
    ("match: {team: a}\n    group_by: [team, '...']", "routes[0].group_by[1]",
     "expected label names, or [\"...\"] alone to group by all labels; got '...'"),
])
def test_bad_routes_name_the_field(tmp_path: Path, route: str, field: str, message: str) -> None:
    assert problem(tree(tmp_path, f=f"routes:\n  - {route}\n")) == ("f.yaml", field, message)


def test_group_wait_may_be_zero_and_group_by_may_be_everything(tmp_path: Path) -> None:
    policy = load_policy(tree(tmp_path, f="routes:\n  - match: {team: a}\n    group_wait: 0s\n    group_by: ['...']\n"))
    assert policy.routes[0].timings.group_wait == "0s"
    assert policy.routes[0].timings.group_by == ("...",)


def test_nesting_deeper_than_the_provider_allows(tmp_path: Path) -> None:
    def nested(levels: int, indent: str = "  ") -> str:
        text = f"{indent}- match: {{level: l{levels}}}\n"
        return text + (f"{indent}  routes:\n" + nested(levels - 1, indent + "    ") if levels > 1 else "")
    assert len(load_policy(tree(tmp_path, f="routes:\n" + nested(5))).walk()) == 5
    where, field, message = problem(tree(tmp_path / "deep", f="routes:\n" + nested(6)))
    assert field == "routes[0].routes[0].routes[0].routes[0].routes[0].routes[0]"
    assert message == "nested too deep: the provider allows 5 levels of routes below the root"


def test_the_root_file_is_required_and_fragments_need_routes(tmp_path: Path) -> None:
    directory = tmp_path / "policies"
    directory.mkdir()
    (directory / "a.yaml").write_text("routes:\n  - match: {team: a}\n")
    assert problem(directory) == ("_root.yaml", "", "is required: the notification policy's defaults "
                                                    "(contact_point, group_by, timings)")
    assert problem(tree(tmp_path / "x", a="routes: []\n")) == ("a.yaml", "routes", "is required: a list of routes")


def test_the_root_needs_group_by(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        load_policy(tree(tmp_path, root="contact_point: default\n", a="routes:\n  - match: {team: a}\n"))
    assert caught.value.problems[0].field == "group_by"


def test_routing_tables_are_not_fragments(tmp_path: Path) -> None:
    directory = tree(tmp_path, a="routes:\n  - match: {team: a}\n")
    (directory / "routes.test.yaml").write_text("tests: [whatever]\n")
    assert [r.matcher_set for r in load_policy(directory).routes] == ['team="a"']


FRAGMENT = """
routes:
  - match: {team: a}
    contact_point: pager
    routes:
      - match: {env: prod}
        contact_point: chat
        mute_timings: [nights, weekends]
"""


def test_references_that_exist_pass(tmp_path: Path) -> None:
    check_references(load_policy(tree(tmp_path, a=FRAGMENT)), {"default", "pager", "chat"}, {"nights", "weekends"},
                     DEV)


@pytest.mark.parametrize("points, timings, field, message", [
    ({"pager", "chat"}, {"nights", "weekends"}, "contact_point",
     "unknown contact point 'default' in environment 'dev' (known: chat, pager)"),
    ({"default", "pager"}, {"nights", "weekends"}, "routes[0].routes[0].contact_point",
     "unknown contact point 'chat' in environment 'dev' (known: default, pager)"),
    ({"default", "chat"}, {"nights", "weekends"}, "routes[0].contact_point",
     "unknown contact point 'pager' in environment 'dev' (known: chat, default)"),
    ({"default", "pager", "chat"}, {"nights"}, "routes[0].routes[0].mute_timings[1]",
     "unknown mute timing 'weekends' in environment 'dev' (known: nights)"),
    ({"default", "pager", "chat"}, set(), "routes[0].routes[0].mute_timings[0]",
     "unknown mute timing 'nights' in environment 'dev' (known: none)"),
])
def test_unknown_references_name_the_field_and_what_is_known(tmp_path: Path, points: set, timings: set, field: str,
                                                            message: str) -> None:
    with pytest.raises(UserError) as caught:
        check_references(load_policy(tree(tmp_path, a=FRAGMENT)), points, timings, DEV)
    (found,) = caught.value.problems
    assert (found.field, found.message) == (field, message)
    assert Path(found.where).name == ("_root.yaml" if field == "contact_point" else "a.yaml")


def test_effective_timings_inherit_down_the_tree(tmp_path: Path) -> None:
    from grafana_as_code.alerting.policies import effective_timings
    policy = load_policy(tree(tmp_path, root="contact_point: default\ngroup_by: [alertname]\nrepeat_interval: 4h\n", a="""
routes:
  - match: {team: a}
    group_by: [team]
    group_interval: 10m
    routes:
      - match: {env: prod}
        repeat_interval: 1h
"""))
    (root_route, root), (a_route, a), (prod_route, prod) = effective_timings(policy)
    assert root_route is None and a_route.matcher_set == 'team="a"' and prod_route.matcher_set == 'env="prod"'
    # the root fills what it does not set from Alertmanager's defaults
    assert (root.group_by, root.group_wait, root.group_interval, root.repeat_interval) == (
        ("alertname",), "30s", "5m", "4h")
    assert (a.group_by, a.group_wait, a.group_interval, a.repeat_interval) == (("team",), "30s", "10m", "4h")
    assert (prod.group_by, prod.group_wait, prod.group_interval, prod.repeat_interval) == (
        ("team",), "30s", "10m", "1h")


def test_a_repeat_not_longer_than_the_group_interval_is_a_warning_where_it_is_set(tmp_path: Path) -> None:
    from grafana_as_code.alerting.policies import warn_slow_repeats
    from grafana_as_code.errors import collecting_warnings
    root = "contact_point: default\ngroup_by: [alertname]\ngroup_interval: 5m\nrepeat_interval: 5m\n"
    policy = load_policy(tree(tmp_path, root=root, a="""
routes:
  - match: {team: a}
    repeat_interval: 1h
  - match: {team: b}
    group_interval: 2h
    repeat_interval: 1h
"""))
    with collecting_warnings() as warnings:
        warn_slow_repeats(policy)
    assert [(Path(w.where).name, w.field, w.message) for w in warnings] == [
        ("_root.yaml", "repeat_interval", "repeat_interval 5m is not longer than group_interval 5m: Alertmanager "
         "checks for repeats only at group-interval ticks, so this repeats every 10m; make repeat_interval longer"),
        ("a.yaml", "routes[1].repeat_interval", "repeat_interval 1h is not longer than group_interval 2h: "
         "Alertmanager checks for repeats only at group-interval ticks, so this repeats every 4h; make "
         "repeat_interval longer")]
    quiet = load_policy(tree(tmp_path / "q", a="routes:\n  - match: {team: a}\n"))
    with collecting_warnings() as none:
        warn_slow_repeats(quiet)
    assert list(none) == []
