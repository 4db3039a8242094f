"""The door: secret values written into definition files are refused before anything is built.

Secrets are named, never written (``{secret: <name>}``, a sensitive Terraform variable: see ``secrets.py``). Every
file whose content reaches the stacks is checked, as each environment renders it:

* ``datasources/*.yaml``: keys Grafana keeps in secureJsonData or whose name says "secret" (``json_data.password``,
  ``json_data.httpHeaderValue1``, ``json_data.myApiKey``), plain values in ``secure_json_data`` and
  ``basic_auth.password``, plain ``http_headers`` that carry credentials (``Authorization``, ``X-Api-Key``, …);
* ``alerts/contact-points/*.yaml``: plain values in fields the provider marks sensitive, credential headers;
* ``environments/*.yaml``: secret-named endpoint settings (``datasources.postgres.password``);
* everywhere: credentials in URLs (``user:password@``, ``?token=``) and any plain string the secret scanner
  recognizes (a Slack token, a 32-hex PagerDuty key, a high-entropy token under an innocent key).

Every problem of the run is reported together (``errors.Collector``), each with its file, field and fix.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..alerting.contact_points import INTEGRATIONS, SENSITIVE_MESSAGE, render_contact_point
from ..alerting.names import yaml_files
from ..datasources import datasource_files, render_datasource
from ..environment import Environment
from ..errors import Collector, Problem
from ..yaml_io import display_path, read_text
from .keys import HEADER_VALUE_KEY, GRAFANA_SECURE_KEYS, is_secret_header, is_secret_key, is_url_key, url_credentials
from .scanner import Value, scan

SET_IT = "and set TF_VAR_<name> (README: Secrets)"


def _named(value: Any) -> bool:
    """``{secret: <name>}`` (or a contact point's ``{template: <name>}``): a name, not a value."""
    return isinstance(value, Mapping) and ("secret" in value or "template" in value)


def _plain(value: Any) -> bool:
    """A value written in the file: a non-empty string or a number (true/false are switches, not secrets)."""
    if isinstance(value, bool) or value is None:
        return False
    return isinstance(value, (int, float)) or (isinstance(value, str) and value.strip() != "")


class Door:
    """Collects the problems of every file, and the plain strings to scan in one pass at the end."""

    def __init__(self) -> None:
        self.problems = Collector()
        self._values: list[Value] = []
        self._fixes: dict[tuple[str, str], str] = {}

    def refuse(self, where: str, field: str, message: str) -> None:
        self.problems.add(Problem(where, field, message))

    def string(self, where: str, field: str, key: str, value: Any, fix: str, url_field: bool = False) -> None:
        """A plain string that will be written out: no credentials in URLs, and handed to the scanner."""
        if not isinstance(value, str) or not value.strip():
            return
        found = url_credentials(value, url_field)
        if found:
            self.refuse(where, field, f"holds {found}: credentials never go in a URL; {fix}")
            return
        self._values.append(Value(where, field, key, value))
        self._fixes[(where, field)] = fix

    def raise_if_any(self) -> None:
        for finding in scan(self._values):
            fix = self._fixes[(finding.where, finding.field)]  # every value scanned came with its fix
            self.refuse(finding.where, finding.field, f"{finding.message()}: {fix}")
        self.problems.raise_if_any()


# --- data sources ----------------------------------------------------------------------------------------------

def _secure_fix(key: str) -> str:
    return f"name it instead: secure_json_data: {{{key}: {{secret: <name>}}}} {SET_IT}"


URL_FIX = ("keep the user in username (or basic_auth.username) and name the password: secure_json_data: "
           f"{{password: {{secret: <name>}}}} (or basic_auth: {{password: {{secret: <name>}}}}) {SET_IT}")


def _header_fix(header: str) -> str:
    return f"name it instead: http_headers: {{{header}: {{secret: <name>}}}} {SET_IT}"


def check_datasource(door: Door, document: Any, where: str) -> None:
    if not isinstance(document, Mapping):
        return  # not a mapping: the parser says so
    for key, value in document.items():
        key = str(key)
        if key == "json_data":
            _json_data(door, value, where, "json_data")
        elif key == "secure_json_data" and isinstance(value, Mapping):
            for name, item in value.items():
                if not _named(item):
                    door.refuse(where, f"secure_json_data.{name}", f"a value written in the file: "
                                                                   f"{_secure_fix(str(name))}")
        elif key == "basic_auth" and isinstance(value, Mapping):
            if "password" in value and not _named(value["password"]):
                door.refuse(where, "basic_auth.password", "a password written in the file: name it instead: "
                                                          f"basic_auth: {{password: {{secret: <name>}}}} {SET_IT}")
            door.string(where, "basic_auth.username", "username", value.get("username"), URL_FIX)
        elif key == "http_headers" and isinstance(value, Mapping):
            for header, item in value.items():
                if _named(item):
                    continue  # {secret: <name>}: whatever else it holds is not a value
                plain = item.get("value") if isinstance(item, Mapping) else item
                field = f"http_headers.{header}" + (".value" if isinstance(item, Mapping) else "")
                if not _plain(plain):
                    continue
                if is_secret_header(str(header)):
                    door.refuse(where, field, f"the {header} header carries credentials: {_header_fix(str(header))}")
                else:
                    door.string(where, field, str(header), plain, _header_fix(str(header)))
        elif is_secret_key(key) and _plain(value):
            door.refuse(where, key, f"a secret written in the file: {_secure_fix(key)}")
        elif isinstance(value, str):
            door.string(where, key, key, value, URL_FIX if is_url_key(key) else _secure_fix(key),
                        url_field=is_url_key(key))


def _json_data(door: Door, value: Any, where: str, path: str, parent: Mapping | None = None, key: str = "") -> None:
    if isinstance(value, Mapping):
        for name, item in value.items():
            _json_data(door, item, where, f"{path}.{name}", value, str(name))
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _json_data(door, item, where, f"{path}[{index}]", parent, key)
        return
    if not _plain(value):
        return
    header_value = HEADER_VALUE_KEY.match(key)
    if header_value:
        header = (parent or {}).get(f"httpHeaderName{header_value.group(1)}") or "<header name>"
        door.refuse(where, path, f"a custom header's value is a secret written in clear: {_header_fix(str(header))}")
    elif is_secret_key(key):
        why = (f"Grafana reads {key} only from secureJsonData" if key in GRAFANA_SECURE_KEYS
               else "its name says it holds a secret")
        door.refuse(where, path, f"a secret written in clear ({why}): {_secure_fix(key)}")
    else:
        door.string(where, path, key, value, _secure_fix(key), url_field=is_url_key(key))


# --- contact points --------------------------------------------------------------------------------------------

def check_contact_point(door: Door, document: Any, where: str) -> None:
    integrations = document.get("integrations") if isinstance(document, Mapping) else None
    if not isinstance(integrations, list):
        return
    for index, integration in enumerate(integrations):
        if isinstance(integration, Mapping):
            _integration_fields(door, INTEGRATIONS.get(str(integration.get("type")), {}), integration, where,
                                f"integrations[{index}]")


def _integration_fields(door: Door, specs: Mapping[str, Any], block: Mapping[Any, Any], where: str,
                        prefix: str) -> None:
    """The fields of an integration, or of one of its nested blocks (a webhook's ``hmac_config``...)."""
    for key, value in block.items():
        key, path = str(key), f"{prefix}.{key}"
        fix = f"name it instead: {key}: {{secret: <name>}} {SET_IT}"
        spec = specs.get(key)
        if _named(value):
            continue
        if spec is not None and spec.kind == "blocks":
            for position, item in enumerate(value) if isinstance(value, list) else [(None, value)]:
                if isinstance(item, Mapping):
                    where_in = path if position is None else f"{path}[{position}]"
                    _integration_fields(door, spec.fields or {}, item, where, where_in)
        elif ((spec is not None and spec.sensitive) or (spec is None and is_secret_key(key))) and _plain(value):
            door.refuse(where, path, SENSITIVE_MESSAGE)  # the parser's words: one message for one mistake
        elif isinstance(value, Mapping):  # headers, details
            for name, item in value.items():
                if key == "headers" and is_secret_header(str(name)) and _plain(item):
                    door.refuse(where, f"{path}.{name}", f"the {name} header carries credentials: name it "
                                                         f"instead: authorization_credentials: {{secret: <name>}} "
                                                         f"(or the whole url as a secret) {SET_IT}")
                else:
                    door.string(where, f"{path}.{name}", str(name), item, fix)
        elif isinstance(value, list):
            for position, item in enumerate(value):
                door.string(where, f"{path}[{position}]", key, item, fix)
        else:
            door.string(where, path, key, value, fix, url_field=is_url_key(key))


# --- environments ----------------------------------------------------------------------------------------------

_NOT_HERE = "secrets do not belong in an environment file"


def check_environment(door: Door, env: Environment) -> None:
    where = env.file
    door.string(where, "grafana.url", "url", env.grafana.url,
                "name the token instead: it is the secret grafana_auth (TF_VAR_grafana_auth)", url_field=True)
    for source, endpoint in env.datasources.items():
        fix = (f"{_NOT_HERE}: name it in datasources/{source}.yaml (secure_json_data: {{<key>: {{secret: <name>}}}}) "
               f"{SET_IT}")
        _endpoint(door, endpoint, where, f"datasources.{source}", "", fix)
    contacts = env.contacts.template_context()
    contact_fix = f"{_NOT_HERE}: name it in alerts/contact-points/ ({{secret: <name>}}) {SET_IT}"
    for key, value in contacts.items():
        for position, item in enumerate(value) if isinstance(value, list) else [(None, value)]:
            field = f"contacts.{key}" + (f"[{position}]" if position is not None else "")
            door.string(where, field, key, item, contact_fix)
    for key, value in env.labels.items():
        door.string(where, f"labels.{key}", key, value, f"{_NOT_HERE}: labels are written into every alert rule")
    for key, value in env.state.settings.items():
        door.string(where, f"state.{key}", key, value, f"{_NOT_HERE}: backend credentials come from the usual "
                                                       "environment variables (AWS_*, GOOGLE_*, TF_TOKEN_*)")


def _endpoint(door: Door, value: Any, where: str, path: str, key: str, fix: str) -> None:
    if isinstance(value, Mapping):
        for name, item in value.items():
            _endpoint(door, item, where, f"{path}.{name}", str(name), fix)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _endpoint(door, item, where, f"{path}[{index}]", key, fix)
    elif is_secret_key(key) and _plain(value):
        door.refuse(where, path, f"a secret written in clear: {fix}")
    else:
        door.string(where, path, key, value, fix, url_field=is_url_key(key))


# --- the whole run ---------------------------------------------------------------------------------------------

def check_definitions(datasources: Path, contact_points: Path, environments: list[Environment]) -> None:
    """Every secret written into a definition file, for every environment, as one UserError (nothing is built)."""
    door = Door()
    source_files: dict[str, Path] = {}
    with door.problems.guard():
        source_files = datasource_files(datasources)
    point_files = yaml_files(contact_points)
    texts: dict[Path, str] = {}
    for path in [*source_files.values(), *point_files]:
        with door.problems.guard():
            texts[path] = read_text(path)
    for env in environments:
        check_environment(door, env)
        for key, path in source_files.items():
            if key in env.datasources and path in texts:
                with door.problems.guard():
                    document = render_datasource(texts[path], display_path(path), env, env.datasources[key])
                    check_datasource(door, document, display_path(path))
        for path in point_files:
            if path in texts:
                with door.problems.guard():
                    check_contact_point(door, render_contact_point(texts[path], display_path(path), env),
                                        display_path(path))
    door.raise_if_any()
