"""The notification setup of one environment as an Alertmanager configuration, for ``amtool``.

Grafana's notification policy tree is Alertmanager's routing tree, so ``amtool check-config`` (tree, receivers,
time intervals, template syntax) and ``amtool config routes test`` (which receivers a label set reaches) check it
offline. Each contact point becomes a receiver of the same name with a placeholder webhook: no integration, URL or
secret of the real contact points is written.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .mute_timings import MuteTiming
from .notifications import Notifications
from .policies import Route, Timings

PLACEHOLDER_URL = "https://example.invalid/{name}"


def _timings(timings: Timings) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if timings.group_by is not None:
        out["group_by"] = list(timings.group_by)
    for key in ("group_wait", "group_interval", "repeat_interval"):
        if getattr(timings, key) is not None:
            out[key] = getattr(timings, key)
    return out


def _route(route: Route) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if route.contact_point is not None:
        out["receiver"] = route.contact_point
    out["matchers"] = [m.text for m in route.matchers]
    if route.continue_:
        out["continue"] = True
    out.update(_timings(route.timings))
    if route.mute_timings:
        out["mute_time_intervals"] = list(route.mute_timings)
    if route.routes:
        out["routes"] = [_route(child) for child in route.routes]
    return out


def _time_interval(timing: MuteTiming) -> dict[str, Any]:
    intervals = []
    for interval in timing.intervals:
        item: dict[str, Any] = {}
        if interval.times:
            item["times"] = [{"start_time": t.start, "end_time": t.end} for t in interval.times]
        for key in ("weekdays", "days_of_month", "months", "years"):
            if getattr(interval, key):
                item[key] = list(getattr(interval, key))
        if interval.location:
            item["location"] = interval.location
        intervals.append(item)
    return {"name": timing.name, "time_intervals": intervals}


def alertmanager_config(notifications: Notifications, templates_glob: str | None = None) -> dict[str, Any]:
    policy = notifications.policy
    if policy is None:
        raise ValueError("no notification policy to render")
    config: dict[str, Any] = {
        "route": {"receiver": policy.contact_point, **_timings(policy.timings),
                  "routes": [_route(route) for route in policy.routes]},
        "receivers": [{"name": c.name, "webhook_configs": [{"url": PLACEHOLDER_URL.format(name=c.name)}]}
                      for c in notifications.contact_points],
    }
    if notifications.mute_timings:
        config["time_intervals"] = [_time_interval(t) for t in notifications.mute_timings]
    if templates_glob:
        config["templates"] = [templates_glob]
    return config


def write_alertmanager_config(notifications: Notifications, directory: Path) -> Path:
    """``directory/alertmanager.yml`` plus copies of the message templates it loads (for their syntax check)."""
    directory.mkdir(parents=True, exist_ok=True)
    templates = directory / "templates"
    templates.mkdir(exist_ok=True)
    for template in notifications.templates:
        (templates / f"{template.name}.tmpl").write_text(template.text, encoding="utf-8")
    glob = str(templates / "*.tmpl") if notifications.templates else None
    path = directory / "alertmanager.yml"
    path.write_text(yaml.safe_dump(alertmanager_config(notifications, glob), sort_keys=False), encoding="utf-8")
    return path
