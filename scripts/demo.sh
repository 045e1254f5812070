#!/usr/bin/env bash
# Builds vault, stores a demo key in a throwaway file store and runs a command with it.
# Nothing outside a temporary directory is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
[ -d node_modules/@oclif/core ] || npm ci --no-audit --no-fund >&2
npm run --silent build >&2

demo_home=$(mktemp -d)
trap 'rm -rf "$demo_home"' EXIT
export HOME="$demo_home" AWS_CONFIG_FILE="$demo_home/.aws/config"
export AWS_VAULT_BACKEND=file AWS_VAULT_FILE_DIR="$demo_home/keys" AWS_VAULT_FILE_PASSPHRASE=demo-passphrase
unset AWS_VAULT AWS_PROFILE

# A made-up key pair: the demo never talks to AWS.
key_id="AKIA$(head -c 4096 /dev/urandom | tr -dc 'A-Z2-7' | head -c 16)"
secret=$(head -c 30 /dev/urandom | base64 | tr -d '/+=' | head -c 40)

AWS_ACCESS_KEY_ID="$key_id" AWS_SECRET_ACCESS_KEY="$secret" ./bin/run.js add demo --env
./bin/run.js list
echo "\$ vault exec demo --no-session -- env   (the AWS_ variables the child sees, secret shortened)"
./bin/run.js exec demo --no-session -- env | grep -E '^AWS_(VAULT|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|REGION|DEFAULT_REGION)=' \
  | sed -E 's/^(AWS_SECRET_ACCESS_KEY=.{4}).*/\1…/'
