#!/usr/bin/env python3
"""Check, before Terraform runs, that the job's Grafana token can do what the job needs, and no more where it matters.

    grafana_permissions.py read|write STACK_DIR      env TF_VAR_grafana_auth (token, or user:password)

Grafana answers `GET /api/access-control/user/permissions` with the caller's actions (every edition since 9; OSS
derives them from the basic role). `read` (PR plans, drift checks, deploy plans) needs what the provider reads: data
sources (`datasources:read`, which Viewer and Editor lack), folders, dashboards and the alerting provisioning API
(`alert.provisioning:read`, which Viewer lacks); without them objects read as missing and a plan shows them as new.
`write` (the apply) needs the writes too. `--pr` adds a warning when a token used where pull-request code runs can
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

# Each need is met by any one of its alternatives (newer Grafana splits provisioning into rules and notifications).
READ = {
    "read data sources": [["datasources:read"]],
    "read folders": [["folders:read"]],
    "read dashboards": [["dashboards:read"]],
    "read alerting through the provisioning API": [["alert.provisioning:read"], ["alert.provisioning.secrets:read"],
                                                   ["alert.rules.provisioning:read",
                                                    "alert.notifications.provisioning:read"]],
}
WRITE = {
    "write data sources": [["datasources:create", "datasources:write", "datasources:delete"]],
    "write folders": [["folders:create", "folders:write", "folders:delete"]],
    "write dashboards": [["dashboards:create", "dashboards:write", "dashboards:delete"]],
    "write alerting through the provisioning API": [["alert.provisioning:write"],
                                                    ["alert.rules.provisioning:write",
                                                     "alert.notifications.provisioning:write"]],
}
WRITING_ACTIONS = ("datasources:write", "folders:write", "dashboards:write", "alert.provisioning:write",
                   "alert.rules.provisioning:write", "alert.notifications.provisioning:write")


class Refused(Exception):
    pass


def missing(needs: dict[str, list[list[str]]], actions: set[str]) -> list[str]:
    """The needs none of whose alternatives the token has, each with what would meet it."""
    return [f"{need} ({' or '.join(' + '.join(alt) for alt in alternatives)})"
            for need, alternatives in needs.items() if not any(set(alt) <= actions for alt in alternatives)]


def grafana_url(stack_dir: Path) -> str:
    stack = json.loads((stack_dir / "cdk.tf.json").read_text())
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


def check(mode: str, actions: set[str], pr: bool) -> tuple[list[str], list[str]]:
    """(errors, warnings) for a token with ``actions`` in a job of ``mode``."""
    needs = {**READ, **WRITE} if mode == "write" else READ
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
        errors, warnings = check(args[0], permissions(url, os.environ.get("TF_VAR_grafana_auth", "")), pr)
    except Refused as refusal:
        errors, warnings = [str(refusal)], []
    for warning in warnings:
        print(f"::warning::{warning}")
    for error in errors:
        print(f"::error::{error}")  # stdout: the runner turns it into an annotation
    if not errors:
        print(f"The Grafana token can {args[0]} everything the stack manages.")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
