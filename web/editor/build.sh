#!/bin/sh
# Builds crates/cohort-web/assets/editor.js (CodeMirror 6, one minified IIFE bundle that sets
# window.CohortEditor) and editor.LICENSES.txt beside it, from the versions pinned in
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

./node_modules/.bin/esbuild src/editor.js \
  --bundle \
  --format=iife \
  --platform=browser \
  --target=es2020 \
  --minify \
  --legal-comments=none \
  --charset=ascii \
  --metafile="$meta" \
  --log-level=warning \
  --outfile="$assets/editor.js"

node scripts/licenses.mjs "$meta" "$assets/editor.LICENSES.txt"

printf 'built %s: %s bytes, %s gzipped\n' "$assets/editor.js" \
  "$(wc -c < "$assets/editor.js" | tr -d ' ')" \
  "$(gzip -9 -n -c "$assets/editor.js" | wc -c | tr -d ' ')"
