#!/usr/bin/env bash
# How the two fonts beside this script were made: DejaVu Sans (Debian's fonts-dejavu-core, 2.37)
# cut down by fontTools to Latin (with Vietnamese), Greek, Cyrillic, Armenian, Arabic and the
# punctuation and symbols the documents use, OpenType layout (Arabic joining, marks) kept.
# The licence (LICENSE, Bitstream Vera) allows modified copies under a name without "Bitstream"
# or "Vera". Run from the project root with the venv: bash bot/documents/fonts/make_fonts.sh
set -euo pipefail
here="$(dirname "$0")"
ranges="U+0020-007E,U+00A0-036F,U+0370-058F,U+0600-06FF,U+0750-077F,U+08A0-08FF,U+1E00-1EFF"
ranges="$ranges,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2190-21FF,U+2212,U+2264,U+2265"
ranges="$ranges,U+25A0-25FF,U+26A0,U+2713-2718,U+FB50-FDFF,U+FE70-FEFF"
for style in "" "-Bold"; do
  .venv/bin/pyftsubset "/usr/share/fonts/truetype/dejavu/DejaVuSans$style.ttf" \
    --unicodes="$ranges" --layout-features='*' --glyph-names --notdef-outline \
    --name-IDs='*' --name-legacy --name-languages='*' \
    --output-file="$here/DejaVuSans$style-LatinArabic.ttf"
done
