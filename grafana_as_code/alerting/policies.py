"""The notification policy tree, assembled from ``alerts/policies/*.yaml``.

Grafana has one policy tree per organisation (``grafana_notification_policy`` is a singleton), but routes belong to
teams and systems. So the tree is assembled from files:

* ``_root.yaml``: the root's defaults: ``contact_point`` (receives whatever no route catches), ``group_by`` and the
  timings ``group_wait``, ``group_interval``, ``repeat_interval``.
* every other ``*.yaml`` (a fragment, per team, system or concern): ``routes:``, a list of routes. A route has
  ``match`` (label: value, all must be equal), ``match_re`` (label: regular expression) and/or ``matchers`` (a list
  in Alertmanager's syntax, with its four operators: ``severity!="info"``, ``team!~"db.*"``), and optionally
  ``contact_point``, ``continue``, ``group_by``, the three timings, ``mute_timings``, ``active_timings`` (Grafana
  12.1) and nested ``routes``.
* ``*.test.yaml``: the routing tests (which receivers a label set must reach), not definitions.

The order of sibling routes matters (Alertmanager tries them in order and stops at the first match unless it has
``continue: true``), and must not depend on file names or on the order files are listed. It is fixed by rule:
routes with ``continue: true`` first (they only add receivers, so trying them first never hides a route), then
routes with more matchers before routes with fewer (the specific before the general), then by matcher text. Two
routes with the same matcher set under the same parent are an error, even from different files, and so are two
routes without ``continue`` that have as many matchers and could match the same alert (which one wins would be
arbitrary).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..dashboards.durations import total_seconds
from ..environment import Environment
from ..errors import UserError, warn
from ..readback import prometheus_duration
from ..yaml_io import Fields, display_path, load_yaml
from .names import yaml_files
from .version_gates import check_active_timings

ROOT_FILE = "_root.yaml"
MAX_DEPTH = 5  # levels of routes below the root the provider accepts (#2466); the 5th must have group_by
LABEL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TIMINGS = ("group_wait", "group_interval", "repeat_interval")
ROUTE_FIELDS = ("match", "match_re", "matchers", "contact_point", "continue", "group_by", *TIMINGS, "mute_timings",
                "active_timings", "routes")
# A matcher as Alertmanager writes it (routes' `matchers:`, amtool): label, operator, value quoted or bare. The
# provider's `matcher.match` takes the same four operators (grafana_notification_policy, v4.45 schema).
MATCHER_TEXT = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(".*"|[^"]*?)\s*$')
REGEX_OPS = ("=~", "!~")


@dataclass(frozen=True, order=True)
class Matcher:
    label: str
    op: str  # "=", "!=", "=~" or "!~"
    value: str

    @property
    def text(self) -> str:
        """Alertmanager's matcher syntax: severity="critical", severity=~"warning|info"."""
        return f"{self.label}{self.op}{json.dumps(self.value)}"


@dataclass(frozen=True)
class Timings:
    group_by: tuple[str, ...] | None = None  # None: inherit from the parent
    group_wait: str | None = None
    group_interval: str | None = None
    repeat_interval: str | None = None


@dataclass(frozen=True)
class Route:
    file: str
    field: str  # e.g. routes[0].routes[1]
    matchers: tuple[Matcher, ...]
    contact_point: str | None  # None: the parent's
    continue_: bool
    timings: Timings
    mute_timings: tuple[str, ...]
    routes: tuple[Route, ...]
    active_timings: tuple[str, ...] = ()  # notify only inside these (mute timings used the other way round)

    @property
    def matcher_set(self) -> str:
        return ", ".join(m.text for m in self.matchers)


@dataclass(frozen=True)
class Policy:
    file: str
    contact_point: str
    timings: Timings  # group_by is always set at the root
    routes: tuple[Route, ...]

    def walk(self) -> list[tuple[Route, int]]:
        """Every route with its depth (1 = a child of the root), depth first in tree order."""
        found: list[tuple[Route, int]] = []

        def visit(routes: tuple[Route, ...], depth: int) -> None:
            for route in routes:
                found.append((route, depth))
                visit(route.routes, depth + 1)
        visit(self.routes, 1)
        return found


def _timings(fields: Fields, root: bool = False) -> Timings:
    values = {}
    for key in TIMINGS:
        value = fields.str(key, None)
        if value is None:
            continue
        seconds = total_seconds(value)
        if seconds is None:
            raise fields.error(key, f"expected a duration such as 30s, 5m or 4h, got {value!r}")
        if seconds == 0 and key != "group_wait":
            raise fields.error(key, "must be longer than 0s")
        values[key] = value
    group_by = fields.str_list("group_by") if root else fields.str_list("group_by", None)
    for index, label in enumerate(group_by or []):
        if not (LABEL.match(label) or (label == "..." and len(group_by) == 1)):
            raise UserError(fields.where, f"{fields.path('group_by')}[{index}]",
                            f"expected label names, or [\"...\"] alone to group by all labels; got {label!r}")
    return Timings(group_by=tuple(group_by) if group_by is not None else None, **values)


def _matchers(fields: Fields) -> tuple[Matcher, ...]:
    found = []
    for key, op in (("match", "="), ("match_re", "=~")):
        for label, value in fields.str_map(key, {}).items():
            if not LABEL.match(label):
                raise UserError(fields.where, f"{fields.path(key)}.{label}", "is not a valid label name")
            found.append(_checked(Matcher(label, op, value), fields.where, f"{fields.path(key)}.{label}"))
    for index, text in enumerate(fields.str_list("matchers", [])):
        found.append(_parsed(text, fields.where, f"{fields.path('matchers')}[{index}]"))
    if not found:
        raise UserError(fields.where, fields.prefix, "a route needs match, match_re or matchers (a route matching "
                                                     "everything belongs in its parent's defaults)")
    return tuple(sorted(set(found)))


def _parsed(text: str, where: str, field: str) -> Matcher:
    """``severity!="info"``: Alertmanager's matcher syntax (a quoted value takes Go's string escapes)."""
    match = MATCHER_TEXT.match(text)
    if match is None:
        raise UserError(where, field, f"expected a matcher like severity=\"critical\" or team!~\"db.*\" (a label, one "
                                      f"of = != =~ !~, a value), got {text!r}")
    label, op, value = match.groups()
    if value.startswith('"'):
        try:
            value = json.loads(value)
        except ValueError:
            raise UserError(where, field, f"the quoted value of {text!r} is not a valid string") from None
    return _checked(Matcher(label, op, value), where, field)


def _checked(matcher: Matcher, where: str, field: str) -> Matcher:
    if matcher.op in REGEX_OPS:
        try:
            re.compile(matcher.value)
        except re.error as exc:
            raise UserError(where, field, f"invalid regular expression {matcher.value!r}: {exc}") from None
    return matcher


def _order(routes: list[Route]) -> tuple[Route, ...]:
    """The deterministic sibling order (see the module's doc); a matcher set claimed twice is an error."""
    ordered = sorted(routes, key=lambda r: (not r.continue_, -len(r.matchers), [m.text for m in r.matchers]))
    for before, after in zip(ordered, ordered[1:]):
        if before.matchers == after.matchers:
            first, second = sorted((before, after), key=lambda r: (r.file, r.field))
            raise UserError(second.file, second.field, f"the matcher set {{{second.matcher_set}}} is already claimed "
                                                       f"by {first.file}: {first.field}; merge the two routes or "
                                                       f"make one more specific")
    stopping = [r for r in ordered if not r.continue_]
    for index, route in enumerate(stopping):
        for other in stopping[index + 1:]:
            if len(other.matchers) == len(route.matchers) and _may_overlap(route, other):
                first, second = sorted((route, other), key=lambda r: (r.file, r.field))
                raise UserError(second.file, second.field, f"{{{second.matcher_set}}} can match the same alerts as "
                                f"{first.file}: {first.field} ({{{first.matcher_set}}}) and has as many matchers, so "
                                f"which one wins would be arbitrary; add a matcher to one, or continue: true")
    return tuple(ordered)


def _may_overlap(a: Route, b: Route) -> bool:
    """Whether one alert could match both routes: unless two matchers on one label exclude each other (regular
    expressions against each other count as overlapping)."""
    return not any(left.label == right.label and _exclusive(left, right) for left in a.matchers for right in b.matchers)


def _exclusive(left: Matcher, right: Matcher) -> bool:
    """No value of the label satisfies both (Alertmanager anchors regular expressions; a missing label is "")."""
    if left.op == right.op == "=":
        return left.value != right.value
    if "=" in (left.op, right.op):
        literal, other = (left, right) if left.op == "=" else (right, left)
        matches = {"=~": lambda: bool(re.fullmatch(other.value, literal.value)),
                   "!=": lambda: other.value != literal.value,
                   "!~": lambda: not re.fullmatch(other.value, literal.value)}[other.op]()
        return not matches
    return {left.op, right.op} == {"=~", "!~"} and left.value == right.value


def parse_route(fields: Fields, depth: int) -> Route:
    fields.only(ROUTE_FIELDS)
    if depth > MAX_DEPTH:
        raise UserError(fields.where, fields.prefix, f"nested too deep: the provider allows {MAX_DEPTH} levels of "
                                                     "routes below the root")
    children = [parse_route(child, depth + 1) for child in fields.items("routes")]
    return Route(file=fields.where, field=fields.prefix, matchers=_matchers(fields),
                 contact_point=fields.str("contact_point", None), continue_=fields.bool("continue", False),
                 timings=_timings(fields), mute_timings=tuple(fields.str_list("mute_timings", [])),
                 active_timings=tuple(fields.str_list("active_timings", [])), routes=_order(children))


def load_policy(directory: Path) -> Policy | None:
    """The tree from the root file and every fragment; None when there is no ``alerts/policies/`` folder."""
    files = yaml_files(directory)
    if not files:
        return None
    root_path = directory / ROOT_FILE
    if not root_path.is_file():
        raise UserError(display_path(root_path), "", "is required: the notification policy's defaults "
                                                     "(contact_point, group_by, timings)")
    root = Fields(load_yaml(root_path), display_path(root_path))
    root.only(("contact_point", "group_by", *TIMINGS))
    routes: list[Route] = []
    for path in files:
        if path.name == ROOT_FILE:
            continue
        fragment = Fields(load_yaml(path), display_path(path))
        fragment.only(("routes",))
        items = fragment.items("routes")
        if not items:
            raise fragment.error("routes", "is required: a list of routes")
        routes.extend(parse_route(item, 1) for item in items)
    policy = Policy(file=root.where, contact_point=root.str("contact_point"), timings=_timings(root, root=True),
                    routes=_order(routes))
    warn_slow_repeats(policy)
    return policy


ALERTMANAGER_DEFAULTS = Timings(group_wait="30s", group_interval="5m", repeat_interval="4h")


def effective_timings(policy: Policy) -> list[tuple[Route | None, Timings]]:
    """The timings every route really runs with (its own, else its parent's, else Alertmanager's defaults);
    ``None`` stands for the root."""
    def merge(own: Timings, parent: Timings) -> Timings:
        return Timings(group_by=own.group_by if own.group_by is not None else parent.group_by,
                       **{key: getattr(own, key) or getattr(parent, key) for key in TIMINGS})
    root = merge(policy.timings, ALERTMANAGER_DEFAULTS)
    found: list[tuple[Route | None, Timings]] = [(None, root)]

    def visit(routes: tuple[Route, ...], parent: Timings) -> None:
        for route in routes:
            timings = merge(route.timings, parent)
            found.append((route, timings))
            visit(route.routes, timings)
    visit(policy.routes, root)
    return found


def warn_slow_repeats(policy: Policy) -> None:
    """Alertmanager checks for a repeat only at group-interval ticks (dispatch.go): a repeat_interval not longer
    than group_interval repeats every *other* tick at best (24h and 24h: every 48 h). Grafana accepts it: a warning."""
    for route, timings in effective_timings(policy):
        repeat, group = total_seconds(timings.repeat_interval or ""), total_seconds(timings.group_interval or "")
        if repeat is not None and group is not None and repeat <= group:
            where, field = (route.file, route.field) if route else (policy.file, "")
            warn(where, f"{field}.repeat_interval" if field else "repeat_interval",
                 f"repeat_interval {timings.repeat_interval} is not longer than group_interval "
                 f"{timings.group_interval}: Alertmanager checks for repeats only at group-interval ticks, so this "
                 f"repeats every {prometheus_duration(f'{int(2 * group)}s')}; make repeat_interval longer")


def check_references(policy: Policy, contact_points: set[str], mute_timings: set[str], env: Environment) -> None:
    """Every contact point and mute timing the tree names exists (in this environment), and active timings only
    where Grafana has them."""
    env_name = env.name
    if policy.contact_point not in contact_points:
        raise UserError(policy.file, "contact_point", _unknown("contact point", policy.contact_point, contact_points,
                                                               env_name))
    for route, _ in policy.walk():
        if route.contact_point is not None and route.contact_point not in contact_points:
            raise UserError(route.file, f"{route.field}.contact_point",
                            _unknown("contact point", route.contact_point, contact_points, env_name))
        check_active_timings(route.active_timings, env, route.file, f"{route.field}.active_timings",
                             f"the route {{{route.matcher_set}}}")
        for key in ("mute_timings", "active_timings"):
            for index, name in enumerate(getattr(route, key)):
                if name not in mute_timings:
                    raise UserError(route.file, f"{route.field}.{key}[{index}]",
                                    _unknown("mute timing", name, mute_timings, env_name))


def _unknown(what: str, name: str, known: set[str], env_name: str) -> str:
    return f"unknown {what} {name!r} in environment {env_name!r} (known: {', '.join(sorted(known)) or 'none'})"
