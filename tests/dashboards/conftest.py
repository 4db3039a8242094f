"""Shared fixtures: Environment/DataSource objects of the machinery tests' own project
(tests/fixtures/project-minimal, never the repository's environments), and small dashboard trees in tmp."""
from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path
from types import MappingProxyType

import pytest

from grafana_as_code.dashboards import RenderContext, load_dashboards
from grafana_as_code.datasources import load_datasources
from grafana_as_code.environment import Environment, load_environments
from grafana_as_code.folders import load_folders
from grafana_as_code.project import load_project

from project_copy import FIXTURE_PROJECT, REPO

FIXTURES = Path(__file__).with_name("fixtures")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def project():
    """The fixture project, loaded (its data sources are what imports are mapped to)."""
    return load_project(FIXTURE_PROJECT)


@pytest.fixture(scope="session")
def environments() -> dict[str, Environment]:
    return {env.name: env for env in load_environments(FIXTURE_PROJECT / "environments")}


def context_for(env: Environment, dashboards_root: Path) -> RenderContext:
    sources = load_datasources(FIXTURE_PROJECT / "datasources", env)
    return RenderContext(env=env, datasources=MappingProxyType({s.uid: s for s in sources}),
                         folders=MappingProxyType({f.path: f for f in load_folders(dashboards_root)}))


@pytest.fixture()
def dashboard_tree(tmp_path, environments, monkeypatch):
    """Writes specs into tmp/dashboards/team/ and loads them for an environment (default dev, min_refresh off)."""
    monkeypatch.chdir(tmp_path)  # file names in messages are relative to the working directory
    root = tmp_path / "dashboards"
    (root / "team").mkdir(parents=True)
    (root / "team" / "_folder.yaml").write_text("title: Team\n")

    class Tree:
        def write(self, name: str, text: str) -> Path:
            path = root / "team" / name
            path.write_text(textwrap.dedent(text))
            return path

        def load(self, env: str = "dev", min_refresh: str | None = None, keep_min_refresh: bool = False):
            environment = environments[env]
            if not keep_min_refresh:
                overrides = dataclasses.replace(environment.overrides, min_refresh=min_refresh)
                environment = dataclasses.replace(environment, overrides=overrides)
            return load_dashboards(root, context_for(environment, root))

    return Tree()
