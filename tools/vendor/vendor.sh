#!/usr/bin/env bash
# Refresh the third-party browser files in src/tva_flow/web/static/vendor/ from npm, at the exact versions
# pinned in tools/vendor/package.json and package-lock.json (`npm ci`: the lock file's integrity hashes).
#
# Only the files the pages load are copied (dist bundles, their css and fonts), each with its package's
# licence, keeping their paths under the package's dist/ so the css's relative urls still resolve.
# MANIFEST.txt names the package, version, source file and sha256 of every copied file. The copies are
# committed, so `make run` needs no Node; run this (`make vendor`) only to change a version.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/src/tva_flow/web/static/vendor"

command -v npm >/dev/null || { echo "make vendor needs Node.js and npm (e.g. apt-get install nodejs npm)" >&2; exit 1; }
(cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

# package  file (relative to the package's folder in node_modules)
FILES="
bpmn-js   LICENSE
bpmn-js   dist/bpmn-navigated-viewer.production.min.js
bpmn-js   dist/assets/diagram-js.css
bpmn-js   dist/assets/bpmn-js.css
dmn-js    LICENSE
dmn-js    dist/dmn-viewer.production.min.js
dmn-js    dist/assets/diagram-js.css
dmn-js    dist/assets/dmn-js-shared.css
dmn-js    dist/assets/dmn-js-drd.css
dmn-js    dist/assets/dmn-js-decision-table.css
dmn-js    dist/assets/dmn-js-literal-expression.css
dmn-js    dist/assets/dmn-js-boxed-expression.css
dmn-js    dist/assets/dmn-font/css/dmn.css
dmn-js    dist/assets/dmn-font/font/dmn.eot
dmn-js    dist/assets/dmn-font/font/dmn.svg
dmn-js    dist/assets/dmn-font/font/dmn.ttf
dmn-js    dist/assets/dmn-font/font/dmn.woff
dmn-js    dist/assets/dmn-font/font/dmn.woff2
axe-core  LICENSE
axe-core  LICENSE-3RD-PARTY.txt
axe-core  axe.min.js
"

rm -rf "$out"
mkdir -p "$out"
manifest="$out/MANIFEST.txt"
{
  echo "# Third-party browser files, copied by tools/vendor/vendor.sh (make vendor) from npm; do not edit."
  echo "# package version source-file (in the npm package) sha256 (of the copy under this folder)"
} > "$manifest"
echo "$FILES" | while read -r package file; do
  [ -n "$package" ] || continue
  src="$here/node_modules/$package/$file"
  [ -f "$src" ] || { echo "missing $src: did the package's layout change?" >&2; exit 1; }
  version=$(node -p "require('$here/node_modules/$package/package.json').version")
  dest="$out/$package/${file#dist/}"
  mkdir -p "$(dirname "$dest")"
  cp "$src" "$dest"
  echo "$package $version $file $(sha256sum "$dest" | cut -d' ' -f1)" >> "$manifest"
done
echo "vendored into ${out#"$root"/}:"
grep -v '^#' "$manifest" | awk '{print "  " $1 "@" $2 " " $3}'
