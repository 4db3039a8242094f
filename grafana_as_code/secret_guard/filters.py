"""A detect-secrets filter (configured in ``scanner.SETTINGS``): identifiers are not secrets.

Grafana uids, Terraform ids and content hashes are random-looking by design, so the entropy detectors would flag
them (a 40-character hex uid is a valid Grafana uid). Under a key that names an identifier, only the entropy
detectors are silenced: a token with a recognizable shape (Slack, GitHub, AWS, …) is still reported there.
"""
from __future__ import annotations

import json
import re

from detect_secrets.plugins.base import BasePlugin
from detect_secrets.plugins.high_entropy_strings import HighEntropyStringsPlugin

# uid, datasourceUid, folder_uid, id, orgId, uniqueId, dashboard hash, sha256, checksum …, and the provider's
# ``folder`` (grafana_dashboard.folder holds the folder's uid).
IDENTIFIER_KEY = re.compile(r"(uids?|ids?|hash|sha\d*|checksum|digest|fingerprint|^folder)$", re.IGNORECASE)

_decoder = json.JSONDecoder()


def line_key(line: str) -> str | None:
    """The key of a scanner line, which ``scanner`` writes as ``"key": "value"``."""
    try:
        key, _ = _decoder.raw_decode(line.lstrip())
    except ValueError:
        return None
    return key if isinstance(key, str) else None


def is_identifier_value(secret: str, plugin: BasePlugin, line: str) -> bool:
    """True (filter out) for an entropy finding under an identifier key."""
    if not isinstance(plugin, HighEntropyStringsPlugin):
        return False
    key = line_key(line)
    return bool(key and IDENTIFIER_KEY.search(key))
