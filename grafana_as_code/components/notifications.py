"""Contact points, message templates, mute timings and the one notification policy tree of an environment.

Provenance: no resource here sets ``disable_provenance``, so Grafana marks them "Provisioned" and refuses UI edits.
What is deployed is what the files say, and UI drift cannot happen; a change goes through a pull request. (The flag is
ForceNew on contact points, templates and mute timings: switching it later recreates them.) See alerts/README.md,
"Provenance".
"""
from __future__ import annotations

from typing import Any

from imports.grafana import ContactPoint as ContactPointResource
from imports.grafana import MessageTemplate, MuteTiming, NotificationPolicy

from ..alerting.contact_points import ContactPoint, TemplateRef
from ..alerting.mute_timings import Interval
from ..alerting.notifications import Notifications
from ..alerting.policies import MAX_DEPTH, Route, Timings
from .. import readback
from ..bindings.runtime import Component
from ..cdk import Construct
from ..secrets import Secret
from ..uids import terraform_name
from .secret_variables import SecretVariables



class NotificationResources(Component):
    def __init__(self, scope: Construct, id: str, notifications: Notifications, variables: SecretVariables,
                 org_id: str | None = None) -> None:
        super().__init__(scope, id)
        self._variables = variables
        self.templates = templates = {
            t.name: MessageTemplate(self, f"template-{t.name}", logical_id=terraform_name(t.name), name=t.name,
                                    template=readback.template_read_back(t.text), org_id=org_id)
            for t in notifications.templates}
        group_of = {define: t.name for t in notifications.templates for define in t.defines}
        self.contact_points = {
            point.name: ContactPointResource(
                self, f"contact-point-{point.name}", logical_id=terraform_name(point.name), name=point.name,
                # No create_before_destroy: the provider deletes a contact point *by name*, every integration of
                # it, so a replacement keeping the name would be deleted right after its creation (see
                # grafana_as_code/lifecycles.py). A rename is a new resource address, never a replacement.
                org_id=org_id,
                # the templates it names exist before it does (Grafana checks them when it sends, not on save)
                depends_on=[templates[g] for g in sorted({group_of[r.name] for r in point.template_refs})] or None,
                **self._integrations(point))
            for point in notifications.contact_points}
        self.mute_timings = {
            timing.name: MuteTiming(self, f"mute-timing-{timing.name}", logical_id=terraform_name(timing.name),
                                    name=timing.name, org_id=org_id,
                                    intervals=[_interval(interval) for interval in timing.intervals])
            for timing in notifications.mute_timings}
        policy = notifications.policy
        self.policy: NotificationPolicy | None = None
        if policy is not None:
            # A singleton: exactly one per stack, holding the whole tree (several would overwrite each other, #624).
            # Contact points and mute timings are named through their resources' attributes, so Terraform creates
            # them before the tree and removes them from the tree before deleting them.
            self.policy = NotificationPolicy(
                self, "policy", logical_id="policy", org_id=org_id,
                contact_point=self.contact_points[policy.contact_point].name, **_timing_fields(policy.timings),
                policy=[self._policy(route, 1, policy.timings.group_by or ()) for route in policy.routes] or None)

    def contact_point(self, name: str) -> str:
        """A reference to a contact point's name (rules that notify it directly are created after it)."""
        return self.contact_points[name].name

    def mute_timing(self, name: str) -> str:
        return self.mute_timings[name].name

    def _value(self, value: Any) -> Any:
        if isinstance(value, Secret):
            return self._variables.value(value.name)
        if isinstance(value, TemplateRef):
            return value.text
        if isinstance(value, tuple):  # a list, or nested blocks (Opsgenie responders, a webhook's hmac_config)
            return [self._value(item) for item in value]
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return {key: self._value(item) for key, item in value.items()} if hasattr(value, "items") else value

    def _integrations(self, point: ContactPoint) -> dict[str, list[dict[str, Any]]]:
        blocks: dict[str, list[dict[str, Any]]] = {}
        for integration in point.integrations:
            settings = {key: self._value(value) for key, value in integration.settings.items()}
            blocks.setdefault(integration.type, []).append(settings)
        return blocks

    def _policy(self, route: Route, depth: int, inherited_group_by: tuple[str, ...]) -> dict[str, Any]:
        group_by = route.timings.group_by if route.timings.group_by is not None else inherited_group_by
        block: dict[str, Any] = {
            "matcher": [{"label": m.label, "match": m.op, "value": m.value} for m in route.matchers],
            **_timing_fields(route.timings),
        }
        if depth == MAX_DEPTH:
            block["group_by"] = list(group_by)  # the provider requires group_by at the innermost level
        if route.contact_point is not None:
            block["contact_point"] = self.contact_points[route.contact_point].name
        if route.continue_:
            block["continue"] = True
        if route.mute_timings:
            block["mute_timings"] = [self.mute_timings[name].name for name in route.mute_timings]
        if route.active_timings:
            block["active_timings"] = [self.mute_timings[name].name for name in route.active_timings]
        if route.routes:
            block["policy"] = [self._policy(child, depth + 1, group_by) for child in route.routes]
        return block


def _timing_fields(timings: Timings) -> dict[str, Any]:
    # Written as Grafana returns them (24h → 1d): the provider stores the returned text (readback.READ_BACK).
    fields: dict[str, Any] = {key: readback.prometheus_duration(getattr(timings, key))
                              for key in ("group_wait", "group_interval", "repeat_interval")
                              if getattr(timings, key) is not None}
    if timings.group_by is not None:
        fields["group_by"] = list(timings.group_by)
    return fields


_RANGE_READ_BACK = {"weekdays": readback.weekdays_read_back, "days_of_month": readback.number_range_read_back,
                    "months": readback.months_read_back, "years": readback.number_range_read_back}


def _interval(interval: Interval) -> dict[str, Any]:
    # Ranges and times as Grafana returns them ("may:august" → "5:8", "monday:monday" → "monday"): see readback.py.
    out: dict[str, Any] = {key: [read_back(value) for value in getattr(interval, key)]
                           for key, read_back in _RANGE_READ_BACK.items() if getattr(interval, key)}
    if interval.times:
        out["times"] = [{"start": readback.time_of_day_read_back(t.start), "end": readback.time_of_day_read_back(t.end)}
                        for t in interval.times]
    if interval.location:
        out["location"] = interval.location
    return out
