"""Reading definition files: YAML with positions in errors, and typed access to fields.

Every loader in this package goes through ``load_yaml`` and ``Fields`` so that a wrong type or a missing key is
reported the same way everywhere: ``<file>: <dotted.field>: <what is wrong>``.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from functools import lru_cache

from .errors import UserError


@lru_cache(maxsize=1)
def strict_loaders() -> tuple[type, type]:
    """``(strict, fast)``: PyYAML's SafeLoader refusing duplicate keys (YAML silently keeps the last one, hiding
    mistakes), and the same on libyaml's parser (PyYAML's wheels ship it), several times faster; every definition
    file is read once per environment. The fast one's error texts differ, so a file it refuses is parsed again by
    the strict one for the message users see. Built when YAML is first read (a run whose project comes from its
    snapshot reads none)."""
    import yaml

    class StrictLoader(yaml.SafeLoader):
        pass

    class FastStrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    for loader in (StrictLoader, FastStrictLoader):
        loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    return StrictLoader, FastStrictLoader


def _construct_mapping(loader: Any, node: Any, deep: bool = False) -> dict:
    import yaml

    seen: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (line {mark.line + 1})", mark)
        seen[key] = loader.construct_object(value_node, deep=deep)
    return seen


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when possible."""
    # Lexically first (no file-system calls: it runs for every definition file); resolving symlinks only when
    # that fails, e.g. a temporary directory reached through a symlink.
    cwd = os.getcwd()
    absolute = os.path.abspath(path)
    if absolute == cwd or absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, cwd)
    try:
        return str(path.resolve().relative_to(Path(cwd).resolve()))
    except ValueError:
        return str(path)


def parse_yaml(text: str, where: str) -> Any:
    import yaml

    strict, fast = strict_loaders()
    try:
        return yaml.load(text, Loader=fast)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError:
        pass
    try:
        return yaml.load(text, Loader=strict)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise UserError(where, "", f"malformed YAML: {line}{problem}") from None


def decode_utf8(data: bytes, where: str) -> str:
    """``data`` as UTF-8 text; an undecodable byte is reported by line and column, as an editor shows them."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8", errors="replace")) + 1
        raise UserError(where, "", f"not UTF-8 text: line {line}, column {column}: byte 0x{data[exc.start]:02x} "
                                   "cannot be decoded; save the file as UTF-8") from None


def read_text(path: Path) -> str:
    where = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(where, "", f"cannot read file: {exc.strerror or exc}") from None
    return decode_utf8(data, where)


def load_yaml(path: Path) -> Any:
    return parse_yaml(read_text(path), display_path(path))


def load_json(path: Path, where: str, what: str = "file") -> Any:
    """A JSON document we are handed (a plan, a provider schema): one located message for each way it can fail."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(where, "", f"no such {what}") from None
    except OSError as exc:
        raise UserError(where, "", f"cannot read the {what}: {exc.strerror or exc}") from None
    text = decode_utf8(data, where)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        hint = " (the file is cut short)" if exc.pos >= len(text.rstrip()) else ""
        raise UserError(where, "", f"not valid JSON{hint}: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None


_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
               list: "a list", dict: "a mapping"}


def type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    for python_type, name in ((bool, "true/false"), (str, "a string"), (int, "an integer"), (float, "a number"),
                              (list, "a list"), (dict, "a mapping")):
        if isinstance(value, python_type):
            return name
    return type(value).__name__


def _is(value: Any, expected: type) -> bool:
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


_MISSING = object()


class Fields:
    """Typed, located access to one mapping of a definition file."""

    def __init__(self, data: Any, where: str, prefix: str = "") -> None:
        if not isinstance(data, Mapping):
            raise UserError(where, prefix, f"expected a mapping, got {type_name(data)}")
        self.data = data
        self.where = where
        self.prefix = prefix

    def path(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.prefix}[{key}]"
        return f"{self.prefix}.{key}" if self.prefix else key

    def error(self, key: str | int, message: str) -> UserError:
        return UserError(self.where, self.path(key), message)

    def _get(self, key: str, expected: type, default: Any) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if default is _MISSING:
                raise self.error(key, f"is required ({_TYPE_NAMES[expected]})")
            return default
        if not _is(value, expected):
            raise self.error(key, f"expected {_TYPE_NAMES[expected]}, got {type_name(value)}")
        return float(value) if expected is float else value

    def str(self, key: str, default: Any = _MISSING) -> Any:
        return self._get(key, str, default)

    def int(self, key: str, default: Any = _MISSING) -> Any:
        return self._get(key, int, default)

    def number(self, key: str, default: Any = _MISSING) -> Any:
        return self._get(key, float, default)

    def bool(self, key: str, default: Any = _MISSING) -> Any:
        return self._get(key, bool, default)

    def list(self, key: str, default: Any = _MISSING) -> Any:
        return self._get(key, list, default)

    def str_list(self, key: str, default: Any = _MISSING) -> Any:
        items = self._get(key, list, default)
        for index, item in enumerate(items or []):
            if not isinstance(item, str):
                raise UserError(self.where, f"{self.path(key)}[{index}]", f"expected a string, got {type_name(item)}")
        return items

    def mapping(self, key: str, default: Any = _MISSING) -> Any:
        return self._get(key, dict, default)

    def str_map(self, key: str, default: Any = _MISSING) -> Any:
        items = self._get(key, dict, default)
        for name, item in (items or {}).items():
            if not isinstance(item, str) or not isinstance(name, str):
                raise UserError(self.where, f"{self.path(key)}.{name}", f"expected a string, got {type_name(item)}")
        return items

    def sub(self, key: str, default: Any = _MISSING) -> Fields:
        value = self.data.get(key, _MISSING)
        if (value is _MISSING or value is None) and default is not _MISSING:
            return Fields(default, self.where, self.path(key))
        if value is _MISSING or value is None:
            raise self.error(key, "is required (a mapping)")
        return Fields(value, self.where, self.path(key))

    def items(self, key: str) -> list[Fields]:
        """A list of mappings, each as Fields."""
        return [Fields(item, self.where, f"{self.path(key)}[{index}]")
                for index, item in enumerate(self.list(key, []))]

    def only(self, allowed: Iterable[str]) -> None:
        """Refuse keys we do not know: a misspelled key must not be ignored silently."""
        allowed = set(allowed)
        for key in self.data:
            if key not in allowed:
                hint = _closest(str(key), allowed)
                raise self.error(str(key), "unknown field" + (f"; did you mean '{hint}'?" if hint else
                                                                f"; allowed: {', '.join(sorted(allowed))}"))


def _closest(name: str, options: Iterable[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(name, sorted(options), n=1, cutoff=0.6)
    return matches[0] if matches else None
