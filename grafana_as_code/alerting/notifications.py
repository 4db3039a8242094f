"""Everything about notifying, for one environment: contact points, message templates, mute timings, the policy tree.

Loaded from ``alerts/contact-points/``, ``alerts/templates/``, ``alerts/mute-timings/`` and ``alerts/policies/``
and cross-checked: every contact point and mute timing the tree names exists, and every ``{template: name}`` a
contact point uses is defined.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..environment import Environment
from ..errors import UserError
from ..secrets import Secret
from .contact_points import ContactPoint, load_contact_points
from .mute_timings import MuteTiming, load_mute_timings
from .policies import Policy, check_references, load_policy
from .templates import MessageTemplate, load_templates


@dataclass(frozen=True)
class Notifications:
    contact_points: tuple[ContactPoint, ...] = ()
    templates: tuple[MessageTemplate, ...] = ()
    mute_timings: tuple[MuteTiming, ...] = ()
    policy: Policy | None = None  # None: this repository manages no policy tree (Grafana's stays as it is)

    @property
    def contact_point_names(self) -> frozenset[str]:
        return frozenset(c.name for c in self.contact_points)

    @property
    def mute_timing_names(self) -> frozenset[str]:
        return frozenset(m.name for m in self.mute_timings)

    @property
    def secrets(self) -> list[Secret]:
        return [s for c in self.contact_points for s in c.secrets]

    @property
    def resource_count(self) -> int:
        return len(self.contact_points) + len(self.templates) + len(self.mute_timings) + (1 if self.policy else 0)

    def contact_point(self, name: str) -> ContactPoint:
        return next(c for c in self.contact_points if c.name == name)


def load_notifications(alerts: Path, env: Environment) -> Notifications:
    contact_points = load_contact_points(alerts / "contact-points", env)
    templates = load_templates(alerts / "templates")
    mute_timings = load_mute_timings(alerts / "mute-timings")
    policy = load_policy(alerts / "policies")
    defined = {d for t in templates for d in t.defines}
    for point in contact_points:
        for ref in point.template_refs:
            if ref.name not in defined:
                raise UserError(ref.file, f"{ref.field}.template", f"unknown message template {ref.name!r} (defined "
                                f"in alerts/templates/: {', '.join(sorted(defined)) or 'none'})")
    notifications = Notifications(contact_points=contact_points, templates=templates, mute_timings=mute_timings,
                                  policy=policy)
    if policy is not None:
        check_references(policy, set(notifications.contact_point_names), set(notifications.mute_timing_names), env)
    return notifications
