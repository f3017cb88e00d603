#!/usr/bin/env bash
# Generates the Python and Go SDKs of the `openai-batch` plugin into sdk/python and sdk/go, from the
# schema the plugin prints (`pulumi package get-schema ./bin/pulumi-resource-openai-batch`).
#
# Usage: bash scripts/generate-sdks.sh           # (re)writes sdk/python and sdk/go
#        bash scripts/generate-sdks.sh --check   # fails when the committed SDKs differ from a fresh generation
#
# `pulumi package gen-sdk --language python|go` hands the schema to the Python and Go language
# hosts, which the Go module proxy does not serve. The code generators those hosts run are part of
# the Pulumi module that tools/pulumi-cli pins, so tools/pulumi-cli/sdkgen runs them directly, at the
# CLI's own version. It is built once into the CLI's cache directory. Needs `npm run build` and the
# CLI (bash scripts/ensure-pulumi-cli.sh).
set -euo pipefail

log() { printf 'generate-sdks: %s\n' "$*" >&2; }
die() {
  printf 'generate-sdks: error: %s\n' "$*" >&2
  exit 1
}

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
check=false
[[ "${1:-}" == "--check" ]] && check=true

bin_dir="$(bash "$repo_root/scripts/ensure-pulumi-cli.sh" | tail -n 1)"
[[ -f "$repo_root/dist/provider/plugin/main.js" ]] || die "the plugin is not built; run 'npm run build' first."

sdkgen="$bin_dir/pulumi-sdkgen"
if [[ ! -x "$sdkgen" ]]; then
  command -v go >/dev/null 2>&1 || die "Go is needed to build the SDK generator once (tools/pulumi-cli/sdkgen)."
  export GOTOOLCHAIN=local
  src="$(mktemp -d)"
  trap 'rm -rf "$src"' EXIT
  cp -r "$repo_root/tools/pulumi-cli/." "$src/"
  log "building the SDK generator (tools/pulumi-cli/sdkgen)..."
  (cd "$src" && go build -mod=mod -trimpath -o "$src/pulumi-sdkgen" ./sdkgen) >&2
  mv "$src/pulumi-sdkgen" "$sdkgen"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work" "${src:-}"' EXIT
PULUMI_SKIP_UPDATE_CHECK=true PULUMI_HOME="$work/home" \
  "$bin_dir/pulumi" package get-schema "$repo_root/bin/pulumi-resource-openai-batch" >"$work/schema.json"

for language in python go; do
  "$sdkgen" "$work/schema.json" "$language" "$work/sdk/$language"
done

if $check; then
  # Build leftovers (ignored by sdk/python/.gitignore) are not part of the SDK.
  skip=(-x build -x '*.egg-info' -x __pycache__)
  if ! diff -r "${skip[@]}" "$repo_root/sdk/python" "$work/sdk/python" >&2 ||
    ! diff -r "${skip[@]}" "$repo_root/sdk/go" "$work/sdk/go" >&2; then
    die "sdk/ is not what the plugin's schema generates (differences above); run 'bash scripts/generate-sdks.sh' and commit the result."
  fi
  log "sdk/python and sdk/go are in sync with the schema."
  exit 0
fi

for language in python go; do
  rm -rf "$repo_root/sdk/$language"
  mkdir -p "$repo_root/sdk"
  cp -r "$work/sdk/$language" "$repo_root/sdk/$language"
done
log "wrote sdk/python and sdk/go."
