#!/usr/bin/env python3
"""Write the Liberation Sans advance-width tables and their test data.

Reads the horizontal advances (``hmtx``, via the font's best ``cmap``) of Liberation Sans Regular
and Bold and writes

* ``src/render/text_metrics.rs`` -- two sorted ``&[(char, u16)]`` tables (font units, 2048 per
  em) that ``src/render/text.rs`` searches, and the fallback advance for characters outside them;
* ``tests/data/fonts/widths.json`` -- widths of chart labels at several sizes, computed here with
  fontTools from the font files themselves (not from the table), which the Rust tests compare
  ``text_width`` with.

Needs fontTools (``pip install fonttools`` in a scratch venv; it is not a project dependency).
Deterministic: re-running rewrites both files byte-identically.

    python tools/fonts/make_metrics.py            # writes both files
    python tools/fonts/make_metrics.py --check    # exits 1 if a file on disk differs
    python tools/fonts/make_metrics.py --font-dir fonts   # read the bundled copies instead

The bundled copies in ``fonts/`` (used by the PNG renderer) are byte-identical to the Debian
``fonts-liberation2`` files; the SHA-256 of the files read is written into the generated header.
"""

import argparse
import hashlib
import json
import os
import sys

from fontTools.ttLib import TTFont

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/liberation2"
RUST_OUT = os.path.join(REPO, "src", "render", "text_metrics.rs")
JSON_OUT = os.path.join(REPO, "tests", "data", "fonts", "widths.json")
FACES = {"regular": "LiberationSans-Regular.ttf", "bold": "LiberationSans-Bold.ttf"}

# Code points the tables cover, where the font has a glyph: ASCII, Latin-1 Supplement, Latin
# Extended-A and -B, combining diacritics (so decomposed text measures right), General
# Punctuation (quotes, dashes, ellipsis, bullet, per mille, thin and narrow spaces) and a few
# symbols that appear in survey labels.
RANGES = [
    (0x0020, 0x007E),
    (0x00A0, 0x024F),
    (0x0300, 0x036F),
    (0x2000, 0x206F),
    (0x20AC, 0x20AC),  # euro sign
    (0x2122, 0x2122),  # trade mark
    (0x2190, 0x2193),  # arrows
    (0x2212, 0x2212),  # minus sign
    (0x2248, 0x2248),  # almost equal
    (0x2260, 0x2260),  # not equal
    (0x2264, 0x2265),  # less/greater than or equal
]
# Renderers (browsers, resvg) draw no soft hyphen inside a line, whatever its glyph's advance.
ZERO_WIDTH = {0x00AD}
# Characters the table must hold; the script fails if the font lacks one.
REQUIRED = "‘’“”–—…•€‰\u00a0" + "".join(chr(c) for c in range(0x20, 0x7F))
# Advance of characters outside the table: the lowercase 'n', the usual "average letter".
FALLBACK_CHAR = "n"

# Labels for the test data: Dutch with accents and typographic punctuation, as in the charts.
SAMPLES = [
    "Initiatiefnemers ondersteunen met tijd en deskundigheid",
    "één",
    "ruimte voor ‘doe-democratie’ – ja",
    "Weet niet / geen antwoord",
    "Gemeenten < 20.000 inwoners (n = 123)",
    "“Burgers nemen zelf het initiatief” — 45,3% … 12‰ • €1.000",
    "Zeer mee eens",
    "Overheidsparticipatie: café, reünie, coöperatie, naïef, ĳsbaan, Ærø",
    "WWWWW iiiii 0123456789",
    "e\u0301e\u0301n (decomposed), soft\u00adhyphen, tab\there",
    "outside the table: \u6570\u636e \u03b1\u03b2",
    "",
]
SIZES = [10.0, 11.5, 12.0, 13.0, 16.0]


def load(font_dir):
    faces = {}
    for face, name in FACES.items():
        path = os.path.join(font_dir, name)
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        font = TTFont(path)
        faces[face] = {
            "font": font,
            "name": name,
            "sha256": digest,
            "version": font["name"].getDebugName(5),
        }
        if font["head"].unitsPerEm != 2048:
            sys.exit(f"{name}: units per em {font['head'].unitsPerEm}, expected 2048")
    return faces


def advance(font, cp):
    """The advance of code point ``cp`` in font units, or None when the font has no glyph."""
    glyph = font.getBestCmap().get(cp)
    if glyph is None:
        return None
    return 0 if cp in ZERO_WIDTH else font["hmtx"][glyph][0]


def table(font):
    rows = []
    for first, last in RANGES:
        for cp in range(first, last + 1):
            width = advance(font, cp)
            if width is not None:
                rows.append((cp, width))
    have = {cp for cp, _ in rows}
    missing = [c for c in REQUIRED if ord(c) not in have]
    if missing:
        sys.exit(f"the font lacks required characters: {missing!r}")
    return rows


def rust_char(cp):
    c = chr(cp)
    if c == "'":
        return "'\\''"
    if c == "\\":
        return "'\\\\'"
    if 0x21 <= cp <= 0x7E:
        return f"'{c}'"
    return f"'\\u{{{cp:04x}}}'"


def rust_table(name, face, rows):
    lines = [
        f"/// Advances of Liberation Sans {face} ({len(rows)} characters), sorted by character.",
        "#[rustfmt::skip]",
        f"pub(crate) const {name}: &[(char, u16)] = &[",
    ]
    for i in range(0, len(rows), 8):
        chunk = rows[i : i + 8]
        lines.append("    " + " ".join(f"({rust_char(cp)}, {w})," for cp, w in chunk))
    lines.append("];")
    return lines


def render_rust(faces, font_dir):
    reg, bold = faces["regular"], faces["bold"]
    out = [
        "//! Advance widths of Liberation Sans Regular and Bold, in font units (2048 per em).",
        "//!",
        "//! Generated by `tools/fonts/make_metrics.py`; do not edit. Read from:",
    ]
    for f in (reg, bold):
        out.append(f"//! - `{f['name']}` ({f['version']}), SHA-256 `{f['sha256']}`")
    out += [
        "",
        "/// Font units per em of both faces.",
        "pub(crate) const UNITS_PER_EM: u16 = 2048;",
        "",
        f"/// Advance of characters outside [`REGULAR`]: the regular '{FALLBACK_CHAR}'.",
        f"pub(crate) const REGULAR_FALLBACK: u16 = {advance(reg['font'], ord(FALLBACK_CHAR))};",
        "",
        f"/// Advance of characters outside [`BOLD`]: the bold '{FALLBACK_CHAR}'.",
        f"pub(crate) const BOLD_FALLBACK: u16 = {advance(bold['font'], ord(FALLBACK_CHAR))};",
        "",
    ]
    out += rust_table("REGULAR", "Regular", table(reg["font"]))
    out.append("")
    out += rust_table("BOLD", "Bold", table(bold["font"]))
    return "\n".join(out) + "\n"


def font_width(font, text, size):
    """Width of ``text`` at ``size`` px straight from the font: sum of advances, no kerning.

    Characters outside the covered ranges (or without a glyph) and control characters follow the
    same documented rules as the Rust code (fallback advance, zero), so the test data also pins
    those rules down."""
    units = 0
    fallback = advance(font, ord(FALLBACK_CHAR))
    for c in text:
        if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0:
            continue
        covered = any(first <= ord(c) <= last for first, last in RANGES)
        width = advance(font, ord(c)) if covered else None
        units += fallback if width is None else width
    return units * size / font["head"].unitsPerEm


def render_json(faces):
    cases = []
    for text in SAMPLES:
        for face in ("regular", "bold"):
            for size in SIZES:
                width = font_width(faces[face]["font"], text, size)
                cases.append({"text": text, "bold": face == "bold", "size": size, "width": width})
    doc = {
        "about": "Widths in px of labels in Liberation Sans (sum of hmtx advances, no kerning), "
        "computed with fontTools by tools/fonts/make_metrics.py",
        "fonts": {face: f["version"] for face, f in faces.items()},
        "cases": cases,
    }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--font-dir", default=DEFAULT_FONT_DIR)
    args = parser.parse_args()
    faces = load(args.font_dir)
    outputs = {RUST_OUT: render_rust(faces, args.font_dir), JSON_OUT: render_json(faces)}
    stale = []
    for path, text in outputs.items():
        if args.check:
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        stale.append(path)
            except FileNotFoundError:
                stale.append(path)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
    if stale:
        print("out of date: " + ", ".join(os.path.relpath(p, REPO) for p in stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
