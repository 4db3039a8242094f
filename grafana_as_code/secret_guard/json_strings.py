"""The strings of JSON documents as the scanner sees them: each under its innermost key, embedded JSON opened.

A string holding a JSON object or array (a dashboard's ``config_json``, ``json_data_encoded``) is parsed and its
strings are taken instead, still under the key of the string that held them until an inner object names one.

Two readings of the same strings:
* ``DistinctStrings``: the set of distinct (key, text) pairs, what the scanner needs. The same dashboard recurs in
  every environment's stack, so each embedded document is parsed and walked once per run, whatever its count;
* ``json_values``: every string with its place (``…config_json#/panels/0/title``), to name where a finding is. Only
  the documents that hold a finding are read this way.
"""
from __future__ import annotations

import json
import re

from .scanner import Value

Pair = tuple[str, str]  # (key, text)
_MAYBE_JSON = re.compile(r"\s*[\[{]")  # what _embedded_json may open; anything else is a plain string


def _embedded_json(text: str) -> object | None:
    """The object or array ``text`` holds as JSON, or None. (JSON that starts with ``{`` or ``[`` is an object or
    an array, or no JSON at all.)"""
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        return json.loads(stripped)
    except ValueError:
        return None


class DistinctStrings:
    """The distinct (key, text) pairs of documents; embedded documents are remembered by their text."""

    def __init__(self) -> None:
        # text -> (pairs under the inner keys, texts under no inner key: they take the key of the string), or None
        self._embedded: dict[str, tuple[frozenset[Pair], frozenset[str]] | None] = {}

    def of(self, document: object) -> set[Pair]:
        """The (key, text) pairs of ``document``: its strings under "" until an object names a key."""
        pairs, loose = self._walk(document)
        pairs.update(("", text) for text in loose)
        return pairs

    def _walk(self, document: object) -> tuple[set[Pair], set[str]]:
        found: set[tuple[str | None, str]] = set()  # (key or None for none in this document, text)
        # An explicit stack, not recursion: a stack's strings sit up to 15 levels deep.
        pending: list[tuple[object, str | None]] = [(document, None)]
        while pending:
            item, key = pending.pop()
            if isinstance(item, dict):
                for name, child in item.items():
                    if isinstance(child, str):
                        found.add((str(name), child))
                    elif isinstance(child, (dict, list)):
                        pending.append((child, str(name)))
            elif isinstance(item, list):
                for child in item:
                    if isinstance(child, str):
                        found.add((key, child))
                    elif isinstance(child, (dict, list)):
                        pending.append((child, key))
            elif isinstance(item, str):
                found.add((key, item))
        pairs: set[Pair] = set()
        loose: set[str] = set()  # strings under no key of this document
        for key, text in found:
            inner = self._inner(text) if _MAYBE_JSON.match(text) else None
            if inner is None:
                if key is None:
                    loose.add(text)
                else:
                    pairs.add((key, text))
                continue
            inner_pairs, inner_loose = inner
            pairs |= inner_pairs
            if key is None:
                loose |= inner_loose
            else:
                pairs.update((key, inner_text) for inner_text in inner_loose)
        return pairs, loose

    def _inner(self, text: str) -> tuple[frozenset[Pair], frozenset[str]] | None:
        if text in self._embedded:
            return self._embedded[text]
        document = _embedded_json(text)
        found = None
        if document is not None:
            pairs, loose = self._walk(document)
            found = frozenset(pairs), frozenset(loose)
        self._embedded[text] = found
        return found


def json_values(document: object, where: str) -> list[Value]:
    """Every string in a JSON document with its place; strings holding JSON are opened, and their inner paths
    written as a JSON pointer after ``#`` (``…config_json#/panels/0/title``)."""
    values: list[Value] = []
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
