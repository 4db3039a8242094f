"""``python -m grafana_as_code <command>``: the repository's tools.

Every command prints user errors as ``error: <file>: <field>: <message>`` lines and exits 1; it never shows a
traceback for a problem in the definition files.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import UserError, report


def _environments(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def cmd_synth(args: argparse.Namespace) -> int:
    from .synth import synth

    synth(Path.cwd(), Path(args.outdir), _environments(args.env), args.schema, validate=not args.no_validate)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from .validate.run import resolve_schema_path, validate_outdir

    schema = resolve_schema_path(args.schema)
    problems = validate_outdir(Path(args.outdir), schema)
    if problems:
        raise UserError(problems)
    print(f"All stacks under {args.outdir}/stacks match the provider schema {schema}.")
    return 0


def cmd_bindings(args: argparse.Namespace) -> int:
    from .bindings.generate import write_bindings
    from .validate.run import resolve_schema_path

    stale = write_bindings(resolve_schema_path(args.schema), Path(args.target), check=args.check)
    if args.check and stale:
        raise UserError(args.target, "", f"out of date with the provider schema: {', '.join(stale)}; "
                                         "run `python -m grafana_as_code bindings`")
    print(("Checked" if args.check else "Wrote") + f" bindings in {args.target}"
          + (f" ({len(stale)} file(s) changed)" if stale and not args.check else ""))
    return 0


def cmd_check_secrets(args: argparse.Namespace) -> int:
    from .project import load_project
    from .secrets import missing

    project = load_project(Path.cwd(), _environments(args.env))
    problems = [p for catalog in project.catalogs for p in missing(catalog.secrets)]
    if problems:
        raise UserError(sorted(set(problems), key=str))
    print("Every secret the selected environments need is set.")
    return 0


def cmd_import_dashboard(args: argparse.Namespace) -> int:
    from .dashboards.importer import import_dashboard
    from .yaml_io import display_path

    written = import_dashboard(Path(args.file), Path("dashboards") / args.folder)
    print(f"Wrote {display_path(written)}; review it, then `make synth`.")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m grafana_as_code", description=__doc__.split("\n")[0])
    commands = top.add_subparsers(dest="command", required=True)

    synth = commands.add_parser("synth", help="synthesize and validate every environment into cdktf.out")
    synth.add_argument("--env", help="comma-separated environments (default: all)")
    synth.add_argument("--outdir", default="cdktf.out")
    synth.add_argument("--schema", help="provider schema JSON (default: $GRAFANA_PROVIDER_SCHEMA)")
    synth.add_argument("--no-validate", action="store_true", help="skip the provider-schema check")
    synth.set_defaults(func=cmd_synth)

    validate = commands.add_parser("validate", help="check synthesized stacks against the provider schema")
    validate.add_argument("--outdir", default="cdktf.out")
    validate.add_argument("--schema", help="provider schema JSON (default: $GRAFANA_PROVIDER_SCHEMA)")
    validate.set_defaults(func=cmd_validate)

    bindings = commands.add_parser("bindings", help="(re)generate imports/grafana from the provider schema")
    bindings.add_argument("--schema", help="provider schema JSON (default: $GRAFANA_PROVIDER_SCHEMA)")
    bindings.add_argument("--target", default="imports/grafana")
    bindings.add_argument("--check", action="store_true", help="only check that the bindings are up to date")
    bindings.set_defaults(func=cmd_bindings)

    importer = commands.add_parser("import-dashboard", help="import a dashboard exported from Grafana as a clean file")
    importer.add_argument("file", help="the JSON exported from Grafana (Share > Export > Save to file)")
    importer.add_argument("--folder", required=True, help="folder path under dashboards/, e.g. intelliflow/application")
    importer.set_defaults(func=cmd_import_dashboard)

    secrets = commands.add_parser("check-secrets", help="check that every secret is set as TF_VAR_<name>")
    secrets.add_argument("--env", help="comma-separated environments (default: all)")
    secrets.set_defaults(func=cmd_check_secrets)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as error:
        report(error)
        return 1
