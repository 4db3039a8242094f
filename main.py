"""Entry point of `cdktn synth` (and `python main.py`): one Grafana stack per environment.

Only wiring here: definition files are loaded and checked by grafana_as_code.project, stacks compose constructs.
Select environments with GAC_ENVIRONMENTS=dev,prod (default: all files in environments/).
"""
from grafana_as_code.app import build_app, run, synth
from stacks.grafana_stack import GrafanaStack


def main() -> None:
    app, project = build_app()
    for catalog in project.catalogs:
        GrafanaStack(app, catalog)
    synth(app)  # and, outside `make synth`, scan what was written for secrets


if __name__ == "__main__":
    run(main)
