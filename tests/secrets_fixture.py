"""The small project the secrets tests plant secrets into (tests/fixtures/secrets-project), and the planted values.

Its own definitions, not the repository's: what a team keeps in datasources/ or alerts/ never changes these tests.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from project_copy import REPO, copy_code

FIXTURE = REPO / "tests" / "fixtures" / "secrets-project"

# Shaped like the real thing, and not real (the repository must never hold a live credential).
SLACK_TOKEN = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
SLACK_WEBHOOK = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
PAGERDUTY_KEY = "e93facc04764012d7bfb002500d5d1a6"  # Events API v2 integration keys: 32 hex characters
HIGH_ENTROPY_TOKEN = "kJ8s9dF3lQ0pZx7vB2nM4cR6tY1uW5eA"
BEARER_JWT = ("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
              "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")
PASSWORD = "hunter2-Pw"
URL_PASSWORD = "s3cretPW"
API_KEY = "abc123-not-random"
PLANTED = (SLACK_TOKEN, SLACK_WEBHOOK, PAGERDUTY_KEY, HIGH_ENTROPY_TOKEN, BEARER_JWT, PASSWORD, URL_PASSWORD, API_KEY)


def secrets_project(target: Path) -> Path:
    """The code of this repository with the fixture's definition files."""
    copy_code(target)
    shutil.copytree(FIXTURE, target, dirs_exist_ok=True)
    return target


def leaked(root: Path) -> list[str]:
    """Planted values found in any file under ``root`` (empty when nothing leaked)."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        text = path.read_text(errors="replace")
        found += [f"{path}: {value[:12]}…" for value in PLANTED if value in text]
    return found
