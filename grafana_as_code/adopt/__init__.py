"""Adopting what already exists in a team's Grafana: import ids, the per-environment adoption list, and the
command that writes it from Grafana's API responses saved to disk."""
