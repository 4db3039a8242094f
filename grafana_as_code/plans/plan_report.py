"""The sticky PR comment: per environment a summary table, warnings first, then each change in a collapsed section.

Imports (Terraform ``import`` blocks: objects adopted from the Grafana a team already runs, see adopt/) are their own
kind of change: counted under the table, listed in one line, and shown in their own sections ("import", or
"import + update" when the code differs from what Grafana has).

Warnings are what a reviewer must not miss: destroys, replacements (with the attribute that forces them), any
change to the notification policy (one resource that owns the whole routing tree in Grafana: applying it
overwrites routes edited in the UI), objects changed outside Terraform since the last apply, and a plan that
errored. They are never cut; resource details are, from the end, when the comment would exceed GitHub's limit.
"""
from __future__ import annotations

import html
from collections import Counter

from . import dashboard_diff
from .drift_report import drift_item
from .findings import Finding, show
from .markdown import (GITHUB_LIMIT, Block, assemble, code, details, escape, finding_lines, findings_summary,
                       summary_code, table)
from .model import Plan, ResourceChange
from .resource_diff import DASHBOARD_TYPES, created_lines, describe, update_findings, value_at

MARKER = "<!-- grafana-as-code:plan-report -->"
COLUMNS = ("create", "update", "replace", "delete", "no-op")
HEADERS = ["to add", "to change", "to replace", "to destroy", "unchanged"]
ORDER = {"replace": 0, "delete": 1, "update": 2, "create": 3, "forget": 4}
MAX_WARNINGS = 40  # per environment; a plan destroying hundreds of objects needs no more to be stopped
POLICY_TYPE = "grafana_notification_policy"
_REASONS = {
    "replace_because_tainted": "the object is tainted (a previous apply failed half-way)",
    "replace_by_request": "`-replace` was requested",
    "replace_because_cannot_update": "an attribute that cannot be updated in place changed",
}


def render(plans: list[Plan], run_url: str | None = None, limit: int | None = None) -> str:
    blocks = [Block(MARKER + "\n## Terraform plan", required=True)]
    for plan in plans:
        blocks += _environment(plan)
    footer = Block(_footer(plans, run_url), required=True)
    cut_note = f"the full plan is in [the CI run]({run_url})" if run_url else "run the plan locally for the rest"
    secrets = frozenset().union(*(plan.secrets for plan in plans))
    return assemble(blocks, footer, secrets, limit or GITHUB_LIMIT, cut_note)


def counts(plan: Plan) -> Counter[str]:
    """Terraform's own way: an import is counted apart, and an imported object that changes also as a change."""
    count = Counter(change.action for change in plan.changes
                    if change.mode == "managed" and not (change.importing is not None and change.action == "no-op"))
    count["import"] = sum(1 for change in plan.changes if change.mode == "managed" and change.importing is not None)
    return count


def _imports(plan: Plan) -> list[str]:
    imported = sorted((c for c in plan.changes if c.mode == "managed" and c.importing is not None),
                      key=lambda c: c.address)
    if not imported:
        return []
    changed = sum(1 for c in imported if c.action != "no-op")
    names = ", ".join(code(c.address) for c in imported[:10]) + (f" and {len(imported) - 10} more"
                                                                 if len(imported) > 10 else "")
    then = f"; {changed} of them then {'changes' if changed == 1 else 'change'} to match the code" if changed else ""
    return [f"📥 **{len(imported)} to import** from Grafana (adopted, not created): {names}{then}"]


def _environment(plan: Plan) -> list[Block]:
    count = counts(plan)
    lines = [f"### {escape(plan.env)}", "", *table(HEADERS, [[str(count[c]) for c in COLUMNS]])]
    imports = _imports(plan)
    if imports:
        lines += ["", *imports]
    warnings = _warnings(plan)
    if warnings:
        shown = warnings[:MAX_WARNINGS]
        lines += ["", *shown]
        if len(warnings) > len(shown):
            lines.append(f"- … and {len(warnings) - len(shown)} more warnings; see the details below")
    changed = sorted((c for c in plan.changes
                      if c.mode == "managed" and (c.action in ORDER or c.importing is not None)),
                     key=lambda c: (ORDER.get(c.action, len(ORDER)), c.address))
    if not changed:
        lines += ["", "No changes: Grafana matches the code."]
    blocks = [Block("\n".join(lines), required=True)]
    blocks += [Block(resource_section(change), group=plan.env) for change in changed]
    return blocks


def _warnings(plan: Plan) -> list[str]:
    out: list[str] = []
    if plan.errored:
        out.append("- ⛔ **the plan errored**: it is incomplete and cannot be applied; see the CI log")
    for change in sorted(plan.changes, key=lambda c: (ORDER.get(c.action, 9), c.address)):
        if change.mode != "managed":
            continue
        what = describe(change, change.before)
        suffix = f" ({escape(what)})" if what else ""
        if change.action == "delete":
            out.append(f"- 🗑️ **destroy** {code(change.address)}{suffix}")
        elif change.action == "replace":
            out.append(f"- ♻️ **replace** {code(change.address)}{suffix}: destroyed and created again "
                       f"(new id, history and links lost), because {_replace_reason(change)}")
        elif change.action == "forget":
            out.append(f"- **forget** {code(change.address)}: removed from Terraform's state, left in Grafana")
        if change.type == POLICY_TYPE and change.action not in ("no-op", "read"):
            out.append(f"- 🚨 **notification policy** {code(change.address)} ({change.action}): Grafana's whole "
                       "routing tree is replaced on apply; routes edited in the UI are lost"
                       + ("; destroying it resets the tree to Grafana's default" if change.action == "delete"
                          else ""))
    # Only real drift: the provider's permanent diffs (a bumped dashboard version …) would cry wolf on every PR.
    drifted = sorted({d.address for d in plan.drift
                      if d.mode == "managed" and d.action not in ("no-op", "read") and drift_item(d).is_drift})
    if drifted:
        names = ", ".join(code(a) for a in drifted[:10]) + (f" and {len(drifted) - 10} more" if len(drifted) > 10
                                                             else "")
        out.append(f"- ⚠️ **{len(drifted)} changed outside Terraform** since the last apply (this apply "
                   f"overwrites them): {names}")
    return out


def _replace_reason(change: ResourceChange) -> str:
    if change.replace_paths:
        return " and ".join(_forced_by(change, path) for path in change.replace_paths) + " forces it"
    return _REASONS.get(change.action_reason, "Terraform did not say which attribute forces it")


def _forced_by(change: ResourceChange, path: tuple) -> str:
    name = ".".join(str(step) for step in path)
    before, after = value_at(change.before, path), value_at(change.after, path)
    if DASHBOARD_TYPES.get(change.type) == name:
        # The provider forces a new dashboard when the uid inside config_json changes.
        for finding in dashboard_diff.dashboard_findings(before, after):
            if finding.path == ("uid",):
                before, after, name = finding.before, finding.after, f"{name}.uid"
                break
        else:
            return code(name)
    return f"{code(name)} ({code(show(before, 60))} → {code(show(after, 60))})"


def resource_section(change: ResourceChange) -> str:
    if change.importing is not None and change.action == "no-op":
        findings = [Finding("imported", note=f"adopted as it is in Grafana (import id {change.importing!r}); "
                                             "nothing changes")]
        summary = f"{summary_code(change.address)} · import"
        return details(summary, [line for finding in findings for line in finding_lines(finding)])
    if change.action == "create":
        findings = created_lines(change)
        heading = "create"
    elif change.action in ("delete", "forget"):
        what = describe(change, change.before)
        findings = [Finding("destroyed" if change.action == "delete" else "forgotten", note=what or "the object")]
        heading = "destroy" if change.action == "delete" else "forget"
    else:
        findings = update_findings(change)
        heading = change.action
    if change.importing is not None:
        heading = f"import + {heading}"
    summary = f"{summary_code(change.address)} · {heading}"
    if change.action in ("update", "replace"):
        title = dashboard_diff.title(change.after.get("config_json")) if change.type in DASHBOARD_TYPES \
            and isinstance(change.after, dict) else ""
        what = findings_summary(f for f in findings if f.kind != "computed")
        # HTML, not Markdown, inside <summary>: GitHub does not reliably render Markdown there.
        summary += (f" · {html.escape(title)}" if title else "") + (f": {html.escape(what)}" if what else "")
    body = [line for finding in findings for line in finding_lines(finding)] or ["- no visible attribute changes"]
    return details(summary, body)


def _footer(plans: list[Plan], run_url: str | None) -> str:
    made = ", ".join(f"{escape(p.env)}: Terraform {escape(p.terraform_version or '?')}" for p in plans)
    link = f" in [this CI run]({run_url})" if run_url else ""
    return (f"<sub>Plans made{link} ({made}). Sensitive values are masked; input variables are never shown. "
            f"Details are collapsed: click a resource to see what changes.</sub>")

