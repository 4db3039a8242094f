"""The compiled schema check (jsonschema-rs) answers exactly like the detailed one (jsonschema) that explains.

schema_problems trusts the compiled validator's "valid"; were it more lenient, an invalid dashboard would pass.
"""
from __future__ import annotations

import copy
import json

import pytest

from grafana_as_code.dashboards.validate.schema import _fast_validator, _validator
from grafana_as_code.environment import thaw


def agree(config: dict) -> bool:
    fast = _fast_validator().is_valid(config)
    detailed = not list(_validator().iter_errors(config))
    assert fast == detailed, json.dumps(config)[:300]
    return fast


def test_the_fixture_dashboards_are_valid_for_both(project) -> None:
    configs = [thaw(d.config) for catalog in project.catalogs for d in catalog.dashboards]
    assert configs and all(agree(config) for config in configs)


def test_every_content_dashboard_is_valid_for_both(content_catalogs) -> None:
    """A content check: every dashboard of every environment, whatever their number."""
    assert [f"{env}: {d.file}" for env, catalog in content_catalogs.items() for d in catalog.dashboards
            if not agree(thaw(d.config))] == []


MUTATIONS = {
    "gridPos as text": lambda d: d["panels"][0].__setitem__("gridPos", {"h": "8", "w": 12, "x": 0, "y": 0}),
    "panel id as text": lambda d: d["panels"][0].__setitem__("id", "one"),
    "panels not a list": lambda d: d.__setitem__("panels", {"0": d["panels"][0]}),
    "title a number": lambda d: d.__setitem__("title", 7),
    "tags of numbers": lambda d: d.__setitem__("tags", [1, 2]),
    "threshold step without color": lambda d: d["panels"][0].setdefault("fieldConfig", {"defaults": {}})[
        "defaults"].__setitem__("thresholds", {"mode": "absolute", "steps": [{"value": None}]}),
    "variable without name": lambda d: d.setdefault("templating", {}).__setitem__("list", [{"type": "custom"}]),
    "row with a non-list of panels": lambda d: d["panels"].append(
        {"type": "row", "id": 999, "title": "R", "collapsed": True, "panels": "x",
         "gridPos": {"h": 1, "w": 24, "x": 0, "y": 99}}),
}


@pytest.mark.parametrize("mutate", MUTATIONS.values(), ids=MUTATIONS.keys())
def test_broken_dashboards_are_invalid_for_both(project, mutate) -> None:
    config = copy.deepcopy(thaw(project.catalogs[0].dashboards[0].config))
    mutate(config)
    assert agree(config) is False
