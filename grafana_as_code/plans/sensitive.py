"""Sensitive values: masked as soon as a plan is read, so no later step can print one.

Terraform's plan JSON holds sensitive values in clear and marks them in ``before_sensitive``/``after_sensitive``,
which mirror the value's structure (``true`` at a sensitive leaf or subtree). ``mask`` swaps every marked subtree
for a ``Sensitive`` placeholder that remembers only a digest, so a report can still say "changed" without holding
the value. ``redact`` is the last line of defence on the finished text: Terraform does not always carry the marks
(e.g. a value copied into a computed attribute), so every secret string seen at load time is blanked out of the
output as well.
"""
from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterable
from typing import Any

MASK = "(sensitive value)"
# Shorter strings would blank out ordinary words of the report ("a", "on", "dev"); secrets are longer than this.
MIN_REDACTED_LENGTH = 4


class Sensitive:
    """A sensitive value: equal to another only when the values were equal; never printable."""

    __slots__ = ("_digest",)

    def __init__(self, value: Any) -> None:
        canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
        self._digest = hashlib.sha256(canonical.encode()).digest()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sensitive) and other._digest == self._digest

    def __hash__(self) -> int:
        return hash(self._digest)

    def __repr__(self) -> str:
        return MASK

    __str__ = __repr__


def mask(value: Any, marker: Any, secrets: set[str]) -> Any:
    """``value`` with every subtree marked ``true`` in ``marker`` replaced by ``Sensitive``.

    The clear strings found there are added to ``secrets`` for ``redact``.
    """
    if marker is True:
        _collect_strings(value, secrets)
        return Sensitive(value)
    if not marker:  # False, None, {} or []: nothing below is sensitive (the common case; keep it cheap)
        return value
    if isinstance(marker, dict) and isinstance(value, dict):
        return {key: mask(item, marker.get(key), secrets) for key, item in value.items()}
    if isinstance(marker, list) and isinstance(value, list):
        return [mask(item, marker[index] if index < len(marker) else None, secrets)
                for index, item in enumerate(value)]
    return value


def _collect_strings(value: Any, secrets: set[str]) -> None:
    if isinstance(value, str):
        if len(value) >= MIN_REDACTED_LENGTH:
            secrets.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _collect_strings(item, secrets)
    elif isinstance(value, list):
        for item in value:
            _collect_strings(item, secrets)


def sensitive_variable_values(plan: dict[str, Any], secrets: set[str]) -> None:
    """Values of the root module's sensitive variables (``variables`` holds them in clear; never print them)."""
    declared = ((plan.get("configuration") or {}).get("root_module") or {}).get("variables") or {}
    values = plan.get("variables") or {}
    if not isinstance(declared, dict) or not isinstance(values, dict):
        return
    for name, declaration in declared.items():
        if isinstance(declaration, dict) and declaration.get("sensitive") and isinstance(values.get(name), dict):
            _collect_strings(values[name].get("value"), secrets)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret string replaced by the mask; longest first so no fragment of one survives.

    A secret can reach the text JSON-escaped (inside a quoted value) or HTML-escaped (in a summary line).
    """
    forms = {form for secret in secrets
             for form in (secret, json.dumps(secret)[1:-1], html.escape(secret, quote=False))}
    for form in sorted(forms, key=len, reverse=True):
        if form in text:
            text = text.replace(form, MASK)
    return text
