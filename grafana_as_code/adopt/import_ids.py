"""Terraform import ids of the resource types we manage, in the formats the provider documents.

Source: grafana/terraform-provider-grafana v4.45.1, ``examples/resources/<type>/import.sh`` (also in
/work/shared/reference/grafana-provider.md), and the parser of every id, ``internal/common/resource_id.go``: the id
is split on ``:`` and must have exactly as many parts as fields, the org id first and optional, an integer. So a
uid or name that itself holds a ``:`` cannot be imported (the split would see one part too many).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportIdFormat:
    resource_type: str
    fields: tuple[str, ...]  # after the optional "{{ orgID }}:"
    example: str  # as in the provider's import.sh, without the org id

    @property
    def pattern(self) -> str:
        return ":".join(f"{{{{ {name} }}}}" for name in ("orgID", *self.fields))


FORMATS: dict[str, ImportIdFormat] = {f.resource_type: f for f in (
    ImportIdFormat("grafana_folder", ("uid",), "{{ uid }}"),
    ImportIdFormat("grafana_data_source", ("uid",), "{{ uid }}"),
    ImportIdFormat("grafana_dashboard", ("uid",), "{{ uid }}"),
    ImportIdFormat("grafana_library_panel", ("uid",), "{{ uid }}"),
    ImportIdFormat("grafana_rule_group", ("folderUID", "title"), "{{ folderUID }}:{{ title }}"),
    ImportIdFormat("grafana_contact_point", ("name",), "{{ name }}"),
    ImportIdFormat("grafana_message_template", ("name",), "{{ name }}"),
    ImportIdFormat("grafana_mute_timing", ("name",), "{{ name }}"),
    # a singleton: any string names it; the provider itself uses "policy" (PolicySingletonID)
    ImportIdFormat("grafana_notification_policy", ("anyString",), "{{ anyString }}"),
)}
POLICY_ID = "policy"


def id_problem(resource_type: str, parts: tuple[str, ...]) -> str | None:
    """Why these parts cannot make an import id for ``resource_type``, or None."""
    form = FORMATS.get(resource_type)
    if form is None:
        return f"no documented import id for {resource_type}"
    if len(parts) != len(form.fields):
        return f"expected {len(form.fields)} part(s) ({', '.join(form.fields)}), got {len(parts)}"
    for name, part in zip(form.fields, parts):
        if not part:
            return f"{name} is empty"
        if ":" in part:
            return (f"{name} {part!r} contains ':', which the provider's import id cannot hold "
                    f"(it splits {form.pattern} on ':')")
    return None


def import_id(resource_type: str, parts: tuple[str, ...], org_id: int | None = None) -> str:
    """The id ``terraform import`` takes; ``parts`` must pass ``id_problem``."""
    problem = id_problem(resource_type, parts)
    if problem:
        raise ValueError(problem)
    return ":".join(([str(org_id)] if org_id is not None else []) + list(parts))


def check_import_id(resource_type: str, text: str) -> str | None:
    """Why ``text`` is not an id the provider can parse for ``resource_type`` (resource_id.go Split), or None."""
    form = FORMATS.get(resource_type)
    if form is None:
        return f"no documented import id for {resource_type}"
    parts = text.split(":")
    if len(parts) == len(form.fields) + 1:
        if not parts[0].lstrip("-").isdigit():
            return f"{text!r}: the org id {parts[0]!r} is not an integer (format {form.pattern})"
        parts = parts[1:]
    elif len(parts) != len(form.fields):
        return f"{text!r} does not match {form.pattern} (the org id is optional)"
    if not all(parts):
        return f"{text!r} has an empty part (format {form.pattern})"
    return None
