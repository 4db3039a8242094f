"""The secret scanner: detect-secrets' detectors over string values we extract, with their file and field.

detect-secrets is made for source files; over a 500 kB stack whose dashboards are JSON inside JSON strings it is
slow (seconds) and blind to what is nested. So we walk the values ourselves and hand the scanner one line per
distinct (key, value): ``"key": "value"``. The key gives the keyword detector its context (``"password": "…"``),
the quotes let the entropy detectors see the whole value, and each finding maps back to every place the line came
from. Values with spaces are also split into their long words, so ``Bearer <token>`` is seen as a token.

What the scanner must not flag, and why it does not:
* ``${var.postgres_password}`` and Grafana's ``${__value.raw}``/``$${…}``: detect-secrets' ``is_templated_secret``
  and ``is_prefixed_with_dollar_sign`` filters;
* uids, ids and hashes under keys that name them: our ``filters.is_identifier_value``;
* UUIDs, sequences (``ABCDEF…``), non-alphanumeric strings: detect-secrets' heuristic filters.
``IPPublicDetector`` is left out: an endpoint's address is configuration, not a secret.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import remembered, sieve

# Every detector detect-secrets ships (1.5.0) but IPPublicDetector; the entropy limits are its defaults.
PLUGINS = (
    "AWSKeyDetector", "ArtifactoryDetector", "AzureStorageKeyDetector", "Base64HighEntropyString",
    "BasicAuthDetector", "CloudantDetector", "DiscordBotTokenDetector", "GitHubTokenDetector", "GitLabTokenDetector",
    "HexHighEntropyString", "IbmCloudIamDetector", "IbmCosHmacDetector", "JwtTokenDetector", "KeywordDetector",
    "MailchimpDetector", "NpmDetector", "OpenAIDetector", "PrivateKeyDetector", "PypiTokenDetector",
    "SendGridDetector", "SlackDetector", "SoftlayerDetector", "SquareOAuthDetector", "StripeDetector",
    "TelegramBotTokenDetector", "TwilioKeyDetector",
)
# detect-secrets' default filters, without the ``pragma: allowlist secret`` escape (a value cannot carry a comment:
# a false positive is fixed in filters.py, not waved through), plus ours.
FILTERS = (
    "detect_secrets.filters.heuristic.is_sequential_string",
    "detect_secrets.filters.heuristic.is_potential_uuid",
    "detect_secrets.filters.heuristic.is_likely_id_string",
    "detect_secrets.filters.heuristic.is_templated_secret",
    "detect_secrets.filters.heuristic.is_prefixed_with_dollar_sign",
    "detect_secrets.filters.heuristic.is_indirect_reference",
    "detect_secrets.filters.heuristic.is_not_alphanumeric_string",
    "grafana_as_code.secret_guard.filters.is_identifier_value",
)
SETTINGS = {
    "plugins_used": [{"name": name} for name in PLUGINS],
    "filters_used": [{"path": path} for path in FILTERS],
}
# The keyword detector picks its patterns by file type; a JSON-like name gives it the quoted-key patterns our
# ``"key": "value"`` lines are written for.
SCAN_FILENAME = "values.json"
# Words this long inside a longer text are scanned on their own (tokens are longer; words of prose are shorter).
MIN_WORD = 16
_WORD_SEPARATORS = re.compile(r"[\s`'\"|,;()<>\[\]{}]+")
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Value:
    """A string we are about to write, where it comes from, and the key it sits under."""

    where: str  # a file
    field: str  # the path inside it
    key: str  # the innermost key ("" for none)
    text: str


@dataclass(frozen=True, order=True)
class Finding:
    where: str
    field: str
    detector: str  # detect-secrets' names, e.g. "Slack Token", "Base64 High Entropy String"

    def message(self) -> str:
        return f"looks like a secret ({self.detector})"


def _lines(key: str, text: str) -> Iterable[str]:
    """The scanner's lines for a text under a key: ``"key": "line"`` for each line of it, and ``"word before":
    "long word"`` for each long word of a line with spaces."""
    quoted_key = json.dumps(key)
    for part in text.splitlines() or [text]:
        stripped = part.strip()
        if not stripped:
            continue
        yield f"{quoted_key}: {json.dumps(stripped)}"
        if _SPACE.search(stripped):
            words = [w for w in _WORD_SEPARATORS.split(stripped) if w]
            for previous, word in zip(["", *words], words):
                if len(word) >= MIN_WORD:
                    # The word before gives the context a key would: "uid 3f78…", "password: …", "Bearer …".
                    word_key = _bare_key(previous) or key
                    yield f"{json.dumps(word_key)}: {json.dumps(word)}"


def _bare_key(word: str) -> str:
    """``uid:`` -> ``uid``; ``config\\_json.uid`` (Markdown-escaped) -> ``uid``."""
    word = word.replace("\\", "").rstrip(":=")
    return word.rpartition(".")[2] if re.fullmatch(r"[A-Za-z_][\w.\-]*", word) else ""


def scan(values: Iterable[Value]) -> list[Finding]:
    """Every value that looks like a secret, once per place, sorted; the secret itself is never returned."""
    values = list(values)
    return findings(values, detect({(value.key, value.text) for value in values}))


def findings(values: Iterable[Value], found: dict[tuple[str, str], set[str]]) -> list[Finding]:
    """The findings of ``detect`` at the places of ``values`` (the detectors of one place together), sorted."""
    detectors: dict[tuple[str, str], set[str]] = {}
    for value in values:
        names = found.get((value.key, value.text))
        if names:
            detectors.setdefault((value.where, value.field), set()).update(names)
    return sorted(Finding(where, field, ", ".join(sorted(names))) for (where, field), names in detectors.items())


def detect(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], set[str]]:
    """The detectors that fire on each (key, text) that looks like a secret; the others are left out.

    Each distinct line is looked at once: lines no detector can fire on are skipped (``sieve``), lines the project
    cache remembers as clean too (``remembered``), and the rest go through detect-secrets in one batch.
    """
    places: dict[str, list[tuple[str, str]]] = {}
    for pair in pairs:
        for line in _lines(*pair):
            places.setdefault(line, []).append(pair)
    sieved = sieve.applies()
    lines = [line for line in places if not sieved or sieve.SIEVE.may_hold_secret(line)]
    known_clean = remembered.clean(lines)
    lines = [line for line in lines if line not in known_clean]
    if not lines:
        return {}
    found: dict[tuple[str, str], set[str]] = {}
    detected = _detect(lines)
    for index, names in detected.items():
        for pair in places[lines[index]]:
            found.setdefault(pair, set()).update(names)
    remembered.remember_clean(line for index, line in enumerate(lines) if index not in detected)
    return found


def _detect(lines: list[str]) -> dict[int, set[str]]:
    """The detectors that fire on each line (by index), through detect-secrets' configured plugins and filters.

    This is the loop of ``detect_secrets.core.scan.scan_file`` (line filters, then each plugin's
    ``analyze_line``, then the secret filters), called directly: its per-call dependency injection costs ~27
    reflective calls per line, 3-5x the work itself, and a synth hands it thousands of lines. Without the
    ``is_ignored_due_to_verification_policies`` filter no plugin ever "verifies" a finding over the network.
    """
    # Imported here: loading detect-secrets costs 0.1-0.3 s (it loads requests), paid only when a line is left to
    # scan after the sieve and the cache.
    from detect_secrets.settings import get_filters, get_plugins, transient_settings

    found: dict[int, set[str]] = {}
    with transient_settings(SETTINGS):
        plugins = get_plugins()
        filters = get_filters()
        # Each configured filter takes the line alone, or a secret with its line and plugin (a test holds them to
        # it); the file filters (filename alone) are about real files: scan_file applies them to the file.
        line_filters = [f for f in filters if f.injectable_variables == {"line"}]
        secret_filters = [f for f in filters if "secret" in f.injectable_variables]
        for index, line in enumerate(lines):
            if any(f(line=line) for f in line_filters):
                continue
            for plugin in plugins:
                for secret in plugin.analyze_line(filename=SCAN_FILENAME, line=line):
                    facts = {"secret": secret.secret_value, "line": line, "plugin": plugin}
                    if not any(_call(f, facts) for f in secret_filters):
                        found.setdefault(index, set()).add(secret.type)
    return found


def _call(function: Any, facts: dict[str, Any]) -> bool:
    return bool(function(**{name: facts[name] for name in function.injectable_variables}))
