"""Rule features that need a newer Grafana than the minimum (environment.MINIMUM_GRAFANA_VERSION), checked against
the ``grafana.version`` of the environment a rule is deployed to.

An older Grafana does not refuse such a field: it drops it silently, so every plan shows it again and the rule
behaves differently than it reads. That is certainly broken, so it is an error naming the rule and the environment.
"""
from __future__ import annotations

from ..environment import Environment
from ..errors import UserError
from .prometheus_rules import Rule, RuleFile

# field of a Prometheus alerting rule → (the Grafana version that has it, where that comes from)
RULE_FEATURES: dict[str, tuple[tuple[int, int], str]] = {
    # Grafana's alert rule model gained KeepFiringFor (keep_firing_for) in 12.0 (grafana/grafana
    # pkg/services/ngalert/models/alert_rule.go; provider resource_alerting_rule_group.go packs it only when non-zero).
    "keep_firing_for": ((12, 0), "Grafana-managed rules keep firing only from Grafana 12.0"),
}


def check_rule_features(rule_file: RuleFile, rule: Rule, env: Environment) -> None:
    for field, (version, why) in RULE_FEATURES.items():
        if getattr(rule, field, None) and not env.grafana.at_least(*version):
            raise UserError(rule_file.file, f"{rule.field}.{field}",
                            f"rule {rule.name!r} uses {field}, which needs Grafana {version[0]}.{version[1]}; "
                            f"environment {env.name!r} runs Grafana {env.grafana.version_text} ({env.file}: "
                            f"grafana.version). {why}; older versions drop it silently. Remove it, or deploy the "
                            f"rule only where Grafana is new enough")


# Active time intervals (a policy or a rule notifies only inside them): Grafana 12.1 (grafana/grafana #104252); the
# provider sends `active_timings` to older versions, which ignore it (terraform-provider-grafana #2249).
ACTIVE_TIMINGS_SINCE = (12, 1)


def check_active_timings(names: tuple[str, ...] | None, env: Environment, where: str, field: str, what: str) -> None:
    if names and not env.grafana.at_least(*ACTIVE_TIMINGS_SINCE):
        major, minor = ACTIVE_TIMINGS_SINCE
        raise UserError(where, field, f"{what} uses active_timings, which needs Grafana {major}.{minor}; environment "
                                      f"{env.name!r} runs Grafana {env.grafana.version_text} ({env.file}: "
                                      f"grafana.version). Older versions ignore it silently, so it would notify at "
                                      f"all times; remove it, or use mute_timings for the hours outside")
