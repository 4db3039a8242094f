"""Team stacks (state.split: teams): what each stack holds, where it keeps its state, and that splitting loses,
duplicates and leaks nothing. On the fixture project of tests/shard_fixture.py and on the repository's catalog."""
from __future__ import annotations

import json
from pathlib import Path
from types import MappingProxyType

import pytest

from grafana_as_code.environment import StateBackend
from grafana_as_code.shards import team_state
from project_copy import copy_project, edit, run_cli, stack_files
from shard_fixture import make_project


def stacks_of(outdir: Path) -> dict[str, dict]:
    return {p.parent.name: json.loads(p.read_text()) for p in sorted((outdir / "stacks").glob("*/cdk.tf.json"))}


def objects(stack: dict) -> set[tuple[str, str]]:
    """(type, uid or folder:name) of the dashboards and rule groups a stack holds."""
    found = set()
    for name, body in stack.get("resource", {}).get("grafana_dashboard", {}).items():
        found.add(("dashboard", json.loads(body["config_json"])["uid"]))
    for name, body in stack.get("resource", {}).get("grafana_rule_group", {}).items():
        folder = body["folder_uid"]
        if folder.startswith("${grafana_folder."):  # a reference within the stack: the folder's uid
            folder = stack["resource"]["grafana_folder"][folder.split(".")[1]]["uid"]
        found.add(("rule_group", f"{folder}:{body['name']}"))
    return found


@pytest.fixture(scope="module")
def fixture_stacks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    root = make_project(tmp_path_factory.mktemp("shards") / "project")
    result = run_cli(root, "synth")
    assert result.returncode == 0, result.stderr
    return stacks_of(root / "cdktf.out")


def test_split_environment_has_a_shared_stack_and_one_per_owning_team(fixture_stacks: dict) -> None:
    assert sorted(fixture_stacks) == ["dev", "prod", "prod-infra", "prod-shop"]


def test_shared_stack_keeps_the_environment_state_and_team_stacks_get_their_own(fixture_stacks: dict) -> None:
    keys = {name: stack["terraform"]["backend"]["s3"]["key"] for name, stack in fixture_stacks.items()
            if name.startswith("prod")}
    assert keys == {"prod": "grafana/prod/terraform.tfstate",
                    "prod-infra": "grafana/prod/teams/infra/terraform.tfstate",
                    "prod-shop": "grafana/prod/teams/shop/terraform.tfstate"}
    for name in ("prod-infra", "prod-shop"):  # same bucket and lock table: the lock is per key
        backend = fixture_stacks[name]["terraform"]["backend"]["s3"]
        assert backend["bucket"] == "grafana-state" and backend["use_lockfile"] is True
    assert fixture_stacks["dev"]["terraform"]["backend"] == {"local": {"path": "../../../terraform.dev.tfstate"}}


def test_each_team_stack_holds_its_folders_objects_and_nothing_else(fixture_stacks: dict) -> None:
    assert objects(fixture_stacks["prod-shop"]) == {("dashboard", "shop-orders"), ("dashboard", "checkout-logs"),
                                                    ("rule_group", "shop:shop-errors")}
    assert objects(fixture_stacks["prod-infra"]) == {("dashboard", "infra-nodes")}
    assert objects(fixture_stacks["prod"]) == {("dashboard", "misc-about")}  # the folder no team owns
    # the shared stack keeps folders, data sources, teams, permissions and notifications
    shared = fixture_stacks["prod"]["resource"]
    assert set(shared) >= {"grafana_folder", "grafana_data_source", "grafana_team", "grafana_folder_permission",
                           "grafana_contact_point", "grafana_notification_policy"}
    for name in ("prod-infra", "prod-shop"):
        assert set(fixture_stacks[name]["resource"]) <= {"grafana_dashboard", "grafana_rule_group",
                                                          "grafana_library_panel"}


def test_splitting_loses_and_duplicates_nothing(fixture_stacks: dict) -> None:
    """dev is one stack; prod's stacks together hold the same objects, each exactly once."""
    split = [objects(fixture_stacks[name]) for name in ("prod", "prod-infra", "prod-shop")]
    together = set().union(*split)
    assert sum(len(s) for s in split) == len(together)
    assert together == objects(fixture_stacks["dev"])


def test_team_stacks_name_shared_objects_literally(fixture_stacks: dict) -> None:
    shop = fixture_stacks["prod-shop"]
    text = json.dumps(shop)
    assert "${grafana_" not in text  # no reference to a resource of another stack
    assert shop["resource"]["grafana_dashboard"]["shop-orders"]["folder"] == "shop"
    assert shop["resource"]["grafana_dashboard"]["checkout-logs"]["folder"] == "shop-checkout"
    rule = shop["resource"]["grafana_rule_group"]["shop_shop-errors"]
    assert rule["folder_uid"] == "shop" and rule["rule"][0]["data"][0]["datasource_uid"] == "prom"
    assert list(shop["variable"]) == ["grafana_auth"]  # the data source and contact point secrets stay shared
    assert shop["provider"] == fixture_stacks["prod"]["provider"]


@pytest.mark.parametrize("kind, settings, expected", [
    ("local", {}, {}),
    ("local", {"path": "state/prod.tfstate"}, {"path": "state/prod-shop.tfstate"}),
    ("local", {"path": "state/prod"}, {"path": "state/prod-shop"}),
    ("s3", {"bucket": "b", "key": "grafana/prod/terraform.tfstate", "region": "r", "use_lockfile": True},
     {"bucket": "b", "key": "grafana/prod/teams/shop/terraform.tfstate", "region": "r", "use_lockfile": True}),
    ("s3", {"bucket": "b", "key": "prod.tfstate", "region": "r"}, {"bucket": "b", "key": "teams/shop/prod.tfstate",
                                                                   "region": "r"}),
    ("gcs", {"bucket": "b", "prefix": "grafana/prod"}, {"bucket": "b", "prefix": "grafana/prod/teams/shop"}),
    ("gcs", {"bucket": "b"}, {"bucket": "b", "prefix": "teams/shop"}),
    ("remote", {"organization": "o", "workspace": "grafana-prod"}, {"organization": "o",
                                                                    "workspace": "grafana-prod-shop"}),
    ("cloud", {"organization": "o", "workspace": "grafana-prod", "project": "p"},
     {"organization": "o", "workspace": "grafana-prod-shop", "project": "p"}),
])
def test_team_state_is_derived_from_the_environments_backend(kind: str, settings: dict, expected: dict) -> None:
    derived = team_state(StateBackend(kind, MappingProxyType(settings), "teams"), "prod", "shop")
    assert derived.kind == kind and dict(derived.settings) == expected


def test_local_team_state_lands_beside_the_environments(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    (root / "environments" / "dev.yaml").write_text((root / "environments" / "dev.yaml").read_text()
                                                    .replace("backend: local", "backend: local\n  split: teams"))
    result = run_cli(root, "synth", "--env", "dev")
    assert result.returncode == 0, result.stderr
    stacks = stacks_of(root / "cdktf.out")
    assert stacks["dev-shop"]["terraform"]["backend"] == {"local": {"path": "../../../terraform.dev-shop.tfstate"}}
    assert stacks["dev"]["terraform"]["backend"] == {"local": {"path": "../../../terraform.dev.tfstate"}}


def test_unknown_split_and_clashing_stack_names_are_errors(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    prod = root / "environments" / "prod.yaml"
    edit(prod, "split: teams", "split: folders")
    result = run_cli(root, "synth", "--no-validate")
    assert result.returncode == 1
    assert "error: environments/prod.yaml: state.split: expected one of none, teams, got 'folders'" in result.stderr
    edit(prod, "split: folders", "split: teams")
    (root / "environments" / "prod-shop.yaml").write_text((root / "environments" / "dev.yaml").read_text())
    result = run_cli(root, "stacks")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("error: environments/prod.yaml: state.split: the stack of team 'shop' (teams/shop.yaml) in environment "
            "'prod' would be named 'prod-shop', like environment 'prod-shop'") in result.stderr


def test_stacks_lists_every_stack_shared_first(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    result = run_cli(root, "stacks", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["include"]
    assert [(r["stack"], r["environment"], r["team"], r["wave"]) for r in rows] == [
        ("dev", "dev", "", 0), ("prod", "prod", "", 0), ("prod-infra", "prod", "infra", 1),
        ("prod-shop", "prod", "shop", 1)]
    assert rows[2]["stack_dir"] == "cdktf.out/stacks/prod-infra"


def test_catalog_split_is_deterministic_and_keeps_teams_apart(tmp_path: Path) -> None:
    """The repository's own catalog with prod split: every team stack holds only folders its team owns, and the
    output is byte-identical from copies written in different orders."""
    from grafana_as_code.folders import load_folders
    from grafana_as_code.teams import load_teams, owner_of

    outputs = []
    for name, seed in (("a", None), ("b", 7)):  # sorted, then a shuffled creation order
        root = copy_project(tmp_path / name, shuffle_seed=seed)
        edit(root / "environments" / "prod.yaml", "state:\n", "state:\n  split: teams\n")
        result = run_cli(root, "synth")
        assert result.returncode == 0, result.stderr
        outputs.append(stack_files(root / "cdktf.out"))
    assert outputs[0] == outputs[1]
    folders = load_folders(root / "dashboards")
    teams = load_teams(root / "teams", folders)
    owner = {f.uid: (owner_of(f.path, teams).key if owner_of(f.path, teams) else None) for f in folders}
    stacks = stacks_of(root / "cdktf.out")
    team_stacks = {name: s for name, s in stacks.items() if name.startswith("prod-")}
    assert team_stacks, "no team owns a folder: the catalog split test checks nothing"
    for name, stack in team_stacks.items():
        team = name.removeprefix("prod-")
        for body in stack["resource"].get("grafana_dashboard", {}).values():
            assert owner[body["folder"]] == team, (name, body["folder"])
        for body in stack["resource"].get("grafana_rule_group", {}).values():
            assert owner[body["folder_uid"]] == team, (name, body["folder_uid"])
    split = [objects(stacks[n]) for n in stacks if n == "prod" or n.startswith("prod-")]
    assert sum(len(s) for s in split) == len(set().union(*split))
    assert set().union(*split) == objects(stacks["dev"])


def test_adopted_objects_are_imported_by_the_stack_that_declares_them(tmp_path: Path) -> None:
    """adopt/<env>.yaml (issue 10) in a split environment: each import block lands in the stack holding the object."""
    root = make_project(tmp_path / "project")
    (root / "adopt").mkdir()
    (root / "adopt" / "prod.yaml").write_text("folders: [shop]\ndashboards: [shop-orders, misc-about]\n"
                                              "rule_groups:\n  - {folder: shop, group: shop-errors}\n")
    result = run_cli(root, "synth", "--env", "prod")
    assert result.returncode == 0, result.stderr
    stacks = stacks_of(root / "cdktf.out")
    imports = {name: sorted((b["to"], b["id"]) for b in stack.get("import", [])) for name, stack in stacks.items()}
    assert imports == {
        "prod": [("grafana_dashboard.misc-about", "misc-about"), ("grafana_folder.shop", "shop")],
        "prod-shop": [("grafana_dashboard.shop-orders", "shop-orders"),
                      ("grafana_rule_group.shop_shop-errors", "shop:shop-errors")],
        "prod-infra": []}
