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
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

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
    places: dict[str, list[tuple[str, str]]] = {}
    for value in values:
        for line in _lines(value):
            places.setdefault(line, []).append((value.where, value.field))
    if not places:
        return []
    # Imported here: loading detect-secrets costs ~0.3 s, paid only when there is something to scan.
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import transient_settings

    lines = list(places)
    detectors: dict[tuple[str, str], set[str]] = {}
    # The lines are written to a private temporary directory (mode 0700), removed at once; detect-secrets scans files.
    with tempfile.TemporaryDirectory(prefix="gac-secret-scan-") as directory:
        path = Path(directory, "values.json")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with transient_settings(SETTINGS):
            for secret in scan_file(str(path)):
                for place in places[lines[secret.line_number - 1]]:
                    detectors.setdefault(place, set()).add(secret.type)
    return sorted(Finding(where, field, ", ".join(sorted(found))) for (where, field), found in detectors.items())


def json_values(document: object, where: str, path: str = "", key: str = "") -> Iterable[Value]:
    """Every string in a JSON document; strings holding JSON (dashboards, ``json_data_encoded``) are opened, and
    their inner paths written as a JSON pointer after ``#`` (``…config_json#/panels/0/title``)."""
    if isinstance(document, dict):
        for name, item in document.items():
            yield from json_values(item, where, _join(path, str(name)), str(name))
    elif isinstance(document, list):
        for index, item in enumerate(document):
            yield from json_values(item, where, _index(path, index), key)
    elif isinstance(document, str):
        inner = _embedded_json(document)
        if inner is not None:
            yield from json_values(inner, where, path + "#", key)
        else:
            yield Value(where, path, key, document)


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
