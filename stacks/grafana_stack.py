"""Everything one environment's Grafana needs, as one Terraform stack (``cdktf.out/stacks/<env>/``)."""
from __future__ import annotations

from grafana_as_code.cdk import Construct, TerraformStack
from grafana_as_code.components.adoption import declared_resources, import_adopted
from grafana_as_code.components.dashboards import Dashboards
from grafana_as_code.components.datasources import DataSources
from grafana_as_code.components.folders import FolderTree
from grafana_as_code.components.library_panels import LibraryPanels
from grafana_as_code.components.notifications import NotificationResources
from grafana_as_code.components.rule_groups import RuleGroups
from grafana_as_code.components.secret_variables import SecretVariables
from grafana_as_code.components.state_backend import configure_state_backend
from grafana_as_code.components.teams import Teams
from grafana_as_code.project import Catalog
from grafana_as_code.secrets import GRAFANA_AUTH
from imports.grafana import GrafanaProvider


# The Terraform the stacks are written for: ephemeral variables (>= 1.10) keep the Grafana token out of plan files,
# and S3's own lock file (`use_lockfile`, >= 1.10) replaces DynamoDB locking, deprecated in 1.11. The engine checks
# features against these targets; Terraform checks `required_version` before anything else.
TERRAFORM_TARGETS = {"terraform": ">=1.11.0"}
TERRAFORM_REQUIRED_VERSION = ">= 1.11.0"


class GrafanaStack(TerraformStack):
    def __init__(self, scope: Construct, catalog: Catalog) -> None:
        env = catalog.env
        super().__init__(scope, env.name)
        self.node.set_context("targetVersions", TERRAFORM_TARGETS)
        self.add_override("terraform.required_version", TERRAFORM_REQUIRED_VERSION)
        configure_state_backend(self, env.state)
        # The token is used by the provider only, so it can be ephemeral: never stored in a plan file or the state.
        secrets = SecretVariables(self, "secrets", catalog.secrets, ephemeral={GRAFANA_AUTH.name})
        GrafanaProvider(self, "grafana", url=env.grafana.url, auth=secrets.value(GRAFANA_AUTH.name),
                        retries=env.grafana.retries, retry_wait=env.grafana.retry_wait)
        org_id = str(env.grafana.org_id) if env.grafana.org_id is not None else None
        folders = FolderTree(self, "folders", catalog.folders, org_id)
        datasources = DataSources(self, "datasources", catalog.datasources, secrets, org_id)
        Teams(self, "teams", catalog.teams, catalog.folder_access, folders, org_id)
        library_panels = LibraryPanels(self, "library-panels", catalog.library_panels, folders, org_id)
        dashboards = Dashboards(self, "dashboards", catalog.dashboards, folders, org_id, library_panels=library_panels)
        notifications = NotificationResources(self, "notifications", catalog.notifications, secrets, org_id)
        rules = RuleGroups(self, "alert-rules", catalog.rule_groups, folders, datasources, org_id,
                           targets=notifications)
        # Objects that already exist in this Grafana: imported into their resources instead of created (adopt/).
        import_adopted(catalog.adoption,
                       declared_resources(folders, datasources, dashboards, notifications, rules, library_panels))
