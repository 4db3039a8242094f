"""Content checks, derived from the files present: every environment loads, every dashboard file becomes a
dashboard in every environment, and the synthesized stacks pass the provider schema.

Loading an environment is the whole check of its definitions: every data source renders, every dashboard renders
for it and validates (Grafana's schema, grid, references, every query parsed), every rule file translates, every
contact point, template, mute timing and route is consistent. Nothing here names a file of today's content.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from grafana_as_code.dashboards.loader import dashboard_files
from grafana_as_code.project import Catalog
from project_copy import SECRET_VALUES, content_root, stack_files

ROOT = content_root()
ENVIRONMENTS = sorted(p.stem for p in (ROOT / "environments").glob("*.yaml"))


def test_there_is_an_environment() -> None:
    assert ENVIRONMENTS, f"no environment files in {ROOT / 'environments'}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_environment_loads(content_loads: dict[str, Catalog | str], env: str) -> None:
    loaded = content_loads[env]
    assert not isinstance(loaded, str), f"environment {env} does not load:\n{loaded}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_dashboard_file_is_a_dashboard_of_the_environment(content_catalogs: dict[str, Catalog],
                                                                env: str) -> None:
    files = {p.resolve() for p in dashboard_files(ROOT / "dashboards")}
    deployed = {Path(d.file).resolve() for d in content_catalogs[env].dashboards}
    assert deployed == files
    folders = {f.uid for f in content_catalogs[env].folders}
    assert [d.file for d in content_catalogs[env].dashboards if d.folder_uid not in folders | {None}] == []


def test_one_valid_stack_per_environment(content_synth: Path, provider_schema: Path) -> None:
    from grafana_as_code.validate.run import validate_outdir

    assert sorted(p.parent.name for p in (content_synth / "stacks").glob("*/cdk.tf.json")) == ENVIRONMENTS
    assert validate_outdir(content_synth, provider_schema) == []


def test_no_secret_value_reaches_the_stacks(content_synth: Path) -> None:
    for path, content in stack_files(content_synth).items():
        assert not [name for name, value in SECRET_VALUES.items() if value.encode() in content], path


def test_data_sources_keep_their_uid_in_every_environment(content_synth: Path) -> None:
    uids: dict[str, set[str]] = {}
    for env in ENVIRONMENTS:
        stack = json.loads((content_synth / "stacks" / env / "cdk.tf.json").read_text())
        for name, source in stack["resource"].get("grafana_data_source", {}).items():
            uids.setdefault(name, set()).add(source["uid"])
    assert {name: values for name, values in uids.items() if len(values) > 1} == {}
