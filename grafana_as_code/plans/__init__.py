"""Reading Terraform plans for people: PR plan comments and drift reports.

Data flows one way and each step has its own module:

  plan JSON (``terraform show -json``) → ``model`` (validated, sensitive values masked on load)
  → ``attribute_diff`` / ``dashboard_diff`` (what changed, as ``findings``) → ``noise`` (drift only)
  → ``plan_report`` / ``drift_report`` (what to say) → ``markdown`` (how to say it, within GitHub's limit)
  → ``output`` (stdout, or a file written atomically).

Nothing here talks to Grafana or Terraform: it only reads Terraform's documented JSON plan format.
"""
