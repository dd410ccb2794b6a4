#!/usr/bin/env bash
# Renders the icon's PNG sizes from its SVG (committed; run after changing the SVG).
# Needs rsvg-convert (apt-get install librsvg2-bin): a maintainer's tool, not a build dependency.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
for size in 16 24 32 48 64 128 256 512; do
    rsvg-convert -w "$size" -h "$size" io.github.cape.Cape.svg -o "io.github.cape.Cape-$size.png"
done
