"""Grafana uids: the rules Grafana enforces, and how we derive stable ones from names and paths."""
from __future__ import annotations

import hashlib
import re

from .errors import UserError

UID_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
MAX_UID_LENGTH = 40  # Grafana refuses longer uids


def check_uid(uid: str, where: str, field: str) -> str:
    if not UID_PATTERN.match(uid):
        raise UserError(where, field, f"uid {uid!r} may only hold letters, digits, '-' and '_'")
    if len(uid) > MAX_UID_LENGTH:
        raise UserError(where, field, f"uid {uid!r} is {len(uid)} characters; Grafana allows at most {MAX_UID_LENGTH}")
    return uid


def slug(text: str) -> str:
    """Lower-case words joined by '-': 'API Latency & Throughput' -> 'api-latency-throughput'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def terraform_name(uid: str) -> str:
    """A Terraform resource name for a uid (letters, digits, '_' and '-'; never starting with a digit)."""
    name = re.sub(r"[^A-Za-z0-9_-]", "_", uid)
    return name if re.match(r"^[A-Za-z_]", name) else f"_{name}"


def uid_from_title(title: str) -> str:
    """A stable, valid uid for something Grafana would have given a random one (an export without a uid).

    The slug of the title when it fits Grafana's rules (``UID_PATTERN``, at most ``MAX_UID_LENGTH``); a longer
    slug keeps its start and ends with a hash of the whole title, so two long titles sharing a start still differ;
    a title with no letters or digits (e.g. only non-Latin script) becomes ``dashboard-<hash>``.
    """
    base = slug(title)
    digest = hashlib.sha256(title.encode("utf-8")).hexdigest()[:8]
    if not base:
        return f"dashboard-{digest}"
    if len(base) <= MAX_UID_LENGTH:
        return base
    return f"{base[:MAX_UID_LENGTH - 9].rstrip('-')}-{digest}"
