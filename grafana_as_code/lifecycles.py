"""How the provider deletes each resource type we manage, and which ``lifecycle`` settings are therefore safe.

``create_before_destroy`` creates the replacement first and deletes the old object after. That is only safe when the
delete can tell the two apart. Every type below is deleted by a key the replacement keeps (its uid or name): a
replacement that keeps the key is either refused at create ("already exists") or deleted together with the old
object. The worst case is the contact point: the provider deletes *every integration of that name*, so the new
integrations go too, the apply fails or state holds a contact point that is empty. So none of our resources is
``create_before_destroy``; ``tests/test_lifecycles.py`` checks every ``lifecycle`` of the synthesized stacks
against this table.

Renames are not replacements here: a resource's Terraform address is made from its uid or name, so a renamed
object is a new address (create the new, then delete the old after its dependents were updated).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DeleteSemantics:
    resource_type: str
    deleted_by: str  # the key the provider's delete uses
    # whether a replacement (ForceNew) may keep that key, or cannot exist next to the old object at all
    replacement_keeps_key: bool
    source: str  # provider v4.45.1, internal/resources/grafana/

    @property
    def create_before_destroy_safe(self) -> bool:
        return not self.replacement_keeps_key


DELETE_SEMANTICS: dict[str, DeleteSemantics] = {d.resource_type: d for d in (
    DeleteSemantics("grafana_folder", "uid", True, "resource_folder.go: DeleteFolder(uid); uid is ForceNew"),
    DeleteSemantics("grafana_data_source", "uid", True, "resource_data_source.go: DeleteDataSourceByUID"),
    DeleteSemantics("grafana_dashboard", "uid", True,
                    "resource_dashboard.go DeleteDashboard: DeleteDashboardByUID; a uid change in config_json forces "
                    "a new resource, but org_id keeps the uid"),
    DeleteSemantics("grafana_library_panel", "uid", True, "resource_library_panel.go: DeleteLibraryElementByUID"),
    DeleteSemantics("grafana_rule_group", "folder uid and group name", True,
                    "resource_alerting_rule_group.go deleteAlertRuleGroup: reads the group by folder and name, then "
                    "deletes every rule in it"),
    DeleteSemantics("grafana_contact_point", "name (every integration of that name)", True,
                    "resource_alerting_contact_point.go deleteContactPoint: GetContactpoints(name) then "
                    "DeleteContactpoints for each; disable_provenance is ForceNew and keeps the name"),
    DeleteSemantics("grafana_message_template", "name", True,
                    "resource_alerting_message_template.go Delete: DeleteTemplate(name); disable_provenance "
                    "RequiresReplace keeps the name"),
    DeleteSemantics("grafana_mute_timing", "name", True,
                    "resource_alerting_mute_timing.go deleteMuteTiming: DeleteMuteTiming(name); "
                    "disable_provenance is ForceNew"),
    DeleteSemantics("grafana_notification_policy", "the org's single tree (reset to Grafana's default)", True,
                    "resource_alerting_notification_policy.go deleteNotificationPolicy: ResetPolicyTree"),
    DeleteSemantics("grafana_team", "numeric team id (Grafana's own), but names are unique per org", True,
                    "resource_team.go Delete: DeleteTeamByID; a replacement keeps the name, and Grafana refuses a "
                    "second team of that name, so creating it first fails"),
    DeleteSemantics("grafana_folder_permission", "folder uid (all permissions reset)", True,
                    "resource_folder_permission.go: permissions of the folder set to none"),
)}


def lifecycle_problems(stack: dict[str, Any]) -> list[str]:
    """Every ``lifecycle`` in a synthesized stack that the delete semantics make unsafe, or that we cannot judge."""
    problems = []
    for resource_type, blocks in sorted((stack.get("resource") or {}).items()):
        for name, block in sorted(blocks.items()):
            lifecycle = block.get("lifecycle") or {}
            if not lifecycle.get("create_before_destroy"):
                continue
            semantics = DELETE_SEMANTICS.get(resource_type)
            if semantics is None:
                problems.append(f"{resource_type}.{name}: create_before_destroy on a type whose delete semantics "
                                "are not documented in grafana_as_code/lifecycles.py")
            elif semantics.create_before_destroy_safe:
                continue
            else:
                problems.append(f"{resource_type}.{name}: create_before_destroy, but the provider deletes by "
                                f"{semantics.deleted_by}, which a replacement keeps ({semantics.source})")
    return problems
