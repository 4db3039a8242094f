"""What the GitHub workflows need per environment, derived from ``environments/`` (never listed by hand).

The workflows ask ``python -m grafana_as_code environments --json`` for the environments in deploy order and the
size each one's plan report may take in the shared PR comment; ``environments --github`` prints, per environment,
the GitHub environments, secrets and variables to create; ``check-secrets`` names the GitHub secret of a missing
``TF_VAR_<name>``. One place for these names, so that the README, the workflows and the checks agree.

Three GitHub environments per environment ``<env>`` (README "Pull requests, deploys and drift"):

- ``<env>-pr``: pull-request plans and drift checks. Pull-request code runs there, so it holds only what a plan
  reads: a Grafana token that cannot write, state read access, the data source / contact point secrets (which the
  state it reads holds anyway). No key that decrypts a plan artifact, nothing that writes.
- ``<env>-plan`` (deployment branch: the default branch only): the deploy's plan. Same read token and secrets, a
  state role that may also take the state lock, and the *public* certificate plan artifacts are encrypted to.
- ``<env>`` (the default branch only; required reviewers where wanted, e.g. prod): the apply. The writing Grafana
  token (ephemeral: never in the plan file) and the private key that decrypts this environment's plan artifact.
"""
from __future__ import annotations

from dataclasses import dataclass

from .environment import Environment
from .errors import Problem, UserError
from .secrets import GRAFANA_AUTH, Secret

# GitHub refuses comments over 65,536 characters; the comment's own heading, commit line and per-environment
# status lines take at most this much, the rest is shared among the environments' plan reports.
GITHUB_COMMENT_LIMIT = 65_536
COMMENT_OVERHEAD = 1_500
MIN_REPORT_CHARS = 2_000  # the smallest --max-chars plan-report accepts

PLAN_CERT_VARIABLE = "PLAN_ENCRYPTION_CERT"  # public: a GitHub variable of <env>-plan
PLAN_KEY_SECRET = "PLAN_DECRYPTION_KEY"  # private: a GitHub secret of <env> only

# Backend credentials: GitHub variables (OIDC, no long-lived keys) or a secret where the backend has no OIDC.
BACKEND_VARIABLES = {
    "s3": ("AWS_STATE_ROLE_ARN",),
    "gcs": ("GCP_WORKLOAD_IDENTITY_PROVIDER", "GCP_STATE_SERVICE_ACCOUNT"),
    "remote": (),
    "cloud": (),
    "local": (),
}
BACKEND_SECRETS = {"remote": ("TF_API_TOKEN",), "cloud": ("TF_API_TOKEN",)}


def github_secret(secret: Secret) -> str:
    """The GitHub secret that holds ``TF_VAR_<name>``: the variable's name, upper-cased."""
    return secret.name.upper()


def pr_environment(env: str) -> str:
    return f"{env}-pr"


def plan_environment(env: str) -> str:
    return f"{env}-plan"


def apply_environment(env: str) -> str:
    return env


def environments_holding(secret: Secret, env: str) -> list[str]:
    """The GitHub environments that must hold ``secret``: every plan needs every secret; the apply only the token
    (the other values travel inside the encrypted plan file; the ephemeral token is asked for again)."""
    planning = [pr_environment(env), plan_environment(env)]
    return [*planning, apply_environment(env)] if secret.name == GRAFANA_AUTH.name else planning


def secret_hint(secret: Secret, env: str) -> str:
    names = environments_holding(secret, env)
    where = ", ".join(names[:-1]) + " and " + names[-1]
    return f"in GitHub Actions: the secret {github_secret(secret)} of the GitHub environments {where}"


RESERVED_SUFFIXES = ("-pr", "-plan")


def deploy_sequence(environments: list[Environment]) -> list[str]:
    """Environment names in the order deploys go: ``deploy_order``, then name.

    Names ending like the derived GitHub environments are refused: ``x-pr`` would deploy in the GitHub environment
    that pull requests of ``x`` plan in, and so could be given secrets meant for pull requests (or the reverse)."""
    problems = [Problem(e.file, "", f"environment names ending in {' or '.join(RESERVED_SUFFIXES)} are reserved for "
                                    f"the GitHub environments derived from each environment; rename {e.name!r}")
                for e in environments if e.name.endswith(RESERVED_SUFFIXES)]
    if problems:
        raise UserError(problems)
    return [e.name for e in sorted(environments, key=lambda e: (e.deploy_order, e.name))]


def report_budget(count: int) -> int:
    """``plan-report --max-chars`` for each of ``count`` environments sharing one PR comment."""
    share = (GITHUB_COMMENT_LIMIT - COMMENT_OVERHEAD) // max(count, 1)
    return max(share, MIN_REPORT_CHARS)


@dataclass(frozen=True)
class GitHubEnvironment:
    name: str
    used_by: str
    secrets: tuple[str, ...]
    variables: tuple[str, ...]
    protection: str


def github_setup(env: Environment, secrets: list[Secret]) -> list[GitHubEnvironment]:
    """The GitHub environments one environment needs, with the secrets and variables each must hold."""
    backend_vars = BACKEND_VARIABLES.get(env.state.kind, ())
    backend_secrets = BACKEND_SECRETS.get(env.state.kind, ())
    names = {role: sorted(github_secret(s) for s in secrets if role(env.name) in environments_holding(s, env.name))
             for role in (pr_environment, plan_environment, apply_environment)}
    return [
        GitHubEnvironment(pr_environment(env.name), "plan.yml, drift.yml",
                          (*names[pr_environment], *backend_secrets), backend_vars,
                          "none (pull-request code runs here): read-only token and state role"),
        GitHubEnvironment(plan_environment(env.name), "deploy.yml (plan)",
                          (*names[plan_environment], *backend_secrets), (*backend_vars, PLAN_CERT_VARIABLE),
                          "deployment branches: the default branch only"),
        GitHubEnvironment(apply_environment(env.name), "deploy.yml (apply)",
                          (*names[apply_environment], PLAN_KEY_SECRET, *backend_secrets), backend_vars,
                          "deployment branches: the default branch only; required reviewers where wanted"),
    ]
