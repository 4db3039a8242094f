"""Environments: one YAML file each under ``environments/``, loaded into a frozen, typed model.

An environment says where its Grafana is, where its Terraform state lives, the endpoint of each data source,
its non-secret contact targets and its overrides. Secrets are never read from these files: they arrive as
sensitive Terraform variables (``TF_VAR_<name>``) at plan/apply time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from collections.abc import Mapping  # not typing.Mapping: isinstance checks on it are several times slower
from typing import Any

from .errors import UserError, warn
from .yaml_io import Fields, display_path, load_yaml, type_name

ENV_NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
DURATION = re.compile(r"^(\d+(ms|s|m|h|d|w|y))+$")
GRAFANA_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.\d+)?$")
# The oldest Grafana the stacks are written for: nested folders, the alerting provisioning API with
# ``notification_settings`` (simplified routing) and the v4 provider's resources. Features that need more are checked
# against ``grafana.version`` where they are used (e.g. ``keep_firing_for`` needs 12.0).
MINIMUM_GRAFANA_VERSION = (11, 0)

BACKENDS = {
    # kind: (required settings, optional settings)
    "local": ((), ("path",)),
    "s3": (("bucket", "key", "region"), ("dynamodb_table", "encrypt", "use_lockfile", "role_arn", "profile", "kms_key_id",
                                          "workspace_key_prefix")),
    "gcs": (("bucket",), ("prefix", "impersonate_service_account", "kms_encryption_key")),
    "remote": (("organization", "workspace"), ("hostname",)),
    "cloud": (("organization", "workspace"), ("hostname", "project")),
}


_PLAIN = frozenset({str, int, float, bool, type(None)})


def frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only view, recursively, so that a loaded model cannot be changed by a construct."""
    def freeze(value: Any) -> Any:
        kind = type(value)  # exact types first: a dashboard's JSON is thousands of plain values (isinstance is slow)
        if kind in _PLAIN:
            return value
        if kind is dict or isinstance(value, Mapping):
            return MappingProxyType({k: freeze(v) for k, v in value.items()})
        if kind is list or isinstance(value, list):
            return tuple([freeze(v) for v in value])
        return value
    return freeze(dict(mapping))


def thaw(value: Any) -> Any:
    """Plain dicts and lists again (for Jinja contexts and JSON)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(v) for v in value]
    return value


@dataclass(frozen=True)
class GrafanaTarget:
    url: str
    version: tuple[int, int] = MINIMUM_GRAFANA_VERSION  # (major, minor) of the Grafana this environment runs
    org_id: int | None = None  # None: the org of the credentials
    retries: int = 5
    retry_wait: int = 2  # seconds; the provider's default of 0 exhausts retries on rate limits

    def at_least(self, major: int, minor: int = 0) -> bool:
        return self.version >= (major, minor)

    @property
    def version_text(self) -> str:
        return f"{self.version[0]}.{self.version[1]}"


SPLITS = ("none", "teams")  # state.split: one stack per environment, or also one per team owning folders


@dataclass(frozen=True)
class StateBackend:
    kind: str
    settings: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    split: str = "none"  # "teams": a stack per team that owns folders beside the shared one (grafana_as_code/shards.py)


@dataclass(frozen=True)
class Overrides:
    min_refresh: str | None = None  # dashboards refreshing faster than this are slowed down to it
    thresholds: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Contacts:
    """Non-secret notification targets; ``alerts/contact-points/*.yaml`` read them as ``env.contacts.<key>``."""

    slack_channel: str  # where every Slack integration of the environment posts ("#incidents")
    ops_email: tuple[str, ...] = ()  # daily summaries; empty: the summary goes to the Slack channel instead
    pagerduty: bool = False  # critical alerts page on-call through PagerDuty (integration key: a secret)
    incident_webhook: bool = False  # critical alerts also open an incident through a webhook (URL: a secret)

    def template_context(self) -> dict[str, Any]:
        return {"slack_channel": self.slack_channel, "ops_email": list(self.ops_email),
                "pagerduty": self.pagerduty, "incident_webhook": self.incident_webhook}


@dataclass(frozen=True)
class Environment:
    name: str
    file: str
    grafana: GrafanaTarget
    state: StateBackend
    datasources: Mapping[str, Mapping[str, Any]]  # data source uid -> endpoint settings (url, database, ...)
    contacts: Contacts
    overrides: Overrides
    labels: Mapping[str, str]
    deploy_order: int = 1  # deploys go in this order (then by name): dev before staging before prod

    def template_context(self) -> dict[str, Any]:
        """What Jinja2 templates see as ``env``."""
        return {
            "name": self.name,
            "grafana_url": self.grafana.url,
            "grafana_version": self.grafana.version_text,
            "datasources": thaw(self.datasources),
            "contacts": self.contacts.template_context(),
            "thresholds": thaw(self.overrides.thresholds),
            "min_refresh": self.overrides.min_refresh,
            "labels": thaw(self.labels),
        }


def _grafana(fields: Fields) -> GrafanaTarget:
    fields.only(("url", "version", "org_id", "retries", "retry_wait"))
    url = fields.str("url")
    if not re.match(r"^https?://[^\s/]+", url):
        raise fields.error("url", f"expected an http(s) URL, got {url!r}")
    version = _grafana_version(fields)
    org_id = fields.int("org_id", None)
    retries = fields.int("retries", 5)
    retry_wait = fields.int("retry_wait", 2)
    for key, value in (("org_id", org_id), ("retries", retries), ("retry_wait", retry_wait)):
        if value is not None and value < 0:
            raise fields.error(key, "must not be negative")
    return GrafanaTarget(url=url.rstrip("/"), version=version, org_id=org_id, retries=retries, retry_wait=retry_wait)


def _grafana_version(fields: Fields) -> tuple[int, int]:
    """``grafana.version``: the Grafana the environment runs ("12.1" or "12.1.3"), so features can be checked."""
    raw = fields.data.get("version")
    if raw is None:
        raise fields.error("version", "missing: the version of the Grafana this environment runs, such as "
                                      f"\"12.1\" (at least {'.'.join(map(str, MINIMUM_GRAFANA_VERSION))})")
    match = GRAFANA_VERSION.match(str(raw))
    if isinstance(raw, bool) or not match:
        raise fields.error("version", f"expected a Grafana version such as \"12.1\", got {raw!r}")
    version = (int(match.group(1)), int(match.group(2)))
    if version < MINIMUM_GRAFANA_VERSION:
        raise fields.error("version", f"Grafana {raw} is older than the oldest supported, "
                                      f"{'.'.join(map(str, MINIMUM_GRAFANA_VERSION))}")
    return version


def _state(fields: Fields) -> StateBackend:
    kind = fields.str("backend", "local")
    if kind not in BACKENDS:
        raise fields.error("backend", f"unknown state backend {kind!r}; one of: {', '.join(sorted(BACKENDS))}")
    required, optional = BACKENDS[kind]
    fields.only(("backend", "split", *required, *optional))
    split = fields.str("split", "none")
    if split not in SPLITS:
        raise fields.error("split", f"expected one of {', '.join(SPLITS)}, got {split!r}")
    settings: dict[str, Any] = {}
    for key in required:
        settings[key] = fields.str(key)
    for key in optional:
        value = fields.data.get(key)
        if value is None:
            continue
        settings[key] = fields.bool(key) if key in ("encrypt", "use_lockfile") else fields.str(key)
    if "dynamodb_table" in settings:  # Terraform 1.11 deprecates it; the S3 backend's lock file replaces it
        warn(fields.where, fields.path("dynamodb_table"),
             "DynamoDB locking is deprecated since Terraform 1.11: use `use_lockfile: true` (S3-native locking)")
    return StateBackend(kind=kind, settings=MappingProxyType(settings), split=split)


def _datasources(fields: Fields) -> Mapping[str, Mapping[str, Any]]:
    endpoints: dict[str, Mapping[str, Any]] = {}
    for uid in fields.data:
        entry = fields.sub(str(uid))
        for key, value in entry.data.items():
            if isinstance(value, (dict, list)) and key != "extra":
                raise entry.error(str(key), "expected a plain value (string, number or true/false)")
        endpoints[str(uid)] = entry.data
    return frozen(endpoints)


_NOT_A_SECRET = "(secrets such as webhook URLs, tokens or integration keys do not belong here: they are " \
                "named in alerts/contact-points/ and set as TF_VAR_<name>)"


def _contacts(fields: Fields) -> Contacts:
    fields.only(("slack_channel", "ops_email", "pagerduty", "incident_webhook"))
    for key in ("pagerduty", "incident_webhook"):
        value = fields.data.get(key)
        if value is not None and not isinstance(value, bool):
            raise fields.error(key, f"expected true or false, got {type_name(value)} {_NOT_A_SECRET}")
    channel = fields.str("slack_channel")
    if not re.match(r"^[#@][^\s]+$", channel):
        raise fields.error("slack_channel", f"expected a Slack channel such as '#incidents', got {channel!r}")
    emails = fields.str_list("ops_email", [])
    for index, address in enumerate(emails):
        if not re.match(r"^[^@\s]+@[^@\s]+$", address):
            raise UserError(fields.where, f"{fields.path('ops_email')}[{index}]",
                            f"expected an e-mail address, got {address!r}")
    return Contacts(slack_channel=channel, ops_email=tuple(emails), pagerduty=fields.bool("pagerduty", False),
                    incident_webhook=fields.bool("incident_webhook", False))


def _overrides(fields: Fields) -> Overrides:
    fields.only(("min_refresh", "thresholds"))
    min_refresh = fields.str("min_refresh", None)
    if min_refresh is not None and not DURATION.match(min_refresh):
        raise fields.error("min_refresh", f"expected a duration such as 30s or 1m, got {min_refresh!r}")
    thresholds = fields.sub("thresholds", {})
    values = {str(k): thresholds.number(str(k)) for k in thresholds.data}
    return Overrides(min_refresh=min_refresh, thresholds=MappingProxyType(values))


def load_environment(path: Path) -> Environment:
    where = display_path(path)
    fields = Fields(load_yaml(path), where)
    fields.only(("name", "grafana", "state", "datasources", "contacts", "overrides", "labels", "deploy_order"))
    name = path.stem
    if not ENV_NAME.match(name):
        raise UserError(where, "", f"environment file names must be lower-case letters, digits and '-' "
                                   f"(starting with a letter, at most 31 characters); got {name!r}")
    declared = fields.str("name", name)
    if declared != name:
        raise fields.error("name", f"must match the file name {name!r}, got {declared!r}")
    return Environment(
        name=name,
        file=where,
        grafana=_grafana(fields.sub("grafana")),
        state=_state(fields.sub("state", {"backend": "local"})),
        datasources=_datasources(fields.sub("datasources", {})),
        contacts=_contacts(fields.sub("contacts")),
        overrides=_overrides(fields.sub("overrides", {})),
        labels=frozen(fields.str_map("labels", {})),
        deploy_order=_deploy_order(fields),
    )


def _deploy_order(fields: Fields) -> int:
    order = fields.int("deploy_order", 1)
    if isinstance(order, bool) or order < 1:
        raise fields.error("deploy_order", f"expected a whole number from 1 (deployed first), got {order!r}")
    return order


def load_environments(directory: Path, only: list[str] | None = None) -> list[Environment]:
    """All environments, sorted by name; ``only`` selects some and rejects unknown names."""
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        raise UserError(display_path(directory), "", "no environment files (*.yaml) found")
    environments = sorted((load_environment(f) for f in files), key=lambda e: e.name)
    names = [e.name for e in environments]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise UserError(display_path(directory), "", f"environment defined twice: {', '.join(sorted(duplicates))}")
    if only:
        unknown = [n for n in only if n not in names]
        if unknown:
            raise UserError(display_path(directory), "", f"unknown environment {', '.join(map(repr, unknown))}; "
                                                         f"known: {', '.join(names)}")
        environments = [e for e in environments if e.name in only]
    return environments
