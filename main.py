"""Entry point of `cdktn synth` (and `python main.py`): the Grafana stacks of every environment.

Only wiring here: definition files are loaded and checked by grafana_as_code.project, grafana_as_code.shards says
which stacks an environment has (one, or with `state.split: teams` one more per team), stacks compose constructs.
`python -m grafana_as_code synth` calls `build` in its own process, so both paths give the same stacks.
Select environments with GAC_ENVIRONMENTS=dev,prod (default: all files in environments/).
"""
from grafana_as_code.app import build_app, run, synth
from grafana_as_code.cdk import App
from grafana_as_code.project import Project
from grafana_as_code.shards import project_shards
from stacks.grafana_stack import add_stacks


def build(app: App, project: Project) -> None:
    add_stacks(app, project_shards(project))


def main() -> None:
    app, project = build_app()
    build(app, project)
    synth(app)  # and, outside `make synth`, scan what was written for secrets


if __name__ == "__main__":
    run(main)
