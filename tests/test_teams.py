"""Teams (teams/*.yaml) and the folder permissions they own, on small trees of their own."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from grafana_as_code.errors import UserError, collecting_warnings
from grafana_as_code.folders import load_folders
from grafana_as_code.teams import folder_access, load_teams, owner_of

from project_copy import copy_fixture_project, run_cli


def tree(root: Path, folders: dict[str, str], teams: dict[str, str]) -> Path:
    """``folders``: path -> _folder.yaml text; ``teams``: key -> teams/<key>.yaml text."""
    for path, text in folders.items():
        (root / "dashboards" / path).mkdir(parents=True, exist_ok=True)
        (root / "dashboards" / path / "_folder.yaml").write_text(text)
    (root / "teams").mkdir(parents=True, exist_ok=True)
    for key, text in teams.items():
        (root / "teams" / f"{key}.yaml").write_text(text)
    return root


def access(root: Path):
    folders = load_folders(root / "dashboards")
    teams = load_teams(root / "teams", folders)
    return teams, {a.folder.path: a for a in folder_access(folders, teams)}


FOLDERS = {"shop": "title: Shop\n", "shop/payments": "title: Payments\n", "shop/audit": "title: Audit\n",
           "misc": "title: Misc\n"}


def test_owners_edit_and_everyone_views_by_default(tmp_path: Path) -> None:
    root = tree(tmp_path, FOLDERS, {"shop": "name: Shop team\nfolders: [shop]\n",
                                    "pay": "name: Payments team\nfolders: [shop/payments]\n"})
    teams, by_path = access(root)
    assert sorted(by_path) == ["shop", "shop/audit", "shop/payments"]  # misc has no owner: no managed permissions
    assert by_path["shop/audit"].owner == "shop"  # inherited from the nearest owned ancestor
    assert by_path["shop/payments"].owner == "pay"  # the nearer claim wins
    assert all(a.viewers is None for a in by_path.values())
    assert owner_of("shop/payments/deep", teams).key == "pay" and owner_of("misc", teams) is None


@pytest.mark.parametrize("shop_owner", ["shop", None])
def test_restricted_viewers_need_a_restricted_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     shop_owner: str | None) -> None:
    folders = dict(FOLDERS, **{"shop/audit": "title: Audit\nviewers: [security]\n"})
    teams = {"security": "name: Security\n" + ("" if shop_owner else "folders: [shop/audit]\n")}
    if shop_owner:
        teams[shop_owner] = "name: Shop\nfolders: [shop]\n"
    root = tree(tmp_path, folders, teams)
    monkeypatch.chdir(root)
    with pytest.raises(UserError) as caught:
        access(root)
    assert str(caught.value) == ("dashboards/shop/audit/_folder.yaml: viewers: Grafana's nested folders inherit "
                                 "permissions: everyone who can view 'shop' can view this folder too; give the "
                                 "parent an owner and restrict its viewers as well")


def test_restricted_viewers_under_a_restricted_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folders = dict(FOLDERS, **{"shop": "title: Shop\nviewers: [security, shop]\n",
                               "shop/audit": "title: Audit\nviewers: [security]\n"})
    root = tree(tmp_path, folders, {"shop": "name: Shop\nfolders: [shop]\n", "security": "name: Security\n"})
    monkeypatch.chdir(root)
    _, by_path = access(root)
    assert by_path["shop"].viewers == ("security",)  # the owner edits: it is not listed again as a viewer
    assert by_path["shop/audit"].viewers == ("security",)
    assert by_path["shop/payments"].viewers == ("security",)  # inherited


def test_every_problem_is_named_with_file_and_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folders = dict(FOLDERS, misc="title: Misc\nviewers: [nobody]\n")
    root = tree(tmp_path, folders, {"a": "name: A\nfolders: [shop, nowhere]\n", "b": "name: A\nfolders: [shop]\n",
                                    "c": "name: C\nexisting: true\nmembers: [x@example.com]\n",
                                    "Bad_Key": "name: Bad\n"})
    monkeypatch.chdir(root)
    with pytest.raises(UserError) as caught:
        access(root)
    assert str(caught.value).splitlines() == [
        "teams/Bad_Key.yaml: team file names must be lower-case letters, digits and '-' (starting with a letter, "
        "at most 40 characters); got 'Bad_Key'",
        "teams/c.yaml: existing: an existing team is only looked up by name: its email, members and admins are "
        "managed where it comes from (drop them here)",
        "teams/a.yaml: folders[1]: unknown folder 'nowhere' (a directory under dashboards/); known: misc, shop, "
        "shop/audit, shop/payments",
        "teams/b.yaml: name: 'A' is also the name of teams/a.yaml; team names are unique",
        "teams/b.yaml: folders[0]: folder 'shop' is already owned by teams/a.yaml; a folder has one owner",
    ]


def test_viewers_on_an_unowned_folder_or_an_unknown_team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folders = dict(FOLDERS, misc="title: Misc\nviewers: everyone\n",
                   **{"shop/audit": "title: Audit\nviewers: [ghosts]\n"})
    root = tree(tmp_path, folders, {"shop": "name: Shop\nfolders: [shop]\n"})
    monkeypatch.chdir(root)
    with pytest.raises(UserError) as caught:
        access(root)
    lines = str(caught.value).splitlines()
    assert "dashboards/misc/_folder.yaml: viewers: only folders a team owns have managed permissions: add this " \
           "folder to a team's `folders` in teams/" in lines
    assert "dashboards/shop/audit/_folder.yaml: viewers[0]: unknown team 'ghosts'; teams are the files in teams/ " \
           "(shop)" in lines


def test_an_owned_folder_under_an_unmanaged_parent_is_a_warning(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path, FOLDERS, {"pay": "name: Payments\nfolders: [shop/payments]\n"})
    monkeypatch.chdir(root)
    with collecting_warnings() as warnings:
        _, by_path = access(root)
    assert list(by_path) == ["shop/payments"]
    assert [str(w) for w in warnings] == [
        "dashboards/shop/payments/_folder.yaml: owned by team 'pay', but its parent folder 'shop' has no owner: "
        "Grafana's default permissions there (Editor role can edit) are inherited, so every Editor can still edit "
        "this folder; give the parent an owner"]


def test_no_teams_directory_means_no_teams(tmp_path: Path) -> None:
    (tmp_path / "dashboards" / "shop").mkdir(parents=True)
    (tmp_path / "dashboards" / "shop" / "_folder.yaml").write_text("title: Shop\n")
    assert load_teams(tmp_path / "teams", load_folders(tmp_path / "dashboards")) == []


def test_synthesized_teams_and_permissions_follow_the_files(tmp_path: Path) -> None:
    """Whatever teams/ holds: one team (or lookup) per file, one authoritative permission set per owned folder."""
    root = copy_fixture_project(tmp_path / "project")
    (root / "teams" / "search.yaml").write_text("name: Search\nexisting: true\n")
    result = run_cli(root, "synth", "--env", "dev")
    assert result.returncode == 0, result.stderr
    stack = json.loads((root / "cdktf.out" / "stacks" / "dev" / "cdk.tf.json").read_text())
    folders = load_folders(root / "dashboards")
    teams = load_teams(root / "teams", folders)
    created = {t.key for t in teams if not t.existing}
    looked_up = {t.key for t in teams if t.existing}
    assert set(stack["resource"].get("grafana_team", {})) == created
    assert set(stack.get("data", {}).get("grafana_team", {})) == looked_up >= {"search"}
    permissions = stack["resource"].get("grafana_folder_permission", {})
    owned = {a.folder.uid: a for a in folder_access(folders, teams)}
    assert set(permissions) == set(owned)
    for uid, item in owned.items():
        entries = permissions[uid]["permissions"]
        assert permissions[uid]["folder_uid"] == f"${{grafana_folder.{uid}.uid}}"
        team_ref = (f"${{data.grafana_team.{item.owner}.team_id}}" if item.owner in looked_up
                    else f"${{grafana_team.{item.owner}.team_id}}")
        assert {"permission": "Edit", "team_id": team_ref} in entries
        assert sum(e["permission"] == "Edit" for e in entries) == 1  # only the owner edits


def test_an_alert_team_label_that_names_no_team_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from grafana_as_code.project import load_project

    root = copy_fixture_project(tmp_path / "project")
    monkeypatch.chdir(root)
    rules = sorted((root / "alerts" / "rules").glob("*.yaml"))[0]
    text = rules.read_text()
    assert "team: " in text
    label = text.split("team: ", 1)[1].split()[0]
    rules.write_text(text.replace(f"team: {label}", "team: nobody-here", 1))
    with collecting_warnings() as warnings:
        load_project(root, ["dev"])
    assert any(w.where == f"alerts/rules/{rules.name}" and w.field.endswith(".labels.team")
               and w.message.startswith("'nobody-here' is not a team in teams/") for w in warnings), warnings
