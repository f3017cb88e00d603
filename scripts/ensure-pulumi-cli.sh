#!/usr/bin/env bash
# Makes sure the Pulumi CLI (the Go engine) of the version that tools/pulumi-cli/go.mod pins is
# available, building it from Go modules when it is not. The end-to-end tests run against it. The
# installed @pulumi/pulumi SDK may be older than the CLI (the dev pin is the newest release that
# declares the lowest Node.js the package supports), never newer.
#
# Usage: bash scripts/ensure-pulumi-cli.sh
#
# The last line printed on stdout is the directory holding `pulumi` and the dynamic-provider plugin
# shim `pulumi-resource-pulumi-nodejs`; put it first on PATH:
#   PATH="$(bash scripts/ensure-pulumi-cli.sh | tail -n 1):$PATH"
#
# Nothing is downloaded except Go modules through the Go module proxy (GOPROXY), so the build works
# where only package registries are reachable. Builds are cached per version in
#   ${PULUMI_OPENAI_BATCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-openai-batch}/pulumi-v<version>/bin
# A `pulumi` of the wanted version already on PATH (next to its plugin shim) is used as it is.
#
# The Node.js language host (pulumi-language-nodejs) is built too when the module proxy serves it; the
# tests do not need it (they run inline programs through the Automation API), so its absence is not
# an error.
#
# The YAML language host (pulumi-language-yaml, pinned by the Go module tools/pulumi-language-yaml)
# is built into the same directory when it is missing there (and not on PATH), also when the CLI
# itself is already built: the YAML example and its end-to-end tests run under it. A failed build
# of it is reported and is not an error here (those tests then say what is missing).
set -euo pipefail

log() { printf 'ensure-pulumi-cli: %s\n' "$*" >&2; }
die() {
  printf 'ensure-pulumi-cli: error: %s\n' "$*" >&2
  exit 1
}

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
module_dir="$repo_root/tools/pulumi-cli"
sdk_package_json="$repo_root/node_modules/@pulumi/pulumi/package.json"
shim_src="$repo_root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

# --- The wanted version: the one tools/pulumi-cli/go.mod pins. -------------------------------------
[[ -f "$module_dir/go.mod" ]] || die "$module_dir/go.mod not found: it pins the CLI's version."
version="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit } $1 == "require" && $2 == "github.com/pulumi/pulumi/pkg/v3" { print $3; exit }' "$module_dir/go.mod")"
version="${version#v}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
  die "could not read a release version of github.com/pulumi/pulumi/pkg/v3 from $module_dir/go.mod (got '${version}')."
[[ -f "$sdk_package_json" ]] || die "$sdk_package_json not found; run 'npm install' first."
sdk_version="$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$sdk_package_json" | head -n 1)"
[[ "$(printf '%s\n%s\n' "$sdk_version" "$version" | sort -V | tail -n 1)" == "$version" ]] ||
  die "node_modules/@pulumi/pulumi is $sdk_version, newer than the CLI v$version that tools/pulumi-cli/go.mod pins: update tools/pulumi-cli (go get github.com/pulumi/pulumi/pkg/v3@v$sdk_version && go mod tidy) or pin an older @pulumi/pulumi."
[[ -f "$shim_src" ]] || die "$shim_src not found; is @pulumi/pulumi installed correctly?"

# `pulumi version` prints e.g. "v3.259.0".
pulumi_version_of() { PULUMI_SKIP_UPDATE_CHECK=true "$1" version 2>/dev/null | head -n 1 | tr -d '[:space:]' || true; }

cache_root="${PULUMI_OPENAI_BATCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-openai-batch}"
dest="$cache_root/pulumi-v$version"
bin_dir="$dest/bin"

is_complete() { # $1: a bin dir
  [[ -x "$1/pulumi" && -x "$1/pulumi-resource-pulumi-nodejs" ]] &&
    [[ "$(pulumi_version_of "$1/pulumi")" == "v$version" ]]
}

# --- The Go module pins one version of both pulumi modules (checked even when nothing is built). ----
[[ -f "$module_dir/go.mod" && -f "$module_dir/go.sum" && -f "$module_dir/tools.go" ]] ||
  die "the Go module that pins the CLI is missing: expected go.mod, go.sum and tools.go in $module_dir."

required_in_gomod() { # $1: module path; prints the version tools/pulumi-cli/go.mod requires of it
  awk -v m="$1" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$module_dir/go.mod"
}
for mod in github.com/pulumi/pulumi/pkg/v3 github.com/pulumi/pulumi/sdk/v3; do
  pinned="$(required_in_gomod "$mod")"
  [[ "$pinned" == "v$version" ]] ||
    die "version mismatch: tools/pulumi-cli/go.mod requires github.com/pulumi/pulumi/pkg/v3 v$version but $mod ${pinned:-(nothing)}; run 'go mod tidy' there."
done

# --- Preconditions for a build (checked only when something is built). ----------------------------
go_have=""
require_go() { # $1: the module dir whose go.mod names the minimum Go; $2: what is built
  command -v go >/dev/null 2>&1 ||
    die "Go is not installed (no 'go' on PATH). Install Go $(awk '$1 == "go" { print $2; exit }' "$1/go.mod") or newer (e.g. 'apt-get install golang-go', if recent enough) and run this again."
  # Never let the go command download another toolchain: a too old Go is reported instead.
  export GOTOOLCHAIN=local
  go_min="$(awk '$1 == "go" { print $2; exit }' "$1/go.mod")"
  go_have="$(go env GOVERSION 2>/dev/null || true)"
  go_have="${go_have#go}"
  go_have="${go_have%%[-+ ]*}"
  [[ -n "$go_have" ]] || die "could not tell the version of $(command -v go)."
  if [[ "$(printf '%s\n%s\n' "$go_min" "$go_have" | sort -V | head -n 1)" != "$go_min" ]]; then
    die "Go $go_have is too old: building $2 needs Go $go_min or newer ($(command -v go))."
  fi
  # Modules come from the module proxy (or the local module cache) only: drop a 'direct' (version
  # control) fallback.
  local goproxy
  goproxy="$(go env GOPROXY)"
  goproxy="$(printf '%s' "$goproxy" | tr ',|' '\n\n' | grep -v -x -e direct -e '' | paste -s -d , - || true)"
  if [[ -z "$goproxy" ]]; then
    log "GOPROXY ($(go env GOPROXY)) names no module proxy: building from the local module cache only."
    goproxy=off
  fi
  export GOPROXY="$goproxy"
}

# --- The YAML language host, in the cache directory. ------------------------------------------------
yaml_module_dir="$repo_root/tools/pulumi-language-yaml"
yaml_version="$(awk '$1 == "github.com/pulumi/pulumi-yaml" { print $2; exit } $1 == "require" && $2 == "github.com/pulumi/pulumi-yaml" { print $3; exit }' "$yaml_module_dir/go.mod" 2>/dev/null || true)"
ensure_yaml_host() {
  local target="$bin_dir/pulumi-language-yaml"
  if [[ -x "$target" ]]; then
    return 0
  fi
  if command -v pulumi-language-yaml >/dev/null 2>&1; then
    log "YAML language host: using $(command -v pulumi-language-yaml) from PATH."
    return 0
  fi
  if [[ -z "$yaml_version" || ! -f "$yaml_module_dir/go.sum" || ! -f "$yaml_module_dir/tools.go" ]]; then
    log "YAML language host: skipped (tools/pulumi-language-yaml does not pin github.com/pulumi/pulumi-yaml)."
    return 0
  fi
  require_go "$yaml_module_dir" "pulumi-language-yaml $yaml_version"
  mkdir -p "$bin_dir"
  local ywork
  ywork="$(mktemp -d "$cache_root/.build-yaml-$yaml_version.XXXXXX")"
  cp "$yaml_module_dir/go.mod" "$yaml_module_dir/go.sum" "$yaml_module_dir/tools.go" "$ywork/"
  log "building pulumi-language-yaml $yaml_version with Go $go_have (GOPROXY=$GOPROXY)..."
  local ystart=$SECONDS
  if (cd "$ywork" && go build -mod=mod -trimpath -o "$ywork/pulumi-language-yaml" \
    -ldflags "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=$yaml_version" \
    github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml) >&2; then
    mv "$ywork/pulumi-language-yaml" "$target" # a rename within one file system
    log "built pulumi-language-yaml $yaml_version in $((SECONDS - ystart))s."
  else
    log "YAML language host: building pulumi-language-yaml $yaml_version failed (see above); carrying on without it."
  fi
  rm -rf "$ywork"
}

# Prints the directory to use and stops, once the YAML host is there too.
finish() { # $1: the directory holding pulumi
  ensure_yaml_host
  printf '%s\n' "$1"
  exit 0
}

# --- Already there? --------------------------------------------------------------------------------
if on_path="$(command -v pulumi 2>/dev/null)"; then
  on_path_dir="$(cd "$(dirname "$on_path")" && pwd)"
  if [[ "$(pulumi_version_of "$on_path")" == "v$version" && -x "$on_path_dir/pulumi-resource-pulumi-nodejs" ]]; then
    log "pulumi v$version is already on PATH ($on_path)."
    finish "$on_path_dir"
  fi
fi
if is_complete "$bin_dir"; then
  log "pulumi v$version is already built ($bin_dir/pulumi)."
  finish "$bin_dir"
fi

require_go "$module_dir" "the Pulumi CLI v$version"

# --- Build, atomically: into a temporary directory next to the destination, then moved into place. -
mkdir -p "$cache_root"
work="$(mktemp -d "$cache_root/.build-v$version.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

# Build from a copy of the module, so that whatever GOFLAGS says (-mod=mod may update go.mod/go.sum)
# the checkout is never modified.
mkdir -p "$work/src" "$work/out/bin"
cp "$module_dir/go.mod" "$module_dir/go.sum" "$module_dir/tools.go" "$work/src/"
ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version"

log "building pulumi v$version with Go $go_have (GOPROXY=$GOPROXY); a cold build takes several minutes..."
start=$SECONDS
build_cli() {
  (cd "$work/src" && go build -mod=mod -trimpath -o "$work/out/bin/pulumi" -ldflags "$ldflags" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) >&2
}
status=0
build_cli || status=$?
if ((status != 0)); then
  # Finished packages stay in Go's build cache, so a second attempt only redoes what was left.
  log "'go build' exited with status $status; trying once more."
  status=0
  build_cli || status=$?
fi
((status == 0)) || die "building the Pulumi CLI v$version failed: 'go build' exited with status $status (output above)."
[[ "$(pulumi_version_of "$work/out/bin/pulumi")" == "v$version" ]] ||
  die "the built CLI reports '$(pulumi_version_of "$work/out/bin/pulumi")', expected v$version."
log "built pulumi v$version in $((SECONDS - start))s."

# The Node.js language host lives in its own module, published without version tags, so it is
# addressed by a pseudo-version of the commit that the pkg module's tag points at.
build_language_host() {
  local lh_mod="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
  local info hash time pseudo out
  info="$(cd "$work/src" && go list -m -f '{{with .Origin}}{{.Hash}}{{end}} {{with .Time}}{{.UTC.Format "20060102150405"}}{{end}}' \
    "github.com/pulumi/pulumi/pkg/v3@v$version" 2>/dev/null)" || info=""
  read -r hash time <<<"$info" || true
  if [[ -z "${hash:-}" || -z "${time:-}" ]]; then
    log "language host: skipped (the module proxy gave no commit for pulumi v$version); carrying on without it."
    return 0
  fi
  pseudo="v3.0.0-$time-${hash:0:12}"
  if ! out="$(cd "$work/src" && go list -m -json "$lh_mod@$pseudo" 2>&1)"; then
    log "language host: skipped ($lh_mod@$pseudo is not served by the module proxy: $(printf '%s' "$out" | tr '\n' ' ' | sed 's/[[:space:]]\+/ /g')); carrying on without it (inline Automation API programs do not need it)."
    return 0
  fi
  mkdir -p "$work/lh"
  if (
    cd "$work/lh" &&
      cat >go.mod <<EOF &&
module pulumi-language-nodejs-build

go $go_min

require (
	$lh_mod $pseudo
	github.com/pulumi/pulumi/pkg/v3 v$version
	github.com/pulumi/pulumi/sdk/v3 v$version
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF
      printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$lh_mod" >tools.go &&
      go mod tidy -e &&
      go build -mod=mod -trimpath -o "$work/out/bin/pulumi-language-nodejs" -ldflags "$ldflags" "$lh_mod"
  ) >&2; then
    log "language host: built pulumi-language-nodejs ($lh_mod@$pseudo)."
  else
    rm -f "$work/out/bin/pulumi-language-nodejs"
    log "language host: skipped (building $lh_mod@$pseudo failed, see above); carrying on without it."
  fi
}
build_language_host

# The dynamic-provider plugin is a small shell shim shipped in @pulumi/pulumi; it resolves the SDK
# from its working directory (the Pulumi program's directory), so a copy works for any project.
cp "$shim_src" "$work/out/bin/pulumi-resource-pulumi-nodejs"
chmod +x "$work/out/bin/pulumi-resource-pulumi-nodejs"

# Move into place. A half-finished or stale destination is replaced; if a concurrent run finished
# first, its result is used.
if [[ -e "$dest" ]] && ! is_complete "$bin_dir"; then
  rm -rf "$dest"
fi
if [[ ! -e "$dest" ]]; then
  mv "$work/out" "$dest" # a rename within one file system
fi
rm -rf "$dest/out" # only there if a concurrent run created $dest just before the move above
is_complete "$bin_dir" || die "could not move the build into $dest."
log "pulumi v$version is ready in $bin_dir."
finish "$bin_dir"
