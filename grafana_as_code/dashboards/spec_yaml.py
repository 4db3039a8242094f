"""Parsing spec YAML quickly: libyaml's C parser with the repository's strict rules, memoized per text.

Every spec is parsed once per environment, and most specs render to the same text in all of them; the pure-Python
parser made YAML the slowest step of a run. Errors are still reported by ``yaml_io.parse_yaml`` so that they read
exactly like those of every other definition file.
"""
from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from ..yaml_io import parse_yaml, strict_loaders


@lru_cache(maxsize=8192)  # a large organisation's specs, all environments: each text is parsed once
def _parse(text: str) -> Any:
    import yaml

    return yaml.load(text, Loader=strict_loaders()[1])  # noqa: S506 - a SafeLoader (libyaml's, strict)


def load_spec_yaml(text: str, where: str) -> Any:
    import yaml

    try:
        data = _parse(text)
    except yaml.YAMLError:
        return parse_yaml(text, where)  # raises the located, user-facing error
    return copy.deepcopy(data)  # callers own their copy; the memo must stay pristine
