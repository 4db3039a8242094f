"""An optional lint of a catalog's naming conventions, switched on per folder in ``_folder.yaml``.

The IntelliFlow catalog asks (seed "Dashboard Creation & Maintenance"): titles ``[Area] - [Specific Focus]``
(``API Performance - Lead Service Latency``), tags ``service:<name>``, ``type:<kind>``, ``audience:<who>``.
A folder opts in with

    conventions:
      title: "[Area] - [Focus]"
      tags: [service, type, audience]

and its sub-folders inherit it (``conventions: {}`` switches it off again below). Breaches are warnings, never
errors: Grafana does not care, and a team adopting the convention fixes titles as it goes (``--strict`` makes
them errors for teams that want that).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import UserError, warn
from .yaml_io import Fields

TITLE_FORMATS = {"[Area] - [Focus]": re.compile(r"^\S(.*\S)? - \S(.*\S)?$")}


@dataclass(frozen=True)
class Conventions:
    title: str | None = None  # a key of TITLE_FORMATS
    tags: tuple[str, ...] = ()  # prefixes: each needs a "<prefix>:<value>" tag

    @property
    def active(self) -> bool:
        return bool(self.title or self.tags)


def load_conventions(fields: Fields) -> Conventions:
    fields.only(("title", "tags"))
    title = fields.str("title", None) if fields.data.get("title") is not None else None
    if title is not None and title not in TITLE_FORMATS:
        raise fields.error("title", f"unknown title convention {title!r}; supported: "
                                    + ", ".join(repr(t) for t in TITLE_FORMATS))
    tags = tuple(fields.str_list("tags")) if fields.data.get("tags") is not None else ()
    for index, prefix in enumerate(tags):
        if not re.match(r"^[A-Za-z][\w-]*$", prefix):
            raise UserError(fields.where, f"{fields.path('tags')}[{index}]",
                            f"expected a tag prefix such as service, got {prefix!r}")
    return Conventions(title, tags)


def check_conventions(conventions: Conventions | None, title: str, tags: Any, where: str, folder_file: str) -> None:
    """Warn (file and field) where a dashboard breaks its folder's conventions."""
    if conventions is None or not conventions.active:
        return
    if conventions.title and not TITLE_FORMATS[conventions.title].match(title or ""):
        warn(where, "title", f"{title!r} does not follow the folder's title convention {conventions.title!r} "
                             f"(switched on in {folder_file}), e.g. 'API Performance - Lead Service Latency'")
    given = [t for t in tags if isinstance(t, str)] if isinstance(tags, (list, tuple)) else []
    missing = [p for p in conventions.tags if not any(re.match(rf"^{re.escape(p)}:\S", t) for t in given)]
    if missing:
        warn(where, "tags", f"lacks {', '.join(f'{p}:<value>' for p in missing)} (the tag convention of "
                            f"{folder_file}, e.g. {', '.join(f'{p}:…' for p in conventions.tags)})")
