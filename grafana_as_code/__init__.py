"""Grafana as code: definition files → validated models → CDK Terrain constructs → Terraform JSON."""
