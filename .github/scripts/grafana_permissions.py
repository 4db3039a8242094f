#!/usr/bin/env python3
"""Check, before Terraform runs, that the job's Grafana token can do what the job needs, and no more where it matters.

    grafana_permissions.py read|write STACK_DIR      env TF_VAR_grafana_auth (token, or user:password)

Grafana answers `GET /api/access-control/user/permissions` with the caller's actions (every edition since 9; OSS
derives them from the basic role). What is needed follows from the stack's own resource types. `read` (PR plans, drift
checks, deploy plans) needs what the provider reads: data sources (`datasources:read`, which Viewer and Editor lack),
folders, dashboards, teams, folder permissions, the alerting provisioning API (`alert.provisioning:read`, which Viewer
lacks); without them objects read as missing and a plan shows them as new. `write` (the apply) needs the writes too. `--pr` adds a warning when a token used where pull-request code runs can
write (on Grafana OSS only Admin can read data sources, so there it always can: README, "Permissions per job").
Exit 1 with the missing actions named; the Grafana URL is the synthesized provider's. Standard library only.
"""
from __future__ import annotations

import base64
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

# What each kind of object needs, read and written; each need is met by any one of its alternatives (newer Grafana
# splits provisioning into rules and notifications). Sources: Grafana's RBAC actions (custom-role-actions-scopes),
# the data source, folder, team and alerting provisioning HTTP APIs.
ALERTING_READ = [["alert.provisioning:read"], ["alert.provisioning.secrets:read"],
                 ["alert.rules.provisioning:read", "alert.notifications.provisioning:read"]]
ALERTING_WRITE = [["alert.provisioning:write"],
                  ["alert.rules.provisioning:write", "alert.notifications.provisioning:write"]]
KINDS = {  # kind: (read alternatives, write alternatives)
    "data sources": ([["datasources:read"]], [["datasources:create", "datasources:write", "datasources:delete"]]),
    "folders": ([["folders:read"]], [["folders:create", "folders:write", "folders:delete"]]),
    "folder permissions": ([["folders.permissions:read"]], [["folders.permissions:write"]]),
    "dashboards": ([["dashboards:read"]], [["dashboards:create", "dashboards:write", "dashboards:delete"]]),
    # pkg/services/libraryelements: /api/library-elements needs library.panels:create|read|write|delete
    "library panels": ([["library.panels:read"]],
                       [["library.panels:create", "library.panels:write", "library.panels:delete"]]),
    "teams": ([["teams:read"]], [["teams:create", "teams:write", "teams:delete"]]),
    "alerting through the provisioning API": (ALERTING_READ, ALERTING_WRITE),
}
TYPES = {  # the stack's resource (and data source) types: the kind of object each is
    "grafana_data_source": "data sources",
    "grafana_folder": "folders",
    "grafana_folder_permission": "folder permissions",
    "grafana_dashboard": "dashboards",
    "grafana_library_panel": "library panels",
    "grafana_team": "teams",
    **{t: "alerting through the provisioning API" for t in (
        "grafana_rule_group", "grafana_contact_point", "grafana_notification_policy", "grafana_message_template",
        "grafana_mute_timing")},
}
READ = {f"read {kind}": alternatives[0] for kind, alternatives in KINDS.items()}
WRITE = {f"write {kind}": alternatives[1] for kind, alternatives in KINDS.items()}
WRITING_ACTIONS = ("datasources:write", "folders:write", "dashboards:write", "library.panels:write", "teams:write",
                   "folders.permissions:write",
                   "alert.provisioning:write", "alert.rules.provisioning:write",
                   "alert.notifications.provisioning:write")


class Refused(Exception):
    pass


def missing(needs: dict[str, list[list[str]]], actions: set[str]) -> list[str]:
    """The needs none of whose alternatives the token has, each with what would meet it."""
    return [f"{need} ({' or '.join(' + '.join(alt) for alt in alternatives)})"
            for need, alternatives in needs.items() if not any(set(alt) <= actions for alt in alternatives)]


def stack_needs(stack: dict, mode: str) -> tuple[dict[str, list[list[str]]], list[str]]:
    """What the stack's objects need (managed ones are written at apply; looked-up ones only read), and the types this
    script has no rule for (reported, never silently passed)."""
    managed, looked_up = set(stack.get("resource", {})), set(stack.get("data", {}))
    unknown = sorted(t for t in managed | looked_up if t not in TYPES)
    needs = {f"read {TYPES[t]}": KINDS[TYPES[t]][0] for t in sorted(managed | looked_up) if t in TYPES}
    if mode == "write":
        needs |= {f"write {TYPES[t]}": KINDS[TYPES[t]][1] for t in sorted(managed) if t in TYPES}
    return needs, unknown


def load_stack(stack_dir: Path) -> dict:
    try:
        return json.loads((stack_dir / "cdk.tf.json").read_text())
    except (OSError, ValueError) as error:
        raise Refused(f"{stack_dir}/cdk.tf.json: {error}") from None


def grafana_url(stack_dir: Path) -> str:
    stack = load_stack(stack_dir)
    providers = stack.get("provider", {}).get("grafana", [])
    provider = providers[0] if isinstance(providers, list) and providers else providers
    url = provider.get("url") if isinstance(provider, dict) else None
    if not url:
        raise Refused(f"{stack_dir}/cdk.tf.json: no grafana provider url")
    return url.rstrip("/")


def permissions(url: str, auth: str) -> set[str]:
    if not auth:
        raise Refused("TF_VAR_grafana_auth is empty: set the GitHub secret GRAFANA_AUTH of this job's environment")
    header = ("Basic " + base64.b64encode(auth.encode()).decode()) if ":" in auth else f"Bearer {auth}"
    request = urllib.request.Request(f"{url}/api/access-control/user/permissions",
                                     headers={"Authorization": header, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the stack's own https URL)
            body = json.load(response)
    except urllib.error.HTTPError as error:
        raise Refused(f"{url}: Grafana refused the token ({error.code}); is GRAFANA_AUTH a valid service account "
                      "token for this Grafana?") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise Refused(f"{url}: could not read the token's permissions: {error}") from None
    if not isinstance(body, dict):
        raise Refused(f"{url}: unexpected answer to /api/access-control/user/permissions")
    return set(body)


def check(needs: dict[str, list[list[str]]], actions: set[str], pr: bool) -> tuple[list[str], list[str]]:
    """(errors, warnings) for a token with ``actions`` in a job that ``needs`` these."""
    errors = [f"the Grafana token cannot {need}" for need in missing(needs, actions)]
    writes = sorted(a for a in WRITING_ACTIONS if a in actions)
    warnings = ([f"this token can write ({', '.join(writes)}) and pull-request code can reach it: give this GitHub "
                 "environment a reading token (README: Permissions per job)"] if pr and writes else [])
    return errors, warnings


def main(argv: list[str]) -> int:
    pr = "--pr" in argv
    args = [a for a in argv if a != "--pr"]
    if len(args) != 2 or args[0] not in ("read", "write"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 1
    try:
        url = grafana_url(Path(args[1]))
        needs, unknown = stack_needs(load_stack(Path(args[1])), args[0])
        errors, warnings = check(needs, permissions(url, os.environ.get("TF_VAR_grafana_auth", "")), pr)
        warnings += [f"{t}: no permission rule in .github/scripts/grafana_permissions.py, not checked" for t in unknown]
    except Refused as refusal:
        errors, warnings = [str(refusal)], []
    for warning in warnings:
        print(f"::warning::{warning}")
    for error in errors:
        print(f"::error::{error}")  # stdout: the runner turns it into an annotation
    if not errors:
        print(f"The Grafana token can {args[0]} everything the stack manages: {', '.join(sorted(needs))}.")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
