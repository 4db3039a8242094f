#!/usr/bin/env bash
# `make provider-schema`: refresh the committed provider contract after a provider bump (cdktf.json), then the
# bindings generated from it. Needs Terraform and access to the Terraform registry; nothing else does.
#   imports/grafana-provider-schema.json     `terraform providers schema -json` of the selected grafana/grafana
#   imports/grafana-provider-schema.version  which release that is (`terraform version -json`)
#   imports/grafana/                         regenerated with `python -m grafana_as_code bindings`
# Without registry access it stops and leaves every committed file as it was.
set -euo pipefail
cd "$(dirname "$0")/.."
work=.provider-schema          # scratch: terraform init's providers and logs (git-ignored)
schema=imports/grafana-provider-schema.json
version=imports/grafana-provider-schema.version
python=${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}
if ! command -v terraform >/dev/null 2>&1; then
  echo "error: terraform is not installed; install Terraform >= 1.5 to refresh $schema" >&2
  exit 1
fi
mkdir -p "$work"
constraint=$("$python" -c 'import json;p=[x for x in json.load(open("cdktf.json"))["terraformProviders"] if x.startswith("grafana/grafana")][0];print(p.split("@",1)[1])')
cat > "$work/main.tf.json" <<JSON
{"terraform": {"required_providers": {"grafana": {"source": "grafana/grafana", "version": "$constraint"}}}}
JSON
echo "Fetching the grafana/grafana provider ($constraint) to read its schema …" >&2
if ! terraform -chdir="$work" init -input=false -backend=false >"$work/init.log" 2>&1; then
  echo "error: $work/init.log: terraform init could not fetch grafana/grafana ($constraint); it needs the" \
       "Terraform registry. $schema is unchanged." >&2
  exit 1
fi
terraform -chdir="$work" providers schema -json > "$work/schema.json"
selected=$(terraform -chdir="$work" version -json | "$python" -c \
  'import json,sys;s=json.load(sys.stdin)["provider_selections"];k=[k for k in s if k.endswith("/grafana/grafana")][0];print(k,s[k])')
# The bindings first: a schema that does not load stops here, before the committed one is replaced.
echo "Read $selected; regenerating the bindings …" >&2
"$python" -m grafana_as_code bindings --schema "$work/schema.json"
mv "$work/schema.json" "$schema"
echo "$selected" > "$version"
echo "Wrote $schema and $version ($selected), and imports/grafana/: review and commit them together." >&2
