"""One environment's Grafana as Terraform stacks (``cdktf.out/stacks/<name>/``): the environment's shared stack,
and with ``state.split: teams`` one stack per team owning folders (grafana_as_code/shards.py)."""
from __future__ import annotations

from grafana_as_code.bindings.runtime import StackResources, resource_at
from grafana_as_code.cdk import Construct, TerraformStack
from grafana_as_code.components.adoption import declared_resources, import_adopted
from grafana_as_code.components.dashboards import Dashboards
from grafana_as_code.components.datasources import DataSources
from grafana_as_code.components.folders import FolderTree
from grafana_as_code.components.library_panels import LibraryPanels
from grafana_as_code.components.notifications import NotificationResources
from grafana_as_code.components.rule_groups import RuleGroups
from grafana_as_code.components.secret_variables import SecretVariables
from grafana_as_code.components.shared_objects import SharedUids
from grafana_as_code.components.state_backend import configure_state_backend
from grafana_as_code.components.teams import Teams
from grafana_as_code.project import Catalog
from grafana_as_code.secrets import GRAFANA_AUTH
from grafana_as_code.shards import Shard
from imports.grafana import GrafanaProvider


# The Terraform the stacks are written for: ephemeral variables (>= 1.10) keep the Grafana token out of plan files,
# and S3's own lock file (`use_lockfile`, >= 1.10) replaces DynamoDB locking, deprecated in 1.11. The engine checks
# features against these targets; Terraform checks `required_version` before anything else.
TERRAFORM_TARGETS = {"terraform": ">=1.11.0"}
TERRAFORM_REQUIRED_VERSION = ">= 1.11.0"


class _Stack(TerraformStack):
    """A stack's backend, its sensitive variables and the provider."""

    def __init__(self, scope: Construct, shard: Shard, secrets: list) -> None:
        env = shard.env
        super().__init__(scope, shard.name)
        StackResources.named(self, shard.name, scope)
        self.node.set_context("targetVersions", TERRAFORM_TARGETS)
        self.add_override("terraform.required_version", TERRAFORM_REQUIRED_VERSION)
        configure_state_backend(self, shard.state)
        # The token is used by the provider only, so it can be ephemeral: never stored in a plan file or the state.
        self.secrets = SecretVariables(self, "secrets", secrets, ephemeral={GRAFANA_AUTH.name})
        GrafanaProvider(self, "grafana", url=env.grafana.url, auth=self.secrets.value(GRAFANA_AUTH.name),
                        retries=env.grafana.retries, retry_wait=env.grafana.retry_wait)
        self.org_id = str(env.grafana.org_id) if env.grafana.org_id is not None else None


class GrafanaStack(_Stack):
    """Everything of an environment, or with ``state.split: teams`` everything but what team stacks hold."""

    def __init__(self, scope: Construct, shard: Shard) -> None:
        catalog: Catalog = shard.catalog
        super().__init__(scope, shard, catalog.secrets)
        secrets, org_id = self.secrets, self.org_id
        folders = FolderTree(self, "folders", catalog.folders, org_id)
        datasources = DataSources(self, "datasources", catalog.datasources, secrets, org_id)
        Teams(self, "teams", catalog.teams, catalog.folder_access, folders, org_id)
        library_panels = LibraryPanels(self, "library-panels", catalog.library_panels, folders, org_id)
        dashboards = Dashboards(self, "dashboards", catalog.dashboards, folders, org_id, library_panels=library_panels)
        notifications = NotificationResources(self, "notifications", catalog.notifications, secrets, org_id)
        rules = RuleGroups(self, "alert-rules", catalog.rule_groups, folders, datasources, org_id,
                           targets=notifications)
        # Objects that already exist in this Grafana: imported into their resources instead of created (adopt/);
        # with team stacks, each stack imports those it declares.
        import_adopted(catalog.adoption,
                       declared_resources(folders, datasources, dashboards, notifications, rules, library_panels),
                       partial=shard.env.state.split != "none")
        if shard.migration is not None:  # moving to team stacks: forget what they adopt, without destroying it
            forget(self, shard)
            for old, new in shard.migration.renames:  # through the engine, beside the components' own moves
                resource = resource_at(self, new)
                if resource is not None:
                    resource.move_from_id(old)


class TeamStack(_Stack):
    """One team's dashboards, library panels and rule groups in one environment; folders, data sources, contact
    points and mute timings are the shared stack's, named by their literal uids and names."""

    def __init__(self, scope: Construct, shard: Shard) -> None:
        catalog: Catalog = shard.catalog
        grafana_auth = next(s for s in catalog.secrets if s.name == GRAFANA_AUTH.name)
        super().__init__(scope, shard, [grafana_auth])
        org_id = self.org_id
        folders = SharedUids("folder", (f.uid for f in catalog.folders))
        datasources = SharedUids("data source", (d.uid for d in catalog.datasources))
        # A dashboard waits for the library panels it shows when they are in this stack; one of another team's
        # stack is named by its uid (deploy that team's stack first, see README "Stacks per team").
        library_panels = LibraryPanels(self, "library-panels", catalog.library_panels, folders, org_id)
        dashboards = Dashboards(self, "dashboards", catalog.dashboards, folders, org_id, library_panels=library_panels)
        # No notification targets: contact point and mute timing names are written as they are.
        rules = RuleGroups(self, "alert-rules", catalog.rule_groups, folders, datasources, org_id)
        import_adopted(catalog.adoption, {"grafana_dashboard": {(uid,): r for uid, r in dashboards.by_uid.items()},
                                          "grafana_rule_group": dict(rules.by_key),
                                          "grafana_library_panel": {(uid,): r for uid, r in
                                                                    library_panels._by_uid.items()}}, partial=True)
        if shard.migration is not None:  # moving between stacks: forget what leaves, adopt what arrives
            forget(self, shard)
            for address, import_id in shard.migration.imports_into(shard.name):
                resource = resource_at(self, address)
                if resource is not None:  # else make synth's migration check names the address
                    resource.import_from(import_id)


def forget(stack: TerraformStack, shard: Shard) -> None:
    """``removed`` blocks (destroy = false) for what leaves this stack in a migration (grafana_as_code/migration.py)."""
    blocks = shard.migration.removed_blocks(shard.name)
    if blocks:
        stack.add_override("removed", blocks)


def add_stacks(scope: Construct, shards: list[Shard]) -> None:
    for shard in shards:
        (GrafanaStack if shard.shared else TeamStack)(scope, shard)
