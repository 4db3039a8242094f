"""`shard-migration`: an environment moving from one stack to team stacks keeps every object exactly once.

The fixture project (shard_fixture.py) is synthesized as it was deployed (prod as one stack), then with
`state.split: teams` and the generated migrations/prod.yaml. Every resource of the old stack must be either still
declared in the shared stack (same address, or a `moved` block), or forgotten there by exactly one `removed` block
(destroy = false) and adopted by exactly one `import` block in exactly one team stack; no other block may exist.
Terraform itself runs the `removed` and `moved` blocks as written, on its built-in terraform_data resource.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from grafana_as_code.migration import Migration, Move, resources
from project_copy import edit, run_cli
from shard_fixture import make_project


def synth_stacks(root: Path) -> dict[str, dict]:
    result = run_cli(root, "synth", "--env", "prod")
    assert result.returncode == 0, result.stderr
    return {p.parent.name: json.loads(p.read_text()) for p in (root / "cdktf.out" / "stacks").glob("*/cdk.tf.json")}


@pytest.fixture(scope="module")
def before_and_after(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict[str, dict], str]:
    base = tmp_path_factory.mktemp("migration")
    deployed = make_project(base / "deployed")
    edit(deployed / "environments" / "prod.yaml", "  split: teams\n", "")
    root = make_project(base / "split")
    # a name the single stack had to qualify: two folders with a rule group called "errors"
    for project in (deployed, root):
        (project / "alerts" / "rules" / "infra.yaml").write_text(
            (project / "alerts" / "rules" / "shop.yaml").read_text().replace("shop-errors", "errors")
            .replace("OrdersFailing", "NodesFailing").replace("team: shop", "team: infra"))
        (project / "alerts" / "grafana" / "infra.yaml").write_text("folder: infra\ndatasource: prom\n")
        (project / "alerts" / "rules" / "misc.yaml").write_text(
            (project / "alerts" / "rules" / "shop.yaml").read_text().replace("shop-errors", "errors")
            .replace("OrdersFailing", "MiscFailing").replace("team: shop", "team: infra"))
        (project / "alerts" / "grafana" / "misc.yaml").write_text("folder: misc\ndatasource: prom\n")
    before = synth_stacks(deployed)["prod"]
    result = run_cli(root, "shard-migration", "--env", "prod")
    assert result.returncode == 0, result.stderr
    assert "Wrote migrations/prod.yaml" in result.stdout
    text = (root / "migrations" / "prod.yaml").read_text()
    return before, synth_stacks(root), text


def test_every_resource_of_the_old_stack_is_kept_exactly_once(before_and_after: tuple) -> None:
    before, after, _ = before_and_after
    old = resources(before)
    shared = after["prod"]
    removed = Counter(block["from"] for block in shared.get("removed", []))
    moved = {block["from"]: block["to"] for block in shared.get("moved", [])}
    earlier = {}  # the old stack's own moves (addresses of earlier releases): a state may still hold those
    for block in before.get("moved", []):
        earlier.setdefault(block["to"], []).append(block["from"])
    assert all(block["lifecycle"] == {"destroy": False} for block in shared.get("removed", []))
    imports = Counter((name, block["to"], block["id"]) for name, stack in after.items()
                      for block in stack.get("import", []))
    new = {name: resources(stack) for name, stack in after.items()}
    moved_to_teams = 0
    for key, address in old.items():
        holders = [name for name, found in new.items() if key in found]
        assert len(holders) == 1, (key, holders)  # nothing lost, nothing duplicated
        holder = holders[0]
        if holder == "prod":
            assert removed[address] == 0, address  # still declared: never forgotten
            if new["prod"][key] != address:
                assert moved[address] == new["prod"][key]
        else:
            moved_to_teams += 1
            assert removed[address] == 1, address
            for alias in earlier.get(address, []):  # forgotten at its earlier address too, never destroyed there
                assert removed[alias] == 1, alias
            assert imports[(holder, new[holder][key], key[1])] == 1, key
    aliases = sum(len(earlier.get(address, [])) for key, address in old.items() if key not in new["prod"])
    assert moved_to_teams == sum(imports.values()) and sum(removed.values()) == moved_to_teams + aliases
    assert set(new["prod"]) | {k for n, found in new.items() if n != "prod" for k in found} == set(old)
    assert moved_to_teams > 0 and aliases > 0, "the fixture moves nothing: the test checks nothing"


def test_import_ids_are_the_providers(before_and_after: tuple) -> None:
    _, after, _ = before_and_after
    ids = {(b["to"], b["id"]) for b in after["prod-shop"].get("import", [])}
    assert ("grafana_dashboard.shop-orders", "shop-orders") in ids
    assert ("grafana_rule_group.shop_shop-errors", "shop:shop-errors") in ids  # folderUID:title (import.sh)
    assert ("grafana_rule_group.infra_errors", "infra:errors") in {(b["to"], b["id"])
                                                            for b in after["prod-infra"].get("import", [])}


def test_the_file_is_reviewable_and_deterministic(before_and_after: tuple, tmp_path: Path) -> None:
    _, _, text = before_and_after
    assert text.startswith("# Generated by `python -m grafana_as_code shard-migration --env prod`")
    assert "- type: grafana_dashboard\n  id: checkout-logs\n  from: grafana_dashboard.checkout-logs\n" \
           "  stack: prod-shop\n  to: grafana_dashboard.checkout-logs\n" in text


def test_a_stale_migration_file_stops_synthesis(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    assert run_cli(root, "shard-migration", "--env", "prod").returncode == 0
    (root / "dashboards" / "infra" / "nodes.yaml").unlink()  # a moved dashboard disappears afterwards
    result = run_cli(root, "synth", "--env", "prod")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("error: migrations/prod.yaml: moves[0].to: grafana_dashboard.infra-nodes is not declared in stack "
            "prod-infra: regenerate with `shard-migration --env prod`") in result.stderr
    assert not (root / "cdktf.out").exists()


def test_migration_needs_the_split(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    result = run_cli(root, "shard-migration", "--env", "dev")
    assert result.returncode == 1
    assert "error: environments/dev.yaml: state.split: is not `teams`" in result.stderr


def test_terraform_forgets_without_destroying_and_follows_moves(tmp_path: Path) -> None:
    """The blocks exactly as synthesis writes them, run by Terraform on built-in resources (offline)."""
    assert shutil.which("terraform"), "terraform (1.7 or later) is needed for this test"
    env = dict(os.environ, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")

    def terraform(*args: str) -> str:
        done = subprocess.run(["terraform", args[0], "-input=false", "-no-color", *args[1:]], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    config = tmp_path / "main.tf.json"
    config.write_text(json.dumps({"resource": {"terraform_data": {"a": {"input": "a"}, "b": {"input": "b"}}}}))
    terraform("init")
    terraform("apply", "-auto-approve")
    migration = Migration(env="prod", file="migrations/prod.yaml",
                          moves=(Move("terraform_data", "a", "terraform_data.a", "prod-shop", "terraform_data.a"),),
                          renames=(("terraform_data.b", "terraform_data.c"),))
    config.write_text(json.dumps({"resource": {"terraform_data": {"c": {"input": "b"}}},
                                  "removed": migration.removed_blocks("prod"), "moved": migration.moved_blocks()}))
    terraform("plan", "-out=migration.tfplan")
    plan = json.loads(subprocess.run(["terraform", "show", "-json", "migration.tfplan"], cwd=tmp_path, env=env,
                                     capture_output=True, text=True, check=True).stdout)
    actions = {c["address"]: (c["change"]["actions"], c.get("previous_address")) for c in plan["resource_changes"]}
    assert actions == {"terraform_data.a": (["forget"], None), "terraform_data.c": (["no-op"], "terraform_data.b")}
    terraform("apply", "migration.tfplan")
    # once applied, the blocks are no-ops: the file can stay until every stack is done
    assert "No changes." in terraform("plan")


def test_python_main_py_gives_the_same_split_stacks_and_blocks(tmp_path: Path) -> None:
    """`cdktn synth` runs `python main.py`: with team stacks and a migration under way it writes what `make synth`
    writes (make synth builds main.py's stacks in its own process)."""
    import sys

    from project_copy import stack_files

    root = make_project(tmp_path / "project")
    assert run_cli(root, "shard-migration", "--env", "prod").returncode == 0
    assert run_cli(root, "synth").returncode == 0
    made = stack_files(root / "cdktf.out")
    shutil.rmtree(root / "cdktf.out")
    done = subprocess.run([sys.executable, "main.py"], cwd=root, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, CDKTF_OUTDIR="cdktf.out"))
    assert done.returncode == 0, done.stderr
    written = {k: v for k, v in stack_files(root / "cdktf.out").items() if k.startswith("stacks/")}
    assert written == {k: v for k, v in made.items() if k.startswith("stacks/")}
    assert b'"removed"' in written["stacks/prod/cdk.tf.json"] and b'"import"' in written["stacks/prod-shop/cdk.tf.json"]


def test_a_hand_written_move_between_team_stacks(tmp_path: Path) -> None:
    """A folder changing team: the file names the stack it leaves (`from_stack`); that stack forgets the object,
    the new owner's imports it."""
    root = make_project(tmp_path / "project")
    (root / "teams" / "infra.yaml").write_text("name: Infrastructure\nfolders: [infra, shop/checkout]\n")
    (root / "migrations").mkdir()
    (root / "migrations" / "prod.yaml").write_text(
        "moves:\n- {type: grafana_dashboard, id: checkout-logs, from: grafana_dashboard.checkout-logs,\n"
        "   from_stack: prod-shop, stack: prod-infra, to: grafana_dashboard.checkout-logs}\n")
    stacks = synth_stacks(root)
    assert stacks["prod-shop"]["removed"] == [{"from": "grafana_dashboard.checkout-logs",
                                               "lifecycle": {"destroy": False}}]
    assert stacks["prod-infra"]["import"] == [{"id": "checkout-logs", "to": "grafana_dashboard.checkout-logs"}]
    assert "removed" not in stacks["prod"] and "import" not in stacks["prod-shop"]
    (root / "migrations" / "prod.yaml").write_text(
        (root / "migrations" / "prod.yaml").read_text().replace("from_stack: prod-shop", "from_stack: prod-infra"))
    result = run_cli(root, "synth", "--env", "prod")
    assert result.returncode == 1
    assert ("error: migrations/prod.yaml: moves[0].from: grafana_dashboard.checkout-logs is still declared in stack "
            "prod-infra") in result.stderr
