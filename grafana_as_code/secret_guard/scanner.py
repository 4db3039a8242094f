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


def _lines(value: Value) -> Iterable[str]:
    key = json.dumps(value.key)
    for part in value.text.splitlines() or [value.text]:
        stripped = part.strip()
        if not stripped:
            continue
        yield f"{key}: {json.dumps(stripped)}"
        if re.search(r"\s", stripped):
            words = [w for w in _WORD_SEPARATORS.split(stripped) if w]
            for previous, word in zip(["", *words], words):
                if len(word) >= MIN_WORD:
                    # The word before gives the context a key would: "uid 3f78…", "password: …", "Bearer …".
                    word_key = _bare_key(previous) or value.key
                    yield f"{json.dumps(word_key)}: {json.dumps(word)}"


def _bare_key(word: str) -> str:
    """``uid:`` -> ``uid``; ``config\\_json.uid`` (Markdown-escaped) -> ``uid``."""
    word = word.replace("\\", "").rstrip(":=")
    return word.rsplit(".", 1)[-1] if re.fullmatch(r"[A-Za-z_][\w.\-]*", word) else ""


def scan(values: Iterable[Value]) -> list[Finding]:
    """Every value that looks like a secret, once per place, sorted; the secret itself is never returned."""
    # The same text under the same key recurs across stacks and dashboards: make its lines once.
    by_text: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for value in values:
        by_text.setdefault((value.key, value.text), []).append((value.where, value.field))
    places: dict[str, list[tuple[str, str]]] = {}
    for (key, text), where in by_text.items():
        for line in _lines(Value("", "", key, text)):
            places.setdefault(line, []).extend(where)
    if not places:
        return []
    lines = list(places)
    detectors: dict[tuple[str, str], set[str]] = {}
    for index, found in _detect(lines).items():
        for place in places[lines[index]]:
            detectors.setdefault(place, set()).update(found)
    return sorted(Finding(where, field, ", ".join(sorted(found))) for (where, field), found in detectors.items())


def _detect(lines: list[str]) -> dict[int, set[str]]:
    """The detectors that fire on each line (by index), through detect-secrets' configured plugins and filters.

    This is the loop of ``detect_secrets.core.scan.scan_file`` (line filters, then each plugin's
    ``analyze_line``, then the secret filters), called directly: its per-call dependency injection costs ~27
    reflective calls per line, 3-5x the work itself, and a synth hands it thousands of lines. Without the
    ``is_ignored_due_to_verification_policies`` filter no plugin ever "verifies" a finding over the network.
    """
    # Imported here: loading detect-secrets costs ~0.3 s, paid only when there is something to scan.
    from detect_secrets.settings import get_filters, get_plugins, transient_settings

    found: dict[int, set[str]] = {}
    with transient_settings(SETTINGS):
        plugins = get_plugins()
        filters = get_filters()
        line_filters = [f for f in filters if "line" in f.injectable_variables
                        and f.injectable_variables <= {"filename", "line", "context"}]
        secret_filters = [f for f in filters if "secret" in f.injectable_variables]
        for index, line in enumerate(lines):
            facts = {"filename": SCAN_FILENAME, "line": line, "context": None}
            if any(_call(f, facts) for f in line_filters):
                continue
            for plugin in plugins:
                for secret in plugin.analyze_line(filename=SCAN_FILENAME, line=line, line_number=index + 1):
                    facts = {"filename": SCAN_FILENAME, "line": line, "context": None, "plugin": plugin,
                             "secret": secret.secret_value}
                    if not any(_call(f, facts) for f in secret_filters):
                        found.setdefault(index, set()).add(secret.type)
    return found


def _call(function: Any, facts: dict[str, Any]) -> bool:
    return bool(function(**{name: facts[name] for name in function.injectable_variables}))


def json_values(document: object, where: str) -> list[Value]:
    """Every string in a JSON document; strings holding JSON (dashboards, ``json_data_encoded``) are opened, and
    their inner paths written as a JSON pointer after ``#`` (``…config_json#/panels/0/title``)."""
    values: list[Value] = []
    # An explicit stack, not recursion through generators: a stack holds ~30,000 strings, some 15 levels deep.
    pending: list[tuple[object, str, str]] = [(document, "", "")]
    while pending:
        item, path, key = pending.pop()
        if isinstance(item, dict):
            pending.extend((child, _join(path, str(name)), str(name)) for name, child in reversed(item.items()))
        elif isinstance(item, list):
            pending.extend((child, _index(path, index), key) for index, child in reversed(list(enumerate(item))))
        elif isinstance(item, str):
            inner = _embedded_json(item)
            if inner is not None:
                pending.append((inner, path + "#", key))
            else:
                values.append(Value(where, path, key, item))
    return values


def _join(path: str, name: str) -> str:
    if "#" in path:  # inside an embedded document: a JSON pointer
        return f"{path}/{name}"
    return f"{path}.{name}" if path else name


def _index(path: str, index: int) -> str:
    return f"{path}/{index}" if "#" in path else f"{path}[{index}]"


def _embedded_json(text: str) -> object | None:
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[":
        return None
    try:
        inner = json.loads(stripped)
    except ValueError:
        return None
    return inner if isinstance(inner, (dict, list)) else None
