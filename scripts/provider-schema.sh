#!/usr/bin/env bash
# Write .provider-schema/schema.json: the Grafana provider's own `terraform providers schema -json`, for the
# version cdktf.json pins. Needs Terraform and access to the Terraform registry.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.provider-schema
mkdir -p "$dir"
if ! command -v terraform >/dev/null 2>&1; then
  echo "error: terraform is not installed; install Terraform >= 1.5, or set GRAFANA_PROVIDER_SCHEMA to a schema file" >&2
  exit 1
fi
constraint=$(python3 -c 'import json;p=[x for x in json.load(open("cdktf.json"))["terraformProviders"] if x.startswith("grafana/grafana")][0];print(p.split("@",1)[1])')
cat > "$dir/main.tf.json" <<JSON
{"terraform": {"required_providers": {"grafana": {"source": "grafana/grafana", "version": "$constraint"}}}}
JSON
echo "Fetching the grafana/grafana provider ($constraint) to read its schema …" >&2
if ! terraform -chdir="$dir" init -input=false -backend=false >"$dir/init.log" 2>&1; then
  echo "error: terraform init could not fetch grafana/grafana (see $dir/init.log); without registry access," \
       "set GRAFANA_PROVIDER_SCHEMA to a copy of the schema" >&2
  exit 1
fi
terraform -chdir="$dir" providers schema -json > "$dir/schema.json.tmp"
mv "$dir/schema.json.tmp" "$dir/schema.json"
echo "Wrote $dir/schema.json" >&2
