"""Drift: what changed in Grafana outside Terraform, told apart from the provider's permanent-diff noise.

Sources, per environment:
  * ``resource_drift``: objects whose refreshed state differs from the last apply (edited or deleted in the UI);
    a ``terraform plan -refresh-only`` reports drift only here.
  * ``resource_changes`` other than no-op: what the next apply would do to make Grafana match the code. On the
    deployed branch that is drift too (an object deleted in the UI shows as a create here), and it is where the
    provider's permanent diffs appear. An address found in both is one item.
Each difference of a refreshed object goes through ``noise``; an object whose differences are all noise is listed
apart with the reason and does not count as drift. A planned update is never noise: if all its differences only
look like noise, the provider still rewrites the object on every apply, a permanent diff, reported as such.
The exit code follows ``terraform plan -detailed-exitcode``: 0 none, 2 drift.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .findings import Finding
from .markdown import GITHUB_LIMIT, Block, assemble, code, details, escape, finding_lines, summary_code, table
from .model import Plan, ResourceChange
from .noise import split
from .resource_diff import describe, update_findings

MARKER_PREFIX = "<!-- grafana-as-code:drift-report:"
_DRIFT_WORDS = {"update": "edited outside Terraform", "delete": "deleted outside Terraform",
                "create": "created outside Terraform", "replace": "replaced outside Terraform"}
_PLAN_WORDS = {"create": "missing in Grafana: the next apply creates it",
               "update": "differs from the code: the next apply updates it",
               "replace": "differs from the code: the next apply replaces it",
               "delete": "in the state but not in the code: the next apply destroys it",
               "forget": "the next apply removes it from the state"}


@dataclass
class DriftItem:
    address: str
    how: str
    real: list[Finding] = field(default_factory=list)
    noise: list[tuple[Finding, str]] = field(default_factory=list)
    whole: bool = False  # the object itself appeared or disappeared: drift whatever its attributes say
    permanent: bool = False  # a planned update whose differences only look like noise: rewritten on every apply

    @property
    def is_drift(self) -> bool:
        return self.whole or self.permanent or bool(self.real)


def marker(envs: list[str]) -> str:
    return f"{MARKER_PREFIX}{','.join(envs)} -->"


def analyse(plan: Plan) -> list[DriftItem]:
    items: dict[str, DriftItem] = {}
    for change in plan.drift:
        if change.mode == "managed" and change.action in _DRIFT_WORDS:
            items[change.address] = drift_item(change, _DRIFT_WORDS[change.action])
    for change in plan.changes:
        if change.mode != "managed" or change.action not in _PLAN_WORDS:
            continue
        if change.address in items:
            items[change.address].how += f"; {_PLAN_WORDS[change.action]}"
        else:
            items[change.address] = drift_item(change, _PLAN_WORDS[change.action], planned=True)
    return [items[address] for address in sorted(items)]


def drift_item(change: ResourceChange, how: str = "", planned: bool = False) -> DriftItem:
    """One changed object, its differences split into drift and noise (``planned``: from resource_changes)."""
    if change.action != "update":
        what = describe(change, change.before if change.action == "delete" else change.after)
        return DriftItem(change.address, how + (f" ({what})" if what else ""), whole=True)
    real, noise = split(change.type, update_findings(change))
    real = [f for f in real if f.kind != "computed"]
    if planned and not real and noise:
        reasons = "; ".join(sorted({why for _, why in noise}))
        return DriftItem(change.address, f"a permanent diff: the code writes a value Grafana returns in another "
                                         f"form ({reasons}), so every apply rewrites it; write the form Grafana "
                                         f"returns (grafana_as_code/readback.py)", [], noise, permanent=True)
    return DriftItem(change.address, how, real, noise)


def has_drift(plans: list[Plan]) -> bool:
    return any(item.is_drift for plan in plans for item in analyse(plan))


def render(plans: list[Plan], run_url: str | None = None, limit: int | None = None) -> tuple[str, bool]:
    """The Markdown report and whether any environment has drift."""
    blocks = [Block(marker([p.env for p in plans]) + "\n## Grafana drift", required=True)]
    drift = False
    for plan in plans:
        items = analyse(plan)
        drift = drift or any(item.is_drift for item in items)
        blocks += _environment(plan, items)
    footer = Block(_advice(run_url), required=True)
    cut_note = f"the full report is in [the CI run]({run_url})" if run_url else "run the drift report locally"
    secrets = frozenset().union(*(plan.secrets for plan in plans))
    return assemble(blocks, footer, secrets, limit or GITHUB_LIMIT, cut_note), drift


def _environment(plan: Plan, items: list[DriftItem]) -> list[Block]:
    real = [item for item in items if item.is_drift]
    noisy = [item for item in items if not item.is_drift]
    lines = [f"### {escape(plan.env)}", "",
             *table(["drifted", "provider noise only"], [[str(len(real)), str(len(noisy))]]), ""]
    if plan.errored:
        lines.append("- ⛔ **the plan errored**: drift may be incomplete; see the CI log")
    if real:
        lines += [f"- {code(item.address)}: {escape(item.how)}" for item in real]
    else:
        lines.append("No drift: Grafana matches the last apply.")
    blocks = [Block("\n".join(lines), required=True)]
    for item in real:
        if item.real:
            body = [line for finding in item.real for line in finding_lines(finding)]
            blocks.append(Block(details(f"{summary_code(item.address)} · what changed", body), group=plan.env))
    if noisy:
        body = [f"- {code(item.address)}: " + "; ".join(sorted({escape(why) for _, why in item.noise}))
                for item in noisy]
        blocks.append(Block(details(f"{len(noisy)} object(s) with known provider noise only (not drift)", body),
                            group=plan.env))
    return blocks


def _advice(run_url: str | None) -> str:
    link = f" Found by [this run]({run_url})." if run_url else ""
    return ("**What to do:** keep a change made in Grafana by porting it into the code (a dashboard: export it "
            "and `python -m grafana_as_code import-dashboard`), then merge; or discard it by re-running the "
            f"deploy, which overwrites Grafana with the code. This report updates itself on every run.{link}")
