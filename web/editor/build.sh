#!/bin/sh
# Builds crates/cohort-web/assets/editor.js (CodeMirror 6, one minified IIFE bundle that sets
# window.CohortEditor), pad.js (the live coding pad: CodeMirror 6 with Yjs and y-websocket, which
# sets window.CohortPad) and editor.LICENSES.txt beside them (covering both), from the versions pinned in
# package-lock.json. Both outputs are committed: building the Rust crate needs no Node.
#
#   web/editor/build.sh          (needs node >= 20 and npm; reaches only the npm registry)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
assets=$(cd "$here/../../crates/cohort-web/assets" && pwd)
cd "$here"

# Exact versions from the lockfile. No install scripts: esbuild's binary comes from its
# per-platform optional package, which needs none.
npm ci --ignore-scripts --no-audit --no-fund

meta=$(mktemp)
trap 'rm -f "$meta"' EXIT

./node_modules/.bin/esbuild src/editor.js src/pad.js \
  --bundle \
  --format=iife \
  --platform=browser \
  --target=es2020 \
  --minify \
  --legal-comments=none \
  --charset=ascii \
  --metafile="$meta" \
  --log-level=warning \
  --outdir="$assets"

node scripts/licenses.mjs "$meta" "$assets/editor.LICENSES.txt"

for bundle in editor pad; do
  printf 'built %s: %s bytes, %s gzipped\n' "$assets/$bundle.js" \
    "$(wc -c < "$assets/$bundle.js" | tr -d ' ')" \
    "$(gzip -9 -n -c "$assets/$bundle.js" | wc -c | tr -d ' ')"
done
