"""``python -m grafana_as_code <command>``: the repository's tools.

Every command prints user errors as ``error: <file>: <field>: <message>`` lines and exits 1; it never shows a
traceback for a problem in the definition files.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from .errors import UserError, report


def _environments(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def cmd_synth(args: argparse.Namespace) -> int:
    from .synth import synth

    synth(Path.cwd(), Path(args.outdir), _environments(args.env), args.schema, validate=not args.no_validate,
          strict=args.strict)
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
    from .errors import collecting_warnings, report_warnings
    from .github_actions import secret_hint
    from .project import load_project
    from .secrets import missing

    with collecting_warnings() as warnings:  # printed once, not once per environment
        project = load_project(Path.cwd(), _environments(args.env))
    report_warnings(warnings)
    problems = [p for catalog in project.catalogs
                for p in missing(catalog.secrets, where_set=lambda s, env=catalog.env.name: secret_hint(s, env))]
    if problems:
        raise UserError(sorted(set(problems), key=str))
    print("Every secret the selected environments need is set.")
    return 0


def cmd_environments(args: argparse.Namespace) -> int:
    import json

    from .environment import load_environments
    from .github_actions import deploy_sequence, github_setup, report_budget

    if args.github:
        from .errors import collecting_warnings, report_warnings
        from .project import load_project

        with collecting_warnings() as warnings:  # printed once, not once per environment
            project = load_project(Path.cwd(), _environments(args.env))
        report_warnings(warnings)
        for catalog in project.catalogs:
            print(f"{catalog.env.name} (state backend {catalog.env.state.kind}):")
            for target in github_setup(catalog.env, catalog.secrets):
                print(f"  GitHub environment {target.name} ({target.used_by}; {target.protection})")
                print(f"    secrets:   {', '.join(target.secrets) or '-'}")
                print(f"    variables: {', '.join(target.variables) or '-'}")
        return 0
    environments = load_environments(Path.cwd() / "environments", _environments(args.env))
    names = deploy_sequence(environments)
    if args.json:
        # One line: the workflows put it in a job output and read it with fromJSON.
        print(json.dumps({"names": names, "report_max_chars": report_budget(len(names)),
                          "backends": {e.name: e.state.kind for e in environments}}, separators=(",", ":")))
    else:
        print("\n".join(names))
    return 0


def _choices(values: list[str] | None) -> dict[str, str]:
    choices: dict[str, str] = {}
    for value in values or []:
        name, sep, uid = value.partition("=")
        if not sep or not name.strip() or not uid.strip():
            raise UserError("--datasource", "", f"expected NAME=UID (an input such as DS_PROMETHEUS, a data source "
                                                f"uid of the exporting Grafana, or a plugin type), got {value!r}")
        choices[name.strip()] = uid.strip()
    return choices


def _stack_rows(shards: list, outdir: str) -> list[dict]:
    from .shards import wave

    return [{"stack": s.name, "environment": s.env.name, "team": s.team or "", "shared": s.shared, "wave": wave(s),
             "backend": s.state.kind, "stack_dir": f"{outdir}/stacks/{s.name}"} for s in shards]


def _in_deploy_order(shards: list) -> list:
    """Environments in their deploy order (``deploy_order``, then name), each shared stack before its teams'."""
    from .github_actions import deploy_sequence
    from .shards import wave

    order = {name: index for index, name in enumerate(deploy_sequence(list({s.env.name: s.env for s in shards}
                                                                            .values())))}
    return sorted(shards, key=lambda s: (order[s.env.name], wave(s), s.name))


def cmd_stacks(args: argparse.Namespace) -> int:
    import json

    from .shards import load_layout

    shards = load_layout(Path.cwd(), _environments(args.env))
    rows = _stack_rows(_in_deploy_order(shards), args.outdir)
    if args.json:  # one line, for a workflow's job output and fromJSON
        print(json.dumps({"include": rows, "count": len(rows)}, separators=(",", ":")))
    else:
        for row in rows:
            print(f"{row['stack']:<32} {row['environment']:<12} {'shared' if row['shared'] else 'team ' + row['team']}"
                  f"  (deploys in wave {row['wave']})")
    return 0


def cmd_affected(args: argparse.Namespace) -> int:
    import json

    from .affected import affected_stacks, base_reader, changed_files
    from .project import load_project
    from .shards import load_layout, project_shards

    root = Path.cwd()
    if args.files:
        paths = [line.strip() for line in (sys.stdin if args.files == ["-"] else args.files) if line.strip()]
    elif args.base:
        paths = changed_files(args.base, root)
    else:
        raise UserError("affected", "", "give --base REF (git diff against it) or the changed files (- for stdin)")
    layout = load_layout(root, _environments(args.env))
    result = affected_stacks(layout, paths, root, base_reader(args.base, root),
                             content=lambda: project_shards(load_project(root, _environments(args.env))))
    if args.json:
        from .github_actions import report_budget

        rows = _stack_rows(_in_deploy_order(list(result.stacks)), args.outdir)
        for row in rows:
            row["because"] = list(result.reasons[row["stack"]])[:5]
        # report_max_chars: each planned stack's share of the one PR comment (plan-report --max-chars)
        print(json.dumps({"include": rows, "count": len(rows),
                          "environments": list(dict.fromkeys(r["environment"] for r in rows)),
                          "report_max_chars": report_budget(len(rows))}, separators=(",", ":")))
    else:
        for shard in result.stacks:
            print(f"{shard.name}: {', '.join(result.reasons[shard.name])}")
        if not result.stacks:
            print("No stack is affected.", file=sys.stderr)
    return 0


def cmd_shard_migration(args: argparse.Namespace) -> int:
    from .migration import generate
    from .yaml_io import display_path

    written = generate(Path.cwd(), args.env)
    print(f"Wrote {display_path(written)}; `make synth`, then plan and apply the shared stack {args.env} first, "
          "then its team stacks (README, \"Moving to team stacks\").")
    return 0


def cmd_import_dashboard(args: argparse.Namespace) -> int:
    from .dashboards.importer import folder_directory, import_dashboards
    from .yaml_io import display_path

    result = import_dashboards([Path(f) for f in args.files], folder_directory(args.folder), force=args.force,
                               choices=_choices(args.datasource))
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    for path in result.removed:
        print(f"Removed {display_path(path)} (replaced, --force)")
    if len(result.written) == 1:
        print(f"Wrote {display_path(result.written[0])}; review it, then `make synth`.")
        return 0
    for path in result.written:
        print(f"Wrote {display_path(path)}")
    print(f"{len(result.written)} files written; review them, then `make synth`." if result.written
          else "Nothing to write: the repository already holds these exports as they are.")
    return 0


def cmd_import_rules(args: argparse.Namespace) -> int:
    from .alerting.rule_import import import_rules
    from .yaml_io import display_path

    written = import_rules([Path(f) for f in args.files], Path("alerts") / "rules", args.system, args.force)
    for path in written:
        print(f"Wrote {display_path(path)}; add alerts/tests/{path.stem}.test.yaml (promtool unit tests) and, "
              f"if the folder is not dashboards/{path.stem}, alerts/grafana/{path.stem}.yaml.")
    return 0


def cmd_adopt(args: argparse.Namespace) -> int:
    from .adopt.from_api import adopt, summary
    from .yaml_io import display_path

    target, plan, missing = adopt(Path.cwd(), args.env, Path(args.source), Path(args.output) if args.output else None)
    for line in summary(plan, missing):
        print(line)
    print(f"Wrote {display_path(target)}; review it, then `make synth` and plan: adopted objects show as imports.")
    return 0


def _run_url(value: str | None) -> str | None:
    if value and not value.startswith(("https://", "http://")):
        raise UserError("--run-url", "", f"expected an http(s) URL, got {value!r}")
    return value


def _max_chars(value: int | None) -> int | None:
    if value is not None and not 2_000 <= value <= 65_536:
        raise UserError("--max-chars", "", f"expected 2000 to 65536 (GitHub's comment limit), got {value}")
    return value


def cmd_plan_report(args: argparse.Namespace) -> int:
    from .plans import plan_report
    from .plans.inputs import load_plans
    from .plans.output import write_report

    run_url, limit = _run_url(args.run_url), _max_chars(args.max_chars)
    plans = load_plans(args.plans, Path.cwd())
    write_report(plan_report.render(plans, run_url, limit), args.output)
    if getattr(args, "counts", None):  # the table's numbers, for a comment that sums stacks per environment
        import json

        counts = {column: sum(plan_report.counts(plan)[column] for plan in plans) for column in plan_report.COLUMNS}
        write_report(json.dumps(counts, sort_keys=True) + "\n", args.counts)
    return 0


def cmd_drift_report(args: argparse.Namespace) -> int:
    from .plans import drift_report
    from .plans.inputs import load_plans
    from .plans.output import write_report

    run_url, limit = _run_url(args.run_url), _max_chars(args.max_chars)
    plans = load_plans(args.plans, Path.cwd())
    text, drift = drift_report.render(plans, run_url, limit)
    write_report(text, args.output)
    return 2 if drift else 0  # like `terraform plan -detailed-exitcode`: 2 means there is something to look at


def _report_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("plans", nargs="+", metavar="ENV=PLAN.json",
                         help="an environment (environments/<ENV>.yaml) and its `terraform show -json` output")
    command.add_argument("--output", "-o", help="write the Markdown here (atomically) instead of stdout")
    command.add_argument("--run-url", help="link to the CI run that made the plans")
    command.add_argument("--max-chars", type=int, default=None,
                         help="cut details to stay under this many characters (default: GitHub's 65,536)")


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 1 like every other error: argparse's 2 would read as "drift found" for drift-report."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def _schema_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--schema", help="provider schema JSON (default: $GRAFANA_PROVIDER_SCHEMA, else the committed "
                                              "imports/grafana-provider-schema.json)")


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="python -m grafana_as_code", description=__doc__.split("\n")[0])
    commands = top.add_subparsers(dest="command", required=True, parser_class=_Parser)

    synth = commands.add_parser("synth", help="synthesize and validate every environment into cdktf.out")
    synth.add_argument("--env", help="comma-separated environments (default: all)")
    synth.add_argument("--outdir", default="cdktf.out")
    _schema_option(synth)
    synth.add_argument("--no-validate", action="store_true", help="skip the provider-schema check")
    synth.add_argument("--strict", action="store_true",
                       help="treat warnings as errors (also: \"strictWarnings\": true in cdktf.json's context)")
    synth.set_defaults(func=cmd_synth)

    validate = commands.add_parser("validate", help="check synthesized stacks against the provider schema")
    validate.add_argument("--outdir", default="cdktf.out")
    _schema_option(validate)
    validate.set_defaults(func=cmd_validate)

    bindings = commands.add_parser("bindings", help="(re)generate imports/grafana from the provider schema")
    _schema_option(bindings)
    bindings.add_argument("--target", default="imports/grafana")
    bindings.add_argument("--check", action="store_true", help="only check that the bindings are up to date")
    bindings.set_defaults(func=cmd_bindings)

    importer = commands.add_parser("import-dashboard", help="import dashboards exported from Grafana as clean files")
    importer.add_argument("files", nargs="+", metavar="EXPORT",
                          help="JSON exported from Grafana (Export > Save to file), or a directory of them")
    importer.add_argument("--folder", required=True,
                          help="folder path under dashboards/ (the leading dashboards/ may be given), "
                               "e.g. intelliflow/application")
    importer.add_argument("--force", action="store_true",
                          help="replace a dashboard or library panel of the repository that has the same uid")
    importer.add_argument("--datasource", action="append", metavar="NAME=UID",
                          help="use data source UID of this repository for an input (DS_PROMETHEUS), a data source "
                               "uid of the exporting Grafana, or a plugin type (prometheus); repeatable")
    importer.set_defaults(func=cmd_import_dashboard)

    rules = commands.add_parser("import-rules", help="Prometheus rules (PrometheusRule objects, rule files) into "
                                                     "alerts/rules/")
    rules.add_argument("files", nargs="+", help="YAML files: PrometheusRule objects (one or many, or a List), or rule "
                                                "files")
    rules.add_argument("--system", help="write everything into alerts/rules/<system>.yaml (default: one file per "
                                        "PrometheusRule, named after it)")
    rules.add_argument("--force", action="store_true", help="replace rule files that already exist")
    rules.set_defaults(func=cmd_import_rules)

    adopt = commands.add_parser("adopt", help="list what already exists in an environment's Grafana, to import "
                                              "it instead of creating it (writes adopt/<env>.yaml)")
    adopt.add_argument("--env", required=True, help="one environment (environments/<ENV>.yaml)")
    adopt.add_argument("--from", dest="source", required=True,
                       help="directory of saved Grafana API responses (see grafana_as_code/adopt/from_api.py)")
    adopt.add_argument("--output", help="write here instead of adopt/<env>.yaml")
    adopt.set_defaults(func=cmd_adopt)

    secrets = commands.add_parser("check-secrets", help="check that every secret is set as TF_VAR_<name>")
    secrets.add_argument("--env", help="comma-separated environments (default: all)")
    secrets.set_defaults(func=cmd_check_secrets)

    environments = commands.add_parser("environments", help="the environments, in deploy order (for CI matrices)")
    environments.add_argument("--env", help="comma-separated environments (default: all)")
    output = environments.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true",
                        help="one JSON line: names in deploy order, plan-report --max-chars each, backends")
    output.add_argument("--github", action="store_true",
                        help="the GitHub environments, secrets and variables each environment needs")
    environments.set_defaults(func=cmd_environments)

    stacks = commands.add_parser("stacks", help="every stack (environment, and team with state.split: teams), "
                                                "in deploy order")
    stacks.add_argument("--env", help="comma-separated environments (default: all)")
    stacks.add_argument("--json", action="store_true", help="a GitHub Actions matrix ({include: [...]}) on one line")
    stacks.add_argument("--outdir", default="cdktf.out")
    stacks.set_defaults(func=cmd_stacks)

    affected = commands.add_parser("affected", help="the stacks a change touches (plan only those)")
    affected.add_argument("files", nargs="*", help="changed files, relative to the repository root (- reads stdin)")
    affected.add_argument("--base", help="git ref to diff against (its merge base with HEAD), e.g. origin/main")
    affected.add_argument("--env", help="comma-separated environments (default: all)")
    affected.add_argument("--json", action="store_true", help="a GitHub Actions matrix ({include: [...]}) on one line")
    affected.add_argument("--outdir", default="cdktf.out")
    affected.set_defaults(func=cmd_affected)

    migration = commands.add_parser("shard-migration", help="removed/import blocks moving an environment from one "
                                                           "stack to team stacks (writes migrations/<env>.yaml)")
    migration.add_argument("--env", required=True, help="the environment whose file now says state.split: teams")
    migration.set_defaults(func=cmd_shard_migration)

    plan_report = commands.add_parser("plan-report", help="Markdown for a PR comment from `terraform show -json` plans")
    _report_arguments(plan_report)
    plan_report.add_argument("--counts", help="also write the summary table's numbers as JSON here")
    plan_report.set_defaults(func=cmd_plan_report)

    drift_report = commands.add_parser("drift-report", help="what changed outside Terraform (exit 2 on drift)")
    _report_arguments(drift_report)
    drift_report.set_defaults(func=cmd_drift_report)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as error:
        report(error)
        return 1
