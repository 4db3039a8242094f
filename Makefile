# Grafana as code. The two commands a newcomer needs:
#   make synth   set up (Python venv, Node packages), synthesize and validate every environment into cdktf.out/
#   make test    set up (plus promtool/amtool), then run the whole test suite
SHELL := /bin/bash
.DEFAULT_GOAL := synth

VENV    := .venv
PYTHON  := $(VENV)/bin/python
# Project-local tools first: the venv's python, and node_modules/.bin (the cdktn CLI and a Node >= 22 it needs).
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export CHECKPOINT_DISABLE := 1

# The provider schema every stack is validated against and the bindings are generated from: committed, like a lock
# file, as imports/grafana-provider-schema.json (the release is in grafana-provider-schema.version beside it).
# Set GRAFANA_PROVIDER_SCHEMA to use another copy. Absolute, so that tools running elsewhere (tests synthesize
# copies of the project in temporary directories) find it.
GRAFANA_PROVIDER_SCHEMA ?= $(CURDIR)/imports/grafana-provider-schema.json
export GRAFANA_PROVIDER_SCHEMA

ENV ?= dev
# One stack of ENV (`python -m grafana_as_code stacks`): with state.split: teams, also ENV-<team>.
STACK ?= $(ENV)

.PHONY: setup python-deps node-deps system-tools synth validate test bench bindings provider-schema plan deploy \
        diff clean provider-lock plan-keys mutants

setup: python-deps node-deps

python-deps: $(VENV)/.installed
$(VENV)/.installed: requirements.txt
	@echo "Setting up the Python environment in $(VENV)/ …"
	@test -x $(PYTHON) || python3 -m venv $(VENV)
	@$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

node-deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	@echo "Installing Node packages (cdktn CLI, Node 22, Grafana grammars and schema) …"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

system-tools:
	@scripts/install-system-tools.sh

# After bumping the provider in cdktf.json: refresh the committed schema and regenerate the bindings (needs
# Terraform and the Terraform registry; test_bindings.py keeps the two in step).
provider-schema: setup
	@PYTHON=$(PYTHON) scripts/provider-schema.sh

synth: setup
	@$(PYTHON) -m grafana_as_code synth

validate: setup
	@$(PYTHON) -m grafana_as_code validate

# Always from the committed schema, whatever GRAFANA_PROVIDER_SCHEMA says: the bindings and it are one pair.
bindings: setup
	@$(PYTHON) -m grafana_as_code bindings --schema imports/grafana-provider-schema.json

# In parallel (pytest-xdist, one worker per core); the tests sharing a synthesis stay in one worker (tests/conftest.py).
test: setup system-tools
	@$(PYTHON) -m pytest -n auto --dist loadgroup

bench: setup
	@$(PYTHON) scripts/bench.py

# Mutation testing of the modules that decide what is deployed, with the kill rate per module (README: Mutation
# testing). Slow (tens of minutes on 2 cores), so not part of `make test`. `make mutants MODULES="translate plans"`
# runs only those; MUTANTS_JOBS sets how many mutants run at once.
MUTANTS_JOBS ?= 2
mutants: setup $(VENV)/.mutants-installed
	@$(PYTHON) scripts/mutants.py --max-children $(MUTANTS_JOBS) $(MODULES)
$(VENV)/.mutants-installed: requirements-mutants.txt
	@$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-mutants.txt
	@touch $@

# One environment against its real Grafana and state (needs network, TF_VAR_grafana_auth and the data source secrets).
# With a committed .terraform.lock.hcl, init installs exactly the providers it names (-lockfile=readonly), as CI does.
LOCKFILE_FLAG = $(if $(wildcard .terraform.lock.hcl),-lockfile=readonly)
plan: synth
	@$(PYTHON) -m grafana_as_code check-secrets --env $(ENV)
	@if [ -f .terraform.lock.hcl ]; then cp .terraform.lock.hcl cdktf.out/stacks/$(STACK)/; fi
	terraform -chdir=cdktf.out/stacks/$(STACK) init -input=false $(LOCKFILE_FLAG)
	terraform -chdir=cdktf.out/stacks/$(STACK) plan -input=false -out=plan.tfplan
	terraform -chdir=cdktf.out/stacks/$(STACK) show -json plan.tfplan > cdktf.out/plan-$(STACK).json
	@$(PYTHON) -m grafana_as_code plan-report $(ENV)=cdktf.out/plan-$(STACK).json --output cdktf.out/plan-$(STACK).md
	@echo "Readable plan: cdktf.out/plan-$(STACK).md (the JSON holds variable values in clear: do not share it)"

# The provider lock file every stack is initialised with (CI: `init -lockfile=readonly`), for the platforms that run
# Terraform: CI runners and the team's machines. Needs the Terraform registry. Keeps the locked version and adds
# hashes; `make provider-lock UPGRADE=1` picks the newest version cdktf.json allows. Commit .terraform.lock.hcl.
PROVIDER_PLATFORMS ?= linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64
provider-lock: synth
	@set -euo pipefail; \
	stack="cdktf.out/stacks/$$($(PYTHON) -m grafana_as_code environments | sed -n 1p)"; \
	work="$$(mktemp -d)"; trap 'rm -rf "$$work"' EXIT; \
	$(PYTHON) -c 'import json, sys; stack = json.load(open(sys.argv[1])); stack["terraform"].pop("backend", None); \
	              json.dump(stack, open(sys.argv[2], "w"))' "$$stack/cdk.tf.json" "$$work/cdk.tf.json"; \
	if [ -f .terraform.lock.hcl ] && [ -z "$(UPGRADE)" ]; then cp .terraform.lock.hcl "$$work/"; fi; \
	terraform -chdir="$$work" providers lock $(addprefix -platform=,$(PROVIDER_PLATFORMS)) $(PROVIDER_LOCK_FLAGS); \
	cp "$$work/.terraform.lock.hcl" .terraform.lock.hcl; \
	echo "Wrote .terraform.lock.hcl for $(PROVIDER_PLATFORMS): commit it."

# The key pair that seals ENV's deploy plans (README: Pull requests, deploys and drift): into .plan-keys/, ignored by git.
plan-keys:
	@python3 .github/scripts/plan_artifact.py keygen $(ENV) .plan-keys

deploy: setup
	cdktn deploy $(ENV)

diff: setup
	cdktn diff $(ENV)

clean:
	rm -rf cdktf.out .cdktf-staging-* .bench .cache
