"""Data sources: one file each under ``datasources/``, the same uid in every environment, endpoints per environment.

A file is Jinja2-templated; it sees ``env`` (the environment's template context) and ``endpoint`` (the
environment's entry for this data source: ``environments/<env>.yaml`` → ``datasources.<file name>``). An
environment without an entry for a data source does not get that data source. Secret values (passwords, tokens,
header values) are named, never written: see ``secrets.py``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterator, Mapping

from . import secrets as secret_names
from .environment import Environment, frozen, thaw
from .errors import UserError, warn
from .secrets import Secret
from .templating import render
from .uids import check_uid
from .yaml_io import Fields, display_path, parse_yaml, read_text

ACCESS_MODES = ("proxy", "direct")
FIELDS = ("uid", "name", "type", "url", "access_mode", "is_default", "basic_auth", "database_name", "username",
          "json_data", "secure_json_data", "http_headers", "description", "query_language")
# What a Prometheus-type data source answers in besides PromQL, for the query checks only (never sent to Grafana):
# VictoriaMetrics behind Grafana's Prometheus data source (Percona PMM's "Metrics") takes MetricsQL, a superset of
# PromQL (rate(sum(x[1m])), buckets_limit, implicit windows) that a PromQL parser refuses.
QUERY_LANGUAGES = {"metricsql": ("prometheus",)}


@dataclass(frozen=True)
class DataSource:
    uid: str
    name: str
    type: str
    file: str
    url: str | None = None
    access_mode: str = "proxy"
    is_default: bool = False
    basic_auth_username: str | None = None
    database_name: str | None = None
    username: str | None = None
    json_data: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    secure_json_data: Mapping[str, Secret] = field(default_factory=lambda: MappingProxyType({}))
    # header name -> a secret, or a plain value (the provider only takes custom headers this way, e.g. a tenant id)
    http_headers: Mapping[str, Secret | str] = field(default_factory=lambda: MappingProxyType({}))
    query_language: str | None = None  # QUERY_LANGUAGES: a dialect its queries are in (None: its type's language)

    @property
    def secrets(self) -> list[Secret]:
        headers = [h for h in self.http_headers.values() if isinstance(h, Secret)]
        return [*self.secure_json_data.values(), *headers]

    def json_data_encoded(self) -> str | None:
        if not self.json_data:
            return None
        return json.dumps(thaw(self.json_data), sort_keys=True, separators=(",", ":"))

    def linked_uids(self) -> Iterator[tuple[str, str]]:
        """(field path, uid) of every other data source this one links to (``datasourceUid`` keys)."""
        yield from _find_uids(thaw(self.json_data), "json_data")


def _find_uids(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in sorted(value.items()):
            if key == "datasourceUid" and isinstance(item, str):
                yield f"{path}.{key}", item
            else:
                yield from _find_uids(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _find_uids(item, f"{path}[{index}]")


def _secret_map(fields: Fields, key: str, what: str, plain_allowed: bool = False) -> Mapping[str, Any]:
    entries = fields.sub(key, {})
    result: dict[str, Any] = {}
    for name in sorted(entries.data):
        item = entries.sub(str(name))
        item.only(("secret", "description", "value") if plain_allowed else ("secret", "description"))
        if plain_allowed and "value" in item.data:
            if "secret" in item.data:
                raise item.error("value", "give either a secret or a value, not both")
            result[str(name)] = item.str("value")
            continue
        secret = secret_names.check_name(item.str("secret"), fields.where, entries.path(str(name)) + ".secret")
        result[str(name)] = Secret(secret, item.str("description", f"{what} {name}"), fields.where,
                                   entries.path(str(name)))
    return MappingProxyType(result)


def render_datasource(text: str, where: str, env: Environment, endpoint: Mapping[str, Any]) -> Any:
    """The file rendered for one environment and read as YAML (what the secrets door and the parser see)."""
    return parse_yaml(render(text, where, {"env": env.template_context(), "endpoint": thaw(endpoint)}), where)


def parse_datasource(text: str, where: str, env: Environment, endpoint: Mapping[str, Any]) -> DataSource:
    fields = Fields(render_datasource(text, where, env, endpoint), where)
    fields.only(FIELDS)
    uid = check_uid(fields.str("uid"), where, "uid")
    access_mode = fields.str("access_mode", "proxy")
    if access_mode not in ACCESS_MODES:
        raise fields.error("access_mode", f"expected one of {', '.join(ACCESS_MODES)}, got {access_mode!r}")
    basic_auth = fields.sub("basic_auth", {})
    basic_auth.only(("username", "password"))
    secure = dict(_secret_map(fields, "secure_json_data", f"secureJsonData of data source {uid}:"))
    if basic_auth.data:
        password = basic_auth.sub("password")
        password.only(("secret", "description"))
        name = secret_names.check_name(password.str("secret"), where, "basic_auth.password.secret")
        if "basicAuthPassword" in secure:
            raise basic_auth.error("password", "basicAuthPassword is also given under secure_json_data")
        secure["basicAuthPassword"] = Secret(name, password.str("description", f"basic auth password of {uid}"),
                                             where, "basic_auth.password")
    url = fields.str("url", None)
    _warn_removed_keys(fields)
    headers = _secret_map(fields, "http_headers", f"HTTP header of data source {uid}:", plain_allowed=True)
    seen: dict[str, str] = {}
    for name in headers:  # header names are case-insensitive, and written in one canonical case (readback.py)
        if name.lower() in seen:
            raise fields.error("http_headers", f"{name!r} and {seen[name.lower()]!r} are the same header "
                                               "(header names ignore case)")
        seen[name.lower()] = name
    return DataSource(
        uid=uid,
        name=fields.str("name"),
        type=fields.str("type"),
        file=where,
        url=url or None,
        access_mode=access_mode,
        is_default=fields.bool("is_default", False),
        basic_auth_username=basic_auth.str("username") if basic_auth.data else None,
        database_name=fields.str("database_name", None),
        username=fields.str("username", None),
        json_data=frozen(fields.mapping("json_data", {})),
        secure_json_data=MappingProxyType(dict(sorted(secure.items()))),
        http_headers=headers,
        query_language=_query_language(fields),
    )


def _query_language(fields: Fields) -> str | None:
    language = fields.str("query_language", None)
    if language is None:
        return None
    types = QUERY_LANGUAGES.get(language)
    if types is None:
        raise fields.error("query_language", f"expected one of {', '.join(sorted(QUERY_LANGUAGES))} (a data source's "
                                             f"type decides its language otherwise), got {language!r}")
    if fields.data.get("type") not in types:
        raise fields.error("query_language", f"{language} is spoken by a data source of type "
                                             f"{' or '.join(types)}, not {fields.data.get('type')!r}")
    return language


# jsonData keys Grafana no longer reads: accepted and ignored, so a warning rather than an error.
_REMOVED_JSON_DATA = {
    ("tempo", "lokiSearch"): "Tempo's Loki search was removed in Grafana 11 (search is TraceQL now); Grafana "
                             "ignores this key. Link traces to logs with tracesToLogsV2",
}


def _warn_removed_keys(fields: Fields) -> None:
    data_type, json_data = fields.data.get("type"), fields.data.get("json_data")
    if not isinstance(json_data, dict):
        return
    for key in sorted(json_data):
        why = _REMOVED_JSON_DATA.get((data_type, key))
        if why:
            warn(fields.where, f"json_data.{key}", why)


def datasource_files(root: Path) -> dict[str, Path]:
    """Definition files by their key (the file name without extension)."""
    files = sorted([*root.glob("*.yaml"), *root.glob("*.yml")]) if root.is_dir() else []
    by_key: dict[str, Path] = {}
    for path in files:
        if path.stem in by_key:
            raise UserError(display_path(path), "", f"{display_path(by_key[path.stem])} already defines {path.stem!r}")
        by_key[path.stem] = path
    return by_key


def load_datasources(root: Path, env: Environment, texts: dict[str, str] | None = None) -> list[DataSource]:
    """The data sources of one environment, sorted by uid."""
    files = datasource_files(root)
    for key in env.datasources:
        if key not in files:
            raise UserError(env.file, f"datasources.{key}", f"no data source definition "
                            f"{display_path(root / (key + '.yaml'))}; known: {', '.join(sorted(files)) or 'none'}")
    result: dict[str, DataSource] = {}
    for key, path in files.items():
        if key not in env.datasources:
            continue
        text = texts[key] if texts and key in texts else read_text(path)
        source = parse_datasource(text, display_path(path), env, env.datasources[key])
        if source.uid in result:
            raise UserError(source.file, "uid", f"uid {source.uid!r} is already used by {result[source.uid].file}")
        result[source.uid] = source
    defaults = [s for s in result.values() if s.is_default]
    if len(defaults) > 1:
        raise UserError(defaults[1].file, "is_default", f"only one default data source per environment; "
                                                        f"{defaults[0].file} is default too")
    names: dict[str, DataSource] = {}
    for source in result.values():
        if source.name in names:
            raise UserError(source.file, "name", f"name {source.name!r} is already used by {names[source.name].file}")
        names[source.name] = source
    return [result[uid] for uid in sorted(result)]
