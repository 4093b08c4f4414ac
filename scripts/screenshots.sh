#!/usr/bin/env bash
# Writes docs/img/report-first-page.png: the first page of the HTML report of the bundled data
# at desktop width, as headless Chromium draws it. Needs the venv (scripts/setup.sh) and Debian's
# chromium (apt-get install chromium fonts-liberation2).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck disable=SC1091
source .venv/bin/activate
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python -m doe_democratie report --out "$work/report" >/dev/null
mkdir -p docs/img
chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
  --disable-extensions --disable-background-networking --user-data-dir="$work/profile" \
  --window-size=1280,1000 --screenshot="$work/page.png" "file://$work/report/index.html" \
  2>/dev/null
# A palette PNG keeps the picture small (well under 300 KB) without visible loss on text.
python - "$work/page.png" docs/img/report-first-page.png <<'PY'
import sys
from PIL import Image
with Image.open(sys.argv[1]) as image:
    image.convert("RGB").quantize(colors=64).save(sys.argv[2], optimize=True)
PY
echo "wrote docs/img/report-first-page.png ($(wc -c < docs/img/report-first-page.png) bytes)"
